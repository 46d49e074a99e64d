/**
 * Slicing and block-rearranging ops (TF.js names): stridedSlice with every mask, batchToSpaceND,
 * spaceToBatchND and mirrorPad. stridedSlice is one strided copy (negative and >1 steps are
 * just strides) with a vjp that spreads dy back with pad/reshape; the others are compositions of
 * reshape, transpose, pad, slice, reverse and concat, so their gradients come from those ops.
 */
import { ENGINE } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { stridesOf } from '../util.js';
import { toTensor, type Input, op } from './operand.js';
import { concat, expandDims, pad, reshape, reverse, slice, stridedCopy, transpose } from './layout.js';

interface SliceSpec {
  /** Per input dim: first index read, element count and step. */
  begin: number[];
  size: number[];
  strides: number[];
  /** Output shape before newAxis/shrink are applied (one entry per input dim). */
  finalShape: number[];
}

const NEW_AXIS = -1;
const SHRINK_AXIS = -2;

/**
 * TensorFlow's strided-slice index resolution: expand the (single) ellipsis, place new axes,
 * canonicalise negative and masked bounds, clamp, and count elements per dim.
 */
function resolveStridedSlice(
  shape: number[], begin: number[], end: number[], strides: number[] | undefined,
  beginMask: number, endMask: number, ellipsisMask: number, newAxisMask: number, shrinkAxisMask: number,
): SliceSpec {
  const st = strides ?? new Array(begin.length).fill(1);
  if ((ellipsisMask & (ellipsisMask - 1)) !== 0) throw new Error('Multiple ellipses in slice is not allowed.');
  let sparseDims = st.length;
  let ellipsis = ellipsisMask;
  let ellipsisSeen = false;
  let newAfterEllipsis = 0;
  for (let i = 0; i < sparseDims; i++) {
    if (ellipsisSeen && (newAxisMask & (1 << i))) newAfterEllipsis++;
    if (ellipsis & (1 << i)) ellipsisSeen = true;
  }
  if (!ellipsisSeen) {
    ellipsis |= 1 << sparseDims;
    sparseDims++;
  }
  const rank = shape.length;
  const dBegin: number[] = [];
  const dEnd: number[] = [];
  const dStride: number[] = [];
  let dBeginMask = 0;
  let dEndMask = 0;
  let dShrink = 0;
  const gather: number[] = [];
  let full = 0;
  for (let i = 0; i < sparseDims; i++) {
    if (ellipsis & (1 << i)) {
      const next = Math.min(rank - (sparseDims - i) + 1 + newAfterEllipsis, rank);
      for (; full < next; full++) {
        dBegin[full] = 0;
        dEnd[full] = 0;
        dStride[full] = 1;
        dBeginMask |= 1 << full;
        dEndMask |= 1 << full;
        gather.push(full);
      }
    } else if (newAxisMask & (1 << i)) {
      gather.push(NEW_AXIS);
    } else {
      if (full === rank) throw new Error(`Index out of range using input dim ${full}; input has only ${rank} dims, ${rank}.`);
      dBegin[full] = begin[i] ?? 0;
      dEnd[full] = end[i] ?? 0;
      dStride[full] = st[i] ?? 1;
      if (beginMask & (1 << i)) dBeginMask |= 1 << full;
      if (endMask & (1 << i)) dEndMask |= 1 << full;
      if (shrinkAxisMask & (1 << i)) {
        gather.push(SHRINK_AXIS);
        dShrink |= 1 << full;
      } else gather.push(full);
      full++;
    }
  }
  const size: number[] = [];
  for (let i = 0; i < rank; i++) {
    const s = dStride[i];
    const dim = shape[i];
    if (s === 0) throw new Error(`strides[${i}] must be non-zero`);
    if (dShrink & (1 << i)) {
      if (s <= 0) throw new Error('only stride 1 allowed on non-range indexing.');
      const fwd = dBegin[i] < 0 ? dim + dBegin[i] : dBegin[i];
      if (fwd < 0 || fwd >= dim) throw new Error(`slice index ${dBegin[i]} of dimension ${i} out of bounds.`);
      dBegin[i] = fwd;
      dEnd[i] = fwd + 1;
    } else {
      const lo = s > 0 ? 0 : -1;
      const hi = s > 0 ? dim : dim - 1;
      const canon = (x: number, masked: boolean, isEnd: boolean) => {
        if (masked) return (s > 0) !== isEnd ? lo : hi;
        const fwd = x < 0 ? dim + x : x;
        return Math.min(Math.max(fwd, lo), hi);
      };
      dBegin[i] = canon(dBegin[i], (dBeginMask & (1 << i)) !== 0, false);
      dEnd[i] = canon(dEnd[i], (dEndMask & (1 << i)) !== 0, true);
    }
    const len = dEnd[i] - dBegin[i];
    size.push(len === 0 || (len < 0) !== (s < 0) ? 0 : Math.ceil(len / s));
  }
  const finalShape: number[] = [];
  for (const g of gather) {
    if (g >= 0) finalShape.push(size[g]);
    else if (g === NEW_AXIS) finalShape.push(1);
  }
  return { begin: dBegin, size, strides: dStride, finalShape };
}

