// Elementwise kernels: unary, broadcasting binary and select over raw pointers.
// All-float32 rows with unit or zero strides take f32x4 paths (the ops whose table row has an
// `asSimd` form); everything else (int32/bool operands, bool outputs, the other transcendentals)
// runs the f64 scalar path. The per-op-code switches are generated from the op table into
// generated_dispatch.ts. Shapes and strides arrive padded to rank 6 in a params block.
import { loadAs64, storeAs } from './scalar_ops';
import { applyBinary, applyUnary, binaryRowF32, binaryVec, isVecBinary, unaryF32, unaryVec } from './generated_dispatch';

const TAIL: usize = memory.data(16, 16);

// ---- unary -------------------------------------------------------------------------------

@inline export function unaryLoop(op: i32, x: usize, out: usize, n: i32, alpha: f32, beta: f32): void {
  const va = f32x4.splat(alpha);
  const vb = f32x4.splat(beta);
  const full = n & ~3;
  const restBytes = <usize>(n - full) << 2;
  // One loop body (the op's vector math is inlined once): the full vectors, then, for a ragged n,
  // one more pass over a zero-padded 16-byte copy of the tail.
  let src = x, dst = out, end = full;
  while (true) {
    for (let i = 0; i < end; i += 4) {
      const p = <usize>i << 2;
      v128.store(dst + p, unaryVec(op, v128.load(src + p), va, vb));
    }
    if (src == TAIL || restBytes == 0) break;
    v128.store(TAIL, f32x4.splat(0));
    memory.copy(TAIL, x + (<usize>full << 2), restBytes);
    src = TAIL; dst = TAIL; end = 4;
  }
  if (restBytes != 0) memory.copy(out + (<usize>full << 2), TAIL, restBytes);
}

/**
 * out[i] = f(x[i]) for i < n. inKind/outKind: 0 float32, 1 int32, 2 bool.
 */
export function unary(op: i32, x: usize, out: usize, n: i32, inKind: i32, outKind: i32, alpha: f64, beta: f64): void {
  if (inKind == 0 && outKind == 0 && unaryF32(op, x, out, n, <f32>alpha, <f32>beta)) return;
  const isInt = inKind != 0 ? 1 : 0;
  for (let i = 0; i < n; i++) {
    const p = <usize>i << 2;
    storeAs(out + p, applyUnary(op, loadAs64(x + p, isInt), alpha, beta), outKind);
  }
}

// ---- binary --------------------------------------------------------------------------------

