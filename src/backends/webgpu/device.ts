/**
 * Getting a WebGPU device: request an adapter, describe it (vendor, architecture, description,
 * isFallbackAdapter), refuse software rasterisers unless asked for explicitly, and request a
 * device with the adapter's real limits. Every refusal or failure throws an Error that says why,
 * so the engine can report it in `tf.backendInfo()`. A device the user made (Node with the `webgpu`
 * package, say) is adopted with `useDevice` instead of asking `navigator.gpu`.
 */
import { givenDevice as given } from './given_device.js';

/** What tessera tells users about the adapter it found. */
export interface AdapterSummary {
  vendor: string;
  architecture: string;
  description: string;
  isFallbackAdapter: boolean;
  /** True for fallback adapters and known CPU rasterisers (SwiftShader, llvmpipe, lavapipe, ...). */
  software: boolean;
  /** The adapter offers the 'shader-f16' feature (f16 arithmetic and storage in WGSL). */
  shaderF16: boolean;
}

export interface DeviceHandle {
  device: GPUDevice;
  adapter: AdapterSummary;
}

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

/** Software rasterisers that expose WebGPU on the CPU (much slower than the wasm backend). */
export const SOFTWARE_ADAPTER = /swiftshader|llvmpipe|lavapipe|softpipe|microsoft basic render|\bcpu\b/i;

/** The adapter most recently seen by `acquireDevice` (null before any probe or without WebGPU). */
let lastAdapter: AdapterSummary | null = null;
export function lastAdapterSummary(): AdapterSummary | null {
  return lastAdapter;
}

export function summarizeAdapter(adapter: GPUAdapter): AdapterSummary {
  const info = (adapter.info ?? {}) as Partial<GPUAdapterInfo> & { isFallbackAdapter?: boolean };
  const legacyFallback = (adapter as unknown as { isFallbackAdapter?: boolean }).isFallbackAdapter;
  const vendor = info.vendor ?? '';
  const architecture = info.architecture ?? '';
  const description = info.description ?? '';
  const isFallbackAdapter = Boolean(info.isFallbackAdapter ?? legacyFallback ?? false);
  const software = isFallbackAdapter || SOFTWARE_ADAPTER.test(`${vendor} ${architecture} ${description}`);
  return { vendor, architecture, description, isFallbackAdapter, software, shaderF16: hasShaderF16(adapter) };
}

/** Whether an adapter (or device) lists the 'shader-f16' feature. */
export function hasShaderF16(gpu: { features?: { has(name: string): boolean } }): boolean {
  return Boolean(gpu.features?.has('shader-f16'));
}

function givenHandle(device: GPUDevice): DeviceHandle {
  const info = (device as { adapterInfo?: GPUAdapterInfo }).adapterInfo;
  const summary = info
    ? { ...summarizeAdapter({ info } as GPUAdapter), shaderF16: hasShaderF16(device) }
    : { vendor: '', architecture: '', description: 'device given to useDevice()', isFallbackAdapter: false, software: false, shaderF16: hasShaderF16(device) };
  lastAdapter = summary;
  return { device, adapter: summary };
}

export interface AcquireOptions {
  /** Accept a software adapter (SwiftShader, llvmpipe, isFallbackAdapter). Default true. */
  allowSoftware?: boolean;
}

/** A device on the best adapter here; throws an Error naming the reason when there is none. */
export async function acquireDevice(options: AcquireOptions = {}): Promise<DeviceHandle> {
  if (given() && !given()!.lost) return givenHandle(given()!.device);
  const gpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  if (!gpu && given()) throw new Error('the device given to useDevice() was lost and navigator.gpu is undefined: call useDevice() with a new device');
  if (!gpu) throw new Error('WebGPU is not available here (navigator.gpu is undefined)');
  let adapter: GPUAdapter | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (e) {
    throw new Error(`navigator.gpu.requestAdapter() threw: ${(e as Error).message ?? e}`);
  }
  if (!adapter) throw new Error('navigator.gpu.requestAdapter() found no adapter');
  const summary = summarizeAdapter(adapter);
  lastAdapter = summary;
  if (summary.software && options.allowSoftware === false) {
    const name = [summary.vendor, summary.architecture, summary.description].filter(Boolean).join(' ') || 'unnamed adapter';
    throw new Error(
      `the WebGPU adapter is a software rasteriser (${name}, isFallbackAdapter: ${summary.isFallbackAdapter}); ` +
      `wasm is faster on the CPU. Call setBackend('webgpu') to use it anyway`,
    );
  }
  const requiredLimits: Record<string, number> = {};
  for (const name of WANTED_LIMITS) {
    const v = (adapter.limits as unknown as Record<string, number>)[name];
    if (typeof v === 'number') requiredLimits[name] = v;
  }
  try {
    // Subgroups (when offered) let CPU adapters share loads across the lanes of a SIMD register.
    const requiredFeatures: GPUFeatureName[] = adapter.features.has('subgroups') ? ['subgroups' as GPUFeatureName] : [];
    const device = await adapter.requestDevice({ requiredLimits, requiredFeatures, label: 'tessera' });
    return { device, adapter: summary };
  } catch (e) {
    throw new Error(`adapter.requestDevice() failed: ${(e as Error).message ?? e}`);
  }
}

/**
 * Whether this WGSL implementation has the packed_4x8_integer_dot_product language feature
 * (dot4I8Packed and friends), which the int8 kernels use when it is there.
 */
export function packedInt8DotSupported(): boolean {
  const gpu = (globalThis as { navigator?: { gpu?: { wgslLanguageFeatures?: ReadonlySet<string> } } }).navigator?.gpu;
  return gpu?.wgslLanguageFeatures?.has('packed_4x8_integer_dot_product') ?? false;
}

/**
 * The fixed subgroup size shaders on `device` may rely on: the `subgroups` feature is enabled, WGSL
 * has the subgroup_id builtin, and the adapter's smallest and largest subgroup sizes agree; else null.
 */
export function fixedSubgroupSize(device: GPUDevice): number | null {
  const wgsl = (globalThis as { navigator?: { gpu?: { wgslLanguageFeatures?: ReadonlySet<string> } } }).navigator?.gpu?.wgslLanguageFeatures;
  const info = (device as { adapterInfo?: { subgroupMinSize?: number; subgroupMaxSize?: number } }).adapterInfo;
  if (!device.features?.has('subgroups') || !wgsl?.has('subgroup_id') || !info) return null;
  const { subgroupMinSize: min, subgroupMaxSize: max } = info;
  return typeof min === 'number' && min > 0 && min === max ? min : null;
}
