/**
 * WebGPU reads under faults, on a fake device (Node has no WebGPU): when the staging buffer's
 * mapAsync rejects (device lost, buffer destroyed), the read rejects with that error, the staging
 * buffer is destroyed instead of going back to the pool, and the next read works with a fresh one.
 * readMany (fit's snapshots) reads several tensors with one submit into one staging buffer.
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
      maxStorageBufferBindingSize: 1 << 27, maxBufferSize: 1 << 28, minUniformBufferOffsetAlignment: 256,
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
    submits: 0,
    createCommandEncoder: () => {
      const copies: [FakeBuffer, number, FakeBuffer, number, number][] = [];
      return {
        copyBufferToBuffer: (src: FakeBuffer, so: number, dst: FakeBuffer, dOff: number, n: number) => copies.push([src, so, dst, dOff, n]),
        finish: () => copies,
      };
    },
    queue: {
      submit: (cmds: [FakeBuffer, number, FakeBuffer, number, number][][]) => {
        device.submits++;
        for (const list of cmds) for (const [src, so, dst, dOff, n] of list) dst.data.set(src.data.subarray(so, so + n), dOff);
      },
      writeBuffer: (b: FakeBuffer, off: number, data: ArrayBuffer, dataOff: number, n: number) => b.data.set(new Uint8Array(data, dataOff, n), off),
      onSubmittedWorkDone: () => Promise.resolve(),
    },
    destroy: () => {},
  };
  return { device: device as unknown as GPUDevice, buffers, submits: () => device.submits };
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
      adapter: { vendor: 'fake', architecture: 'fake', description: 'fake device', isFallbackAdapter: false, software: false, shaderF16: false },
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

  it('readMany: several tensors through one submit and one staging buffer; a single read gets an exact ArrayBuffer', async () => {
    const { device, buffers, submits } = fakeDevice({ count: 0 });
    const backend = new WebGPUBackend({
      device,
      adapter: { vendor: 'fake', architecture: 'fake', description: 'fake device', isFallbackAdapter: false, software: false, shaderF16: false },
    });
    const a = backend.allocate(3, 'float32');
    backend.write(a, new Float32Array([1.5, -2, 3]));
    const b = backend.allocate(2, 'int32');
    backend.write(b, new Int32Array([7, -8]));
    const c = backend.allocate(5, 'float32');
    backend.write(c, new Float32Array([0.25, 0.5, 0.75, 1, 1.25]));
    const stagingBefore = buffers.filter((x) => x.usage === (1 | 8)).length;
    const submitsBefore = submits();
    const [va, vb, vc] = await backend.readMany([{ id: a, dtype: 'float32', size: 3 }, { id: b, dtype: 'int32', size: 2 }, { id: c, dtype: 'float32', size: 5 }]);
    expect(submits() - submitsBefore).toBe(1);
    expect(buffers.filter((x) => x.usage === (1 | 8)).length - stagingBefore).toBe(1);
    expect(va).toBeInstanceOf(Float32Array);
    expect(Array.from(va)).toEqual([1.5, -2, 3]);
    expect(vb).toBeInstanceOf(Int32Array);
    expect(Array.from(vb)).toEqual([7, -8]);
    expect(Array.from(vc)).toEqual([0.25, 0.5, 0.75, 1, 1.25]);
    const single = await backend.read(a, 'float32', 3);
    expect(single.buffer.byteLength).toBe(12);
    expect(Array.from(single)).toEqual([1.5, -2, 3]);
    for (const id of [a, b, c]) backend.free(id);
  });
});
