/**
 * WebGPU reads under faults, on a fake device (Node has no WebGPU): when the staging buffer's
 * mapAsync rejects (device lost, buffer destroyed), the read rejects with that error, the staging
 * buffer is destroyed instead of going back to the pool, and the next read works with a fresh one.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { WebGPUBackend } from '../src/backends/webgpu/backend.js';

interface FakeBuffer {
  id: number;
  size: number;
  usage: number;
  destroyed: boolean;
  data: Uint8Array;
  mapAsync(): Promise<void>;
  getMappedRange(offset: number, size: number): ArrayBuffer;
  unmap(): void;
  destroy(): void;
}

function fakeDevice(failMaps: { count: number }) {
  const buffers: FakeBuffer[] = [];
  const device = {
    limits: {
      maxComputeWorkgroupsPerDimension: 65535, maxComputeInvocationsPerWorkgroup: 256, maxComputeWorkgroupStorageSize: 16384,
      maxStorageBufferBindingSize: 1 << 27, maxBufferSize: 1 << 28,
    },
    lost: new Promise(() => {}),
    addEventListener: () => {},
    pushErrorScope: () => {},
    popErrorScope: () => Promise.resolve(null),
    createBuffer: ({ size, usage }: { size: number; usage: number }) => {
      const b: FakeBuffer = {
        id: buffers.length, size, usage, destroyed: false, data: new Uint8Array(size),
        mapAsync: () => (failMaps.count-- > 0 ? Promise.reject(new Error('mapAsync: device lost')) : Promise.resolve()),
        getMappedRange: (offset, n) => b.data.slice(offset, offset + n).buffer,
        unmap: () => {},
        destroy: () => { b.destroyed = true; },
      };
      buffers.push(b);
      return b;
    },
    createCommandEncoder: () => {
      const copies: [FakeBuffer, FakeBuffer, number][] = [];
      return {
        copyBufferToBuffer: (src: FakeBuffer, _so: number, dst: FakeBuffer, _do: number, n: number) => copies.push([src, dst, n]),
        finish: () => copies,
      };
    },
    queue: {
      submit: (cmds: [FakeBuffer, FakeBuffer, number][][]) => {
        for (const list of cmds) for (const [src, dst, n] of list) dst.data.set(src.data.subarray(0, n));
      },
      writeBuffer: (b: FakeBuffer, off: number, data: ArrayBuffer, dataOff: number, n: number) => b.data.set(new Uint8Array(data, dataOff, n), off),
      onSubmittedWorkDone: () => Promise.resolve(),
    },
    destroy: () => {},
  };
  return { device: device as unknown as GPUDevice, buffers };
}

describe('webgpu read when mapAsync rejects (fake device)', () => {
  beforeAll(() => {
    const g = globalThis as Record<string, unknown>;
    g.GPUBufferUsage ??= { MAP_READ: 1, MAP_WRITE: 2, COPY_SRC: 4, COPY_DST: 8, INDEX: 16, VERTEX: 32, UNIFORM: 64, STORAGE: 128 };
    g.GPUMapMode ??= { READ: 1, WRITE: 2 };
  });

  it('rejects with the map error, destroys the staging buffer, and the next read works', async () => {
    const fail = { count: 1 };
    const { device, buffers } = fakeDevice(fail);
    const backend = new WebGPUBackend({
      device,
      adapter: { vendor: 'fake', architecture: 'fake', description: 'fake device', isFallbackAdapter: false, software: false },
    });
    const id = backend.allocate(4, 'float32');
    backend.write(id, new Float32Array([1, 2, 3, 4]));
    await expect(backend.read(id, 'float32', 4)).rejects.toThrow('mapAsync: device lost');
    const staging = buffers.filter((b) => b.usage === (1 | 8));
    expect(staging.length).toBe(1);
    expect(staging[0].destroyed).toBe(true);
    const again = await backend.read(id, 'float32', 4);
    expect(Array.from(again)).toEqual([1, 2, 3, 4]);
    const staging2 = buffers.filter((b) => b.usage === (1 | 8));
    expect(staging2.length).toBe(2); // a fresh one: the destroyed buffer was not pooled
    expect(staging2[1].destroyed).toBe(false);
    backend.free(id);
  });
});
