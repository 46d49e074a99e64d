/**
 * Page side of tests/browser/attention_packed_webgpu.test.ts (bundled by esbuild, run in headless
 * Chromium): the `attention` kernel with packed heads (attr `heads`) on webgpu, through
 * attentionPackedHeads (its forward: one kernel call; its gradient: attentionGrad), in the tiled,
 * direct and subgroup entries, against the js backend's head-split path (split, attention, merge;
 * the composed gradient) with the same inputs; the kernel's out and lse against the js kernel over
 * head-split copies; and the dispatches of a transformer predict with and without the packed forward.
 */
import * as tf from '../../src/index.js';
import { ENGINE } from '../../src/engine.js';
import { attentionPackedHeads } from '../../src/ops/attention.js';
import type { WebGPUBackend } from '../../src/backends/webgpu/backend.js';
import { close, Lcg, type CaseResult } from './kernel_compare.js';

/** [batch, heads, seqQ, seqK, headDim, causal] */
export type PackedCase = [number, number, number, number, number, boolean];

const prng = new Lcg(777);
const floats = (n: number, lo = -1, hi = 1) => Array.from({ length: n }, () => lo + (hi - lo) * prng.next());
const gpu = () => tf.backend() as unknown as WebGPUBackend & { preferDirectOverride: boolean | null; subgroupsOverride: false | null };

interface Run { y: number[]; grads: number[][]; out: number[]; lse: number[]; kernels: string[] }

/** One case on the current backend: the op's forward (kernels recorded), its gradients, and the raw kernel's out and lse. */
async function runCase(c: PackedCase, packedKernel: boolean): Promise<Run> {
  const [b, h, sq, sk, d, causal] = c;
  prng.reset();
  const [q, k, v] = [[sq, -2, 2], [sk, -2, 2], [sk, -1, 1]].map(([n, lo, hi]) => tf.tensor(floats(b * n * h * d, lo, hi), [b, n, h * d]));
  const w = tf.tensor(floats(b * sq * h * d), [b, sq, h * d]);
  const be = tf.backend() as any, run = be.run, kernels: string[] = [];
  be.run = (name: string, ...rest: unknown[]) => (kernels.push(name), run.call(be, name, ...rest));
  let y: tf.Tensor;
  try {
    y = tf.tidy(() => attentionPackedHeads(q, k, v, h, { causal }));
  } finally { be.run = run; }
  const gs = tf.grads((a: tf.Tensor, bb: tf.Tensor, cc: tf.Tensor) => tf.sum(tf.mul(attentionPackedHeads(a, bb, cc, h, { causal }), w)))([q, k, v]);
  // the kernel itself: packed, or over head-split copies (out merged back), for lse as well
  const attrs = { bh: b * h, seqQ: sq, seqK: sk, headDim: d, scale: 1 / Math.sqrt(d), causal, hasMask: false };
  const split = (t: tf.Tensor, n: number) => tf.transpose(tf.reshape(t, [b, n, h, d]), [0, 2, 1, 3]);
  const ins = packedKernel ? [q, k, v] : [split(q, sq), split(k, sk), split(v, sk)];
  const out = ENGINE.makeOutput(packedKernel ? [b, sq, h * d] : [b, h, sq, d], 'float32');
  const lse = ENGINE.makeOutput([b, h, sq], 'float32');
  ENGINE.runKernel('attention', ins, [out, lse], packedKernel ? { ...attrs, heads: h } : attrs);
  const merged = packedKernel ? out : tf.reshape(tf.transpose(out, [0, 2, 1, 3]), [b, sq, h * d]);
  const r: Run = {
    y: Array.from(await y.data()), grads: await Promise.all(gs.map(async (g) => Array.from(await g.data()))),
    out: Array.from(await merged.data()), lse: Array.from(await lse.data()), kernels,
  };
  tf.dispose([q, k, v, w, y, ...gs, ...ins, out, merged, lse]);
  return r;
}

function compare(name: string, got: number[], want: number[], rtol: number): CaseResult {
  let bad = got.length === want.length ? 0 : 1, first = bad ? `length ${got.length}, js ${want.length}` : '';
  for (let i = 0; i < want.length; i++) {
    if (!close(got[i], want[i], rtol, rtol)) {
      bad++;
      first ||= `[${i}] = ${got[i]}, js ${want[i]}`;
    }
  }
  return { group: 'packed', name, bad, total: want.length, first };
}

