/**
 * The webgpu backend's registration as the engine holds it: the backend itself (its kernels, specs and
 * WGSL sources) is imported only when a webgpu backend is first started, so apps that never run on
 * WebGPU, and bundles that split chunks, do not carry it up front.
 */
import type { BackendRegistration } from '../backend.js';

let loaded: typeof import('./index.js') | null = null;

export const webgpuRegistration: BackendRegistration = {
  priority: 3,
  create: async (options) => {
    loaded ??= await import('./index.js');
    return loaded.webgpuRegistration.create(options);
  },
  describe: () => loaded?.webgpuRegistration.describe?.() ?? null,
};
