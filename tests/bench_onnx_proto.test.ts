// The benchmark's hand-written ONNX encoder (bench/onnx_proto.mjs) and the peer graphs built with
// it (bench/peer_cases.mjs): onnxruntime-web (node build, wasm EP) must load the bytes and compute
// values worked out by hand or with plain loops here, so a wrong field number, attribute or pad
// order fails instead of silently timing a different op.
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-web';
// @ts-expect-error plain .mjs bench module without types
import { initializer, model, node } from '../bench/onnx_proto.mjs';
// @ts-expect-error plain .mjs bench module without types
import { peerCases } from '../bench/peer_cases.mjs';

ort.env.wasm.numThreads = 1;

async function run(bytes: Uint8Array, feeds: Record<string, [Float32Array, number[]]>) {
  const session = await ort.InferenceSession.create(bytes);
  const tensors = Object.fromEntries(Object.entries(feeds).map(([k, [d, s]]) => [k, new ort.Tensor('float32', d, s)]));
  const out = await session.run(tensors);
  await session.release();
  return out;
}

/** Deterministic values in [-0.5, 0.5) (a linear congruential sequence). */
function values(n: number, seed: number) {
  const out = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    out[i] = s / 2147483648 - 0.5;
  }
  return out;
}

describe('bench ONNX encoder', () => {
  it('MatMul plus a corner Slice with int64 initializers gives the hand-worked products', async () => {
    // [[1,2,3],[4,5,6]] @ [[1,0],[0,1],[1,1]] = [[4,5],[10,11]]
    const bytes = model({
      inputs: [['a', [2, 3]], ['b', [3, 2]]],
      outputs: [['y', [2, 2]], ['corner', [1, 1]]],
      nodes: [node('MatMul', ['a', 'b'], ['y']), node('Slice', ['y', 'starts', 'ends'], ['corner'])],
      initializers: [initializer('starts', [2], [0, 0]), initializer('ends', [2], [1, 1])],
    });
    const out = await run(bytes, { a: [Float32Array.of(1, 2, 3, 4, 5, 6), [2, 3]], b: [Float32Array.of(1, 0, 0, 1, 1, 1), [3, 2]] });
    expect(Array.from(out.y.data as Float32Array)).toEqual([4, 5, 10, 11]);
    expect(Array.from(out.corner.data as Float32Array)).toEqual([4]);
    expect(out.corner.dims).toEqual([1, 1]);
  });

  it('float attributes and float initializers: Mul by a scalar initializer then Softmax(axis=-1)', async () => {
    // softmax([0, ln 3] * 1) = [1/4, 3/4]; x * 0.5 with the scale as an initializer.
    const bytes = model({
      inputs: [['x', [1, 2]]],
      outputs: [['y', [1, 2]]],
      nodes: [node('Mul', ['x', 'half'], ['h']), node('Softmax', ['h'], ['y'], { axis: -1 })],
      initializers: [initializer('half', [], Float32Array.of(0.5))],
    });
    const out = await run(bytes, { x: [Float32Array.of(0, 2 * Math.log(3)), [1, 2]] });
    const y = out.y.data as Float32Array;
    expect(y[0]).toBeCloseTo(0.25, 6);
    expect(y[1]).toBeCloseTo(0.75, 6);
  });

  it('the conv2d peer graph (NCHW, same padding) matches a direct loop', async () => {
    const spec = peerCases.get('conv2d [1,28,28,32] * [3,3,32,96] same');
    const g = spec.onnx(['x0', 'x1']);
    const bytes = model({ inputs: [['x0', spec.inputs[0]], ['x1', spec.inputs[1]]], outputs: [g.output], nodes: g.nodes });
    const x = values(32 * 28 * 28, 7);
    const w = values(96 * 32 * 9, 8);
    const y = (await run(bytes, { x0: [x, spec.inputs[0]], x1: [w, spec.inputs[1]] })).y.data as Float32Array;
    for (const [o, h, c] of [[0, 0, 0], [4, 0, 7], [95, 27, 27], [50, 13, 1]]) {
      let e = 0;
      for (let ci = 0; ci < 32; ci++) {
        for (let i = 0; i < 3; i++) {
          for (let j = 0; j < 3; j++) {
            const hh = h + i - 1;
            const ww = c + j - 1;
            if (hh >= 0 && ww >= 0 && hh < 28 && ww < 28) e += x[ci * 784 + hh * 28 + ww] * w[((o * 32 + ci) * 3 + i) * 3 + j];
          }
        }
      }
      expect(y[o * 784 + h * 28 + c]).toBeCloseTo(e, 4);
    }
  });

  it('the attention peer graph is causal softmax(q k^T / 8) v', async () => {
    const spec = peerCases.get('attention b1 h8 s256 d64 causal');
    const g = spec.onnx(['x0', 'x1', 'x2']);
    const shape = spec.inputs[0];
    const bytes = model({ inputs: [0, 1, 2].map((i) => [`x${i}`, shape]), outputs: [g.output], nodes: g.nodes, initializers: g.initializers });
    const [q, k, v] = [7, 8, 9].map((s) => values(8 * 256 * 64, s));
    const y = (await run(bytes, { x0: [q, shape], x1: [k, shape], x2: [v, shape] })).y.data as Float32Array;
    const D = 64;
    for (const [head, r, c] of [[0, 0, 0], [1, 2, 3], [7, 255, 63]]) {
      const base = head * 256 * D;
      const scores: number[] = [];
      for (let j = 0; j <= r; j++) {
        let d = 0;
        for (let t = 0; t < D; t++) d += q[base + r * D + t] * k[base + j * D + t];
        scores.push(d / 8);
      }
      const m = Math.max(...scores);
      const e = scores.map((s) => Math.exp(s - m));
      const z = e.reduce((a, b) => a + b, 0);
      let want = 0;
      for (let j = 0; j <= r; j++) want += (e[j] / z) * v[base + j * D + c];
      expect(y[base + r * D + c]).toBeCloseTo(want, 5);
    }
  });
});
