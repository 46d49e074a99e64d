/**
 * The wasm backend's memory: one `WebAssembly.Memory` (imported by the kernel module) carved up
 * by an arena that lives entirely in TypeScript. Blocks are 16-byte aligned so v128 loads in the
 * kernels are aligned, and never move, so pointers stay valid across growth (only the typed-array
 * views over `memory.buffer` must be refreshed after a grow, which the view getters do lazily).
 *
 * Free blocks are kept by address and coalesced with free neighbours on release; an allocation
 * takes the smallest fitting free block from power-of-two bins and splits off the rest. A free
 * block that ends at the top of the arena goes back to the untouched region above it, so after a
 * big tensor is freed the reserved bytes drop and that region serves requests of any size.
 * `WebAssembly.Memory` cannot shrink: `memory()` reports the buffer size (`arenaBytes`) apart
 * from what the arena has reserved (`arenaReserved`) and what live blocks use (`arenaInUse`).
 * Pointers are unsigned 32-bit (use `>>> 2` for element offsets); the arena refuses to grow
 * past ARENA_MAX_BYTES with a clear error.
 */

const PAGE = 65536;
const ALIGN = 16;
/** Wasm32's addressable limit: 65536 pages of 64 KiB. */
export const ARENA_MAX_BYTES = 65536 * PAGE;

const fmtMiB = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;

/** Round a byte count up to the block granularity (a zero-byte request still gets 16 bytes). */
export function blockSize(bytes: number): number {
  return Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
}

const binOf = (bytes: number) => 31 - Math.clz32(bytes);

export interface ArenaStats {
  /** Size of the WebAssembly.Memory buffer (never shrinks). */
  arenaBytes: number;
  /** Bytes from the arena's base to its top: live blocks plus free blocks below the top. */
  arenaReserved: number;
  /** Bytes in live blocks (tensors, the kernel workspace, the params block). */
  arenaInUse: number;
  /** The most bytes ever in live blocks at once. */
  arenaPeakInUse: number;
  /** Free blocks below the top (reusable; they return to the top once their upper neighbours are freed). */
  pooledBytes: number;
}

export class Arena {
  /** End of the highest block; [top, buffer end) is free and unfragmented. */
  private top: number;
  private readonly freeByStart = new Map<number, number>();
  private readonly freeByEnd = new Map<number, number>();
  /** bins[k] holds the free blocks of size in [2^k, 2^(k+1)). */
  private readonly bins: Set<number>[] = Array.from({ length: 33 }, () => new Set<number>());
  private freeBytes = 0;
  private inUse = 0;
  private peakInUse = 0;
  private f32View: Float32Array;
  private i32View: Int32Array;
  private u8View: Uint8Array;

  /** `base` is the first byte the arena may use (after the module's static data). */
  constructor(readonly memory: WebAssembly.Memory, readonly base: number, readonly maxBytes = ARENA_MAX_BYTES) {
    this.base = Math.ceil(base / ALIGN) * ALIGN;
    this.top = this.base;
    this.f32View = new Float32Array(memory.buffer);
    this.i32View = new Int32Array(memory.buffer);
    this.u8View = new Uint8Array(memory.buffer);
  }

  /** Allocate a block of at least `bytes`; returns its pointer and its actual size. */
  alloc(bytes: number): { ptr: number; bytes: number } {
    if (!(bytes >= 0) || !Number.isSafeInteger(Math.ceil(bytes))) {
      throw new Error(`wasm backend: cannot allocate ${bytes} bytes (not a non-negative integer)`);
    }
    const size = blockSize(bytes);
    let ptr = this.takeFree(size);
    if (ptr < 0) {
      ptr = this.top;
      this.ensure(ptr + size, size);
      this.top = ptr + size;
    }
    this.inUse += size;
    if (this.inUse > this.peakInUse) this.peakInUse = this.inUse;
    return { ptr, bytes: size };
  }

  /** Return a block (as given by alloc); it merges with free neighbours and, at the top, leaves the arena. */
  release(ptr: number, bytes: number): void {
    this.inUse -= bytes;
    let start = ptr;
    let size = bytes;
    const before = this.freeByEnd.get(start);
    if (before !== undefined) {
      size += this.removeFree(before);
      start = before;
    }
    const after = this.freeByStart.get(start + size);
    if (after !== undefined) size += this.removeFree(start + size);
    if (start + size === this.top) this.top = start;
    else this.addFree(start, size);
  }

