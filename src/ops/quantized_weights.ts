/**
 * int8 weights (issue 12): float weights quantized symmetrically per output channel into the
 * packed layouts the int8 kernels read (src/backends/kernels.ts, "Packed int8"), built from saved
 * int8 values, and read back for saving. The quantization itself runs as ops on the active
 * backend (max |w| per channel, divide, the quantizeInt8 kernel), so it works on every backend;
 * loading and saving move bytes on the host.
 */
import { packedCols } from '../backends/kernels.js';
import { ENGINE } from '../engine.js';
import { Tensor } from '../tensor.js';
import { fmtShape, sizeOf } from '../util.js';
import { abs } from './unary.js';
import { div, equal, where } from './binary.js';
import { max } from './reduce.js';
import { reshape, transpose } from './layout.js';
import { runOp, scoped } from './operand.js';

/** Which float weight a PackedWeights came from: a dense kernel, a conv2d filter or a depthwise filter. */
export type Int8WeightKind = 'dense' | 'conv2d' | 'depthwise';

/**
 * int8 weights in the kernels' packed layout: `packed` int32 (dense [N, packedCols(K)], conv2d
 * [outC, fh, fw, packedCols(inC)], depthwise [fh, fw, packedCols(C)]), one float32 scale per
 * output channel (real weight = scale[c] * q, q in [-127, 127]), and the float weight's shape.
 */
export interface PackedWeights {
  /** The kind of float weight these were made from. */
  kind: Int8WeightKind;
  /** The packed int8 values (int32 tensor, four values per element). */
  packed: Tensor;
  /** float32 [channels]: the per-output-channel scales. */
  scales: Tensor;
  /** The float weight's shape (dense [K, N], conv2d [fh, fw, inC, outC], depthwise [fh, fw, C, 1]). */
  shape: number[];
  /** Frees `packed` and `scales`. */
  dispose(): void;
}

const KINDS: readonly Int8WeightKind[] = ['dense', 'conv2d', 'depthwise'];

/** Checks a float weight shape for `kind`; returns [channels, packed shape]. */
function layoutOf(op: string, kind: Int8WeightKind, shape: readonly number[]): { channels: number; packedShape: number[] } {
  if (!KINDS.includes(kind)) throw new Error(`${op}: kind must be 'dense', 'conv2d' or 'depthwise', got ${JSON.stringify(kind)}`);
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new Error(`${op}: weight shape ${JSON.stringify(shape)} must hold positive integers`);
  }
  if (kind === 'dense') {
    if (shape.length !== 2) throw new Error(`${op}: dense weights must be rank 2 [inputDim, units], got shape ${fmtShape(shape)}`);
    return { channels: shape[1], packedShape: [shape[1], packedCols(shape[0])] };
  }
  if (shape.length !== 4) {
    throw new Error(`${op}: ${kind} weights must be rank 4 [filterHeight, filterWidth, inChannels, ${kind === 'conv2d' ? 'outChannels' : '1'}], got shape ${fmtShape(shape)}`);
  }
  const [fh, fw, inC, outC] = shape;
  if (kind === 'conv2d') return { channels: outC, packedShape: [outC, fh, fw, packedCols(inC)] };
  if (outC !== 1) throw new Error(`${op}: depthwise weights support channel multiplier 1 only, got shape ${fmtShape(shape)}`);
  return { channels: inC, packedShape: [fh, fw, packedCols(inC)] };
}

/** Calls visit(float index, packed byte index) for every weight value (the two layouts' mapping). */
function forEachWeight(kind: Int8WeightKind, shape: readonly number[], visit: (floatIndex: number, byteIndex: number) => void): void {
  if (kind === 'dense') {
    const [K, N] = shape;
    const rowBytes = packedCols(K) * 4;
    for (let k = 0; k < K; k++) for (let n = 0; n < N; n++) visit(k * N + n, n * rowBytes + k);
    return;
  }
  const [fh, fw, inC, outC] = shape;
  const rowBytes = packedCols(inC) * 4;
  for (let tap = 0; tap < fh * fw; tap++) {
    for (let ci = 0; ci < inC; ci++) {
      if (kind === 'depthwise') visit(tap * inC + ci, tap * rowBytes + ci);
      else for (let co = 0; co < outC; co++) visit((tap * inC + ci) * outC + co, (co * fh * fw + tap) * rowBytes + ci);
    }
  }
}