/**
 * Spread `dy` (length n along `axis`) into a zero tensor of length `total`, element k landing at
 * start + k * step (step > 0): interleave zeros with pad + reshape, then pad to place it.
 */
function spreadAlong(dy: Tensor, axis: number, total: number, start: number, step: number): Tensor {
  const n = dy.shape[axis];
  let t = dy;
  if (step > 1 && n > 0) {
    const e = expandDims(t, axis + 1);
    const withGaps = pad(e, e.shape.map((_, i) => (i === axis + 1 ? [0, step - 1] : [0, 0]) as [number, number]));
    const flat = reshape(withGaps, [...t.shape.slice(0, axis), n * step, ...t.shape.slice(axis + 1)]);
    const keep = (n - 1) * step + 1;
    t = slice(flat, flat.shape.map(() => 0), flat.shape.map((d, i) => (i === axis ? keep : d)));
  }
  const len = t.shape[axis];
  return pad(t, t.shape.map((_, i) => (i === axis ? [start, total - start - len] : [0, 0]) as [number, number]));
}

/**
 * Slices `x` from `begin` to `end` with `strides`, with TF's begin/end/ellipsis/new-axis/shrink masks.
 * @example
 * ```js
 * tf.stridedSlice(tf.tensor([0, 1, 2, 3, 4, 5]), [1], [6], [2]).print(); // [1, 3, 5]
 * ```
 */
export const stridedSlice = op('stridedSlice', function stridedSlice(
  x: Input, begin: number[], end: number[], strides?: number[],
  beginMask = 0, endMask = 0, ellipsisMask = 0, newAxisMask = 0, shrinkAxisMask = 0,
): Tensor {
  const t = toTensor(x, 'stridedSlice', 'x');
  const spec = resolveStridedSlice(t.shape, begin, end, strides, beginMask, endMask, ellipsisMask, newAxisMask, shrinkAxisMask);
  const inStrides = stridesOf(t.shape);
  let offset = 0;
  const empty = spec.size.some((d) => d === 0);
  if (!empty) for (let i = 0; i < t.rank; i++) offset += spec.begin[i] * inStrides[i];
  // One strided copy over the per-dim element counts; new and shrunk axes (size 1) are only a
  // different view of the same data.
  const copied = stridedCopy('stridedSlice', t, spec.size, inStrides.map((s, i) => s * spec.strides[i]), offset);
  const y = ENGINE.makeView(copied, spec.finalShape);
  copied.dispose();
  if (t.dtype === 'float32') {
    ENGINE.record('stridedSlice', [t], [y], ([dy]) => {
      if (!dy) return [null];
      let g = reshape(dy, spec.size);
      if (empty) return [pad(g, t.shape.map((d, i) => [0, d - spec.size[i]] as [number, number]))];
      for (let i = 0; i < t.rank; i++) {
        const s = spec.strides[i];
        const n = spec.size[i];
        if (s < 0) g = reverse(g, i);
        const lowest = s > 0 ? spec.begin[i] : spec.begin[i] + (n - 1) * s;
        g = spreadAlong(g, i, t.shape[i], lowest, Math.abs(s));
      }
      return [g];
    });
  }
  return y;
});

