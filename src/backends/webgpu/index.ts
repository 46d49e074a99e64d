/**
 * The webgpu backend's registration: priority 3, the default when an adapter exists. `create`
 * resolves to null when `navigator.gpu` or an adapter is missing, or the device request fails.
 */
import type { BackendRegistration } from '../backend.js';
import { WebGPUBackend, type WebGPUBackendOptions } from './backend.js';

/** Limits tessera asks for: as much as the adapter offers (never assumed). */
const WANTED_LIMITS = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupSizeZ',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBuffersPerShaderStage',
] as const;

export async function createWebGPUBackend(options: WebGPUBackendOptions = {}): Promise<WebGPUBackend | null> {
  const gpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  if (!gpu) return null;
  let adapter: GPUAdapter | null = null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch {
    return null;
  }
  if (!adapter) return null;
  const requiredLimits: Record<string, number> = {};
  for (const name of WANTED_LIMITS) {
    const v = (adapter.limits as unknown as Record<string, number>)[name];
    if (typeof v === 'number') requiredLimits[name] = v;
  }
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({ requiredLimits, label: 'tessera' });
  } catch {
    return null;
  }
  const info = adapter.info ?? { vendor: '', architecture: '' };
  return new WebGPUBackend(device, { vendor: info.vendor ?? '', architecture: info.architecture ?? '' }, options);
}

export const webgpuRegistration: BackendRegistration = {
  priority: 3,
  create: () => createWebGPUBackend(),
};

export { WebGPUBackend };