function makePacked(kind: Int8WeightKind, packed: Tensor, scales: Tensor, shape: number[]): PackedWeights {
  return {
    kind, packed, scales, shape: shape.slice(),
    dispose() {
      packed.dispose();
      scales.dispose();
    },
  };
}

/**
 * Checks that `w` is live PackedWeights of `kind` whose tensors fit its shape (for the int8 ops).
 * Returns the channel count.
 */
export function checkPackedWeights(op: string, w: PackedWeights, kind: Int8WeightKind): number {
  if (!w || typeof w !== 'object' || !(w.packed instanceof Tensor) || !(w.scales instanceof Tensor)) {
    throw new Error(`${op}: weights must be PackedWeights (from quantization.packWeightsPerChannel), got ${w === null ? 'null' : typeof w}`);
  }
  if (w.kind !== kind) throw new Error(`${op}: expected ${kind} weights, got ${String(w.kind)} weights of shape ${fmtShape(w.shape)}`);
  w.packed.assertAlive(`${op} (weights)`);
  w.scales.assertAlive(`${op} (weight scales)`);
  const { channels, packedShape } = layoutOf(op, kind, w.shape);
  if (w.packed.dtype !== 'int32' || fmtShape(w.packed.shape) !== fmtShape(packedShape)) {
    throw new Error(`${op}: packed weights must be int32 ${fmtShape(packedShape)} for weight shape ${fmtShape(w.shape)}, got ${w.packed.dtype} ${fmtShape(w.packed.shape)}`);
  }
  if (w.scales.dtype !== 'float32' || w.scales.size !== channels) {
    throw new Error(`${op}: weight scales must be float32 with ${channels} values, got ${w.scales.dtype} ${fmtShape(w.scales.shape)}`);
  }
  return channels;
}

/**
 * Quantizes float weights symmetrically per output channel into the packed int8 layout:
 * scale[c] = max|w[.., c]| / 127 (1 for an all-zero channel), q = round(w / scale[c]) in [-127, 127].
 * `kind` says what `w` is: a dense kernel [K, N], a conv2d filter [fh, fw, inC, outC] or a
 * depthwise filter [fh, fw, C, 1].
 * @example
 * ```js
 * const w = tf.quantization.packWeightsPerChannel(tf.tensor2d([[1, -2], [0.5, 4]]), 'dense');
 * w.scales.shape; // [2]
 * w.packed.shape; // [2, 1]
 * ```
 */
export function packWeightsPerChannel(w: Tensor, kind: Int8WeightKind): PackedWeights {
  const op = 'packWeightsPerChannel';
  if (!(w instanceof Tensor)) throw new Error(`${op}: w must be a Tensor, got ${w === null ? 'null' : typeof w}`);
  w.assertAlive(op);
  if (w.dtype !== 'float32') throw new Error(`${op}: w must be float32, got ${w.dtype} ${fmtShape(w.shape)}`);
  const { channels, packedShape } = layoutOf(op, kind, w.shape);
  return scoped(() => {
    ENGINE.opNames.push(op);
    try {
      const [fh, fw, inC] = w.shape;
      // the float weight with its output channel leading (dense, conv2d) or last (depthwise), and the reduction axes
      const lead = kind === 'dense' ? transpose(w, [1, 0]) : kind === 'conv2d' ? transpose(w, [3, 0, 1, 2]) : reshape(w, [fh, fw, inC]);
      const axes = kind === 'dense' ? [0] : kind === 'conv2d' ? [0, 1, 2] : [0, 1, 3];
      const ratio = div(max(abs(w), axes), 127);
      const scales = where(equal(ratio, 0), 1, ratio);
      const perRow = kind === 'depthwise' ? scales : reshape(scales, [channels, ...new Array(lead.rank - 1).fill(1)]);
      const scaled = div(lead, perRow);
      const cols = lead.shape[lead.rank - 1];
      const packed = runOp('quantizeInt8', [scaled], packedShape, 'int32', { rows: scaled.size / cols, cols, scale: 1, zeroPoint: 0 });
      return makePacked(kind, packed, scales, w.shape);
    } finally {
      ENGINE.opNames.pop();
    }
  });
}

