/**
 * TF.js `io.CompositeArrayBuffer`: a list of weight shards read as one byte range. `join` gives a
 * new ArrayBuffer (the shards concatenated), `slice(start, end)` copies a range that may cross shards.
 */
type Shardable = ArrayBuffer | ArrayBufferView;

/**
 * The bytes a view covers. (TF.js takes a typed array's whole underlying buffer, bytes outside the
 * view included; tessera reads only the view, which is the same for views that cover their buffer.)
 */
function toBuffer(b: Shardable): ArrayBuffer {
  if (b instanceof ArrayBuffer) return b;
  if (b.byteOffset === 0 && b.byteLength === b.buffer.byteLength) return b.buffer as ArrayBuffer;
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

/**
 * A list of ArrayBuffers viewed as one (model weights split over shards): `slice()` across shard boundaries.
 */
export class CompositeArrayBuffer {
  private readonly shards: { buffer: ArrayBuffer; start: number; end: number }[] = [];
  /** The total byte length of all buffers. */
  readonly byteLength: number;

  /** The shards concatenated into a new ArrayBuffer (always a copy, as TF.js; none gives an empty one). */
  static join(buffers?: Shardable[] | Shardable): ArrayBuffer {
    return new CompositeArrayBuffer(buffers).slice();
  }

  constructor(buffers?: Shardable | Shardable[]) {
    const list = buffers == null ? [] : Array.isArray(buffers) ? buffers : [buffers];
    let start = 0;
    for (const b of list) {
      const buffer = toBuffer(b);
      this.shards.push({ buffer, start, end: start + buffer.byteLength });
      start += buffer.byteLength;
    }
    this.byteLength = start;
  }

  /**
   * Bytes [start, end) across the shards, as a new ArrayBuffer. As TF.js: NaN bounds read as 0, a
   * negative start as 0, an end past the data as its length, and end <= start gives an empty buffer.
   */
  slice(start = 0, end = this.byteLength): ArrayBuffer {
    const from = Math.max(0, Number.isNaN(Number(start)) ? 0 : start);
    const to = Math.min(this.byteLength, Number.isNaN(Number(end)) ? 0 : end);
    if (to <= from) return new ArrayBuffer(0);
    const out = new Uint8Array(to - from);
    for (const shard of this.shards) {
      const lo = Math.max(from, shard.start);
      const hi = Math.min(to, shard.end);
      if (lo < hi) out.set(new Uint8Array(shard.buffer, lo - shard.start, hi - lo), lo - from);
    }
    return out.buffer;
  }
}
