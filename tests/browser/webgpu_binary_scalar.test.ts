// binary_blocked's scalar mode (shaders/elementwise.wgsl, SCALAR: a one-element operand against a
// contiguous tensor, CPU adapters) in headless Chromium (SwiftShader here): every binary op code, the scalar
// first and second, ragged and whole-workgroup sizes, float32 / int32 / bool outputs; each result
// must equal binary_strided's (the GPU-entry backend's path) bit for bit and match the js reference
// kernels. Page side: webgpu_binary_scalar.page.ts. Fails loudly when WebGPU is unavailable.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { assertAllMatch, openKernelPage, type KernelPage } from './kernel_page.js';

let kernelPage: KernelPage | undefined;

beforeAll(async () => {
  kernelPage = await openKernelPage('webgpu_binary_scalar', 'tesseraWebgpuBinaryScalar', 'webgpu binary scalar');
}, 120_000);

afterAll(async () => {
  await kernelPage?.close();
});

describe('webgpu binary with a scalar operand (CPU-adapter entries)', () => {
  it('equals binary_strided bit for bit and matches js', async () => {
    const results = await kernelPage!.page.evaluate(() => (globalThis as any).tesseraWebgpuBinaryScalar.run());
    assertAllMatch(results, 100);
  }, 600_000);
});
