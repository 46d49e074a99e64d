// Batched matMul with fused epilogue (bias, activation), register-blocked with f32x4.
//
// Per batch, A is packed into row tiles of MR rows ([tile][k][MR], zero padded) and B into
// column panels of NR = 8 ([panel][k][8], zero padded); packing absorbs both transposes, so
// the micro-kernel only ever streams contiguous memory. The loops follow the GotoBLAS order:
// k blocks of KC (a B micro-panel slice stays in L1), row blocks of MC (the A block stays in L2),
// then MR x 8 tiles of C held in v128 accumulators. madd is relaxed_madd in the relaxed build.
// Measured alternatives at 1024^3 (Node 20, AMD EPYC, GFLOP/s): this 4 x 8 load-splat kernel 45;
// A as one v128 + 4 lane shuffles 41; k unrolled by 2 32; a 6 x 8 tile 29 (V8 spills). KC
// 128..512 and MC 32..256 are all within noise of the values below.
import { applyActivation } from './generated_dispatch';
import { geluF32x4, madd, sigmoidF32x4, tanhF32x4 } from './simd_math';

const MR = 4;
const NR = 8;
const KC = 256;
const MC = 64;

/** Bytes of packing scratch the caller must provide for an M x N x K product. */
export function matMulScratchBytes(M: i32, N: i32, K: i32): i32 {
  const mt = (M + MR - 1) / MR, nt = (N + NR - 1) / NR;
  return (mt * MR * K + nt * NR * K) * 4 + 16 * 4 * NR * MR;
}

@inline function at(base: usize, idx: i32): usize { return base + (<usize>idx << 2); }

function packA(a: usize, M: i32, K: i32, transA: i32, dst: usize): void {
  for (let m0 = 0; m0 < M; m0 += MR) {
    const rows = min(MR, M - m0);
    const tile = dst + (<usize>m0 * <usize>K << 2);
    if (transA) { // a is [K, M]
      if (rows == MR && MR == 4) {
        for (let k = 0; k < K; k++) v128.store(tile + (<usize>k << 4), v128.load(at(a, k * M + m0)));
      } else {
        for (let k = 0; k < K; k++) {
          for (let r = 0; r < MR; r++) store<f32>(tile + (<usize>(k * MR + r) << 2), r < rows ? load<f32>(at(a, k * M + m0 + r)) : 0);
        }
      }
    } else { // a is [M, K]
      for (let r = 0; r < MR; r++) {
        if (r < rows) {
          const src = at(a, (m0 + r) * K);
          for (let k = 0; k < K; k++) store<f32>(tile + (<usize>(k * MR + r) << 2), load<f32>(src + (<usize>k << 2)));
        } else {
          for (let k = 0; k < K; k++) store<f32>(tile + (<usize>(k * MR + r) << 2), 0);
        }
      }
    }
  }
}

function packB(b: usize, N: i32, K: i32, transB: i32, dst: usize): void {
  for (let n0 = 0; n0 < N; n0 += NR) {
    const cols = min(NR, N - n0);
    const panel = dst + (<usize>n0 * <usize>K << 2);
    if (!transB) { // b is [K, N]
      if (cols == NR) {
        for (let k = 0; k < K; k++) {
          const src = at(b, k * N + n0);
          const d = panel + (<usize>k << 5);
          v128.store(d, v128.load(src));
          v128.store(d, v128.load(src, 16), 16);
        }
      } else {
        for (let k = 0; k < K; k++) {
          for (let c = 0; c < NR; c++) store<f32>(panel + (<usize>(k * NR + c) << 2), c < cols ? load<f32>(at(b, k * N + n0 + c)) : 0);
        }
      }
    } else { // b is [N, K]
      for (let c = 0; c < NR; c++) {
        if (c < cols) {
          const src = at(b, (n0 + c) * K);
          for (let k = 0; k < K; k++) store<f32>(panel + (<usize>(k * NR + c) << 2), load<f32>(src + (<usize>k << 2)));
        } else {
          for (let k = 0; k < K; k++) store<f32>(panel + (<usize>(k * NR + c) << 2), 0);
        }
      }
    }
  }
}

/** C[0..4, 0..8] (row stride ldc bytes) = (accumulate ? C : 0) + Apanel[kc x 4]^T * Bpanel[kc x 8]. */
export function micro4x8(a: usize, b: usize, kc: i32, c: usize, ldc: usize, accumulate: bool): void {
  let c00 = f32x4.splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  if (accumulate) {
    c00 = v128.load(c); c01 = v128.load(c, 16);
    c10 = v128.load(c + ldc); c11 = v128.load(c + ldc, 16);
    c20 = v128.load(c + 2 * ldc); c21 = v128.load(c + 2 * ldc, 16);
    c30 = v128.load(c + 3 * ldc); c31 = v128.load(c + 3 * ldc, 16);
  }
  for (let k = 0; k < kc; k++) {
    const b0 = v128.load(b);
    const b1 = v128.load(b, 16);
    const a0 = v128.load32_splat(a);
    c00 = madd(a0, b0, c00); c01 = madd(a0, b1, c01);
    const a1 = v128.load32_splat(a, 4);
    c10 = madd(a1, b0, c10); c11 = madd(a1, b1, c11);
    const a2 = v128.load32_splat(a, 8);
    c20 = madd(a2, b0, c20); c21 = madd(a2, b1, c21);
    const a3 = v128.load32_splat(a, 12);
    c30 = madd(a3, b0, c30); c31 = madd(a3, b1, c31);
    a += 16; b += 32;
  }
  v128.store(c, c00); v128.store(c, c01, 16);
  v128.store(c + ldc, c10); v128.store(c + ldc, c11, 16);
  v128.store(c + 2 * ldc, c20); v128.store(c + 2 * ldc, c21, 16);
  v128.store(c + 3 * ldc, c30); v128.store(c + 3 * ldc, c31, 16);
}

