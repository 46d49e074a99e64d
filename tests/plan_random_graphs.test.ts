// Seeded random op graphs through the recorded plan (issue 9): each graph mixes elementwise ops,
// matMuls with a bias / activation / residual add (epilogue fusion), reductions broadcast back,
// written-out softmax, layer normalizations and self-attention (pattern matching), reductions of
// an elementwise chain (an RMS norm: the reduction terminal) and values used twice. The
// optimized replay (tf.jit) on js and wasm must agree with the same graph run eagerly on js (the
// plain-JS kernels, no plan) within float tolerance; NaN fails. The totals check that the graphs
// really exercise every pass.
import { afterAll, describe, expect, test } from 'vitest';
import * as tf from '../src/index.js';
import type { Tensor } from '../src/tensor.js';
import { rng } from './helpers/wasm_compare.js';
import { expectClose } from './helpers/close.js';

/** One graph: its weights' values (made per backend as tensors before the trace) and the op chain. */
interface Graph {
  rows: number;
  cols0: number;
  weights: { values: number[]; shape: number[] }[];
  ops: ((x: Tensor, w: Tensor[]) => Tensor)[];
}

const UNARY = [tf.relu, tf.tanh, tf.sigmoid, tf.neg, tf.square, tf.elu, (t: Tensor) => tf.leakyRelu(t, 0.1)];
const ACTS = [(t: Tensor) => t, tf.relu, tf.tanh, tf.sigmoid];

function makeGraph(seed: number): Graph {
  const r = rng(seed);
  const rows = 1 + Math.floor(r() * 6), cols0 = 2 + Math.floor(r() * 10);
  const weights: Graph['weights'] = [];
  const weight = (shape: number[], scale: number) => {
    const n = shape.reduce((a, b) => a * b, 1);
    weights.push({ values: Array.from({ length: n }, () => (r() * 2 - 1) * scale), shape });
    return weights.length - 1;
  };
  const ops: Graph['ops'] = [];
  let cols = cols0;
  for (let k = 0; k < 9; k++) {
    const pick = Math.floor(r() * 10);
    const c = cols;
    if (pick === 0) {
      const u = UNARY[Math.floor(r() * UNARY.length)];
      ops.push((x) => tf.tanh(u(x))); // tanh keeps the chain bounded
    } else if (pick === 1) {
      const s = Math.round((r() * 2 - 1) * 100) / 100;
      const b = [tf.add, tf.sub, tf.mul, tf.maximum][Math.floor(r() * 4)];
      const w = weight([c], 1);
      ops.push((x, ws) => tf.add(b(x, s), ws[w]));
    } else if (pick === 2) {
      // matMul (+ bias) (+ activation): the epilogue
      const next = 1 + Math.floor(r() * 8);
      const w = weight([c, next], 1 / Math.sqrt(c));
      const bias = r() < 0.6 ? weight([next], 0.5) : -1;
      const act = ACTS[Math.floor(r() * ACTS.length)];
      ops.push((x, ws) => act(bias >= 0 ? tf.add(tf.matMul(x, ws[w]), ws[bias]) : tf.matMul(x, ws[w])));
      cols = next;
    } else if (pick === 3) {
      // a residual block: x + act(x W + b), or act(x W + b + x)
      const w = weight([c, c], 1 / Math.sqrt(c));
      const bias = weight([c], 0.5);
      const act = ACTS[1 + Math.floor(r() * 3)];
      const before = r() < 0.5;
      ops.push((x, ws) => (before ? act(tf.add(tf.add(tf.matMul(x, ws[w]), ws[bias]), x)) : tf.add(x, act(tf.add(tf.matMul(x, ws[w]), ws[bias])))));
    } else if (pick === 4) {
      ops.push((x) => {
        const e = tf.exp(tf.sub(x, tf.max(x, -1, true)));
        return tf.div(e, tf.sum(e, -1, true));
      });
    } else if (pick === 5) {
      const g = weight([c], 1), b = weight([c], 1);
      ops.push((x, ws) => {
        const m = tf.mean(x, -1, true);
        const d = tf.sub(x, m);
        return tf.add(tf.mul(tf.mul(d, tf.rsqrt(tf.add(tf.mean(tf.square(d), -1, true), 1e-3))), ws[g]), ws[b]);
      });
    } else if (pick === 8) {
      // an RMS norm: square then mean ends one fused kernel
      ops.push((x) => tf.mul(x, tf.rsqrt(tf.add(tf.mean(tf.square(x), -1, true), 1e-3))));
    } else if (pick === 9) {
      // self-attention with one head: softmax(x x^T * c) x
      const c2 = 0.2 + r();
      ops.push((x) => tf.matMul(tf.softmax(tf.mul(tf.matMul(x, x, false, true), c2)), x));
    } else if (pick === 6) {
      ops.push((x) => tf.sub(x, tf.mean(x, -1, true)));
    } else {
      ops.push((x) => tf.mul(tf.sigmoid(x), x)); // a value read twice (swish)
    }
  }
  return { rows, cols0, weights, ops };
}

