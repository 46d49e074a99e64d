/**
 * TF.js's `io` utilities for weights and model.json: encodeWeights / decodeWeights (named tensors
 * <-> one buffer plus specs, strings and complex64 included), decodeWeightsStream (the same from a
 * ReadableStream of weight bytes), getModelArtifactsForJSON(Sync), getModelArtifactsInfoForJSON,
 * getWeightSpecs and concatenateArrayBuffers.
 */
import { ENGINE } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { storageFor } from '../ops/operand.js';
import { complex } from '../ops/complex.js';
import { CompositeArrayBuffer } from './composite_array_buffer.js';
import { decodeAnyWeights, decodeWeightBytes, STRING_LENGTH_BYTES, weightByteLength, type DecodedAnyWeight } from './weights.js';
import { checkQuantizeDtype, encodeQuantized, type QuantizeWeightsDtype } from './weight_codecs.js';
import type { ModelArtifacts, ModelArtifactsInfo, ModelJSON, WeightData, WeightSpec, WeightsManifestEntry } from './types.js';

/**
 * Tensors by weight name.
 */
export type NamedTensorMap = Record<string, Tensor>;
/**
 * A tensor with its weight name, as `tf.io.encodeWeights` takes them.
 */
export interface NamedTensor {
  name: string;
  tensor: Tensor;
  /** tessera: 'int8' stores an int32 tensor of values in [-128, 127] one byte each (uint8, scale 1, min -128). */
  storage?: 'int8';
}
const ENCODABLE = new Set(['float32', 'int32', 'bool', 'string', 'complex64']);

/** A tensor holding one decoded weight (complex64 is split into its real and imaginary parts first). */
export function weightTensor(spec: WeightSpec, d: DecodedAnyWeight): Tensor {
  const shape = spec.shape.slice();
  if (d.dtype === 'string') return ENGINE.makeStringTensor(d.values as Uint8Array[], shape);
  if (d.dtype === 'complex64') {
    const pairs = d.values as Float32Array;
    const re = new Float32Array(pairs.length / 2);
    const im = new Float32Array(pairs.length / 2);
    for (let i = 0; i < re.length; i++) {
      re[i] = pairs[2 * i];
      im[i] = pairs[2 * i + 1];
    }
    const r = ENGINE.makeTensor(re, shape, 'float32');
    const i = ENGINE.makeTensor(im, shape, 'float32');
    const out = complex(r, i);
    r.dispose();
    i.dispose();
    return out;
  }
  return ENGINE.makeTensor(storageFor(d.values as ArrayLike<number>, d.dtype), shape, d.dtype);
}

/**
 * TF.js `io.encodeWeights(tensors, group?)`: a map or list of named tensors as one flat buffer (in
 * order) and their specs. Strings are stored as a uint32 byte length then the UTF-8 bytes per element.
 * tessera's `quantizeWeights` ('uint8' | 'uint16' | 'float16') stores the float32 tensors in the TF.js
 * converter's quantized form (other dtypes stay as they are), each spec getting its `quantization`.
 * @example
 * ```js
 * const { data, specs } = await tf.io.encodeWeights({ w: tf.tensor([1, 2, 3]) });
 * const half = await tf.io.encodeWeights({ w: tf.tensor([1, 2, 3]) }, undefined, 'float16'); // 6 bytes
 * ```
 */
export async function encodeWeights(
  tensors: NamedTensorMap | NamedTensor[], group?: string, quantizeWeights?: QuantizeWeightsDtype,
): Promise<{ data: ArrayBuffer; specs: WeightSpec[] }> {
  checkQuantizeDtype('encodeWeights', quantizeWeights);
  const list = Array.isArray(tensors) ? tensors : Object.keys(tensors).map((name) => ({ name, tensor: tensors[name] }));
  const specs: WeightSpec[] = [];
  const chunks: Promise<Uint8Array>[] = [];
  for (const { name, tensor, storage } of list as NamedTensor[]) {
    if (!ENCODABLE.has(tensor.dtype)) throw new Error(`Unsupported dtype in weight '${name}': ${tensor.dtype}`); // TF.js's wording
    const spec: WeightSpec = { name, shape: tensor.shape.slice(), dtype: tensor.dtype };
    if (group != null) spec.group = group;
    specs.push(spec);
    if (storage === 'int8') {
      spec.quantization = { dtype: 'uint8', scale: 1, min: -128 };
      chunks.push(int8Bytes(name, tensor));
    } else if (quantizeWeights != null && tensor.dtype === 'float32') {
      chunks.push((tensor.data() as Promise<Float32Array>).then((values) => {
        const { bytes, quantization } = encodeQuantized(name, values, quantizeWeights);
        spec.quantization = quantization;
        return bytes;
      }));
    } else {
      chunks.push(tensor.dtype === 'string' ? tensor.bytes().then((b) => prefixedStrings(b as Uint8Array[])) : tensor.bytes() as Promise<Uint8Array>);
    }
  }
  const parts = await Promise.all(chunks);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.byteLength;
  }
  return { data: out.buffer, specs };
}