/** One C row: + bias, then the activation, in place. */
export function epilogueRow(c: usize, N: i32, bias: usize, biasSize: i32, act: i32, alpha: f32, prelu: usize, preluSize: i32): void {
  const zero = f32x4.splat(0);
  let n = 0;
  if (act != 3) { // elu keeps the scalar expm1 path (exp(x) - 1 cancels near 0)
    const six = f32x4.splat(6), va = f32x4.splat(alpha);
    for (; n + 4 <= N; n += 4) {
      let v = v128.load(at(c, n));
      if (bias) v = f32x4.add(v, biasSize == 1 ? v128.load32_splat(bias) : v128.load(at(bias, n)));
      if (act == 1) v = f32x4.max(v, zero);
      else if (act == 2) v = f32x4.min(f32x4.max(v, zero), six);
      else if (act == 4) v = v128.bitselect(f32x4.mul(v, va), v, f32x4.lt(v, zero));
      else if (act == 5) {
        const w = preluSize == 1 ? v128.load32_splat(prelu) : v128.load(at(prelu, n));
        v = v128.bitselect(f32x4.mul(v, w), v, f32x4.lt(v, zero));
      } else if (act == 6) v = sigmoidF32x4(v);
      else if (act == 7) v = tanhF32x4(v);
      else if (act == 8) v = geluF32x4(v);
      v128.store(at(c, n), v);
    }
  }
  for (; n < N; n++) {
    let v = <f64>load<f32>(at(c, n));
    if (bias) v = <f64>(<f32>v + load<f32>(at(bias, biasSize == 1 ? 0 : n)));
    const pw: f64 = act == 5 ? <f64>load<f32>(at(prelu, preluSize == 1 ? 0 : n)) : 0;
    store<f32>(at(c, n), <f32>applyActivation(act, v, <f64>alpha, pw));
  }
}

/**
 * out[bt] = act(op(A[bt]) x op(B[bt]) + bias). A starts at a + bt*aBatchStride elements, B at
 * b + bt*bBatchStride (0 broadcasts). bias/prelu are 0 when absent. scratch holds
 * matMulScratchBytes(M, N, K) bytes, 16-byte aligned.
 */
export function matMul(
  a: usize, b: usize, out: usize, batch: i32, M: i32, N: i32, K: i32, transA: i32, transB: i32,
  aBatchStride: i32, bBatchStride: i32, bias: usize, biasSize: i32, act: i32, alpha: f32,
  prelu: usize, preluSize: i32, scratch: usize,
): void {
  if (M <= 0 || N <= 0) return;
  const mt = (M + MR - 1) / MR, nt = (N + NR - 1) / NR;
  const packedA = scratch;
  const packedB = scratch + (<usize>(mt * MR) * <usize>K << 2);
  const tmp = packedB + (<usize>(nt * NR) * <usize>K << 2); // MR x NR edge tile
  const ldc = <usize>N << 2;
  for (let bt = 0; bt < batch; bt++) {
    const c = out + (<usize>bt * <usize>M * <usize>N << 2);
    if (bt == 0 || aBatchStride != 0) packA(at(a, bt * aBatchStride), M, K, transA, packedA);
    if (bt == 0 || bBatchStride != 0) packB(at(b, bt * bBatchStride), N, K, transB, packedB);
    if (K == 0) memory.fill(c, 0, <usize>M * <usize>N << 2);
    for (let k0 = 0; k0 < K; k0 += KC) {
      const kc = min(KC, K - k0);
      const acc = k0 > 0;
      for (let m0 = 0; m0 < M; m0 += MC) {
        const m1 = min(M, m0 + MC);
        for (let n0 = 0; n0 < N; n0 += NR) {
          const bp = packedB + (<usize>n0 * <usize>K << 2) + (<usize>k0 * NR << 2);
          const cols = min(NR, N - n0);
          for (let m = m0; m < m1; m += MR) {
            const ap = packedA + (<usize>m * <usize>K << 2) + (<usize>k0 * MR << 2);
            const rows = min(MR, M - m);
            const cp = c + (<usize>(m * N + n0) << 2);
            if (rows == MR && cols == NR) {
              micro4x8(ap, bp, kc, cp, ldc, acc);
            } else { // edge tile through tmp (row stride NR floats)
              for (let r = 0; r < rows; r++) memory.copy(tmp + (<usize>(r * NR) << 2), cp + <usize>r * ldc, <usize>cols << 2);
              micro4x8(ap, bp, kc, tmp, NR << 2, acc);
              for (let r = 0; r < rows; r++) memory.copy(cp + <usize>r * ldc, tmp + (<usize>(r * NR) << 2), <usize>cols << 2);
            }
          }
        }
      }
    }
    if (bias || act != 0) {
      for (let m = 0; m < M; m++) epilogueRow(c + <usize>m * ldc, N, bias, biasSize, act, alpha, prelu, preluSize);
    }
  }
}