function checkBlockShape(opName: string, blockShape: number[]): void {
  if (!Array.isArray(blockShape) || blockShape.length === 0 || blockShape.some((b) => !Number.isInteger(b) || b < 1)) {
    throw new Error(`${opName}: blockShape must be a non-empty array of positive integers, got ${JSON.stringify(blockShape)}`);
  }
}

/**
 * Rearranges batch blocks into spatial dims, then crops (TF.js batchToSpaceND).
 * @example
 * ```js
 * tf.batchToSpaceND(tf.tensor4d([1, 2, 3, 4], [4, 1, 1, 1]), [2, 2], [[0, 0], [0, 0]]).shape; // [1, 2, 2, 1]
 * ```
 */
export const batchToSpaceND = op('batchToSpaceND', function batchToSpaceND(x: Input, blockShape: number[], crops: number[][]): Tensor {
  const t = toTensor(x, 'batchToSpaceND', 'x');
  checkBlockShape('batchToSpaceND', blockShape);
  const prod = blockShape.reduce((a, b) => a * b);
  const m = blockShape.length;
  if (t.rank < 1 + m) throw new Error(`input rank is ${t.rank} but should be > than blockShape.length ${m}`);
  if (crops.length !== m) throw new Error(`crops.length is ${crops.length} but should be equal to blockShape.length  ${m}`);
  if (t.shape[0] % prod !== 0) {
    throw new Error(`input tensor batch is ${t.shape[0]} but is not divisible by the product of the elements of blockShape ${blockShape.join(' * ')} === ${prod}`);
  }
  const batch = t.shape[0] / prod;
  const spatial = t.shape.slice(1, 1 + m);
  const rest = t.shape.slice(1 + m);
  // [b1..bm, batch, s1..sm, rest] -> [batch, s1, b1, ..., sm, bm, rest] -> [batch, s1*b1, ..., rest]
  const r1 = reshape(t, [...blockShape, batch, ...spatial, ...rest]);
  const perm = [m];
  for (let i = 0; i < m; i++) perm.push(m + 1 + i, i);
  for (let i = 0; i < rest.length; i++) perm.push(2 * m + 1 + i);
  const r2 = transpose(r1, perm);
  const full = [batch, ...spatial.map((s, i) => s * blockShape[i]), ...rest];
  const r3 = reshape(r2, full);
  for (let i = 0; i < m; i++) {
    const [a, b] = crops[i];
    if (!(a >= 0 && b >= 0 && a + b <= full[i + 1])) {
      throw new Error(`batchToSpaceND: crops [${a}, ${b}] of spatial dim ${i} must be >= 0 and sum to at most ${full[i + 1]}`);
    }
  }
  if (crops.every(([a, b]) => a === 0 && b === 0)) return r3;
  return slice(r3, full.map((_, i) => (i >= 1 && i <= m ? crops[i - 1][0] : 0)),
    full.map((d, i) => (i >= 1 && i <= m ? d - crops[i - 1][0] - crops[i - 1][1] : d)));
});

/**
 * Zero-pads spatial dims, then moves spatial blocks into the batch (TF.js spaceToBatchND).
 * @example
 * ```js
 * tf.spaceToBatchND(tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]), [2, 2], [[0, 0], [0, 0]]).shape; // [4, 1, 1, 1]
 * ```
 */
