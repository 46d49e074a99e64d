/**
 * Splitting one kernel call into dispatches whose storage bindings each fit
 * maxStorageBufferBindingSize (the copies, broadcasting binary/select, gather, oneHot, segment
 * sum and matMul; see limits.ts for the whole picture).
 *
 * A kernel describes its iteration space as a box of dims and, for every tensor it binds, the
 * inclusive range of element indices a sub-box touches (its footprint; `stridedFootprint` for
 * the usual `offset + sum((c_d mod m_d) * stride_d)` addressing). `planChunks` bisects the box
 * until every footprint, widened down to minStorageBufferOffsetAlignment and up to whole vec4s,
 * fits one binding. Each split halves the dim that most shrinks the largest binding of the two
 * halves (ties: the outer dim), so a transpose ends in square-ish tiles and a broadcast in
 * blocks of whole rows. Chunks come out depth first, lower half first: along a dim that the
 * output does not depend on (matMul's K, gather's source axis) the pieces of one output region
 * are dispatched in increasing order, which accumulating kernels rely on.
 *
 * A tensor that fits one binding is bound whole in every chunk. When everything fits, the
 * kernel runs as one dispatch with `start` 0 and `extent` the whole space.
 */
import type { TensorInfo } from '../backend.js';
import type { KernelContext } from './spec.js';

/** Inclusive [first, last] element indices that the sub-box touches, or null for none. */
export type Footprint = (start: number[], extent: number[]) => [number, number] | null;

/** One binding of a chunk: the whole buffer, an aligned element range, or nothing (dummy). */
export type BoundRange = 'whole' | { first: number; count: number } | null;

export interface Chunk { start: number[]; extent: number[]; ranges: BoundRange[] }

export interface ChunkLimits { maxBindingBytes: number; bindingAlignment: number }

/** More dispatches than this for one kernel call is an error, not a plan. */
export const MAX_CHUNKS = 1 << 16;

/** Elements per alignment step of a binding's offset (at least one vec4). */
export const alignElements = (alignment: number) => Math.max(alignment, 16) / 4;

/** Footprint of `offset + sum((c_d mod mods_d) * strides_d)` (strides may be negative). */
export function stridedFootprint(offset: number, strides: number[], mods?: number[]): Footprint {
  return (start, extent) => {
    let lo = offset, hi = offset;
    for (let d = 0; d < strides.length; d++) {
      if (extent[d] === 0) return null;
      const s = strides[d];
      if (s === 0) continue;
      let cLo = start[d], cHi = start[d] + extent[d] - 1;
      const m = mods?.[d];
      if (m !== undefined) {
        const a = cLo % m, b = cHi % m;
        if (extent[d] >= m || a > b) { cLo = 0; cHi = m - 1; } else { cLo = a; cHi = b; }
      }
      if (s > 0) { lo += cLo * s; hi += cHi * s; } else { lo += cHi * s; hi += cLo * s; }
    }
    return [lo, hi];
  };
}

/** Contiguous (row-major) strides of a shape. */
export function rowMajorStrides(shape: number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let d = shape.length - 1; d >= 0; d--) { s[d] = acc; acc *= shape[d]; }
  return s;
}

const fmt = (bytes: number) => (bytes >= 1 << 20 ? `${bytes} bytes, ${(bytes / (1 << 20)).toFixed(1)} MiB` : `${bytes} bytes`);

/**
 * The chunks of `shape` whose footprints in tensors of `sizes` elements each fit one binding.
 * `quantum[d]`: split points along d are multiples of it (vec4-writing kernels). `what` names
 * the kernel and shapes in the Error thrown when no plan within MAX_CHUNKS exists.
 */
