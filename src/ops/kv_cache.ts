/**
 * A key/value cache for incremental (token by token) decoding with the fused attention kernel.
 * Keys and values live in two preallocated [batch, heads, capacity, headDim] buffers; `append`
 * writes new rows in place (the concat kernel's copyInto, no reallocation), and `attend` runs the
 * attention kernel over the first `length` rows with kvStride = capacity, causal with the offset
 * length - newRows, so query i of the new block sees the prefix and the new keys up to itself.
 * Memory therefore stays flat while a sequence grows. Inference only: nothing is taped.
 */
import { ENGINE } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { fmtShape } from '../util.js';

export class KVCache {
  readonly keys: Tensor;
  readonly values: Tensor;
  private used = 0;

  constructor(readonly batch: number, readonly heads: number, readonly capacity: number, readonly headDim: number) {
    for (const [n, v] of [['batch', batch], ['heads', heads], ['capacity', capacity], ['headDim', headDim]] as const)
      if (!Number.isInteger(v) || v < 1) throw new Error(`KVCache: ${n} must be a positive integer, got ${v}`);
    const shape = [batch, heads, capacity, headDim];
    this.keys = ENGINE.makeOutput(shape, 'float32');
    this.values = ENGINE.makeOutput(shape, 'float32');
  }

  /** Number of positions held. */
  get length(): number {
    return this.used;
  }

  /** Forgets every position (the buffers are kept for the next sequence). */
  reset(): void {
    this.used = 0;
  }

  /** Writes k, v [batch, heads, n, headDim] at positions [length, length + n). */
  append(k: Tensor, v: Tensor): void {
    const want = [this.batch, this.heads, k.shape[2], this.headDim];
    for (const [name, t] of [['k', k], ['v', v]] as const) {
      if (t.rank !== 4 || t.shape.some((d, i) => d !== want[i]) || t.dtype !== 'float32')
        throw new Error(`KVCache.append: ${name} must be float32 ${fmtShape(want)}, got ${t.dtype} ${fmtShape(t.shape)}`);
    }
    const n = k.shape[2];
    if (this.used + n > this.capacity)
      throw new Error(`KVCache.append: ${this.used} cached + ${n} new positions exceed the capacity ${this.capacity}`);
    if (n === 0) return;
    const attrs = { outer: this.batch * this.heads, inner: n * this.headDim, outInner: this.capacity * this.headDim, offset: this.used * this.headDim };
    ENGINE.runKernel('copyInto', [k], [this.keys], attrs);
    ENGINE.runKernel('copyInto', [v], [this.values], attrs);
    this.used += n;
  }

  /**
   * Causal attention of q [batch, heads, n, headDim] (the last n positions) over the cache.
   * Returns [batch, heads, n, headDim].
   */
  attend(q: Tensor, scale = 1 / Math.sqrt(this.headDim)): Tensor {
    const [b, h, n, d] = q.shape;
    if (q.rank !== 4 || b !== this.batch || h !== this.heads || d !== this.headDim || q.dtype !== 'float32')
      throw new Error(`KVCache.attend: q must be float32 [${this.batch},${this.heads},n,${this.headDim}], got ${q.dtype} ${fmtShape(q.shape)}`);
    if (n > this.used) throw new Error(`KVCache.attend: ${n} queries but only ${this.used} cached positions; append the new keys first`);
    const out = ENGINE.makeOutput([b, h, n, d], 'float32');
    const lse = ENGINE.makeOutput([b, h, n], 'float32');
    if (n > 0) {
      ENGINE.runKernel('attention', [q, this.keys, this.values], [out, lse], {
        bh: b * h, seqQ: n, seqK: this.used, headDim: d, scale, causal: true, hasMask: false, kvStride: this.capacity,
      });
    }
    lse.dispose();
    return out;
  }

  dispose(): void {
    this.keys.dispose();
    this.values.dispose();
  }
}
