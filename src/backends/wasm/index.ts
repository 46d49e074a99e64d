/**
 * The wasm backend's registration: priority 2 (below webgpu, above js). Resolves to null where
 * the engine has no Wasm SIMD. Picks the relaxed-SIMD kernel build where the engine supports it.
 */
import type { BackendRegistration } from '../backend.js';
import { WasmBackend } from './backend.js';
import { hasSimd, hasWasm, loadModule, loadModuleSync, type ModuleKind } from './module.js';

export { WasmBackend } from './backend.js';
export type { ModuleKind } from './module.js';

/** Create a wasm backend now; `prefer: 'simd'` forces the plain SIMD build (for comparisons). */
export function createWasmBackendSync(prefer?: ModuleKind): WasmBackend | null {
  const loaded = loadModuleSync(prefer);
  return loaded ? new WasmBackend(loaded) : null;
}

export async function createWasmBackend(prefer?: ModuleKind): Promise<WasmBackend | null> {
  const loaded = await loadModule(prefer);
  return loaded ? new WasmBackend(loaded) : null;
}

export const wasmRegistration: BackendRegistration = {
  priority: 2,
  create: async () => {
    if (!hasWasm()) throw new Error('WebAssembly is not available here');
    if (!hasSimd()) throw new Error('this WebAssembly engine lacks SIMD (v128), which the wasm kernels need');
    return createWasmBackend();
  },
  createSync: () => createWasmBackendSync(),
};
