/**
 * TF.js's `io` utilities for weights and model.json: encodeWeights / decodeWeights (named tensors
 * <-> one buffer plus specs, strings and complex64 included), decodeWeightsStream (the same from a
 * ReadableStream of weight bytes), getModelArtifactsForJSON(Sync), getModelArtifactsInfoForJSON,
 * getWeightSpecs and concatenateArrayBuffers. encodeWeights and decodeWeightsStream are async: their work
 * (weights_encode.ts) loads on first call with the other async-only modules (src/async_parts.ts).
 */
import { ENGINE } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { storageFor } from '../ops/operand.js';
import { complex } from '../ops/complex.js';
import { CompositeArrayBuffer } from './composite_array_buffer.js';
import { decodeAnyWeights, type DecodedAnyWeight } from './weights.js';
import type { QuantizeWeightsDtype } from './weight_codecs.js';
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
  return (await import('../async_parts.js')).encodeWeights(tensors, group, quantizeWeights);
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
  return (await import('../async_parts.js')).decodeWeightsStream(weightStream, specs);
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
