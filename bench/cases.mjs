// The benchmark case list, shared by the page (bench/page.mjs) for tessera and TF.js alike: both
// libraries have the same API, so each case is written once against `lib`. To add a case (conv2d,
// attention, layerNorm, a training step), append an entry: `setup(lib)` makes the inputs once,
// `run(lib, inputs)` returns the output tensor of one iteration, and `flops` or `bytes` gives the
// work of one iteration for the GFLOP/s or GB/s column.

const matMul = (m, k, n) => ({
  name: `matMul ${m}x${k} @ ${k}x${n}`,
  flops: 2 * m * k * n,
  setup: (lib) => [lib.randomNormal([m, k], 0, 1, 'float32', 1), lib.randomNormal([k, n], 0, 1, 'float32', 2)],
  run: (lib, [a, b]) => lib.matMul(a, b),
});

export const benchCases = [
  matMul(256, 256, 256),
  matMul(512, 512, 512),
  matMul(1024, 1024, 1024),
  matMul(1024, 256, 2048),
  {
    name: 'add 4M',
    bytes: 3 * 4 * 4 * 1024 * 1024,
    setup: (lib) => [lib.randomNormal([4 * 1024 * 1024], 0, 1, 'float32', 3), lib.randomNormal([4 * 1024 * 1024], 0, 1, 'float32', 4)],
    run: (lib, [a, b]) => lib.add(a, b),
  },
  {
    name: 'softmax [512,4096]',
    bytes: 2 * 4 * 512 * 4096,
    setup: (lib) => [lib.randomNormal([512, 4096], 0, 1, 'float32', 5)],
    run: (lib, [x]) => lib.softmax(x),
  },
];

/**
 * Wait for `out` and dispose it, the same way for both libraries: small outputs are read
 * whole; big ones through a one-element slice (the readback then waits for the whole kernel
 * but copies 4 bytes, so the timing is the kernel, not the transfer).
 */
export async function syncAndDispose(lib, out) {
  if (out.size <= 4096) {
    await out.data();
  } else {
    const rank = out.shape.length;
    const corner = lib.slice(out, new Array(rank).fill(0), new Array(rank).fill(1));
    await corner.data();
    corner.dispose();
  }
  out.dispose();
}
