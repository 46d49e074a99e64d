/**
 * Pattern matching over a recorded plan: a softmax written out of primitives,
 *   m = max(x, last axis); e = exp(x - m); y = e / sum(e, last axis)
 * (five kernel calls, the numerically stable form user code and ported models spell out) becomes
 * one softmax kernel call, when its intermediates are temps read nowhere else. Runs before the
 * elementwise fusion, which would otherwise fold the sub and exp into a generated kernel.
 */
import { Binary, Reduce, Unary } from '../backends/kernels.js';
import { readCounts } from './passes.js';
import type { Plan, Step } from './types.js';

/** Whether a binary step computes a[r, c] op b[r] over [rows, cols] (b broadcast along the last axis). */
export function rowBroadcast(s: Step, op: number, rows: number, cols: number): boolean {
  if (s.kernel !== 'binary' || s.attrs.op !== op || s.live) return false;
  const { outShape, aStrides, bStrides } = s.attrs as { outShape: number[]; aStrides: number[]; bStrides: number[] };
  const same = (x: number[], y: number[]) => x.length === y.length && x.every((v, i) => v === y[i]);
  if (rows === 1) return same(outShape, [cols]) && same(aStrides, [1]) && same(bStrides, [0]);
  if (cols === 1) return same(outShape, [rows]) && same(aStrides, [1]) && same(bStrides, [1]);
  return same(outShape, [rows, cols]) && same(aStrides, [cols, 1]) && same(bStrides, [1, 0]);
}

/** Which steps read each slot (each step once, in plan order): the pattern matchers walk a value's readers. */
export function readerSteps(plan: Plan): Map<number, number[]> {
  const readers = new Map<number, number[]>();
  plan.steps.forEach((s, k) => s.inputs.forEach((o) => {
    const list = readers.get(o.slot) ?? [];
    if (!list.includes(k)) list.push(k);
    readers.set(o.slot, list);
  }));
  return readers;
}

/** The steps of the softmax that ends at the reduce-max step `i`, or null. */
function softmaxAt(plan: Plan, i: number, reads: number[], writer: Map<number, number>): { steps: number[]; rows: number; cols: number } | null {
  const max = plan.steps[i];
  if (max.kernel !== 'reduce' || max.attrs.op !== Reduce.max || max.inputs[0].dtype !== 'float32') return null;
  const { outer: rows, inner: cols } = max.attrs as { outer: number; inner: number };
  const x = max.inputs[0].slot;
  const temp = (slot: number, n: number) => plan.slots[slot].kind === 'temp' && reads[slot] === n;
  const readerOf = (slot: number, pick: (s: Step) => boolean) => plan.steps.findIndex((s, k) => k > i && pick(s) && s.inputs.some((o) => o.slot === slot));
  const m = max.outputs[0].slot;
  if (!temp(m, 1)) return null;
  const sub = readerOf(m, (s) => rowBroadcast(s, Binary.sub, rows, cols) && s.inputs[0].slot === x && s.inputs[1].slot === m);
  if (sub < 0 || !temp(plan.steps[sub].outputs[0].slot, 1)) return null;
  const d = plan.steps[sub].outputs[0].slot;
  const exp = readerOf(d, (s) => s.kernel === 'unary' && s.attrs.op === Unary.exp && !s.live);
  if (exp < 0 || !temp(plan.steps[exp].outputs[0].slot, 2)) return null;
  const e = plan.steps[exp].outputs[0].slot;
  const sum = readerOf(e, (s) => s.kernel === 'reduce' && s.attrs.op === Reduce.sum && s.attrs.outer === rows && s.attrs.inner === cols);
  if (sum < 0 || !temp(plan.steps[sum].outputs[0].slot, 1)) return null;
  const total = plan.steps[sum].outputs[0].slot;
  const div = readerOf(total, (s) => rowBroadcast(s, Binary.div, rows, cols) && s.inputs[0].slot === e && s.inputs[1].slot === total);
  if (div < 0 || plan.steps[div].outputs[0].dtype !== 'float32') return null;
  // x must not be written again before the softmax's last step (it reads x there)
  if ((writer.get(x) ?? -1) > i) return null;
  return { steps: [i, sub, exp, sum, div], rows, cols };
}

/** Replace every written-out softmax by one softmax step (placed where its division was). */
export function matchSoftmax(plan: Plan): void {
  const reads = readCounts(plan);
  const writer = new Map<number, number>();
  plan.steps.forEach((s, k) => s.outputs.forEach((o) => writer.set(o.slot, k)));
  const drop = new Set<number>();
  for (let i = 0; i < plan.steps.length; i++) {
    if (drop.has(i)) continue;
    const found = softmaxAt(plan, i, reads, writer);
    if (!found || found.steps.some((k) => drop.has(k))) continue;
    const [max, , , , div] = found.steps.map((k) => plan.steps[k]);
    const n = found.rows * found.cols;
    plan.steps[found.steps[4]] = {
      kernel: 'softmax',
      inputs: [{ ...max.inputs[0], shape: [found.rows, found.cols], size: n }],
      outputs: [{ ...div.outputs[0], shape: [found.rows, found.cols], size: n }],
      attrs: { rows: found.rows, cols: found.cols, log: false },
      fused: 'softmax(max+sub+exp+sum+div)',
    };
    for (const k of found.steps.slice(0, 4)) drop.add(k);
    plan.stats.patterns++;
  }
  plan.steps = plan.steps.filter((_, k) => !drop.has(k));
}
