/**
 * Buffer sizes against `device.limits`. A tensor whose bytes exceed what one storage binding
 * (maxStorageBufferBindingSize) or one buffer (maxBufferSize) may hold is never handed to
 * createBuffer (that would yield an invalid buffer and, later, silent zeros); it gets a handle
 * without a buffer, and the first kernel, write or read that touches it throws an Error naming
 * the kernel, the tensor's shape and bytes, and the limit.
 */
import type { TensorInfo } from '../backend.js';
import { Binary, Reduce, Unary } from '../kernels.js';

const OP_TABLES: Record<string, Record<string, number>> = { unary: Unary, binary: Binary, reduce: Reduce };

/** The kernel's name for messages, with the op for op-coded kernels: "binary (add)". */
export function kernelLabel(kernel: string, attrs: unknown): string {
  const table = OP_TABLES[kernel];
  const code = (attrs as { op?: unknown } | null)?.op;
  if (!table || typeof code !== 'number') return kernel;
  const name = Object.keys(table).find((k) => table[k] === code);
  return name ? `${kernel} (${name})` : kernel;
}

export interface SizeLimits {
  maxStorageBufferBindingSize: number;
  maxBufferSize: number;
}

/** The limit `bytes` exceeds (the tighter one first), or null when it fits. */
export function exceededLimit(bytes: number, lim: SizeLimits): { name: keyof SizeLimits; value: number } | null {
  const order: (keyof SizeLimits)[] = lim.maxStorageBufferBindingSize <= lim.maxBufferSize
    ? ['maxStorageBufferBindingSize', 'maxBufferSize']
    : ['maxBufferSize', 'maxStorageBufferBindingSize'];
  for (const name of order) if (bytes > lim[name]) return { name, value: lim[name] };
  return null;
}

const fmtBytes = (n: number) => (n >= 1 << 20 ? `${n} bytes, ${(n / (1 << 20)).toFixed(1)} MiB` : `${n} bytes`);

/** The Error for a kernel touching a tensor too large for this device. */
export function oversizeKernelError(kernel: string, role: string, t: TensorInfo, lim: SizeLimits): Error {
  const bytes = t.size * 4;
  const over = exceededLimit(bytes, lim)!;
  return new Error(
    `webgpu: ${kernel}: ${role} of shape [${t.shape}] ${t.dtype} needs ${fmtBytes(bytes)}, more than this device's ` +
    `${over.name} (${fmtBytes(over.value)}); split the tensor or use the wasm backend`,
  );
}

/** The Error for writing or reading `size` elements that no buffer here can hold. */
export function oversizeDataError(what: string, size: number, lim: SizeLimits): Error {
  const bytes = size * 4;
  const over = exceededLimit(bytes, lim)!;
  return new Error(
    `webgpu: ${what}: a tensor of ${size} elements needs ${fmtBytes(bytes)}, more than this device's ` +
    `${over.name} (${fmtBytes(over.value)}); split the tensor or use the wasm backend`,
  );
}
