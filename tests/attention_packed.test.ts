/**
 * The `attention` kernel with packed heads (attr `heads` > 0: q, k, v, out [batch, seq, heads,
 * headDim], lse [bh, seqQ]) on js and wasm: out and lse against the split -> attention (heads 0) ->
 * merge path on the js backend, over ragged shapes (headDim 1, 5, 7, 128, seqQ above and below
 * seqK, causal rows that see no key); attentionPackedHeads' forward as one packed kernel call with
 * no head copies, against that composition and against @tensorflow/tfjs-backend-cpu composed ops
 * (matMul, softmax) (on wasm the packed form runs the js loop over the arena, as attentionGrad does
 * there, against the split path's SIMD kernel); the kernel's error for packed heads that do not fit.
 */
import { afterAll, describe, expect, it } from 'vitest';
import * as tfc from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as ts from '../src/index.js';
import { ENGINE } from '../src/engine.js';
import { attentionPackedHeads } from '../src/ops/attention.js';
import { seededValues } from './helpers/gradcheck.js';
import { expectClose } from './helpers/close.js';

/** [batch, heads, seqQ, seqK, headDim, causal] */
const CASES: Array<[number, number, number, number, number, boolean]> = [
  [2, 3, 5, 4, 7, false],
  [2, 3, 5, 4, 7, true], // seqQ > seqK: row 0 sees no key
  [1, 2, 3, 6, 5, true],
  [1, 1, 1, 1, 1, false],
  [3, 2, 9, 9, 8, true],
  [2, 4, 17, 17, 16, false],
  [1, 2, 4, 3, 128, false],
  [1, 3, 6, 9, 128, true],
];
const label = (c: (typeof CASES)[number]) => `[${c.slice(0, 5)}]${c[5] ? ' causal' : ''}`;

/** -Infinity (an lse row with no visible key) as a finite sentinel, so that the closeness check can compare it. */
const fin = (a: number[]) => a.map((x) => (x === -Infinity ? -12345 : x));

const inputs = (c: (typeof CASES)[number], shape: (seq: number) => number[]) => {
  const [b, h, sq, sk, d] = c;
  return [
    ts.tensor(seededValues(b * sq * h * d, 31, -2, 2), shape(sq)),
    ts.tensor(seededValues(b * sk * h * d, 32, -2, 2), shape(sk)),
    ts.tensor(seededValues(b * sk * h * d, 33), shape(sk)),
  ];
};

/** out (packed layout) and lse of the attention kernel: packed (attr heads) or over head-split copies. */
async function kernelRun(backend: 'js' | 'wasm', c: (typeof CASES)[number], packed: boolean): Promise<{ out: number[]; lse: number[] }> {
  expect(await ts.setBackend(backend)).toBe(true);
  const [b, h, sq, sk, d, causal] = c;
  const [q, k, v] = inputs(c, (seq) => [b, seq, h, d]);
  const ins = packed ? [q, k, v] : [q, k, v].map((t) => ts.transpose(t, [0, 2, 1, 3]));
  const out = ENGINE.makeOutput(packed ? [b, sq, h, d] : [b, h, sq, d], 'float32');
  const lse = ENGINE.makeOutput([b, h, sq], 'float32');
  const attrs = { bh: b * h, seqQ: sq, seqK: sk, headDim: d, scale: 1 / Math.sqrt(d), causal, hasMask: false };
  ENGINE.runKernel('attention', ins, [out, lse], packed ? { ...attrs, heads: h } : attrs);
  const o = packed ? out : ts.transpose(out, [0, 2, 1, 3]);
  const r = { out: Array.from(await o.data()), lse: Array.from(await lse.data()) };
  ts.dispose([q, k, v, ...ins, out, o, lse]);
  return r;
}

/** attentionPackedHeads' forward (not taped) and the kernels it ran. */
async function opRun(backend: 'js' | 'wasm', fused: boolean, c: (typeof CASES)[number]): Promise<{ y: number[]; kernels: string[] }> {
  expect(await ts.setBackend(backend)).toBe(true);
  ts.env().set('ATTENTION_FUSED_GRAD', fused);
  const [b, h, , , d, causal] = c;
  const [q, k, v] = inputs(c, (seq) => [b, seq, h * d]);
  const kb = ts.backend() as any, run = kb.run;
  const kernels: string[] = [];
  kb.run = (name: string, ...rest: unknown[]) => (kernels.push(name), run.call(kb, name, ...rest));
  let y: ts.Tensor;
  try {
    y = ts.tidy(() => attentionPackedHeads(q, k, v, h, { causal }));
  } finally {
    kb.run = run;
  }
  const r = { y: Array.from(await y.data()), kernels };
  ts.dispose([q, k, v, y]);
  return r;
}

