/**
 * The wasm backend's memory: one `WebAssembly.Memory` (imported by the kernel module) carved up
 * by a size-class arena that lives entirely in TypeScript. Blocks are 16-byte aligned so v128
 * loads in the kernels are aligned. Sizes round up to quarter-octave classes (at most 25% slack);
 * freed blocks go onto their class's free list and are reused before the bump pointer moves.
 * The arena never moves a block, so pointers stay valid across growth; only the typed-array
 * views over `memory.buffer` must be refreshed after a grow, which the view getters do lazily.
 */

const PAGE = 65536;
const ALIGN = 16;

/** Round a byte count up to its size class (16-byte multiples, quarter-octave steps above 64). */
export function sizeClass(bytes: number): number {
  if (bytes <= 64) return Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
  const base = 2 ** Math.floor(Math.log2(bytes - 1));
  const step = base / 4;
  return Math.ceil(bytes / step) * step;
}

export class Arena {
  private top: number;
  private readonly freeLists = new Map<number, number[]>();
  private pooledBytes = 0;
  private f32View: Float32Array;
  private i32View: Int32Array;
  private u8View: Uint8Array;

  /** `base` is the first byte the arena may use (after the module's static data). */
  constructor(readonly memory: WebAssembly.Memory, readonly base: number) {
    this.top = Math.ceil(base / ALIGN) * ALIGN;
    this.f32View = new Float32Array(memory.buffer);
    this.i32View = new Int32Array(memory.buffer);
    this.u8View = new Uint8Array(memory.buffer);
  }

  /** Allocate a block of at least `bytes` (a zero-byte request still gets a valid block). */
  alloc(bytes: number): { ptr: number; bytes: number } {
    const size = sizeClass(bytes);
    const list = this.freeLists.get(size);
    if (list && list.length > 0) {
      this.pooledBytes -= size;
      return { ptr: list.pop()!, bytes: size };
    }
    const ptr = this.top;
    this.ensure(ptr + size);
    this.top = ptr + size;
    return { ptr, bytes: size };
  }

  /** Return a block (as given by alloc) to its class list. */
  release(ptr: number, bytes: number): void {
    let list = this.freeLists.get(bytes);
    if (!list) this.freeLists.set(bytes, (list = []));
    list.push(ptr);
    this.pooledBytes += bytes;
  }

  /** Grow the memory so that [0, end) is addressable; grows by at least 1/4 of its size. */
  private ensure(end: number): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    const needPages = Math.ceil((end - have) / PAGE);
    const pages = Math.max(needPages, Math.ceil(have / PAGE / 4));
    try {
      this.memory.grow(pages);
    } catch {
      try {
        this.memory.grow(needPages); // the geometric step may exceed the limit when the exact one does not
      } catch {
        throw new Error(`wasm backend: out of memory growing the arena from ${have} to ${end} bytes (Wasm32 allows 4 GiB)`);
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

  stats(): { arenaBytes: number; arenaUsed: number; pooledBytes: number } {
    return { arenaBytes: this.memory.buffer.byteLength, arenaUsed: this.top - this.base, pooledBytes: this.pooledBytes };
  }
}