export function planChunks(what: string, shape: number[], sizes: number[], footprints: Footprint[],
  lim: ChunkLimits, quantum: number[] = []): Chunk[] {
  const maxElems = Math.floor(lim.maxBindingBytes / 16) * 4;
  const align = alignElements(lim.bindingAlignment);
  const whole = sizes.map((n) => n * 4 <= lim.maxBindingBytes);
  const rangeOf = (i: number, start: number[], extent: number[]): BoundRange => {
    if (whole[i]) return 'whole';
    const fp = footprints[i](start, extent);
    if (!fp) return null;
    const lo = Math.max(0, fp[0]), hi = Math.min(sizes[i] - 1, fp[1]);
    if (hi < lo) return null;
    const first = Math.floor(lo / align) * align;
    return { first, count: Math.ceil((hi + 1 - first) / 4) * 4 };
  };
  const worst = (start: number[], extent: number[]) => {
    let w = 0;
    for (let i = 0; i < sizes.length; i++) {
      const r = rangeOf(i, start, extent);
      if (r && r !== 'whole') w = Math.max(w, r.count);
    }
    return w;
  };
  const fail = (why: string) => {
    const biggest = Math.max(...sizes);
    return new Error(
      `webgpu: ${what}: a tensor of ${biggest} elements (${fmt(biggest * 4)}) is more than this device's ` +
      `maxStorageBufferBindingSize (${fmt(lim.maxBindingBytes)}) for one binding, and ${why}; split the tensor or use the wasm backend`,
    );
  };
  const chunks: Chunk[] = [];
  const visit = (start: number[], extent: number[]): void => {
    if (worst(start, extent) <= maxElems) {
      if (chunks.length >= MAX_CHUNKS) throw fail(`splitting it would take more than ${MAX_CHUNKS} dispatches`);
      chunks.push({ start, extent, ranges: sizes.map((_, i) => rangeOf(i, start, extent)) });
      return;
    }
    let best = -1, bestWorst = Infinity, bestHalf = 0;
    for (let d = 0; d < shape.length; d++) {
      const q = quantum[d] ?? 1;
      const half = Math.ceil(extent[d] / 2 / q) * q;
      if (half >= extent[d]) continue;
      const lo = extent.slice(); lo[d] = half;
      const hiStart = start.slice(); hiStart[d] += half;
      const hi = extent.slice(); hi[d] -= half;
      const w = Math.max(worst(start, lo), worst(hiStart, hi));
      if (w < bestWorst) { best = d; bestWorst = w; bestHalf = half; }
    }
    if (best < 0) throw fail('no split of it fits one binding at this offset alignment');
    const lo = extent.slice(); lo[best] = bestHalf;
    const hiStart = start.slice(); hiStart[best] += bestHalf;
    const hi = extent.slice(); hi[best] -= bestHalf;
    visit(start, lo);
    visit(hiStart, hi);
  };
  if (shape.some((n) => n === 0)) return [];
  visit(shape.map(() => 0), shape.slice());
  return chunks;
}

/** A chunk's bindings: buffers for the dispatch and each tensor's first bound element (its base). */
export interface ChunkBindings { buffers: Array<GPUBuffer | GPUBufferBinding>; bases: number[] }

/**
 * Run `dispatch` once per chunk of `shape` (once with the whole space when every tensor fits a
 * binding). `footprints[i]` belongs to `tensors[i]`; a null tensor (absent optional input) is
 * bound to the dummy buffer.
 */
export function forEachChunk(ctx: KernelContext, what: string, shape: number[], tensors: Array<TensorInfo | null>,
  footprints: Footprint[], dispatch: (start: number[], extent: number[], b: ChunkBindings) => void, quantum?: number[]): void {
  if (shape.some((n) => n === 0)) return;
  const sizes = tensors.map((t) => t?.size ?? 0);
  if (sizes.every((n) => n * 4 <= ctx.limits.maxBindingBytes)) {
    dispatch(shape.map(() => 0), shape.slice(), {
      buffers: tensors.map((t) => (t ? ctx.buffer(t) : ctx.dummy)), bases: tensors.map(() => 0),
    });
    return;
  }
  const fps = tensors.map((t, i) => (t ? footprints[i] : () => null));
  for (const c of planChunks(what, shape, sizes, fps, ctx.limits, quantum)) {
    dispatch(c.start, c.extent, {
      buffers: c.ranges.map((r, i) => {
        const t = tensors[i];
        return !t || !r ? ctx.dummy : r === 'whole' ? ctx.buffer(t) : ctx.range(t, r.first, r.count);
      }),
      bases: c.ranges.map((r) => (r && r !== 'whole' ? r.first : 0)),
    });
  }
}
