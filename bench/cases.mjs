// The benchmark case list, shared by the page (bench/page.mjs) for tessera and TF.js alike: both
// libraries have the same API, so most cases are written once against `lib`.
//
// A case is {name, flops?, bytes?, setup(lib), run(lib, inputs)}: `setup` makes the inputs once,
// `run` returns the output tensor of one iteration (the page waits for it and disposes it), and
// `flops` or `bytes` gives the work of one iteration for the GFLOP/s or GB/s column. Optional:
// - `tfjs: {setup?, run?}` replaces setup/run for TF.js where it needs another composition
//   (e.g. attention, which TF.js has no single op for);
// - `step(lib, state)` (async) instead of `run`: one awaited training step that syncs by
//   itself; `teardown(state)` then frees what setup made (default: dispose an array of tensors);
// - `iterations`: minimum iterations for slow cases.
// For TF.js `lib` is tfjs-core plus tfjs-layers' `layers`, `sequential`, `input` and `model` (see bench/page.mjs).
import { trainingCases } from './training_cases.mjs';

const matMul = (m, k, n) => ({
  name: `matMul ${m}x${k} @ ${k}x${n}`,
  flops: 2 * m * k * n,
  setup: (lib) => [lib.randomNormal([m, k], 0, 1, 'float32', 1), lib.randomNormal([k, n], 0, 1, 'float32', 2)],
  run: (lib, [a, b]) => lib.matMul(a, b),
});

const ATT = { batch: 1, heads: 8, seq: 256, dim: 64 };

export const benchCases = [
  matMul(256, 256, 256),
  matMul(512, 512, 512),
  matMul(1024, 1024, 1024),
  matMul(1024, 256, 2048),
  matMul(197, 768, 3072),
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
  {
    name: 'conv2d [1,56,56,64] * [3,3,64,64] same',
    flops: 2 * 56 * 56 * 64 * 3 * 3 * 64,
    setup: (lib) => [lib.randomNormal([1, 56, 56, 64], 0, 1, 'float32', 6), lib.randomNormal([3, 3, 64, 64], 0, 0.1, 'float32', 7)],
    run: (lib, [x, f]) => lib.conv2d(x, f, 1, 'same'),
  },
  {
    name: 'conv2d [1,28,28,32] * [3,3,32,96] same',
    flops: 2 * 28 * 28 * 96 * 3 * 3 * 32,
    setup: (lib) => [lib.randomNormal([1, 28, 28, 32], 0, 1, 'float32', 16), lib.randomNormal([3, 3, 32, 96], 0, 0.1, 'float32', 17)],
    run: (lib, [x, f]) => lib.conv2d(x, f, 1, 'same'),
  },
  {
    name: 'depthwiseConv2d [1,112,112,32] 3x3 same',
    flops: 2 * 112 * 112 * 32 * 3 * 3,
    setup: (lib) => [lib.randomNormal([1, 112, 112, 32], 0, 1, 'float32', 8), lib.randomNormal([3, 3, 32, 1], 0, 0.1, 'float32', 9)],
    run: (lib, [x, f]) => lib.depthwiseConv2d(x, f, 1, 'same'),
  },
  {
    name: `attention b${ATT.batch} h${ATT.heads} s${ATT.seq} d${ATT.dim} causal`,
    // QK^T and PV, counted in full (the causal half is not subtracted).
    flops: 2 * 2 * ATT.batch * ATT.heads * ATT.seq * ATT.seq * ATT.dim,
    setup: (lib) => {
      const shape = [ATT.batch, ATT.heads, ATT.seq, ATT.dim];
      return [10, 11, 12].map((seed) => lib.randomNormal(shape, 0, 1, 'float32', seed));
    },
    run: (lib, [q, k, v]) => lib.attention(q, k, v, { causal: true }),
    tfjs: {
      // TF.js composition: softmax(q k^T * scale + causal mask) v, the mask made once here.
      setup: (tf) => {
        const shape = [ATT.batch, ATT.heads, ATT.seq, ATT.dim];
        const [q, k, v] = [10, 11, 12].map((seed) => tf.randomNormal(shape, 0, 1, 'float32', seed));
        const mask = tf.tidy(() => {
          const keep = tf.linalg.bandPart(tf.ones([ATT.seq, ATT.seq]), -1, 0);
          return tf.mul(tf.sub(1, keep), -1e9);
        });
        return [q, k, v, mask];
      },
      run: (tf, [q, k, v, mask]) => tf.tidy(() => {
        const scores = tf.add(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(ATT.dim)), mask);
        return tf.matMul(tf.softmax(scores), v);
      }),
    },
  },
  {
    name: 'layerNorm [512,768]',
    bytes: 2 * 4 * 512 * 768,
    setup: (lib) => [lib.randomNormal([512, 768], 0, 1, 'float32', 13), lib.randomNormal([768], 1, 0.1, 'float32', 14), lib.randomNormal([768], 0, 0.1, 'float32', 15)],
    run: (lib, [x, gamma, beta]) => lib.layerNorm(x, gamma, beta, 1e-5),
    tfjs: {
      run: (tf, [x, gamma, beta]) => tf.tidy(() => {
        const { mean, variance } = tf.moments(x, -1, true);
        return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, 1e-5))), gamma), beta);
      }),
    },
  },
  ...trainingCases,
];

/**
 * Three tiny cases for a smoke run of the page (`bench/index.html?quick=1`, the browser test):
 * seconds, not minutes, even on WebGPU-on-SwiftShader.
 */
export const quickCases = [
  matMul(64, 64, 64),
  {
    name: 'add 64K',
    bytes: 3 * 4 * 64 * 1024,
    setup: (lib) => [lib.randomNormal([64 * 1024], 0, 1, 'float32', 3), lib.randomNormal([64 * 1024], 0, 1, 'float32', 4)],
    run: (lib, [a, b]) => lib.add(a, b),
  },
  {
    name: 'softmax [64,256]',
    bytes: 2 * 4 * 64 * 256,
    setup: (lib) => [lib.randomNormal([64, 256], 0, 1, 'float32', 5)],
    run: (lib, [x]) => lib.softmax(x),
  },
];

/** The case as one library sees it: TF.js overrides applied when `isTfjs`. */
export function caseFor(c, isTfjs) {
  return isTfjs && c.tfjs ? { ...c, ...c.tfjs } : c;
}

/** Free what a case's setup made. */
export function teardown(c, state) {
  if (!state) return;
  if (c.teardown) c.teardown(state);
  else for (const t of state) t.dispose();
}

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
