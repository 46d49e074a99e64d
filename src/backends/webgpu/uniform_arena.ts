/**
 * The uniform params of every dispatch of a batch, packed into a few large uniform buffers
 * ("chunks") instead of one small buffer per dispatch. Each dispatch's params sit at an offset
 * aligned to the device's minUniformBufferOffsetAlignment and are bound with a dynamic offset
 * (the bind group layouts declare binding 0 `hasDynamicOffset`), so one bind group serves every
 * dispatch that binds the same buffers. A batch's chunks are written with one writeBuffer each
 * right before its submit (queue order then keeps a reused chunk's new contents from reaching
 * earlier work) and come back for reuse once that submit is queued.
 */

/** Bytes per chunk: room for hundreds of dispatches' params at the usual 256-byte alignment. */
export const UNIFORM_CHUNK_BYTES = 64 * 1024;

interface Chunk { buffer: GPUBuffer; bytes: Uint8Array<ArrayBuffer>; used: number }

/** The chunks one recorded batch filled: written before its submit, then released. */
export class UniformBatch {
  constructor(private readonly arena: UniformArena, private readonly chunks: Chunk[]) {}

  /** Queue the writes of every chunk's used bytes (call right before the batch's submit). */
  write(queue: GPUQueue): void {
    for (const c of this.chunks) {
      if (c.used === 0) continue;
      queue.writeBuffer(c.buffer, 0, c.bytes, 0, c.used);
      this.arena.writes++;
    }
  }

  /** Give the chunks back for later batches (after the submit is queued, or when it never will be). */
  release(): void {
    this.arena.reuse(this.chunks);
    this.chunks.length = 0;
  }
}

export class UniformArena {
  private free: Chunk[] = [];
  private current: Chunk[] = [];
  /** Chunk buffers created, params blocks placed (one per dispatch), and chunk writes queued. */
  created = 0;
  placed = 0;
  writes = 0;

  constructor(private readonly device: GPUDevice, readonly alignment: number, private readonly chunkBytes = UNIFORM_CHUNK_BYTES) {
    if (!(alignment > 0) || chunkBytes % alignment !== 0) {
      throw new Error(`webgpu: uniform arena: chunk of ${chunkBytes} bytes is not a multiple of the offset alignment ${alignment}`);
    }
  }

  /** Copy one dispatch's packed params in; returns the chunk buffer and the dynamic offset. */
  place(params: ArrayBuffer): { buffer: GPUBuffer; offset: number } {
    const size = params.byteLength;
    if (size > this.chunkBytes) throw new Error(`webgpu: params of ${size} bytes exceed a uniform chunk (${this.chunkBytes})`);
    let chunk = this.current[this.current.length - 1];
    if (!chunk || chunk.used + size > this.chunkBytes) {
      chunk = this.free.pop() ?? this.newChunk();
      chunk.used = 0;
      this.current.push(chunk);
    }
    const offset = chunk.used;
    chunk.bytes.set(new Uint8Array(params), offset);
    chunk.used = Math.ceil((offset + size) / this.alignment) * this.alignment;
    this.placed++;
    return { buffer: chunk.buffer, offset };
  }

  /** The chunks filled since the last take, as one batch; recording continues in fresh chunks. */
  take(): UniformBatch {
    const batch = new UniformBatch(this, this.current);
    this.current = [];
    return batch;
  }

  reuse(chunks: Chunk[]): void {
    for (const c of chunks) { c.used = 0; this.free.push(c); }
  }

  destroy(): void {
    for (const c of [...this.free, ...this.current]) c.buffer.destroy();
    this.free = [];
    this.current = [];
  }

  private newChunk(): Chunk {
    this.created++;
    const buffer = this.device.createBuffer({
      size: this.chunkBytes, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST, label: 'tessera-params-chunk',
    });
    return { buffer, bytes: new Uint8Array(this.chunkBytes), used: 0 };
  }
}