/**
 * PackedWeights from saved int8 values (in the float weight's own layout, e.g. [K, N] for dense)
 * and their per-channel scales: the way to load weights that unpackWeightsToInt8 saved.
 * @example
 * ```js
 * const w = tf.quantization.packedWeightsFromInt8(new Int8Array([1, -2, 3, 4]), new Float32Array([0.5, 0.25]), [2, 2], 'dense');
 * w.packed.shape; // [2, 1]
 * ```
 */
export function packedWeightsFromInt8(values: Int8Array, scales: Float32Array, shape: number[], kind: Int8WeightKind): PackedWeights {
  const op = 'packedWeightsFromInt8';
  const { channels, packedShape } = layoutOf(op, kind, shape);
  if (!(values instanceof Int8Array) || values.length !== sizeOf(shape)) {
    throw new Error(`${op}: values must be an Int8Array of ${sizeOf(shape)} values for shape ${fmtShape(shape)}, got ${values instanceof Int8Array ? values.length : typeof values}`);
  }
  if (!(scales instanceof Float32Array) || scales.length !== channels) {
    throw new Error(`${op}: scales must be a Float32Array of ${channels} values for ${kind} weights ${fmtShape(shape)}, got ${scales instanceof Float32Array ? scales.length : typeof scales}`);
  }
  const badScale = scales.findIndex((s) => !(s > 0 && Number.isFinite(s)));
  if (badScale >= 0) throw new Error(`${op}: scales must be positive and finite, got scales[${badScale}] = ${scales[badScale]}`);
  const bad = values.indexOf(-128);
  if (bad >= 0) throw new Error(`${op}: symmetric int8 weights lie in [-127, 127], got values[${bad}] = -128`);
  const words = new Int32Array(sizeOf(packedShape));
  const bytes = new Int8Array(words.buffer);
  forEachWeight(kind, shape, (f, b) => (bytes[b] = values[f]));
  return makePacked(kind, ENGINE.makeTensor(words, packedShape, 'int32'), ENGINE.makeTensor(Float32Array.from(scales), [channels], 'float32'), shape);
}

/**
 * The int8 values (in the float weight's own layout) and per-channel scales of packed weights:
 * the inverse of packedWeightsFromInt8, for saving.
 * @example
 * ```js
 * const w = tf.quantization.packWeightsPerChannel(tf.tensor2d([[1, -1], [0.2, 4]]), 'dense');
 * const { values, scales } = await tf.quantization.unpackWeightsToInt8(w);
 * Array.from(values); // [127, -32, 25, 127]
 * ```
 */
export async function unpackWeightsToInt8(w: PackedWeights): Promise<{ values: Int8Array; scales: Float32Array }> {
  checkPackedWeights('unpackWeightsToInt8', w, w?.kind);
  const words = (await w.packed.data()) as Int32Array;
  const bytes = new Int8Array(words.buffer, words.byteOffset, words.length * 4);
  const values = new Int8Array(sizeOf(w.shape));
  forEachWeight(w.kind, w.shape, (f, b) => (values[f] = bytes[b]));
  return { values, scales: Float32Array.from((await w.scales.data()) as Float32Array) };
}