/** An int32 tensor of int8 values as one byte each (v + 128), for the uint8 spec {scale: 1, min: -128}. */
async function int8Bytes(name: string, tensor: Tensor): Promise<Uint8Array> {
  if (tensor.dtype !== 'int32') throw new Error(`encodeWeights: weight '${name}' stored as int8 must be int32, got ${tensor.dtype}`);
  const values = (await tensor.data()) as Int32Array;
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < -128 || v > 127) throw new Error(`encodeWeights: weight '${name}' stored as int8 holds ${v} at index ${i}, outside [-128, 127]`);
    out[i] = v + 128;
  }
  return out;
}

function prefixedStrings(strings: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(strings.reduce((n, s) => n + STRING_LENGTH_BYTES + s.byteLength, 0));
  const view = new DataView(out.buffer);
  let offset = 0;
  for (const s of strings) {
    view.setUint32(offset, s.byteLength, true);
    out.set(s, offset + STRING_LENGTH_BYTES);
    offset += STRING_LENGTH_BYTES + s.byteLength;
  }
  return out;
}

/**
 * TF.js `io.decodeWeights(weightData, specs)`: a map from weight name to a new Tensor.
 * @example
 * ```js
 * const { data, specs } = await tf.io.encodeWeights({ w: tf.tensor([1, 2, 3]) });
 * tf.io.decodeWeights(data, specs).w.print(); // [1, 2, 3]
 * ```
 */
export function decodeWeights(weightData: WeightData, specs: WeightSpec[]): NamedTensorMap {
  const out: NamedTensorMap = {};
  for (const { spec, decoded } of decodeAnyWeights(weightData, specs)) out[spec.name] = weightTensor(spec, decoded);
  return out;
}

