/**
 * js reference for the recorded plan's fused elementwise kernel: runs the op-code program of a
 * fused chain element by element with the same scalar functions as the unfused kernels, rounding
 * every register to float32 as storing it in a Float32Array would. A reduction terminal folds a
 * register into its row's accumulator in element order (float64 sums, NaN-propagating max/min),
 * exactly as the unfused reduce kernel reads the stored values.
 */
import type { KernelAttrs } from '../kernels.js';
import { FUSED_WORDS, FusedKind, Reduce } from '../kernels.js';
import type { StorageArray } from '../backend.js';
import { applyBinary, applyUnary } from './scalar_ops.js';

/** The accumulator a reduction starts a row with. */
function reduceStart(op: number): number {
  return op === Reduce.max ? -Infinity : op === Reduce.min ? Infinity : 0;
}

/** One element into a running reduction (max/min: any NaN makes the row NaN). */
function reduceStep(op: number, acc: number, v: number): number {
  if (op === Reduce.sum || op === Reduce.mean) return acc + v;
  if (acc !== acc || v !== v) return NaN;
  return op === Reduce.max ? (v > acc ? v : acc) : (v < acc ? v : acc);
}

export function fusedElementwise(ins: StorageArray[], outs: StorageArray[], a: KernelAttrs['fusedElementwise']): void {
  const regs = new Float64Array(a.regs);
  const prog = a.program;
  const inner = a.inner ?? 1;
  const accs = new Float64Array(prog.length / FUSED_WORDS);
  for (let i = 0; i < a.n; i++) {
    const col = i % inner;
    for (let k = 0; k < prog.length; k += FUSED_WORDS) {
      const kind = prog[k], op = prog[k + 1], dst = prog[k + 2], x = prog[k + 3], y = prog[k + 4], f = prog[k + 5];
      if (kind === FusedKind.load) regs[dst] = ins[op][i % a.periods[op]];
      else if (kind === FusedKind.unary) regs[dst] = Math.fround(applyUnary(op, regs[x], a.consts[f], a.consts[f + 1]));
      else if (kind === FusedKind.binary) regs[dst] = Math.fround(applyBinary(op, regs[x], regs[y]));
      else if (kind === FusedKind.store) outs[op][i] = regs[x];
      else {
        const acc = reduceStep(f, col === 0 ? reduceStart(f) : accs[y], regs[x]);
        accs[y] = acc;
        if (col === inner - 1) outs[op][(i - col) / inner] = f === Reduce.mean ? acc / inner : acc;
      }
    }
  }
}
