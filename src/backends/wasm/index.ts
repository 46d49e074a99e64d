/**
 * The wasm backend's registration (stub until the backend lands): priority 2, below webgpu.
 */
import type { BackendRegistration } from '../backend.js';

export const wasmRegistration: BackendRegistration = {
  priority: 2,
  create: async () => null,
  createSync: () => null,
};