/** Bytes of a stream chunk (an ArrayBuffer or any view of one). */
function chunkBytes(chunk: ArrayBuffer | ArrayBufferView): Uint8Array {
  return chunk instanceof ArrayBuffer ? new Uint8Array(chunk) : new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/**
 * TF.js `io.decodeWeightsStream(weightStream, specs)`: decodeWeights over a ReadableStream of the
 * weight bytes, decoding each weight as soon as its bytes have arrived (chunks may split weights
 * anywhere). A stream that ends early is an error saying how many bytes are still missing.
 * @example
 * ```js
 * const tensors = await tf.io.decodeWeightsStream(response.body, specs);
 * ```
 */
export async function decodeWeightsStream(weightStream: ReadableStream<ArrayBuffer | ArrayBufferView>, specs: WeightSpec[]): Promise<NamedTensorMap> {
  const reader = weightStream.getReader();
  let pending = new Uint8Array(0);
  const readTo = async (length: number) => {
    while (pending.byteLength < length) {
      const { done, value } = await reader.read();
      if (done && value == null) throw new Error(`Reader is done but ${length - pending.byteLength} bytes are still expected`); // TF.js's wording
      const more = chunkBytes(value!);
      const grown = new Uint8Array(pending.byteLength + more.byteLength);
      grown.set(pending);
      grown.set(more, pending.byteLength);
      pending = grown;
    }
  };
  const out: NamedTensorMap = {};
  for (const spec of specs) {
    let length = weightByteLength(spec, pending);
    while (length < 0) { // a string weight whose length prefixes have not all arrived
      await readTo(-length);
      length = weightByteLength(spec, pending);
    }
    await readTo(length);
    out[spec.name] = weightTensor(spec, decodeWeightBytes(spec, pending.slice(0, length).buffer));
    pending = pending.slice(length);
  }
  return out;
}

/**
 * TF.js `io.concatenateArrayBuffers(buffers)` (deprecated there): the buffers joined into a new one.
 * @example
 * ```js
 * tf.io.concatenateArrayBuffers([new ArrayBuffer(4), new ArrayBuffer(8)]).byteLength; // 12
 * ```
 */
export function concatenateArrayBuffers(buffers: ArrayBuffer[] | ArrayBuffer): ArrayBuffer {
  return CompositeArrayBuffer.join(buffers);
}

/**
 * TF.js `io.getWeightSpecs(weightsManifest)`: every group's weight specs, in manifest order.
 * @example
 * ```js
 * const specs = tf.io.getWeightSpecs(modelJson.weightsManifest);
 * ```
 */
export function getWeightSpecs(weightsManifest: WeightsManifestEntry[]): WeightSpec[] {
  const specs: WeightSpec[] = [];
  for (const entry of weightsManifest) specs.push(...entry.weights);
  return specs;
}

/**
 * TF.js `io.getModelArtifactsForJSONSync(modelJSON, weightSpecs?, weightData?)`: the artifacts a
 * model.json describes, with weights already read (required when it has a weightsManifest).
 * @example
 * ```js
 * const artifacts = tf.io.getModelArtifactsForJSONSync(modelJson, specs, weightData);
 * ```
 */
export function getModelArtifactsForJSONSync(modelJSON: ModelJSON, weightSpecs?: WeightSpec[], weightData?: WeightData): ModelArtifacts {
  const artifacts: ModelArtifacts = {
    modelTopology: modelJSON.modelTopology,
    format: modelJSON.format,
    generatedBy: modelJSON.generatedBy,
    convertedBy: modelJSON.convertedBy,
  };
  if (modelJSON.trainingConfig != null) artifacts.trainingConfig = modelJSON.trainingConfig;
  if (modelJSON.weightsManifest != null) {
    // TF.js's wording
    if (!weightSpecs) throw new Error('modelJSON has weightsManifest but weightSpecs is null');
    if (!weightData) throw new Error('modelJSON has weightsManifest but weightData is null');
    artifacts.weightSpecs = weightSpecs;
    artifacts.weightData = weightData;
  }
  for (const key of ['signature', 'userDefinedMetadata', 'modelInitializer', 'initializerSignature'] as const) {
    if (modelJSON[key] != null) (artifacts as Record<string, unknown>)[key] = modelJSON[key];
  }
  return artifacts;
}

/**
 * TF.js `io.getModelArtifactsForJSON(modelJSON, loadWeights)`: as the Sync form, with the weights
 * read by `loadWeights(weightsManifest)` -> [weightSpecs, weightData] (only called when there is a manifest).
 * @example
 * ```js
 * const artifacts = await tf.io.getModelArtifactsForJSON(modelJson, (manifest) => loadWeights(manifest));
 * ```
 */
export async function getModelArtifactsForJSON(
  modelJSON: ModelJSON, loadWeights: (weightsManifest: WeightsManifestEntry[]) => Promise<[WeightSpec[], WeightData]>,
): Promise<ModelArtifacts> {
  let weightSpecs: WeightSpec[] | undefined;
  let weightData: WeightData | undefined;
  if (modelJSON.weightsManifest != null) [weightSpecs, weightData] = await loadWeights(modelJSON.weightsManifest);
  return getModelArtifactsForJSONSync(modelJSON, weightSpecs, weightData);
}

/**
 * TF.js `io.getModelArtifactsInfoForJSON(artifacts)`: the byte sizes a save reports (JSON topologies only).
 * @example
 * ```js
 * const info = tf.io.getModelArtifactsInfoForJSON(artifacts); // { dateSaved, modelTopologyBytes, ... }
 * ```
 */
export function getModelArtifactsInfoForJSON(modelArtifacts: ModelArtifacts): ModelArtifactsInfo {
  if (modelArtifacts.modelTopology instanceof ArrayBuffer) throw new Error('Expected JSON model topology, received ArrayBuffer.'); // TF.js's wording
  const jsonBytes = (x: unknown) => (x == null ? 0 : new TextEncoder().encode(JSON.stringify(x)).byteLength);
  return {
    dateSaved: new Date(),
    modelTopologyType: 'JSON',
    modelTopologyBytes: jsonBytes(modelArtifacts.modelTopology),
    weightSpecsBytes: jsonBytes(modelArtifacts.weightSpecs),
    weightDataBytes: modelArtifacts.weightData == null ? 0 : new CompositeArrayBuffer(modelArtifacts.weightData).byteLength,
  };
}