  /** Smallest-bin first fit; splits the block and keeps the remainder free. -1 when none fits. */
  private takeFree(size: number): number {
    for (let bin = binOf(size); bin < this.bins.length; bin++) {
      for (const ptr of this.bins[bin]) {
        const have = this.freeByStart.get(ptr)!;
        if (have < size) continue;
        this.removeFree(ptr);
        if (have > size) this.addFree(ptr + size, have - size);
        return ptr;
      }
    }
    return -1;
  }

  private addFree(ptr: number, size: number): void {
    this.freeByStart.set(ptr, size);
    this.freeByEnd.set(ptr + size, ptr);
    this.bins[binOf(size)].add(ptr);
    this.freeBytes += size;
  }

  /** Remove the free block at ptr; returns its size. */
  private removeFree(ptr: number): number {
    const size = this.freeByStart.get(ptr)!;
    this.freeByStart.delete(ptr);
    this.freeByEnd.delete(ptr + size);
    this.bins[binOf(size)].delete(ptr);
    this.freeBytes -= size;
    return size;
  }

  /** Grow the memory so that [0, end) is addressable; grows by at least 1/4 of its size. */
  private ensure(end: number, request: number): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    if (end > this.maxBytes) {
      throw new Error(
        `wasm backend: cannot allocate ${request} bytes (${fmtMiB(request)}): the arena would reach ${fmtMiB(end)}, above its maximum of ` +
        `${fmtMiB(this.maxBytes)} (in use ${fmtMiB(this.inUse)}, reserved ${fmtMiB(this.top - this.base)})`,
      );
    }
    const needPages = Math.ceil((end - have) / PAGE);
    const pages = Math.min(Math.max(needPages, Math.ceil(have / PAGE / 4)), Math.floor((this.maxBytes - have) / PAGE));
    try {
      this.memory.grow(pages);
    } catch {
      try {
        this.memory.grow(needPages); // the geometric step may exceed the engine's limit when the exact one does not
      } catch {
        throw new Error(`wasm backend: out of memory growing the arena from ${fmtMiB(have)} to ${fmtMiB(end)} for a ${fmtMiB(request)} block (Wasm32 allows 4 GiB)`);
      }
    }
  }

  private refresh(): void {
    const buf = this.memory.buffer;
    this.f32View = new Float32Array(buf);
    this.i32View = new Int32Array(buf);
    this.u8View = new Uint8Array(buf);
  }

  get f32(): Float32Array {
    if (this.f32View.buffer !== this.memory.buffer) this.refresh();
    return this.f32View;
  }
  get i32(): Int32Array {
    if (this.i32View.buffer !== this.memory.buffer) this.refresh();
    return this.i32View;
  }
  get u8(): Uint8Array {
    if (this.u8View.buffer !== this.memory.buffer) this.refresh();
    return this.u8View;
  }

  stats(): ArenaStats {
    return {
      arenaBytes: this.memory.buffer.byteLength,
      arenaReserved: this.top - this.base,
      arenaInUse: this.inUse,
      arenaPeakInUse: this.peakInUse,
      pooledBytes: this.freeBytes,
    };
  }
}

/**
 * One reusable scratch block for kernels (matMul packing, conv im2col, attention tiles): kernels
 * run one at a time, so they share it instead of allocating per call. It grows to the largest
 * request; when the last WINDOW requests all needed less than a quarter of it, it is released
 * and reallocated at the current need (the high-water mark decays), so one huge call does not
 * pin its scratch forever.
 */
export class Workspace {
  private block: { ptr: number; bytes: number } | null = null;
  private recentMax = 0;
  private calls = 0;
  private static readonly WINDOW = 64;

  constructor(private readonly arena: Arena) {}

  /** A pointer to at least `bytes` of scratch, valid until the next `get`. */
  get(bytes: number): number {
    this.recentMax = Math.max(this.recentMax, bytes);
    if (++this.calls >= Workspace.WINDOW) {
      if (this.block && this.block.bytes > 4 * this.recentMax && this.block.bytes > PAGE) this.drop();
      this.calls = 0;
      this.recentMax = bytes;
    }
    if (!this.block || this.block.bytes < bytes) {
      this.drop();
      this.block = this.arena.alloc(bytes);
    }
    return this.block.ptr;
  }

  get bytes(): number {
    return this.block?.bytes ?? 0;
  }

  /** Release the block (it is reallocated on the next `get`). */
  drop(): void {
    if (this.block) this.arena.release(this.block.ptr, this.block.bytes);
    this.block = null;
  }
}
