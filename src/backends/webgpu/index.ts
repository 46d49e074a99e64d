/**
 * The webgpu backend's registration (stub until the backend lands): priority 3, the default
 * when an adapter exists.
 */
import type { BackendRegistration } from '../backend.js';

export const webgpuRegistration: BackendRegistration = {
  priority: 3,
  create: async () => null,
};