/** Every case on webgpu (entry `config`) against js: values, gradients, out and lse, and the forward's kernels. */
async function runPacked(config: 'tiled' | 'direct' | 'subgroup', cases: PackedCase[]): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  await tf.setBackend('js');
  tf.env().set('ATTENTION_FUSED_GRAD', false);
  const want: Run[] = [];
  for (const c of cases) want.push(await runCase(c, false));
  await tf.setBackend('webgpu');
  tf.env().set('ATTENTION_FUSED_GRAD', 'webgpu');
  const be = gpu();
  be.preferDirectOverride = config !== 'tiled';
  be.subgroupsOverride = config === 'subgroup' ? null : false;
  try {
    if (config === 'subgroup') {
      const size = (be as unknown as { ctx: { subgroupSize: number | null } }).ctx.subgroupSize;
      results.push({ group: 'packed', name: 'device has 4-lane subgroups (attention_subgroup runs)', bad: size === 4 ? 0 : 1, total: 1, first: `subgroupSize ${size}` });
    }
    for (const [i, c] of cases.entries()) {
      const got = await runCase(c, true);
      const n = `${config} [${c.slice(0, 5)}]${c[5] ? ' causal' : ''}`;
      results.push(compare(`${n} y`, got.y, want[i].y, 2e-4));
      got.grads.forEach((g, j) => results.push(compare(`${n} d${'qkv'[j]}`, g, want[i].grads[j], 5e-4)));
      results.push(compare(`${n} kernel out`, got.out, want[i].out, 2e-4));
      results.push(compare(`${n} kernel lse`, got.lse, want[i].lse, 2e-4));
      const ok = got.kernels.length === 1 && got.kernels[0] === 'attention' && want[i].kernels.filter((k) => k === 'copyStrided').length === 4;
      results.push({ group: 'packed', name: `${n}: the forward is one attention kernel call`, bad: ok ? 0 : 1, total: 1, first: `webgpu ${got.kernels}; js ${want[i].kernels}` });
    }
  } finally {
    be.preferDirectOverride = null;
    be.subgroupsOverride = null;
  }
  return results;
}

/** The packed-heads kernel errors on webgpu (bh not a multiple of heads; kvStride other than seqK). */
async function kernelErrors(): Promise<string[]> {
  await tf.setBackend('webgpu');
  const t = (n: number) => tf.zeros([n], 'float32');
  const [q, k, out, lse] = [t(3 * 2 * 4), t(3 * 5 * 4), t(3 * 2 * 4), t(3 * 2)];
  const attrs = { bh: 3, seqQ: 2, seqK: 5, headDim: 4, scale: 0.5, causal: false, hasMask: false };
  const messages: string[] = [];
  for (const extra of [{ heads: 2 }, { heads: 3, kvStride: 6 }]) {
    try {
      ENGINE.runKernel('attention', [q, k, k], [out, lse], { ...attrs, ...extra });
      messages.push('no error');
    } catch (e) {
      messages.push((e as Error).message);
    }
  }
  tf.dispose([q, k, out, lse]);
  return messages;
}

/**
 * Dispatches of a transformer-encoder predict (4 heads of 4), planned (a replay) and eager, on
 * webgpu with the packed forward (ATTENTION_FUSED_GRAD 'webgpu', the default) and with the
 * head-split path (false), each on a fresh model with the same seeded weights, and how far the
 * predictions differ.
 */
interface Counts { planned: number; eager: number; values: number[] }
async function predictDispatches(): Promise<{ packed: Counts; split: Counts; maxDiff: number }> {
  await tf.setBackend('webgpu');
  const x = tf.randomNormal([2, 8, 16], 0, 1, 'float32', 5);
  const build = () => {
    const init = (seed: number) => tf.initializers.glorotUniform({ seed });
    const model = tf.sequential({ layers: [tf.layers.transformerEncoder({ numHeads: 4, intermediateDim: 32, inputShape: [8, 16], kernelInitializer: init(3) })] });
    model.compile({ optimizer: tf.train.sgd(0.01), loss: 'meanSquaredError' });
    return model;
  };
  const dispatches = () => tf.memory().backends.webgpu.dispatches as number;
  const count = async (fused: boolean | string): Promise<Counts> => {
    tf.env().set('ATTENTION_FUSED_GRAD', fused);
    const model = build();
    const once = () => {
      const d0 = dispatches();
      tf.dispose(model.predict(x) as tf.Tensor);
      return dispatches() - d0;
    };
    once(); // the plan is traced (and the pipelines compiled)
    const planned = once();
    tf.env().set('PREDICT_PLAN', false);
    once();
    const eager = once();
    tf.env().set('PREDICT_PLAN', true);
    const y = model.predict(x) as tf.Tensor;
    const values = Array.from(await y.data());
    y.dispose();
    model.dispose();
    return { planned, eager, values };
  };
  const split = await count(false);
  const packed = await count('webgpu');
  const maxDiff = Math.max(...packed.values.map((v, i) => Math.abs(v - split.values[i])));
  x.dispose();
  return { packed, split, maxDiff };
}

(globalThis as any).tesseraAttentionPacked = { runPacked, kernelErrors, predictDispatches };
