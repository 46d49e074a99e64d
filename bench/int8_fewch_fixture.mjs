// The inputs of one few-channel conv case in a kernel module's memory, shared by the pages of
// bench/int8_fewch_ab.mjs and bench/int8_fewch_profile.mjs (imported in the page from /bench/):
// float32 input and filter (sin / cos), int8 weights (a fixed byte pattern), the conv params block,
// per-channel scales 0.01, the output and the u8 weight-sum buffer, with the sizes the kernels take.
export function fewchInputs(m, [B, H, W, C, f, N, pad]) {
  const outH = H + 2 * pad - f + 1, outW = W + 2 * pad - f + 1, rb = (c) => ((c + 3) >> 2) << 2;
  const inPixels = B * H * W, pixels = B * outH * outW, taps = f * f;
  const xf = m.alloc(inPixels * C * 4), xq = m.alloc(inPixels * rb(C)), wq = m.alloc(N * taps * rb(C)), wf = m.alloc(taps * C * N * 4);
  new Float32Array(m.memory.buffer, xf, inPixels * C).forEach((_, i, a) => (a[i] = Math.sin(i)));
  new Float32Array(m.memory.buffer, wf, taps * C * N).forEach((_, i, a) => (a[i] = Math.cos(i)));
  new Uint8Array(m.memory.buffer, wq, N * taps * rb(C)).forEach((_, i, a) => (a[i] = (i * 37) & 0xff));
  const params = m.alloc(64);
  new Int32Array(m.memory.buffer, params, 15).set([B, H, W, C, outH, outW, N, f, f, 1, 1, 1, 1, pad, pad]);
  const scales = m.alloc(N * 4);
  new Float32Array(m.memory.buffer, scales, N).fill(0.01);
  const o = m.alloc(pixels * N * 4);
  const runGroups = Math.ceil((f * C) / 4), nPad = Math.ceil(N / 8) * 8, nP4 = Math.ceil(N / 4) * 4, units = Math.ceil(pixels / 4);
  const wsum = m.alloc(nPad * 4);
  return { outH, outW, inPixels, pixels, taps, xf, xq, wq, wf, params, scales, o, runGroups, nPad, nP4, units, wsum };
}
