/**
 * Size-classed pool of GPU buffers. Classes are powers of two up to 1 MiB and then multiples of
 * 1/8 of the enclosing power of two (at most 12.5% waste), with a 16-byte minimum, so every
 * buffer can be bound as array<vec4<u32>>. Buffers released while recorded-but-unsubmitted work
 * may still use them are parked by the backend until that work is submitted (see backend.ts).
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

export class BufferPool {
  private free = new Map<number, GPUBuffer[]>();
  private pooledBytes = 0;
  private created = 0;

  constructor(private device: GPUDevice, private usage: GPUBufferUsageFlags, private label: string) {}

  acquire(bytes: number): GPUBuffer {
    const size = sizeClass(bytes);
    const list = this.free.get(size);
    const reused = list?.pop();
    if (reused) {
      this.pooledBytes -= size;
      return reused;
    }
    this.created++;
    return this.device.createBuffer({ size, usage: this.usage, label: `${this.label}-${size}` });
  }

  release(buffer: GPUBuffer): void {
    let list = this.free.get(buffer.size);
    if (!list) this.free.set(buffer.size, (list = []));
    list.push(buffer);
    this.pooledBytes += buffer.size;
  }

  stats(): { pooledBytes: number; created: number } {
    return { pooledBytes: this.pooledBytes, created: this.created };
  }

  destroy(): void {
    for (const list of this.free.values()) for (const b of list) b.destroy();
    this.free.clear();
    this.pooledBytes = 0;
  }
}
