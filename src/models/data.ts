/**
 * Data plumbing for the training loop: normalising x/y arguments (tensor, list, or object keyed
 * by input/output layer name) to tensor lists, batch slicing and gathering, the forward pass,
 * class weights as per-sample weights, and device-side accumulation of batch statistics.
 */
import { ENGINE } from '../engine.js';
import { tidy } from '../globals.js';
import { Tensor } from '../tensor.js';
import { fmtShape } from '../util.js';
import { add, div, greater, mul, where } from '../ops/binary.js';
import { argMax, sum } from '../ops/reduce.js';
import { cast, round } from '../ops/unary.js';
import { gather, oneHot } from '../ops/indexing.js';
import { reshape, slice, unstack } from '../ops/layout.js';
import { tensor1d } from '../ops/creation.js';
import type { LayersModel } from './layers_model.js';
import { batchLoss, type CompiledState } from './compile.js';

export type TensorArg = Tensor | Tensor[] | Record<string, Tensor>;
type Resolved = NonNullable<CompiledState['resolved']>;

/** x or y as a tensor list in the model's input / output order. */
export function toList(model: LayersModel, v: TensorArg, what: 'x' | 'y', op: string): Tensor[] {
  if (v instanceof Tensor) return [v];
  if (Array.isArray(v)) {
    v.forEach((t, i) => {
      if (!(t instanceof Tensor)) throw new Error(`${op}: ${what}[${i}] is not a Tensor`);
    });
    return v;
  }
  if (v && typeof v === 'object') {
    const syms = what === 'x' ? model.inputs : model.outputs;
    const names = syms.map((s) => s.sourceLayer.name);
    return names.map((n) => {
      const t = (v as Record<string, Tensor>)[n];
      if (!(t instanceof Tensor)) throw new Error(`${op}: ${what} has no tensor for '${n}' (given: ${Object.keys(v).join(', ')})`);
      return t;
    });
  }
  throw new Error(`${op}: ${what} must be a Tensor, a list of Tensors or an object of Tensors, got ${v}`);
}

/** The shared first (sample) dimension of all tensors, or a clear error. */
export function numSamples(op: string, lists: Tensor[][]): number {
  const all = lists.flat();
  if (!all.length) throw new Error(`${op}: no data`);
  for (const t of all) {
    t.assertAlive(op);
    if (t.rank === 0) throw new Error(`${op}: inputs and targets need a batch dimension, got a scalar`);
  }
  const n = all[0].shape[0];
  const bad = all.find((t) => t.shape[0] !== n);
  if (bad) {
    throw new Error(`${op}: all inputs and targets must have the same number of samples; got ${all.map((t) => fmtShape(t.shape)).join(', ')}`);
  }
  return n;
}

/** Run the model on a batch; always a list of outputs. */
export function forward(model: LayersModel, xs: Tensor[], training: boolean): Tensor[] {
  const out = model.apply(xs.length === 1 ? xs[0] : xs, { training });
  return Array.isArray(out) ? out : [out];
}

/** Build a model whose layers have not seen an input yet (Sequential without inputShape). */
export function ensureBuilt(model: LayersModel, xs: Tensor[]): void {
  if (model.outputs.length && model.layers.every((l) => l.built)) return;
  ENGINE.noGrad(() => tidy(() => forward(model, xs.map((x) => slice(x, 0, Math.min(1, x.shape[0]))), false)));
}

export const sliceAll = (ts: Tensor[], start: number, size: number): Tensor[] => ts.map((t) => slice(t, start, size));
export const gatherAll = (ts: Tensor[], idx: Tensor): Tensor[] => ts.map((t) => gather(t, idx, 0));

/** Keras classWeight: {classIndex: weight}, or one such object per output name. */
export type ClassWeight = Record<number, number>;
export type ClassWeightArg = ClassWeight | ClassWeight[] | Record<string, ClassWeight>;

