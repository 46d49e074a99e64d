/**
 * TF.js `profile(f)`: memory and kernel activity while f runs (awaited when it returns a Promise):
 * newBytes / newTensors (live data after minus before), peakBytes, and one entry per kernel run with
 * its input and output shapes, the bytes and tensors live after it, and its wall time. tessera times a
 * kernel's dispatch: on js and wasm that is the kernel itself, on webgpu the recording of its work.
 */
import { ENGINE } from './engine.js';
import type { Tensor } from './tensor.js';

export interface KernelInfo {
  name: string;
  bytesAdded: number;
  totalBytesSnapshot: number;
  tensorsAdded: number;
  totalTensorsSnapshot: number;
  inputShapes: number[][];
  outputShapes: number[][];
  kernelTimeMs: number;
  extraInfo: string;
}
export interface ProfileInfo {
  newBytes: number;
  newTensors: number;
  peakBytes: number;
  kernels: KernelInfo[];
  result: unknown;
  kernelNames: string[];
}

/**
 * Runs `f` and reports the memory it used: {newBytes, newTensors, peakBytes, kernels}.
 * @example
 * ```js
 * const info = await tf.profile(() => tf.matMul(tf.ones([32, 32]), tf.ones([32, 32])));
 * console.log(info.newBytes, info.peakBytes, info.kernels.map((k) => k.name));
 * ```
 */
export async function profile(f: () => unknown): Promise<ProfileInfo> {
  if (ENGINE.kernelWatch) throw new Error('profile: already profiling; profile() calls cannot be nested');
  const start = ENGINE.memory();
  let bytes = start.numBytes;
  let tensors = start.numTensors;
  let peakBytes = bytes;
  const kernels: KernelInfo[] = [];
  ENGINE.kernelWatch = (name: string, inputs: Tensor[], outputs: Tensor[], ms: number) => {
    const now = ENGINE.memory();
    peakBytes = Math.max(peakBytes, now.numBytes);
    kernels.push({
      name,
      bytesAdded: now.numBytes - bytes,
      totalBytesSnapshot: now.numBytes,
      tensorsAdded: now.numTensors - tensors,
      totalTensorsSnapshot: now.numTensors,
      inputShapes: inputs.map((t) => t.shape.slice()),
      outputShapes: outputs.map((t) => t.shape.slice()),
      kernelTimeMs: ms,
      extraInfo: '',
    });
    bytes = now.numBytes;
    tensors = now.numTensors;
  };
  let result: unknown;
  try {
    result = await f();
  } finally {
    ENGINE.kernelWatch = null;
  }
  const end = ENGINE.memory();
  return {
    newBytes: end.numBytes - start.numBytes,
    newTensors: end.numTensors - start.numTensors,
    peakBytes: Math.max(peakBytes, end.numBytes),
    kernels,
    result,
    kernelNames: [...new Set(kernels.map((k) => k.name))],
  };
}
