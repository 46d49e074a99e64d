/**
 * The wasm backend's registration as the engine holds it (priority 2: below webgpu, above js). The backend
 * itself (kernels, arena, module loading) is imported when it first starts, so `tessera/core` apps that
 * bundle with code splitting load it with the Wasm file. Entries that want a synchronous start before
 * ready() (the whole-API `tessera` entry, `tessera/inline`, the tests) hand it over with `useWasmBackend`.
 */
import type { BackendRegistration } from '../backend.js';

let loaded: typeof import('./index.js') | null = null;

/** Make the backend module available synchronously (for ops run before ready()). */
export function useWasmBackend(backendModule: typeof import('./index.js')): void {
  loaded = backendModule;
}

export const wasmRegistration: BackendRegistration = {
  priority: 2,
  create: async (options) => {
    loaded ??= await import('./index.js');
    return loaded.wasmRegistration.create(options);
  },
  // Not loaded yet: skipped quietly (ready() moves the tensors made meanwhile onto wasm).
  createSync: () => (loaded ? loaded.wasmRegistration.createSync!() : null),
};
