// The recorded plan's fused elementwise kernel: interprets a short program of op codes (see
// KernelAttrs.fusedElementwise in src/backends/kernels.ts) over blocks of BLOCK elements, keeping
// each intermediate in a block-sized register in scratch memory. Unary and binary steps call the
// same loops as the unfused kernels, so a fused chain gives the same float32 results. No code is
// generated at run time. A reduction terminal (kind 4) folds a register into its row's
// accumulator segment by segment (a block may hold the end of one row and the start of the next):
// f64 sums and NaN-propagating max/min, the same row functions as the unfused reduce kernel.
import { binaryContiguousF32, unary } from './elementwise';
import { extremeRowF32, sumRowF32 } from './reduce';

const BLOCK: i32 = 256;
const WORDS: usize = 6;

/** Scratch bytes fusedElementwise needs for `regs` registers (8-byte aligned: the f64 accumulators follow). */
export function fusedScratchBytes(regs: i32): i32 {
  return regs * BLOCK * 4;
}

/**
 * Fold register `ra` (elements base .. base + len) into reduction `op` (0 sum, 1 mean, 2 max,
 * 3 min) over rows of `inner`: the running value lives in f64 at `acc`, a finished row is
 * written as f32 to out[row].
 */
function reduceSegments(op: i32, ra: usize, base: i32, len: i32, inner: i32, acc: usize, out: usize): void {
  let start = 0;
  while (start < len) {
    const g = base + start;
    const col = g % inner;
    const c = min(len - start, inner - col);
    const seg = ra + (<usize>start << 2);
    let r: f64 = col == 0 ? (op == 2 ? -Infinity : op == 3 ? Infinity : 0) : load<f64>(acc);
    if (op <= 1) r += sumRowF32(seg, c);
    else {
      const e = <f64>extremeRowF32(seg, c, op == 2);
      r = op == 2 ? max(r, e) : min(r, e);
    }
    if (col + c == inner) store<f32>(out + (<usize>(g / inner) << 2), <f32>(op == 1 ? r / <f64>inner : r));
    else store<f64>(acc, r);
    start += c;
  }
}

@inline function word(p: usize, i: usize): i32 { return load<i32>(p + (i << 2)); }

/**
 * prog: nInstr * 6 i32; consts: f64 alpha/beta pairs; inputs/outputs: i32 pointers; periods: i32
 * per input; regs: fusedScratchBytes(nRegs) of scratch; inner: the row length of reduction
 * terminals (1 when none); accs: 8 bytes per reduction (8-byte aligned).
 */
export function fusedElementwise(prog: usize, nInstr: i32, consts: usize, inputs: usize, periods: usize, outputs: usize, n: i32, regs: usize, inner: i32, accs: usize): void {
  const blockBytes: usize = <usize>BLOCK << 2;
  for (let base = 0; base < n; base += BLOCK) {
    const len = min(BLOCK, n - base);
    for (let k = 0; k < nInstr; k++) {
      const ip = prog + <usize>k * WORDS * 4;
      const kind = word(ip, 0), op = word(ip, 1);
      const dst = regs + <usize>word(ip, 2) * blockBytes;
      const ra = regs + <usize>word(ip, 3) * blockBytes;
      if (kind == 0) {
        const src = <usize>word(inputs, op);
        const period = word(periods, op);
        if (period == 1) {
          const v = f32x4.splat(load<f32>(src));
          for (let i = 0; i < len; i += 4) v128.store(dst + (<usize>i << 2), v);
        } else {
          let off = base % period;
          let done = 0;
          while (done < len) {
            const c = min(len - done, period - off);
            memory.copy(dst + (<usize>done << 2), src + (<usize>off << 2), <usize>c << 2);
            done += c;
            off = 0;
          }
        }
      } else if (kind == 1) {
        const f = consts + (<usize>word(ip, 5) << 3);
        unary(op, ra, dst, len, 0, 0, load<f64>(f), load<f64>(f + 8));
      } else if (kind == 2) {
        binaryContiguousF32(op, ra, regs + <usize>word(ip, 4) * blockBytes, dst, len);
      } else if (kind == 3) {
        memory.copy(<usize>word(outputs, op) + (<usize>base << 2), ra, <usize>len << 2);
      } else {
        reduceSegments(word(ip, 5), ra, base, len, inner, accs + (<usize>word(ip, 4) << 3), <usize>word(outputs, op));
      }
    }
  }
}
