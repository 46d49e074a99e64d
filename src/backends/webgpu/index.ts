/**
 * The webgpu backend's registration: priority 3, the default where a hardware adapter exists.
 * `ready()` refuses software adapters (isFallbackAdapter, SwiftShader, llvmpipe, ...) so wasm
 * wins there; `setBackend('webgpu')` takes them. Failures throw with their reason, which the
 * engine keeps for `tf.backendInfo()`.
 */
import type { BackendRegistration } from '../backend.js';
import { WebGPUBackend, type WebGPUBackendOptions } from './backend.js';
import { acquireDevice, lastAdapterSummary, type AcquireOptions } from './device.js';

export type { AdapterSummary } from './device.js';

/** A backend on a new device; throws an Error saying why when none can be had. */
export async function startWebGPUBackend(options: WebGPUBackendOptions & AcquireOptions = {}): Promise<WebGPUBackend> {
  const acquire = () => acquireDevice({ allowSoftware: options.allowSoftware });
  return new WebGPUBackend(await acquire(), options, acquire);
}

/** A backend (software adapters included), or null when WebGPU is unavailable here. */
export async function createWebGPUBackend(options: WebGPUBackendOptions = {}): Promise<WebGPUBackend | null> {
  try {
    return await startWebGPUBackend(options);
  } catch {
    return null;
  }
}

export const webgpuRegistration: BackendRegistration = {
  priority: 3,
  create: ({ explicit = true } = {}) => startWebGPUBackend({ allowSoftware: explicit }),
  describe: () => {
    const a = lastAdapterSummary();
    return a && { vendor: a.vendor, architecture: a.architecture, description: a.description, isFallbackAdapter: a.isFallbackAdapter, software: a.software, shaderF16: a.shaderF16 };
  },
};

export { WebGPUBackend };
