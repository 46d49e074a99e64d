/**
 * js reference for the recorded plan's fused elementwise kernel: runs the op-code program of a
 * fused chain element by element with the same scalar functions as the unfused kernels, rounding
 * every register to float32 as storing it in a Float32Array would.
 */
import type { KernelAttrs } from '../kernels.js';
import { FUSED_WORDS, FusedKind } from '../kernels.js';
import type { StorageArray } from '../backend.js';
import { applyBinary, applyUnary } from './scalar_ops.js';

export function fusedElementwise(ins: StorageArray[], outs: StorageArray[], a: KernelAttrs['fusedElementwise']): void {
  const regs = new Float64Array(a.regs);
  const prog = a.program;
  for (let i = 0; i < a.n; i++) {
    for (let k = 0; k < prog.length; k += FUSED_WORDS) {
      const kind = prog[k], op = prog[k + 1], dst = prog[k + 2], x = prog[k + 3], y = prog[k + 4], f = prog[k + 5];
      if (kind === FusedKind.load) regs[dst] = ins[op][i % a.periods[op]];
      else if (kind === FusedKind.unary) regs[dst] = Math.fround(applyUnary(op, regs[x], a.consts[f], a.consts[f + 1]));
      else if (kind === FusedKind.binary) regs[dst] = Math.fround(applyBinary(op, regs[x], regs[y]));
      else outs[op][i] = regs[x];
    }
  }
}