export const spaceToBatchND = op('spaceToBatchND', function spaceToBatchND(x: Input, blockShape: number[], paddings: number[][]): Tensor {
  const t = toTensor(x, 'spaceToBatchND', 'x');
  checkBlockShape('spaceToBatchND', blockShape);
  const m = blockShape.length;
  if (t.rank < 1 + m) throw new Error(`input rank ${t.rank} should be > than [blockShape] ${m}`);
  if (paddings.length !== m) throw new Error(`paddings.shape[0] ${paddings.length} must be equal to [blockShape] ${m}`);
  const padded = t.shape.map((d, i) => (i >= 1 && i <= m ? d + paddings[i - 1][0] + paddings[i - 1][1] : d));
  if (!padded.every((d, i) => i < 1 || i > m || d % blockShape[i - 1] === 0)) {
    throw new Error(`input spatial dimensions ${t.shape.slice(1)} with paddings ${paddings.toString()} must be divisible by blockShapes ${blockShape.toString()}`);
  }
  const p = t.shape.map((_, i) => (i >= 1 && i <= m ? [paddings[i - 1][0], paddings[i - 1][1]] : [0, 0]) as [number, number]);
  const xp = p.some(([a, b]) => a !== 0 || b !== 0) ? pad(t, p) : t;
  const batch = t.shape[0];
  const rest = t.shape.slice(1 + m);
  // [batch, s1/b1, b1, ..., sm/bm, bm, rest] -> [b1..bm, batch, s1/b1..sm/bm, rest]
  const split: number[] = [batch];
  for (let i = 0; i < m; i++) split.push(padded[i + 1] / blockShape[i], blockShape[i]);
  const r1 = reshape(xp, [...split, ...rest]);
  const perm: number[] = [];
  for (let i = 0; i < m; i++) perm.push(2 + 2 * i);
  perm.push(0);
  for (let i = 0; i < m; i++) perm.push(1 + 2 * i);
  for (let i = 0; i < rest.length; i++) perm.push(1 + 2 * m + i);
  const r2 = transpose(r1, perm);
  const prod = blockShape.reduce((a, b) => a * b);
  return reshape(r2, [batch * prod, ...blockShape.map((b, i) => padded[i + 1] / b), ...rest]);
});

/**
 * Pads with values mirrored at the borders ('reflect' excludes the edge, 'symmetric' repeats it).
 * @example
 * ```js
 * tf.mirrorPad(tf.tensor([1, 2, 3]), [[1, 1]], 'reflect').print(); // [2, 1, 2, 3, 2]
 * ```
 */
export const mirrorPad = op('mirrorPad', function mirrorPad(x: Input, paddings: Array<[number, number]>, mode: 'reflect' | 'symmetric'): Tensor {
  if (mode !== 'reflect' && mode !== 'symmetric') throw new Error(`Invalid mode. Mode must be either reflect or symmetric. Got ${mode}.`);
  const t = toTensor(x, 'mirrorPad', 'x');
  if (t.rank === 0) throw new Error('mirrorPad(scalar) is not defined. Pass non-scalar to mirrorPad');
  if (!Array.isArray(paddings) || paddings.length !== t.rank) {
    throw new Error(`Padding doesn't match input. Must be ${t.rank}. Got ${Array.isArray(paddings) ? paddings.length : paddings}.`);
  }
  const offset = mode === 'reflect' ? 1 : 0;
  for (let i = 0; i < t.rank; i++) {
    if (!Array.isArray(paddings[i]) || paddings[i].length !== 2) throw new Error('Invalid number of paddings. Must be length of 2 each.');
    const [a, b] = paddings[i];
    if (!(a >= 0 && a <= t.shape[i] - offset && b >= 0 && b <= t.shape[i] - offset)) {
      throw new Error(`Padding in dimension ${i} cannot be greater than or equal to ${t.shape[i] - offset} or less than 0 for input of shape ${t.shape}`);
    }
  }
  let y = t;
  for (let axis = 0; axis < t.rank; axis++) {
    const [before, after] = paddings[axis];
    if (before === 0 && after === 0) continue;
    const dim = y.shape[axis];
    const part = (start: number, len: number) =>
      reverse(slice(y, y.shape.map((_, i) => (i === axis ? start : 0)), y.shape.map((d, i) => (i === axis ? len : d))), axis);
    const parts: Tensor[] = [];
    if (before > 0) parts.push(part(offset, before));
    parts.push(y);
    if (after > 0) parts.push(part(dim - offset - after, after));
    y = concat(parts, axis);
  }
  return y === t ? reshape(t, t.shape) : y;
});

