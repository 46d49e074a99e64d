// Broadcast copies in elementwise fusion (src/plan/fuse.ts): a copyStrided that repeats its whole input
// (a scalar to a vector, a trailing-dims tile; a mean's or a loss's gradient broadcast) joins the fused
// chain that reads it as a periodic load, so it is no kernel of its own; on js and wasm (webgpu: the
// transformer-block step in tests/browser/train_kernels_webgpu.test.ts). References: the same function
// run eagerly on the plain-JS backend and the unoptimized replay (tf.jit with fuse: false). A broadcast
// over a middle axis is no period and keeps its copy; a broadcast value also returned is stored.
import { describe, expect, test } from 'vitest';
import * as tf from '../src/index.js';
import type { Tensor } from '../src/tensor.js';
import { rng } from './helpers/wasm_compare.js';
import { expectClose } from './helpers/close.js';

interface Case { name: string; shapes: number[][]; fn: (...t: Tensor[]) => Tensor | Tensor[]; fused: string | null; copies: number }

const CASES: Case[] = [
  { name: 'scalar broadcast to a vector, then mul', shapes: [[], [37]], fused: 'copyStrided+mul', copies: 0, fn: (s, x) => tf.mul(tf.broadcastTo(s, [37]), x) },
  { name: 'trailing tile, then add and relu', shapes: [[5], [7, 5]], fused: 'copyStrided+add+relu', copies: 0, fn: (b, x) => tf.relu(tf.add(tf.broadcastTo(b, [7, 5]), x)) },
  {
    name: 'the broadcast value is also returned (stored)', shapes: [[4], [3, 4]], fused: 'copyStrided+sub', copies: 0,
    fn: (b, x) => { const t = tf.broadcastTo(b, [3, 4]); return [tf.sub(x, t), t]; },
  },
  // near miss: a middle-axis broadcast repeats no whole input
  { name: 'middle-axis broadcast keeps its copy', shapes: [[3, 1, 4], [3, 5, 4]], fused: null, copies: 1, fn: (b, x) => tf.mul(tf.broadcastTo(b, [3, 5, 4]), tf.exp(x)) },
];

const make = (shape: number[], seed: number) => {
  const r = rng(seed);
  return tf.tensor(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => r() * 4 - 2), shape);
};
const list = (r: Tensor | Tensor[]) => ([] as Tensor[]).concat(r);

describe.each(['js', 'wasm'])('broadcast copies in fused chains on %s', (backend) => {
  // js is exact; wasm's exp may differ from js by an ulp (as tests/plan_reduce_fusion.test.ts)
  const tol = backend === 'js' ? 0 : 1e-6;
  test.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const args = () => c.shapes.map((s, i) => make(s, 20 + i));
    await tf.setBackend('js');
    const a0 = args();
    const want = list(tf.tidy(() => c.fn(...a0))).map((t) => t.dataSync());
    tf.dispose(a0);
    await tf.setBackend(backend);
    const a = args();
    const fn = (...t: Tensor[]) => tf.tidy(() => c.fn(...t));
    const fused = tf.jit(fn);
    const plain = tf.jit(fn, { fuse: false });
    tf.dispose([...list(fused(...a)), ...list(plain(...a))]); // trace
    const got = list(fused(...a)), unoptimized = list(plain(...a));
    const s = tf.debug.plan(fused, ...a);
    const steps = s.plan!.steps;
    expect(steps.filter((st) => st.kernel === 'copyStrided').length, s.text).toBe(c.copies);
    if (c.fused) expect(steps.filter((st) => st.kernel === 'fusedElementwise').map((st) => st.fused), s.text).toEqual([c.fused]);
    got.forEach((t, i) => {
      expectClose(t.dataSync(), want[i], tol, `${c.name} output ${i} vs eager js`);
      expectClose(t.dataSync(), unoptimized[i].dataSync(), 0, `${c.name} output ${i} vs unoptimized`);
    });
    tf.dispose([...a, ...got, ...unoptimized]);
    fused.dispose();
    plain.dispose();
  });
});