/** One row of n f32 elements with strides sa, sb in {0, 1}; vector body, scalar tail. */
@inline export function binaryRowVec(op: i32, a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void {
  let i = 0;
  if (sa == 1 && sb == 1) {
    for (; i + 4 <= n; i += 4) { const p = <usize>i << 2; v128.store(out + p, binaryVec(op, v128.load(a + p), v128.load(b + p))); }
  } else if (sa == 1) {
    const vb = v128.load32_splat(b);
    for (; i + 4 <= n; i += 4) { const p = <usize>i << 2; v128.store(out + p, binaryVec(op, v128.load(a + p), vb)); }
  } else if (sb == 1) {
    const va = v128.load32_splat(a);
    for (; i + 4 <= n; i += 4) { const p = <usize>i << 2; v128.store(out + p, binaryVec(op, va, v128.load(b + p))); }
  }
  // the tail, and rows where both strides are 0 (the broadcast shapes give those only n = 1)
  for (; i < n; i++) {
    const r = binaryVec(op, v128.load32_splat(a + (<usize>(i * sa) << 2)), v128.load32_splat(b + (<usize>(i * sb) << 2)));
    store<f32>(out + (<usize>i << 2), f32x4.extract_lane(r, 0));
  }
}

function binaryRowScalar(op: i32, a: usize, sa: i32, aInt: i32, b: usize, sb: i32, bInt: i32, out: usize, outKind: i32, n: i32): void {
  for (let i = 0; i < n; i++) {
    const r = applyBinary(op, loadAs64(a + (<usize>(i * sa) << 2), aInt), loadAs64(b + (<usize>(i * sb) << 2), bInt));
    storeAs(out + (<usize>i << 2), r, outKind);
  }
}

/** out = a op b over n contiguous float32 elements, by the same paths as `binary` (the fused kernel's step). */
export function binaryContiguousF32(op: i32, a: usize, b: usize, out: usize, n: i32): void {
  if (isVecBinary(op)) binaryRowF32(op, a, 1, b, 1, out, n);
  else binaryRowScalar(op, a, 1, 0, b, 1, 0, out, 0, n);
}

@inline function param(p: usize, i: i32): i32 { return load<i32>(p + (<usize>i << 2)); }

/**
 * out[idx] = a[idx . aStrides] op b[idx . bStrides] over shape. params: shape[6], aStrides[6],
 * bStrides[6] (i32, rank padded to 6 with leading 1s). Kinds: 0 float32, 1 int32, 2 bool.
 */
export function binary(op: i32, a: usize, b: usize, out: usize, params: usize, aKind: i32, bKind: i32, outKind: i32): void {
  const n = param(params, 5);
  const sa = param(params, 11), sb = param(params, 17);
  const fast = aKind == 0 && bKind == 0 && outKind == 0 && isVecBinary(op) && (sa == 0 || sa == 1) && (sb == 0 || sb == 1);
  const aInt = aKind != 0 ? 1 : 0, bInt = bKind != 0 ? 1 : 0;
  let o = out;
  const rowBytes = <usize>n << 2;
  for (let i0 = 0; i0 < param(params, 0); i0++) {
    for (let i1 = 0; i1 < param(params, 1); i1++) {
      for (let i2 = 0; i2 < param(params, 2); i2++) {
        for (let i3 = 0; i3 < param(params, 3); i3++) {
          for (let i4 = 0; i4 < param(params, 4); i4++) {
            const ao = i0 * param(params, 6) + i1 * param(params, 7) + i2 * param(params, 8) + i3 * param(params, 9) + i4 * param(params, 10);
            const bo = i0 * param(params, 12) + i1 * param(params, 13) + i2 * param(params, 14) + i3 * param(params, 15) + i4 * param(params, 16);
            const ap = a + (<usize>ao << 2), bp = b + (<usize>bo << 2);
            if (fast) binaryRowF32(op, ap, sa, bp, sb, o, n);
            else binaryRowScalar(op, ap, sa, aInt, bp, sb, bInt, o, outKind, n);
            o += rowBytes;
          }
        }
      }
    }
  }
}

/**
 * binary over one flat run of n outputs, a and b with strides sa, sb in {0, 1}: the worker pool's
 * piece of a same-shape or scalar-broadcast binary (each element is computed alone, so any split
 * of the run matches the whole `binary` call bit for bit).
 */
export function binaryFlat(op: i32, a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32, aKind: i32, bKind: i32, outKind: i32): void {
  if (aKind == 0 && bKind == 0 && outKind == 0 && isVecBinary(op)) binaryRowF32(op, a, sa, b, sb, out, n);
  else binaryRowScalar(op, a, sa, aKind != 0 ? 1 : 0, b, sb, bKind != 0 ? 1 : 0, out, outKind, n);
}

/**
 * out = cond != 0 ? a : b (raw 32-bit copies; a, b and out share a dtype). params: shape[6],
 * condStrides[6], aStrides[6], bStrides[6]. condIsFloat: cond holds f32 (else i32).
 */
export function select(cond: usize, a: usize, b: usize, out: usize, params: usize, condIsFloat: i32): void {
  const n = param(params, 5);
  const sc = param(params, 11), sa = param(params, 17), sb = param(params, 23);
  let o = out;
  for (let i0 = 0; i0 < param(params, 0); i0++) {
    for (let i1 = 0; i1 < param(params, 1); i1++) {
      for (let i2 = 0; i2 < param(params, 2); i2++) {
        for (let i3 = 0; i3 < param(params, 3); i3++) {
          for (let i4 = 0; i4 < param(params, 4); i4++) {
            const co = i0 * param(params, 6) + i1 * param(params, 7) + i2 * param(params, 8) + i3 * param(params, 9) + i4 * param(params, 10);
            const ao = i0 * param(params, 12) + i1 * param(params, 13) + i2 * param(params, 14) + i3 * param(params, 15) + i4 * param(params, 16);
            const bo = i0 * param(params, 18) + i1 * param(params, 19) + i2 * param(params, 20) + i3 * param(params, 21) + i4 * param(params, 22);
            const cp = cond + (<usize>co << 2), ap = a + (<usize>ao << 2), bp = b + (<usize>bo << 2);
            for (let i = 0; i < n; i++) {
              const c = condIsFloat ? load<f32>(cp + (<usize>(i * sc) << 2)) != 0 : load<i32>(cp + (<usize>(i * sc) << 2)) != 0;
              const v = c ? load<i32>(ap + (<usize>(i * sa) << 2)) : load<i32>(bp + (<usize>(i * sb) << 2));
              store<i32>(o + (<usize>i << 2), v);
            }
            o += <usize>n << 2;
          }
        }
      }
    }
  }
}
