/**
 * The attentionGrad kernel (the gradient of unmasked attention in one kernel call, src/ops/attention.ts)
 * on js and wasm against the composed gradient on the js backend (matMuls and elementwise ops, the
 * independent reference), over ragged shapes, causal with seqQ above and below seqK, headDim 1 and
 * 128; a longer headDim, a mask or ATTENTION_FUSED_GRAD off keep the composed gradient. And
 * attentionPackedHeads (heads packed in the last axis, as MultiHeadAttention uses it), whose fused
 * gradient reads and writes that layout: the same values and gradients as the split / attention /
 * merge composition, with no head copies in either pass.
 */
import { afterAll, describe, expect, it } from 'vitest';
import * as ts from '../src/index.js';
import { seededValues } from './helpers/gradcheck.js';
import { attentionPackedHeads } from '../src/ops/attention.js';

/** [batch, heads, seqQ, seqK, headDim, causal] */
export const GRAD_CASES: Array<[number, number, number, number, number, boolean]> = [
  [2, 3, 5, 4, 7, false],
  [2, 3, 5, 4, 7, true],
  [1, 2, 3, 6, 5, true],
  [1, 1, 1, 1, 1, false],
  [3, 1, 9, 9, 1, true],
  [1, 2, 4, 3, 128, false],
];

interface Run { grads: number[][]; kernels: string[] }

async function grads(backend: 'js' | 'wasm', fused: boolean, c: (typeof GRAD_CASES)[number], mask = false): Promise<Run> {
  expect(await ts.setBackend(backend)).toBe(true);
  ts.env().set('ATTENTION_FUSED_GRAD', fused);
  const [b, h, sq, sk, d, causal] = c;
  const q = ts.tensor(seededValues(b * h * sq * d, 11, -2, 2), [b, h, sq, d]);
  const k = ts.tensor(seededValues(b * h * sk * d, 12, -2, 2), [b, h, sk, d]);
  const v = ts.tensor(seededValues(b * h * sk * d, 13), [b, h, sk, d]);
  const w = ts.tensor(seededValues(b * h * sq * d, 14), [b, h, sq, d]);
  const m = mask ? ts.tensor(seededValues(sq * sk, 15), [sq, sk]).greater(-0.8) : null;
  const kb = ts.backend() as any, run = kb.run;
  const kernels: string[] = [];
  kb.run = (name: string, ...rest: unknown[]) => (kernels.push(name), run.call(kb, name, ...rest));
  let gs: ts.Tensor[];
  try {
    gs = ts.grads((a: ts.Tensor, bb: ts.Tensor, cc: ts.Tensor) => ts.sum(ts.mul(ts.attention(a, bb, cc, { causal, mask: m }), w)))([q, k, v]);
  } finally {
    kb.run = run;
  }
  const out = { grads: await Promise.all(gs.map(async (g) => Array.from(await g.data()))), kernels };
  ts.dispose([q, k, v, w, ...gs, ...(m ? [m] : [])]);
  return out;
}

function expectClose(got: number[], want: number[], what: string): void {
  expect(got.length, what).toBe(want.length);
  want.forEach((x, i) => {
    if (!(Math.abs(got[i] - x) <= 2e-5 * Math.max(1, Math.abs(x)))) expect.fail(`${what}[${i}]: ${got[i]} vs ${x}`);
  });
}

afterAll(() => {
  ts.env().set('ATTENTION_FUSED_GRAD', 'webgpu');
});

for (const backend of ['js', 'wasm'] as const) {
  describe(`attentionGrad (${backend})`, () => {
    for (const c of GRAD_CASES) {
      it(`[${c.slice(0, 5)}]${c[5] ? ' causal' : ''}: matches the composed gradient`, async () => {
        const want = await grads('js', false, c);
        const got = await grads(backend, true, c);
        expect(want.kernels).not.toContain('attentionGrad');
        expect(got.kernels.filter((k) => k === 'attentionGrad')).toHaveLength(1);
        expect(got.kernels).not.toContain('matMul');
        ['dq', 'dk', 'dv'].forEach((n, i) => expectClose(got.grads[i], want.grads[i], `${n} of [${c}]`));
        expect(want.grads.flat().some((x) => x !== 0)).toBe(true);
      });
    }
    it('headDim 129, a mask, or the flag off: the composed gradient', async () => {
      expect((await grads(backend, true, [1, 1, 2, 3, 129, false])).kernels).not.toContain('attentionGrad');
      expect((await grads(backend, true, [1, 2, 3, 3, 4, false], true)).kernels).not.toContain('attentionGrad');
      expect((await grads(backend, false, [1, 2, 3, 3, 4, false])).kernels).not.toContain('attentionGrad');
    });
  });
}

async function packedRun(backend: 'js' | 'wasm', fused: boolean, c: (typeof GRAD_CASES)[number]): Promise<Run & { y: number[] }> {
  expect(await ts.setBackend(backend)).toBe(true);
  ts.env().set('ATTENTION_FUSED_GRAD', fused);
  const [b, h, sq, sk, d, causal] = c;
  const q = ts.tensor(seededValues(b * sq * h * d, 21, -2, 2), [b, sq, h * d]);
  const k = ts.tensor(seededValues(b * sk * h * d, 22, -2, 2), [b, sk, h * d]);
  const v = ts.tensor(seededValues(b * sk * h * d, 23), [b, sk, h * d]);
  const w = ts.tensor(seededValues(b * sq * h * d, 24), [b, sq, h * d]);
  const kb = ts.backend() as any, run = kb.run;
  const kernels: string[] = [];
  kb.run = (name: string, ...rest: unknown[]) => (kernels.push(name), run.call(kb, name, ...rest));
  let gs: ts.Tensor[];
  try {
    gs = ts.grads((a: ts.Tensor, bb: ts.Tensor, cc: ts.Tensor) => ts.sum(ts.mul(attentionPackedHeads(a, bb, cc, h, { causal }), w)))([q, k, v]);
  } finally {
    kb.run = run;
  }
  const y = ts.tidy(() => attentionPackedHeads(q, k, v, h, { causal }));
  const out = { grads: await Promise.all(gs.map(async (g) => Array.from(await g.data()))), kernels, y: Array.from(await y.data()) };
  ts.dispose([q, k, v, w, y, ...gs]);
  return out;
}

for (const backend of ['js', 'wasm'] as const) {
  describe(`attentionPackedHeads (${backend})`, () => {
    for (const c of GRAD_CASES.filter((x) => x[4] > 1)) {
      it(`[${c.slice(0, 5)}]${c[5] ? ' causal' : ''}: values and gradients of the split / attention / merge composition`, async () => {
        const want = await packedRun('js', false, c);
        const got = await packedRun(backend, true, c);
        expect(got.kernels.filter((k) => k === 'attentionGrad')).toHaveLength(1);
        // forward: one packed attention call; backward: the sum's broadcast only (the composition: 8 head copies more)
        expect(got.kernels.filter((k) => k === 'copyStrided')).toHaveLength(1);
        expect(got.kernels.filter((k) => k === 'attention')).toHaveLength(1);
        expect(want.kernels.filter((k) => k === 'copyStrided')).toHaveLength(9);
        expectClose(got.y, want.y, 'y');
        ['dq', 'dk', 'dv'].forEach((n, i) => expectClose(got.grads[i], want.grads[i], `${n} of [${c}]`));
      });
    }
  });
}