/** Per-output weight tables (length >= number of classes, 1 for classes not given). */
export function classWeightTables(model: LayersModel, arg: ClassWeightArg | undefined): (Tensor | null)[] | undefined {
  if (!arg) return undefined;
  const names = model.outputs.map((o) => o.sourceLayer.name);
  let per: (ClassWeight | undefined)[];
  if (Array.isArray(arg)) per = arg;
  else if (names.some((n) => n in arg)) per = names.map((n) => (arg as Record<string, ClassWeight>)[n]);
  else per = names.map((_, i) => (i === 0 ? (arg as ClassWeight) : undefined));
  return per.map((cw, i) => {
    if (!cw) return null;
    const keys = Object.keys(cw).map(Number);
    if (keys.some((k) => !Number.isInteger(k) || k < 0)) throw new Error(`fit: classWeight keys must be class indices, got ${Object.keys(cw).join(', ')}`);
    const lastDim = model.outputs[i].shape[model.outputs[i].shape.length - 1] ?? 1;
    const size = Math.max(Math.max(...keys) + 1, lastDim > 1 ? lastDim : 2);
    const table = new Array(size).fill(1);
    for (const k of keys) table[k] = (cw as Record<number, number>)[k];
    return tensor1d(table, 'float32');
  });
}

/** Per-sample weights from class weights: the class of each target looked up in the table. */
export function sampleWeightsFor(tables: (Tensor | null)[] | undefined, ys: Tensor[], outRanks: number[]): (Tensor | null)[] | undefined {
  if (!tables) return undefined;
  return tables.map((table, i) => {
    if (!table) return null;
    const y = ys[i];
    const last = y.shape[y.rank - 1];
    let cls: Tensor;
    if (y.rank === outRanks[i] && last > 1) {
      // argMax is always a valid row of the table (it has >= last entries), so pick the entries with
      // a one-hot product: exact, and without gather's host range check, which a recorded step cannot replay
      return sum(mul(oneHot(argMax(y, -1), table.size, 1, 0, 'float32'), table), -1);
    } else if (y.rank === outRanks[i]) cls = reshape(y, y.shape.slice(0, -1));
    else cls = y;
    const idx = cls.dtype === 'int32' ? cls : cast(round(cls), 'int32');
    return gather(table, idx, 0);
  });
}

/** acc + stats (acc may be null); disposes the previous accumulator. */
export function accumulate(acc: Tensor | null, stats: Tensor): Tensor {
  if (!acc) return ENGINE.makeView(stats, stats.shape);
  const next = add(acc, stats);
  acc.dispose();
  return next;
}

/** Summed statistics over (x, y) in batches, inference mode, on the device. */
export function evaluateStats(model: LayersModel, r: Resolved, xs: Tensor[], ys: Tensor[], batchSize: number): Tensor {
  const n = numSamples('evaluate', [xs, ys]);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`evaluate: batchSize must be a positive integer, got ${batchSize}`);
  let acc: Tensor | null = null;
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    const stats = ENGINE.noGrad(() =>
      tidy(() => {
        const bx = n <= batchSize ? xs : sliceAll(xs, start, size);
        const by = n <= batchSize ? ys : sliceAll(ys, start, size);
        return batchLoss(model, r, forward(model, bx, false), by).stats;
      }),
    );
    acc = accumulate(acc, stats);
    stats.dispose();
  }
  if (!acc) throw new Error('evaluate: no samples');
  return acc;
}

/** Summed (num, den) pairs -> one scalar per statistic, 0 where den is 0 (on the device). */
export function statsToScalars(acc: Tensor, count: number): Tensor[] {
  return tidy(() => {
    const pairs = reshape(acc, [count, 2]);
    const num = reshape(slice(pairs, [0, 0], [-1, 1]), [count]);
    const den = reshape(slice(pairs, [0, 1], [-1, 1]), [count]);
    const positive = greater(den, 0);
    return unstack(where(positive, div(num, where(positive, den, 1)), 0));
  });
}
