/**
 * The WebGPU buffer pool on a fake device: size classes, reuse of released buffers, and the cap
 * on idle bytes (the longest-idle buffers are destroyed past it).
 */
import { describe, expect, it } from 'vitest';
import { BufferPool, sizeClass } from '../src/backends/webgpu/buffer_pool.js';

function fakeDevice() {
  const destroyed: number[] = [];
  let next = 0;
  const device = {
    createBuffer: ({ size }: { size: number }) => {
      const id = next++;
      return { size, id, destroy: () => destroyed.push(id) };
    },
  };
  return { device: device as unknown as GPUDevice, destroyed };
}

describe('webgpu BufferPool', () => {
  it('rounds to size classes with at most 12.5% waste above 1 MiB', () => {
    expect(sizeClass(1)).toBe(16);
    expect(sizeClass(17)).toBe(32);
    expect(sizeClass(1 << 20)).toBe(1 << 20);
    const big = 3_000_001;
    expect(sizeClass(big)).toBeGreaterThanOrEqual(big);
    expect(sizeClass(big) / big).toBeLessThan(1.125);
  });

  it('reuses released buffers of the same class', () => {
    const { device } = fakeDevice();
    const pool = new BufferPool(device, 0, 't');
    const a = pool.acquire(100);
    pool.release(a);
    expect(pool.acquire(120)).toBe(a);
    expect(pool.stats().created).toBe(1);
  });

  it('reuses the oldest idle buffer of a class, whatever order they came back in', () => {
    const { device } = fakeDevice();
    const pool = new BufferPool(device, 0, 't');
    const [a, b, c] = [pool.acquire(64), pool.acquire(64), pool.acquire(64)];
    pool.release(c);
    pool.release(a);
    pool.release(b);
    expect(pool.acquire(64)).toBe(a);
    expect(pool.acquire(64)).toBe(b);
    pool.release(a);
    expect(pool.acquire(64)).toBe(a);
    expect(pool.acquire(64)).toBe(c);
  });

  it('destroys the longest-idle buffers past the byte cap', () => {
    const { device, destroyed } = fakeDevice();
    const pool = new BufferPool(device, 0, 't', 1024);
    const bufs = [pool.acquire(512), pool.acquire(256), pool.acquire(512), pool.acquire(4096)];
    for (const b of bufs) pool.release(b);
    // 4096 > cap: destroyed at once; 512 + 256 + 512 > 1024: the first 512 goes.
    expect(destroyed.sort()).toEqual([0, 3]);
    expect(pool.stats().pooledBytes).toBe(768);
    expect(pool.acquire(512)).toBe(bufs[2]);
  });
});
