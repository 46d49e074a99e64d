// N-d indexing kernels on 32-bit words: gatherND copies the slice each index tuple names (a
// zero slice when a coordinate is out of range); scatterND adds update slices into zeros (mode
// 0, f32 or i32 sums) or writes them over a copy of the base tensor (mode 1, raw words, the
// later update wins); out-of-range tuples are skipped. params: strides[8], dims[8] (i32).

@inline function at(base: usize, idx: i32): usize { return base + (<usize>idx << 2); }

/** Element offset of index tuple `row`, or -1 when a coordinate is outside its dim. */
@inline function sliceOffset(indices: usize, row: i32, depth: i32, params: usize): i32 {
  let offset = 0;
  for (let d = 0; d < depth; d++) {
    const c = load<i32>(at(indices, row * depth + d));
    if (c < 0 || c >= load<i32>(at(params, 8 + d))) return -1;
    offset += c * load<i32>(at(params, d));
  }
  return offset;
}

export function gatherND(x: usize, indices: usize, out: usize, numSlices: i32, sliceSize: i32, depth: i32, params: usize): void {
  const bytes = <usize>sliceSize << 2;
  for (let s = 0; s < numSlices; s++) {
    const from = sliceOffset(indices, s, depth, params);
    const dst = at(out, s * sliceSize);
    if (from < 0) memory.fill(dst, 0, bytes);
    else memory.copy(dst, at(x, from), bytes);
  }
}

export function scatterND(
  indices: usize, updates: usize, base: usize, out: usize, numUpdates: i32, sliceSize: i32, depth: i32,
  outSize: i32, mode: i32, isInt: i32, params: usize,
): void {
  if (mode == 1) memory.copy(out, base, <usize>outSize << 2);
  else memory.fill(out, 0, <usize>outSize << 2);
  const vecEnd = sliceSize & ~3;
  for (let j = 0; j < numUpdates; j++) {
    const to = sliceOffset(indices, j, depth, params);
    if (to < 0) continue;
    const dst = at(out, to);
    const src = at(updates, j * sliceSize);
    if (mode == 1) {
      memory.copy(dst, src, <usize>sliceSize << 2);
      continue;
    }
    let i = 0;
    if (isInt) {
      for (; i < vecEnd; i += 4) v128.store(at(dst, i), i32x4.add(v128.load(at(dst, i)), v128.load(at(src, i))));
      for (; i < sliceSize; i++) store<i32>(at(dst, i), load<i32>(at(dst, i)) + load<i32>(at(src, i)));
    } else {
      for (; i < vecEnd; i += 4) v128.store(at(dst, i), f32x4.add(v128.load(at(dst, i)), v128.load(at(src, i))));
      for (; i < sliceSize; i++) store<f32>(at(dst, i), load<f32>(at(dst, i)) + load<f32>(at(src, i)));
    }
  }
}