/** The same attention composed from tfjs-core ops on its cpu backend: split heads, softmax(scale q k^T + causal mask) v, merge. */
async function tfjsRun(c: (typeof CASES)[number]): Promise<number[]> {
  await tfc.setBackend('cpu');
  const [b, h, sq, sk, d, causal] = c;
  const y = tfc.tidy(() => {
    const split = (seed: number, seq: number, lo = -1, hi = 1) =>
      tfc.transpose(tfc.tensor(seededValues(b * seq * h * d, seed, lo, hi), [b, seq, h, d]), [0, 2, 1, 3]);
    const [q, k, v] = [split(31, sq, -2, 2), split(32, sk, -2, 2), split(33, sk)];
    let s = tfc.mul(tfc.matMul(tfc.reshape(q, [b * h, sq, d]), tfc.reshape(k, [b * h, sk, d]), false, true), 1 / Math.sqrt(d));
    if (causal) {
      const m = Array.from({ length: sq * sk }, (_, i) => ((i % sk) > Math.floor(i / sk) + sk - sq ? -1e9 : 0));
      s = tfc.add(s, tfc.tensor(m, [sq, sk]));
    }
    const o = tfc.reshape(tfc.matMul(tfc.softmax(s), tfc.reshape(v, [b * h, sk, d])), [b, h, sq, d]);
    return tfc.reshape(tfc.transpose(o, [0, 2, 1, 3]), [b, sq, h * d]);
  });
  const r = Array.from(await y.data());
  y.dispose();
  return r;
}

afterAll(() => {
  ts.env().set('ATTENTION_FUSED_GRAD', 'webgpu');
});

for (const backend of ['js', 'wasm'] as const) {
  describe(`attention kernel with packed heads (${backend})`, () => {
    for (const c of CASES) {
      it(`${label(c)}: out and lse of the split -> attention -> merge path on js`, async () => {
        const want = await kernelRun('js', c, false);
        const got = await kernelRun(backend, c, true);
        expectClose(got.out, want.out, backend === 'js' ? 1e-7 : 2e-5, `out of ${label(c)}`);
        expectClose(fin(got.lse), fin(want.lse), backend === 'js' ? 1e-7 : 2e-5, `lse of ${label(c)}`);
        expect(want.out.some((x) => x !== 0)).toBe(true);
      });
    }
    it('packed heads that do not fit: a clear error', async () => {
      expect(await ts.setBackend(backend)).toBe(true);
      const t = (n: number) => ts.zeros([n], 'float32');
      const [q, k, out, lse] = [t(3 * 2 * 4), t(3 * 5 * 4), t(3 * 2 * 4), t(3 * 2)];
      const attrs = { bh: 3, seqQ: 2, seqK: 5, headDim: 4, scale: 0.5, causal: false, hasMask: false };
      expect(() => ENGINE.runKernel('attention', [q, k, k], [out, lse], { ...attrs, heads: 2 }))
        .toThrow(new RegExp(`^${backend} attention: heads 2 needs bh 3 % heads = 0`));
      expect(() => ENGINE.runKernel('attention', [q, k, k], [out, lse], { ...attrs, heads: 3, kvStride: 6 }))
        .toThrow(/attention: heads 3 needs .*kvStride 6 = seqK 5/);
      ts.dispose([q, k, out, lse]);
    });
  });

  describe(`attentionPackedHeads forward (${backend})`, () => {
    for (const c of CASES) {
      it(`${label(c)}: one packed kernel call, the values of the head-split composition${c[5] && c[2] > c[3] ? '' : ' and of tfjs-core'}`, async () => {
        const want = await opRun('js', false, c);
        const got = await opRun(backend, true, c);
        expect(want.kernels.filter((k) => k === 'copyStrided')).toHaveLength(4); // 3 head splits, 1 merge
        expect(got.kernels).toEqual(['attention']);
        expectClose(got.y, want.y, 2e-5, `y of ${label(c)}`);
        // (tfjs' softmax of a row with no visible key is not the kernel's zeros)
        if (!(c[5] && c[2] > c[3])) expectClose(got.y, await tfjsRun(c), 2e-5, `y of ${label(c)} vs tfjs`);
      });
    }
    it('the flag off: the head-split path', async () => {
      expect((await opRun(backend, false, [1, 2, 3, 3, 4, false])).kernels.filter((k) => k === 'copyStrided')).toHaveLength(4);
    });
  });
}
