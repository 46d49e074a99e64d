/**
 * Buffer sizes against `device.limits`. A tensor past maxBufferSize is never handed to
 * createBuffer (that would yield an invalid buffer and, later, silent zeros); it gets a handle
 * without a buffer, and the first kernel, write or read that touches it throws an Error naming
 * the kernel, the tensor's shape and bytes, and the limit.
 *
 * A tensor past one storage binding (maxStorageBufferBindingSize) but within maxBufferSize is
 * stored, and these kernels split the call into dispatches that bind ranges whose offsets are
 * multiples of minStorageBufferOffsetAlignment:
 * - unary and same-shape binary: aligned ranges bound alike in every tensor (`chunkElements`);
 * - reductions and softmax: blocks of whole rows (specs/reduce.ts);
 * - broadcasting binary, select, copyStrided (transpose, slice, tile, broadcastTo, reverse), pad,
 *   copyInto (concat), gather, oneHot, unsortedSegmentSum and matMul: sub-boxes of the kernel's
 *   iteration space, each binding the range of every tensor it touches (chunking.ts); gather,
 *   the segment sum and matMul may also split the axis they read along (matMul's K blocks
 *   accumulate in the output and apply the epilogue once, after the last).
 * - conv2d, depthwiseConv2d and their input gradients: blocks of whole images, when a block's
 *   offsets in input and output can be aligned (specs/conv.ts).
 * Every other kernel (filter gradients, pooling, attention, scan, scatter, image, ...) throws
 * the Error of `oversizeKernelError`, as do a reduction or softmax whose single row, or a conv
 * whose aligned block of images, is past one binding.
 * Tests lower the effective binding limit with the backend's `limitOverrides` hook.
 */
import type { TensorInfo } from '../backend.js';
import { Binary, Reduce, Unary } from '../kernels.js';

export interface SizeLimits {
  maxStorageBufferBindingSize: number;
  maxBufferSize: number;
}

const OP_TABLES: Record<string, Record<string, number>> = { unary: Unary, binary: Binary, reduce: Reduce };

/** The kernel's name for messages, with the op for op-coded kernels: "binary (add)". */
export function kernelLabel(kernel: string, attrs: unknown): string {
  const table = OP_TABLES[kernel];
  const code = (attrs as { op?: unknown } | null)?.op;
  if (!table || typeof code !== 'number') return kernel;
  const name = Object.keys(table).find((k) => table[k] === code);
  return name ? `${kernel} (${name})` : kernel;
}

const fmtBytes = (n: number) => (n >= 1 << 20 ? `${n} bytes, ${(n / (1 << 20)).toFixed(1)} MiB` : `${n} bytes`);

/**
 * The Error for a kernel touching a tensor too large for this device: past maxBufferSize
 * (no buffer at all), or past maxStorageBufferBindingSize for a kernel that cannot split it.
 */
export function oversizeKernelError(
  kernel: string, role: string, t: TensorInfo, lim: SizeLimits, limit: keyof SizeLimits,
): Error {
  const bytes = t.size * 4;
  const split = limit === 'maxStorageBufferBindingSize'
    ? ` for one binding (elementwise ops, reductions and softmax by rows, matMul and the copy/gather kernels split across bindings; ${kernel} cannot split this tensor)`
    : '';
  return new Error(
    `webgpu: ${kernel}: ${role} of shape [${t.shape}] ${t.dtype} needs ${fmtBytes(bytes)}, more than this device's ` +
    `${limit} (${fmtBytes(lim[limit])})${split}; split the tensor or use the wasm backend`,
  );
}

/** The Error for writing or reading `size` elements that no buffer here can hold. */
export function oversizeDataError(what: string, size: number, lim: SizeLimits): Error {
  return new Error(
    `webgpu: ${what}: a tensor of ${size} elements needs ${fmtBytes(size * 4)}, more than this device's ` +
    `maxBufferSize (${fmtBytes(lim.maxBufferSize)}); split the tensor or use the wasm backend`,
  );
}

/**
 * Elements per binding when a kernel splits a tensor: the most that fit in `maxBindingBytes`,
 * rounded down to the offset alignment (so every range starts aligned and holds whole vec4s).
 */
export function chunkElements(maxBindingBytes: number, alignment: number): number {
  const step = Math.max(alignment, 16);
  return Math.floor(maxBindingBytes / step) * (step / 4);
}
