/**
 * The WebGPU fault bookkeeping without a GPU: how a batch's outcome marks the tensors it wrote
 * (own error, an input's failed batch, errors raised outside its scopes, success clearing the
 * bookkeeping), the limits arithmetic (elements per binding range, messages naming kernel,
 * shape, bytes and limit) and the software-adapter test. The real GPU paths are exercised in
 * tests/browser/faults.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { Batch, type FaultTarget } from '../src/backends/webgpu/faults.js';
import { chunkElements, kernelLabel, oversizeDataError, oversizeKernelError } from '../src/backends/webgpu/limits.js';
import { summarizeAdapter } from '../src/backends/webgpu/device.js';
import { rowsPerBinding } from '../src/backends/webgpu/specs/reduce.js';

const target = (): FaultTarget => ({ failure: null, producer: null });

describe('webgpu Batch outcomes', () => {
  it('a GPU error marks every tensor the batch wrote, naming the kernel that wrote it', async () => {
    const b = new Batch();
    const x = target();
    const y = target();
    b.wrote(x, 'unary (exp)');
    b.wrote(y, 'binary (add)');
    expect(x.producer).toBe(b);
    expect(await b.seal(Promise.resolve('validation error: too many workgroups'))).toBe('validation error: too many workgroups');
    expect(x.failure).toBe("webgpu: kernel 'unary (exp)' failed, so this tensor holds no valid data: validation error: too many workgroups");
    expect(y.failure).toMatch(/^webgpu: kernel 'binary \(add\)' failed/);
    expect(x.producer).toBeNull();
  });

  it('a later batch reading a failed batch\'s output fails too; an overwritten tensor is not marked', async () => {
    const first = new Batch();
    const a = target();
    const rewritten = target();
    first.wrote(a, 'matMul');
    first.wrote(rewritten, 'matMul');
    const second = new Batch();
    const c = target();
    second.reads(a);
    second.wrote(c, 'unary (relu)');
    const third = new Batch();
    third.wrote(rewritten, 'fill'); // a newer batch owns this tensor now
    let fail!: (m: string) => void;
    first.seal(new Promise((r) => (fail = r)));
    const secondOutcome = second.seal(Promise.resolve(null));
    third.seal(Promise.resolve(null));
    fail('out-of-memory error: buffer too large');
    expect(await secondOutcome).toBe('an input was computed by a failed batch: out-of-memory error: buffer too large');
    expect(c.failure).toMatch(/^webgpu: kernel 'unary \(relu\)' failed.*an input was computed by a failed batch/);
    expect(a.failure).toMatch(/kernel 'matMul' failed/);
    expect(rewritten.failure).toBeNull();
  });

  it('errors raised outside the scopes fail the batch; a clean batch clears its bookkeeping', async () => {
    const noisy = new Batch();
    const t = target();
    noisy.wrote(t, 'reduce (sum)');
    noisy.extraErrors.push('uncaptured GPUValidationError: invalid bind group');
    expect(await noisy.seal(Promise.resolve(null))).toBe('uncaptured GPUValidationError: invalid bind group');
    expect(t.failure).toMatch(/reduce \(sum\).*invalid bind group/);

    const clean = new Batch();
    const u = target();
    clean.reads(t); // t's batch already resolved: no dependency is kept
    expect(clean.deps.size).toBe(0);
    clean.wrote(u, 'unary (neg)');
    expect(await clean.seal(Promise.resolve(null))).toBeNull();
    expect(u).toEqual({ failure: null, producer: null });
    expect(clean.outputs.size).toBe(0);
    expect(clean.resolved).toBe(true);
  });
});

describe('webgpu limits', () => {
  it('elements per binding range: the binding limit rounded down to the offset alignment', () => {
    // 1024 bytes at 256-byte alignment: 4 steps of 64 floats = 256 elements
    expect(chunkElements(1024, 256)).toBe(256);
    // 1000 bytes: 3 whole 256-byte steps = 192 elements
    expect(chunkElements(1000, 256)).toBe(192);
    // 128 MiB at 256: 2^27 / 4 elements
    expect(chunkElements(2 ** 27, 256)).toBe(2 ** 25);
    // alignment below 16 still keeps whole vec4s: 100 bytes -> 6 steps of 16 = 24 elements
    expect(chunkElements(100, 4)).toBe(24);
    expect(chunkElements(200, 256)).toBe(0);
  });

  it('rows per binding for reductions: whole blocks of 64 rows, 0 when all fits or 64 rows do not', () => {
    // 300 x 40 floats = 48000 bytes > 16384; one row is 160 bytes, 102 rows fit -> 64
    expect(rowsPerBinding(16384, 300, 40)).toBe(64);
    // 3000 x 2 floats: 8-byte rows, 2048 rows fit in 16384 bytes -> 2048 (a multiple of 64)
    expect(rowsPerBinding(16384, 3000, 2)).toBe(2048);
    expect(rowsPerBinding(16384, 10, 40)).toBe(0); // 1600 bytes fit whole
    expect(rowsPerBinding(1024, 1, 300)).toBe(0); // one 1200-byte row: cannot split
  });

  it('messages name the kernel (with its op), role, shape, bytes and the limit', () => {
    expect(kernelLabel('binary', { op: 2 })).toBe('binary (mul)');
    expect(kernelLabel('unary', { op: 3 })).toBe('unary (exp)');
    expect(kernelLabel('matMul', { transposeA: false })).toBe('matMul');
    const lim = { maxStorageBufferBindingSize: 134217728, maxBufferSize: 268435456 };
    const t = { dataId: { backend: 'webgpu' as const }, shape: [8192, 8192], dtype: 'float32' as const, size: 8192 * 8192 };
    expect(oversizeKernelError('conv2d', 'output 0', t, lim, 'maxStorageBufferBindingSize').message).toBe(
      "webgpu: conv2d: output 0 of shape [8192,8192] float32 needs 268435456 bytes, 256.0 MiB, more than this device's " +
      'maxStorageBufferBindingSize (134217728 bytes, 128.0 MiB) for one binding (elementwise ops, reductions and softmax ' +
      'by rows, matMul and the copy/gather kernels split across bindings; conv2d cannot split this tensor); split the tensor ' +
      'or use the wasm backend',
    );
    expect(oversizeDataError('write', 100_000_000, lim).message).toBe(
      "webgpu: write: a tensor of 100000000 elements needs 400000000 bytes, 381.5 MiB, more than this device's " +
      'maxBufferSize (268435456 bytes, 256.0 MiB); split the tensor or use the wasm backend',
    );
  });

  it('software adapters: isFallbackAdapter or a known CPU rasteriser name', () => {
    const adapter = (info: Record<string, unknown>) => ({ info } as unknown as GPUAdapter);
    expect(summarizeAdapter(adapter({ vendor: 'google', architecture: 'swiftshader', description: '', isFallbackAdapter: true })).software).toBe(true);
    // llvmpipe reported without the fallback flag is still software
    expect(summarizeAdapter(adapter({ vendor: 'mesa', architecture: '', description: 'llvmpipe (LLVM 15.0.7, 256 bits)' })).software).toBe(true);
    expect(summarizeAdapter(adapter({ vendor: 'mesa', architecture: '', description: 'lavapipe' })).software).toBe(true);
    const gpu = summarizeAdapter(adapter({ vendor: 'nvidia', architecture: 'ampere', description: 'NVIDIA GeForce RTX 3080', isFallbackAdapter: false }));
    expect(gpu).toEqual({ vendor: 'nvidia', architecture: 'ampere', description: 'NVIDIA GeForce RTX 3080', isFallbackAdapter: false, software: false, shaderF16: false });
  });

  it("shaderF16: whether the adapter lists the 'shader-f16' feature", () => {
    const adapter = (features: string[]) => ({ info: { vendor: 'x' }, features: new Set(features) } as unknown as GPUAdapter);
    expect(summarizeAdapter(adapter(['shader-f16', 'timestamp-query'])).shaderF16).toBe(true);
    expect(summarizeAdapter(adapter(['timestamp-query'])).shaderF16).toBe(false);
  });
});
