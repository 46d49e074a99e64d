/**
 * TF.js `io.CompositeArrayBuffer`: a list of weight shards read as one byte range. `join` gives one
 * ArrayBuffer (the shards concatenated), `slice(start, end)` copies a range that may cross shards.
 */
import { concatBuffers } from './weights.js';

type Shardable = ArrayBuffer | ArrayBufferView;

function toBuffer(b: Shardable): ArrayBuffer {
  if (b instanceof ArrayBuffer) return b;
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

export class CompositeArrayBuffer {
  private readonly shards: ArrayBuffer[];
  readonly byteLength: number;

  /** The shards concatenated into one ArrayBuffer (a single buffer is returned as is; none gives an empty one). */
  static join(buffers?: ArrayBuffer[] | ArrayBuffer): ArrayBuffer {
    if (buffers == null) return new ArrayBuffer(0);
    return concatBuffers(Array.isArray(buffers) ? buffers : [buffers]);
  }

  constructor(buffers?: Shardable | Shardable[]) {
    const list = buffers == null ? [] : Array.isArray(buffers) ? buffers : [buffers];
    this.shards = list.map(toBuffer);
    this.byteLength = this.shards.reduce((n, b) => n + b.byteLength, 0);
  }

  /** Bytes [start, end) across the shards, as a new ArrayBuffer (negative or out-of-range bounds clamp, as ArrayBuffer.slice). */
  slice(start = 0, end = this.byteLength): ArrayBuffer {
    const clamp = (v: number) => Math.min(this.byteLength, Math.max(0, v < 0 ? this.byteLength + v : v));
    const from = clamp(start);
    const to = Math.max(from, clamp(end));
    const out = new Uint8Array(to - from);
    let offset = 0;
    for (const shard of this.shards) {
      const lo = Math.max(from, offset);
      const hi = Math.min(to, offset + shard.byteLength);
      if (lo < hi) out.set(new Uint8Array(shard, lo - offset, hi - lo), lo - from);
      offset += shard.byteLength;
    }
    return out.buffer;
  }
}