const run = (g: Graph, x: Tensor, ws: Tensor[]) => tf.tidy(() => g.ops.reduce((acc, op) => op(acc, ws), x));

const GRAPHS = 30;

describe.each(['js', 'wasm'])('seeded random graphs: tf.jit on %s vs eager js', (backend) => {
  test(`${GRAPHS} graphs agree; every pass fires`, async () => {
    const totals = { traced: 0, kernels: 0, patterns: 0, epilogueFused: 0, residual: 0, fusedKernels: 0, reductionsFused: 0, attention: 0 };
    for (let seed = 1; seed <= GRAPHS; seed++) {
      const g = makeGraph(seed * 7919);
      const xr = rng(seed);
      const xv = Array.from({ length: g.rows * g.cols0 }, () => xr() * 4 - 2);
      await tf.setBackend('js');
      const ws0 = g.weights.map((w) => tf.tensor(w.values, w.shape));
      const x0 = tf.tensor2d(xv, [g.rows, g.cols0]);
      const want = run(g, x0, ws0);
      const wantValues = want.dataSync();
      tf.dispose([x0, want, ...ws0]);
      await tf.setBackend(backend);
      const ws = g.weights.map((w) => tf.tensor(w.values, w.shape));
      const x = tf.tensor2d(xv, [g.rows, g.cols0]);
      const jf = tf.jit((t: Tensor) => run(g, t, ws));
      tf.dispose(jf(x)); // trace
      const got = jf(x); // replay
      expect(got.shape).toEqual(want.shape);
      expectClose(got.dataSync(), wantValues, 3e-5, `seed ${seed}`);
      const s = tf.debug.plan(jf, x);
      const p = s.plan!;
      totals.traced += p.stats.traced;
      totals.kernels += s.kernels;
      totals.patterns += p.stats.patterns;
      totals.epilogueFused += p.stats.epilogueFused;
      totals.fusedKernels += p.stats.fusedKernels;
      totals.reductionsFused += p.stats.reductionsFused;
      totals.attention += p.steps.filter((st) => st.kernel === 'attention').length;
      totals.residual += p.steps.filter((st) => st.attrs.residual).length;
      tf.dispose([x, got, ...ws]);
      jf.dispose();
    }
    console.log(`[plan] ${backend} random graphs:`, totals);
    // the counts are fixed by the seeds; each pass must have fired several times
    expect(totals.patterns).toBeGreaterThan(5);
    expect(totals.residual).toBeGreaterThan(3);
    expect(totals.epilogueFused).toBeGreaterThan(10);
    expect(totals.fusedKernels).toBeGreaterThan(5);
    expect(totals.reductionsFused).toBeGreaterThan(3);
    expect(totals.attention).toBeGreaterThan(3);
    expect(totals.kernels).toBeLessThan(totals.traced);
  });
});

afterAll(async () => {
  await tf.setBackend('js');
});
