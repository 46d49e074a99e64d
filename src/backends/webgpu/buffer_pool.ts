/**
 * Size-classed pool of GPU buffers. Classes are powers of two up to 1 MiB and then multiples of
 * 1/8 of the enclosing power of two (at most 12.5% waste), with a 16-byte minimum, so every
 * buffer can be bound as array<vec4<u32>>. Buffers released while recorded-but-unsubmitted work
 * may still use them are parked by the backend until that work is submitted (see backend.ts).
 * Idle buffers are capped in total bytes: past the cap the longest-idle ones are destroyed
 * (safe: WebGPU frees a destroyed buffer only after submitted work using it completes).
 */
export const MIN_BUFFER_BYTES = 16;

/** The size class for a request of `bytes` bytes. */
export function sizeClass(bytes: number): number {
  const b = Math.max(MIN_BUFFER_BYTES, bytes);
  const pow = 2 ** Math.ceil(Math.log2(b));
  if (pow <= 1 << 20) return pow;
  const step = pow / 16;
  return Math.ceil(b / step) * step;
}

/** Default cap on idle pooled bytes per pool. */
export const DEFAULT_MAX_POOLED_BYTES = 256 * 1024 * 1024;

export class BufferPool {
  private free = new Map<number, GPUBuffer[]>();
  /** Idle buffers, oldest release first (for eviction past the cap). */
  private idleOrder = new Set<GPUBuffer>();
  /** Creation order of the pool's buffers (acquire reuses the oldest idle one). */
  private serial = new WeakMap<GPUBuffer, number>();
  private pooledBytes = 0;
  private created = 0;
  private destroyed = 0;
  /** Called with each buffer the pool destroys (the bind group cache forgets it). */
  onDestroy: ((buffer: GPUBuffer) => void) | null = null;

  constructor(
    private device: GPUDevice, private usage: GPUBufferUsageFlags, private label: string,
    private maxPooledBytes = DEFAULT_MAX_POOLED_BYTES,
  ) {}

  acquire(bytes: number): GPUBuffer {
    const size = sizeClass(bytes);
    const list = this.free.get(size);
    // The oldest buffer of the class (lowest serial), not the last released: the choice then
    // depends only on which buffers are idle, not on the order they came back, so a training
    // step that starts from the same idle set gets the same buffers as the last one and its
    // cached bind groups (bind_groups.ts) hit.
    let pick = -1;
    if (list?.length) {
      pick = 0;
      for (let i = 1; i < list.length; i++) if ((this.serial.get(list[i]) ?? 0) < (this.serial.get(list[pick]) ?? 0)) pick = i;
    }
    const reused = pick >= 0 ? list!.splice(pick, 1)[0] : undefined;
    if (reused) {
      this.pooledBytes -= size;
      this.idleOrder.delete(reused);
      return reused;
    }
    this.created++;
    const buffer = this.device.createBuffer({ size, usage: this.usage, label: `${this.label}-${size}` });
    this.serial.set(buffer, this.created);
    return buffer;
  }

  release(buffer: GPUBuffer): void {
    if (buffer.size > this.maxPooledBytes) {
      this.onDestroy?.(buffer);
      buffer.destroy();
      this.destroyed++;
      return;
    }
    let list = this.free.get(buffer.size);
    if (!list) this.free.set(buffer.size, (list = []));
    list.push(buffer);
    this.idleOrder.add(buffer);
    this.pooledBytes += buffer.size;
    for (const old of this.idleOrder) {
      if (this.pooledBytes <= this.maxPooledBytes) break;
      this.idleOrder.delete(old);
      const l = this.free.get(old.size)!;
      l.splice(l.indexOf(old), 1);
      this.pooledBytes -= old.size;
      this.onDestroy?.(old);
      old.destroy();
      this.destroyed++;
    }
  }

  stats(): { pooledBytes: number; created: number; destroyed: number } {
    return { pooledBytes: this.pooledBytes, created: this.created, destroyed: this.destroyed };
  }

  destroy(): void {
    for (const list of this.free.values()) for (const b of list) b.destroy();
    this.free.clear();
    this.idleOrder.clear();
    this.pooledBytes = 0;
  }
}
