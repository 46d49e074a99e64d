/**
 * Device-side fault words: how a kernel reports bad data it can only see on the GPU (gather's
 * computed indices). A checking kernel binds a zeroed 4-word buffer read_write and records
 * [any value too large, the largest, any negative value, the most negative] with atomics. Only
 * a batch that ran such a kernel pays: its fault words are copied into one staging buffer in
 * the same submit and mapped afterwards; a set word becomes the batch's failure message (so
 * every tensor the batch wrote is bad, faults.ts), worded by the kernel's `describe`.
 */
import type { BufferPool } from './buffer_pool.js';
import { sizeClass } from './buffer_pool.js';

const WORD_BYTES = 16;

interface FaultWord { buffer: GPUBuffer; describe: (value: number) => string }

/** The fault words one batch recorded; `encode` + `read` or `release` ends them. */
export class FaultWordSet {
  constructor(private readonly words: FaultWord[], private readonly pools: { storage: BufferPool; staging: BufferPool }) {}

  get size(): number {
    return this.words.length;
  }

  /**
   * Copy every word into a staging buffer at the end of `encoder` (the batch's own) and return
   * the reader to call after the submit, or null when the batch recorded none. The word
   * buffers go back to their pool at once: queue order puts any reuse after this copy.
   */
  encode(encoder: GPUCommandEncoder): (() => Promise<string | null>) | null {
    const words = this.words.slice();
    if (words.length === 0) return null;
    const bytes = words.length * WORD_BYTES;
    const staging = this.pools.staging.acquire(bytes);
    words.forEach((w, i) => encoder.copyBufferToBuffer(w.buffer, 0, staging, i * WORD_BYTES, WORD_BYTES));
    return async () => {
      this.release();
      try {
        await staging.mapAsync(GPUMapMode.READ, 0, bytes);
      } catch {
        staging.destroy(); // device lost or destroyed: the loss handler reports that
        return null;
      }
      const v = new Int32Array(staging.getMappedRange(0, bytes).slice(0));
      staging.unmap();
      if (staging.size === sizeClass(staging.size)) this.pools.staging.release(staging);
      else staging.destroy();
      for (let i = 0; i < words.length; i++) {
        const [over, max, under, min] = v.subarray(i * 4, i * 4 + 4);
        if (over) return words[i].describe(max);
        if (under) return words[i].describe(min);
      }
      return null;
    };
  }

  /** Return the word buffers to the pool (the batch was encoded, or will never be submitted). */
  release(): void {
    for (const w of this.words) this.pools.storage.release(w.buffer);
    this.words.length = 0;
  }
}

/** The fault words of the batch being recorded. */
export class FaultWords {
  private current: FaultWord[] = [];

  constructor(private readonly device: GPUDevice, private readonly pools: { storage: BufferPool; staging: BufferPool }) {}

  /** A zeroed word buffer for a checking kernel in the current batch. */
  acquire(describe: (value: number) => string): GPUBuffer {
    const buffer = this.pools.storage.acquire(WORD_BYTES);
    this.device.queue.writeBuffer(buffer, 0, new Int32Array(4));
    this.current.push({ buffer, describe });
    return buffer;
  }

  /** Hand the current batch's words over (at flush) and start a new set. */
  take(): FaultWordSet {
    const set = new FaultWordSet(this.current, this.pools);
    this.current = [];
    return set;
  }
}
