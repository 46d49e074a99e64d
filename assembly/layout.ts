// Layout and indexing kernels on raw 32-bit elements (dtype-agnostic copies): strided copy
// (transpose, slice, tile, broadcast, reverse), constant pad, copy-into (concat), gather, oneHot,
// and the f32 scatter-add unsortedSegmentSum (gather's gradient).
// Shapes arrive padded to rank 6 (leading 1s) in an i32 params block.

@inline function param(p: usize, i: i32): i32 { return load<i32>(p + (<usize>i << 2)); }
@inline function at(base: usize, idx: i32): usize { return base + (<usize>idx << 2); }

/**
 * out[i] = x[offset + sum((i_d mod modDims_d) * inStrides_d)]. params: outShape[6],
 * inStrides[6], modDims[6].
 */
export function copyStrided(x: usize, out: usize, params: usize, offset: i32): void {
  const n = param(params, 5), s5 = param(params, 11), m5 = param(params, 17);
  let o = out;
  for (let i0 = 0; i0 < param(params, 0); i0++) {
    const o0 = offset + (i0 % param(params, 12)) * param(params, 6);
    for (let i1 = 0; i1 < param(params, 1); i1++) {
      const o1 = o0 + (i1 % param(params, 13)) * param(params, 7);
      for (let i2 = 0; i2 < param(params, 2); i2++) {
        const o2 = o1 + (i2 % param(params, 14)) * param(params, 8);
        for (let i3 = 0; i3 < param(params, 3); i3++) {
          const o3 = o2 + (i3 % param(params, 15)) * param(params, 9);
          for (let i4 = 0; i4 < param(params, 4); i4++) {
            const src = at(x, o3 + (i4 % param(params, 16)) * param(params, 10));
            if (s5 == 1 && m5 >= n) {
              memory.copy(o, src, <usize>n << 2);
            } else if (s5 == 0) {
              const v = load<i32>(src);
              for (let i = 0; i < n; i++) store<i32>(at(o, i), v);
            } else {
              let j = 0;
              for (let i = 0; i < n; i++) {
                store<i32>(at(o, i), load<i32>(at(src, j * s5)));
                j++;
                if (j == m5) j = 0;
              }
            }
            o += <usize>n << 2;
          }
        }
      }
    }
  }
}

@inline function inside(c: i32, d: i32, params: usize): bool {
  const k = c - param(params, 12 + d);
  return k >= 0 && k < param(params, 6 + d);
}

/**
 * Constant pad. params: outShape[6], inShape[6], padBefore[6]; `value` is the fill's 32-bit
 * pattern (already in the output dtype).
 */
export function pad(x: usize, out: usize, params: usize, value: i32): void {
  const n = param(params, 5), inN = param(params, 11), before = param(params, 17);
  // contiguous input strides
  const st4 = inN, st3 = st4 * param(params, 10), st2 = st3 * param(params, 9), st1 = st2 * param(params, 8), st0 = st1 * param(params, 7);
  let lo = before; if (lo < 0) lo = 0; if (lo > n) lo = n;
  let hi = before + inN; if (hi < lo) hi = lo; if (hi > n) hi = n;
  let o = out;
  for (let i0 = 0; i0 < param(params, 0); i0++) {
    for (let i1 = 0; i1 < param(params, 1); i1++) {
      for (let i2 = 0; i2 < param(params, 2); i2++) {
        for (let i3 = 0; i3 < param(params, 3); i3++) {
          for (let i4 = 0; i4 < param(params, 4); i4++) {
            const ok = inside(i0, 0, params) && inside(i1, 1, params) && inside(i2, 2, params) && inside(i3, 3, params) && inside(i4, 4, params);
            if (!ok) {
              for (let i = 0; i < n; i++) store<i32>(at(o, i), value);
            } else {
              const src = (i0 - param(params, 12)) * st0 + (i1 - param(params, 13)) * st1 + (i2 - param(params, 14)) * st2 +
                (i3 - param(params, 15)) * st3 + (i4 - param(params, 16)) * st4 - before;
              for (let i = 0; i < lo; i++) store<i32>(at(o, i), value);
              memory.copy(at(o, lo), at(x, src + lo), <usize>(hi - lo) << 2);
              for (let i = hi; i < n; i++) store<i32>(at(o, i), value);
            }
            o += <usize>n << 2;
          }
        }
      }
    }
  }
}

/** Copy x viewed [outer, inner] into out viewed [outer, outInner] at column `offset`. */
export function copyInto(x: usize, out: usize, outer: i32, inner: i32, outInner: i32, offset: i32): void {
  for (let o = 0; o < outer; o++) {
    memory.copy(at(out, o * outInner + offset), at(x, o * inner), <usize>inner << 2);
  }
}

/** x [outer, axisDim, inner], indices i32 [numIndices] -> out [outer, numIndices, inner]. */
export function gather(x: usize, indices: usize, out: usize, outer: i32, axisDim: i32, inner: i32, numIndices: i32): void {
  const rowBytes = <usize>inner << 2;
  let o = out;
  for (let b = 0; b < outer; b++) {
    for (let j = 0; j < numIndices; j++) {
      const idx = load<i32>(at(indices, j));
      if (idx >= 0 && idx < axisDim) memory.copy(o, at(x, (b * axisDim + idx) * inner), rowBytes);
      else memory.fill(o, 0, rowBytes);
      o += rowBytes;
    }
  }
}

/** indices i32 [n] -> out [n, depth]; onBits/offBits are 32-bit patterns in the output dtype. */
export function oneHot(indices: usize, out: usize, n: i32, depth: i32, onBits: i32, offBits: i32): void {
  for (let j = 0; j < n; j++) {
    const idx = load<i32>(at(indices, j));
    const row = at(out, j * depth);
    for (let d = 0; d < depth; d++) store<i32>(at(row, d), d == idx ? onBits : offBits);
  }
}

/**
 * Scatter-add: x f32 [outer, n, inner], ids i32 [n] -> out f32 [outer, numSegments, inner].
 * out starts at 0; row j of each outer block is added to row ids[j]; ids outside
 * [0, numSegments) are skipped. Rows are accumulated four lanes at a time (f32x4).
 */
export function unsortedSegmentSum(x: usize, ids: usize, out: usize, outer: i32, n: i32, inner: i32, numSegments: i32): void {
  memory.fill(out, 0, (<usize>outer * <usize>numSegments * <usize>inner) << 2);
  const vecEnd = inner & ~3;
  for (let b = 0; b < outer; b++) {
    const outBlock = at(out, b * numSegments * inner);
    let src = at(x, b * n * inner);
    for (let j = 0; j < n; j++) {
      const s = load<i32>(at(ids, j));
      if (s >= 0 && s < numSegments) {
        const dst = at(outBlock, s * inner);
        let i = 0;
        for (; i < vecEnd; i += 4) {
          v128.store(at(dst, i), f32x4.add(v128.load(at(dst, i)), v128.load(at(src, i))));
        }
        for (; i < inner; i++) store<f32>(at(dst, i), load<f32>(at(dst, i)) + load<f32>(at(src, i)));
      }
      src += <usize>inner << 2;
    }
  }
}
