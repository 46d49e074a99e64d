/**
 * The WebGPU uniform arena and bind group cache on a fake device: params placed at offsets that
 * respect the device's minUniformBufferOffsetAlignment (whatever it is, not just 256), chunk
 * roll-over, one write per chunk and reuse after release; bind groups shared by equal bindings
 * and dropped when a buffer they bind is forgotten (destroyed).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { UniformArena } from '../src/backends/webgpu/uniform_arena.js';
import { BindGroupCache } from '../src/backends/webgpu/bind_groups.js';
import { BufferPool } from '../src/backends/webgpu/buffer_pool.js';

beforeAll(() => {
  // Node has no WebGPU globals; the arena only reads these two flags.
  (globalThis as any).GPUBufferUsage ??= { UNIFORM: 0x40, COPY_DST: 0x8 };
});

function fakeDevice() {
  let next = 0;
  const writes: { buffer: number; offset: number; bytes: number[] }[] = [];
  const groups: { layout: unknown; entries: GPUBindGroupEntry[] }[] = [];
  const device = {
    createBuffer: ({ size }: { size: number }) => ({ size, id: next++, destroy() {} }),
    createBindGroup: (d: { layout: unknown; entries: GPUBindGroupEntry[] }) => { groups.push(d); return { n: groups.length }; },
  };
  const queue = {
    writeBuffer: (buffer: { id: number }, offset: number, data: Uint8Array, dataOffset: number, size: number) => {
      writes.push({ buffer: buffer.id, offset, bytes: Array.from(data.subarray(dataOffset, dataOffset + size)) });
    },
  };
  return { device: device as unknown as GPUDevice, queue: queue as unknown as GPUQueue, writes, groups };
}

const params = (...words: number[]) => new Uint32Array(words).buffer;

describe('webgpu UniformArena', () => {
  it('places params at multiples of the offset alignment and writes each chunk once', () => {
    for (const alignment of [64, 256]) {
      const { device, queue, writes } = fakeDevice();
      const arena = new UniformArena(device, alignment, 1024);
      const a = arena.place(params(1, 2, 3, 4, 5)); // 20 bytes
      const b = arena.place(params(7));
      expect(a.offset).toBe(0);
      expect(b.offset).toBe(alignment);
      expect(b.buffer).toBe(a.buffer);
      arena.take().write(queue);
      expect(writes.length).toBe(1);
      // The write covers both blocks: words 1..5 at 0, 7 at `alignment`.
      const w = new Uint32Array(Uint8Array.from(writes[0].bytes).buffer);
      expect(Array.from(w.slice(0, 5))).toEqual([1, 2, 3, 4, 5]);
      expect(w[alignment / 4]).toBe(7);
      expect(writes[0].bytes.length).toBe(2 * alignment);
    }
  });

  it('rolls over to a new chunk when one is full, and reuses released chunks', () => {
    const { device, queue, writes } = fakeDevice();
    const arena = new UniformArena(device, 256, 512);
    const p1 = arena.place(params(1));
    const p2 = arena.place(params(2));
    const p3 = arena.place(params(3)); // 512-byte chunk holds two blocks
    expect([p1.offset, p2.offset, p3.offset]).toEqual([0, 256, 0]);
    expect(p3.buffer).not.toBe(p1.buffer);
    expect(arena.created).toBe(2);
    const batch = arena.take();
    batch.write(queue);
    expect(writes.map((w) => w.bytes.length)).toEqual([512, 256]);
    batch.release();
    const p4 = arena.place(params(4));
    expect([p1.buffer, p3.buffer]).toContain(p4.buffer);
    expect(p4.offset).toBe(0);
    expect(arena.created).toBe(2);
  });

  it('rejects a chunk size that is not a multiple of the alignment, and params larger than a chunk', () => {
    const { device } = fakeDevice();
    expect(() => new UniformArena(device, 96, 1000)).toThrow(/not a multiple of the offset alignment 96/);
    const arena = new UniformArena(device, 256, 256);
    expect(() => arena.place(new ArrayBuffer(512))).toThrow(/params of 512 bytes exceed a uniform chunk \(256\)/);
  });
});

describe('webgpu BindGroupCache', () => {
  it('shares one bind group between equal bindings and re-creates it after a bound buffer is forgotten', () => {
    const { device, groups } = fakeDevice();
    const cache = new BindGroupCache(device);
    const layout = {} as GPUBindGroupLayout;
    const u = { size: 1024 } as GPUBuffer, x = { size: 64 } as GPUBuffer, y = { size: 64 } as GPUBuffer;
    const g1 = cache.get(layout, 'k', [{ buffer: u, offset: 0, size: 32 }, { buffer: x }]);
    const g2 = cache.get(layout, 'k', [{ buffer: u, offset: 0, size: 32 }, { buffer: x }]);
    expect(g2).toBe(g1);
    expect(cache.created).toBe(1);
    // Another buffer, another byte range, or another layout key: another bind group.
    cache.get(layout, 'k', [{ buffer: u, offset: 0, size: 32 }, { buffer: y }]);
    cache.get(layout, 'k', [{ buffer: u, offset: 0, size: 32 }, { buffer: x, offset: 256, size: 16 }]);
    cache.get(layout, 'k2', [{ buffer: u, offset: 0, size: 32 }, { buffer: x }]);
    expect(cache.created).toBe(4);
    expect(groups[0].entries.map((e) => e.binding)).toEqual([0, 1]);
    cache.forget(x);
    const g3 = cache.get(layout, 'k', [{ buffer: u, offset: 0, size: 32 }, { buffer: x }]);
    expect(g3).not.toBe(g1);
    expect(cache.created).toBe(5);
    // y's bind group was untouched by forgetting x.
    cache.get(layout, 'k', [{ buffer: u, offset: 0, size: 32 }, { buffer: y }]);
    expect(cache.created).toBe(5);
  });

  it('a buffer the pool destroys is forgotten through onDestroy', () => {
    const { device } = fakeDevice();
    const cache = new BindGroupCache(device);
    const pool = new BufferPool(device, 0, 't', 64);
    pool.onDestroy = (b) => cache.forget(b);
    const layout = {} as GPUBindGroupLayout;
    const big = pool.acquire(128); // above the 64-byte cap: destroyed on release
    cache.get(layout, 'k', [{ buffer: big }]);
    pool.release(big);
    cache.get(layout, 'k', [{ buffer: big }]);
    expect(cache.created).toBe(2);
  });
});
