/**
 * The work of the async weight codecs of io_utils.ts, loaded on their first call (src/async_parts.ts):
 * encodeWeights (named tensors -> one buffer plus specs; strings as a uint32 byte length then the UTF-8
 * bytes; int8 storage; the converter's quantized forms, weight_codecs.ts) and decodeWeightsStream (the
 * weights decoded as their bytes arrive from a ReadableStream).
 */
import type { Tensor } from '../tensor.js';
import { weightTensor, type NamedTensor, type NamedTensorMap } from './io_utils.js';
import { decodeWeightBytes, STRING_LENGTH_BYTES, weightByteLength } from './weights.js';
import { checkQuantizeDtype, encodeQuantized, type QuantizeWeightsDtype } from './weight_codecs.js';
import type { WeightSpec } from './types.js';

const ENCODABLE = new Set(['float32', 'int32', 'bool', 'string', 'complex64']);

/** tf.io.encodeWeights (io_utils.ts). */
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

/** Bytes of a stream chunk (an ArrayBuffer or any view of one). */
function chunkBytes(chunk: ArrayBuffer | ArrayBufferView): Uint8Array {
  return chunk instanceof ArrayBuffer ? new Uint8Array(chunk) : new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/** tf.io.decodeWeightsStream (io_utils.ts). */
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
