/**
 * tf.io's weight and model.json utilities against @tensorflow/tfjs-core on the same inputs:
 * encodeWeights (map and list forms, float32/int32/bool/string/complex64) must give the same bytes
 * and specs, decodeWeights and decodeWeightsStream (chunked anywhere, quantized weights included)
 * the same tensors, getModelArtifactsForJSON(Sync) / getModelArtifactsInfoForJSON / concatenateArrayBuffers /
 * CompositeArrayBuffer the same results, and the error cases TF.js's wording.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as ts from '../src/index.js';

beforeAll(async () => {
  await ts.setBackend('js');
  await tf.setBackend('cpu');
});

type AnyTensor = { dtype: string; shape: number[]; data(): Promise<unknown> };

/** The same weights in both libraries (string values with multi-byte UTF-8, an empty string, complex64). */
function weights<T>(lib: {
  tensor(v: unknown, s?: number[], d?: string): T;
  complex(re: unknown, im: unknown): T;
}): Record<string, T> {
  return {
    'dense/kernel': lib.tensor([[1.5, -2], [0.25, 3e-8]], [2, 2], 'float32'),
    'counts': lib.tensor([7, -8, 2147483647], [3], 'int32'),
    'mask': lib.tensor([true, false, true], [3], 'bool'),
    'vocab': lib.tensor(['héllo', '', 'wörld ✓'], [3], 'string'),
    'spectrum': lib.complex([1, -2.5], [0.5, 4]),
    'scalar': lib.tensor(42, [], 'float32'),
  };
}

async function valuesOf(map: Record<string, AnyTensor>): Promise<Record<string, { dtype: string; shape: number[]; values: unknown[] }>> {
  const out: Record<string, { dtype: string; shape: number[]; values: unknown[] }> = {};
  for (const [name, t] of Object.entries(map)) out[name] = { dtype: t.dtype, shape: t.shape, values: Array.from(await t.data() as ArrayLike<unknown>) };
  return out;
}

/** A ReadableStream delivering `bytes` in chunks of the given sizes (the rest in one last chunk). */
function streamOf(bytes: ArrayBuffer, sizes: number[]): ReadableStream<ArrayBuffer> {
  const chunks: ArrayBuffer[] = [];
  let offset = 0;
  for (const n of sizes) {
    chunks.push(bytes.slice(offset, offset + n));
    offset += n;
  }
  if (offset < bytes.byteLength) chunks.push(bytes.slice(offset));
  return new ReadableStream({
    pull(controller) {
      const next = chunks.shift();
      if (next) controller.enqueue(next);
      else controller.close();
    },
  });
}

async function messageOf(f: () => unknown): Promise<string> {
  try {
    await f();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

describe('io.encodeWeights / io.decodeWeights', () => {
  it('encodes a map to the same bytes and specs as tfjs-core, strings and complex64 included', async () => {
    const ours = await ts.io.encodeWeights(weights(ts as never) as never, 'model');
    const theirs = await tf.io.encodeWeights(weights(tf as never) as never, 'model');
    expect(new Uint8Array(ours.data)).toEqual(new Uint8Array(theirs.data));
    expect(ours.specs).toEqual(theirs.specs);
    // hand-checked layout: 16 + 12 + 3 bytes, then 'héllo' (6 UTF-8 bytes) after its uint32 length
    expect(new Uint32Array(ours.data.slice(31, 35))[0]).toBe(6);
    expect(ours.data.byteLength).toBe(16 + 12 + 3 + (4 + 6) + 4 + (4 + 10) + 16 + 4);
  });

  it('encodes the list form without a group, as tfjs-core', async () => {
    const list = (m: Record<string, unknown>) => Object.entries(m).map(([name, tensor]) => ({ name, tensor }));
    const ours = await ts.io.encodeWeights(list(weights(ts as never)) as never);
    const theirs = await tf.io.encodeWeights(list(weights(tf as never)) as never);
    expect(new Uint8Array(ours.data)).toEqual(new Uint8Array(theirs.data));
    expect(ours.specs).toEqual(theirs.specs);
    expect(ours.specs.every((s) => !('group' in s))).toBe(true);
  });

  it('decodes (one buffer or shards split mid-weight) to the tensors tfjs-core decodes', async () => {
    const { data, specs } = await tf.io.encodeWeights(weights(tf as never) as never);
    const want = await valuesOf(tf.io.decodeWeights(data, specs) as never);
    expect(await valuesOf(ts.io.decodeWeights(data, specs) as never)).toEqual(want);
    const shards = [data.slice(0, 5), data.slice(5, 33), data.slice(33)];
    expect(await valuesOf(ts.io.decodeWeights(shards, specs) as never)).toEqual(want);
    expect(want.vocab.values).toEqual(['héllo', '', 'wörld ✓']);
    expect(want.spectrum.values).toEqual([1, 0.5, -2.5, 4]);
  });

  it('rejects what tfjs-core rejects, in its words', async () => {
    const buf = new ArrayBuffer(8);
    const cases: { name: string; shape: number[]; dtype: string; quantization?: Record<string, unknown> }[][] = [
      [{ name: 'w', shape: [2], dtype: 'float64' }],
      [{ name: 'q', shape: [2], dtype: 'float32', quantization: { dtype: 'uint8', scale: 1 } }],
      [{ name: 'h', shape: [2], dtype: 'int32', quantization: { dtype: 'float16' } }],
      [{ name: 'u', shape: [2], dtype: 'float32', quantization: { dtype: 'int4', scale: 1, min: 0 } }],
      [{ name: 'b', shape: [2], dtype: 'bool', quantization: { dtype: 'uint8', scale: 1, min: 0 } }],
    ];
    for (const specs of cases) {
      const theirs = await messageOf(() => tf.io.decodeWeights(buf, specs as never));
      expect(await messageOf(() => ts.io.decodeWeights(buf, specs as never))).toBe(theirs);
    }
    // tfjs-core's encodeWeights message for an unsupported dtype; tessera has no dtype outside the five, so a stand-in
    const fake = { dtype: 'float16', shape: [1] } as never;
    expect(await messageOf(() => ts.io.encodeWeights({ half: fake }))).toBe(await messageOf(() => tf.io.encodeWeights({ half: fake })));
    expect(await messageOf(() => ts.io.encodeWeights({ half: fake }))).toBe("Unsupported dtype in weight 'half': float16");
  });

  it('names the weight that runs past truncated data', () => {
    const specs = [{ name: 'l/a', shape: [2], dtype: 'float32' }, { name: 'l/b', shape: [2], dtype: 'int32' }];
    expect(() => ts.io.decodeWeights(new ArrayBuffer(12), specs)).toThrow(/weight 'b' of layer 'l' \(shape \[2\], int32\) needs bytes 8\.\.16 but the weight data has only 12 bytes/);
    const str = [{ name: 's', shape: [2], dtype: 'string' }];
    expect(() => ts.io.decodeWeights(new Uint32Array([1, 0]).buffer, str)).toThrow(/weight 's' \(shape \[2\], string\) needs more than bytes 0\.\.9/);
  });
});

describe('io.decodeWeightsStream', () => {
  it('decodes a stream chunked anywhere (mid length-prefix, mid value) as tfjs-core and as decodeWeights', async () => {
    const { data, specs } = await tf.io.encodeWeights(weights(tf as never) as never);
    const want = await valuesOf(tf.io.decodeWeights(data, specs) as never);
    for (const sizes of [[], [1, 1, 1, 30, 2], [17, 16, 3], Array(data.byteLength).fill(1)]) {
      expect(await valuesOf(await ts.io.decodeWeightsStream(streamOf(data, sizes), specs) as never)).toEqual(want);
      expect(await valuesOf(await tf.io.decodeWeightsStream(streamOf(data, sizes), specs) as never)).toEqual(want);
    }
  });

  it('decodes quantized weights (uint8, uint16, float16) as tfjs-core', async () => {
    const bytes = new Uint8Array([0, 10, 255, 0, 0, 255, 255, 0x00, 0x3c, 0x00, 0xc0, 0x01, 0x00]);
    const specs = [
      { name: 'u8', shape: [3], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.5, min: -1 } },
      { name: 'u16', shape: [2], dtype: 'int32', quantization: { dtype: 'uint16', scale: 0.01, min: -300 } },
      { name: 'f16', shape: [3], dtype: 'float32', quantization: { dtype: 'float16' } },
    ];
    const want = await valuesOf(await tf.io.decodeWeightsStream(streamOf(bytes.buffer, [2, 3, 4]), specs as never) as never);
    expect(await valuesOf(await ts.io.decodeWeightsStream(streamOf(bytes.buffer, [2, 3, 4]), specs as never) as never)).toEqual(want);
    // hand-worked: uint8 q*0.5-1; uint16 round(q*0.01-300); float16 0x3c00 = 1, 0xc000 = -2, 0x0001 = 2^-24
    expect(want.u8.values).toEqual([-1, 4, 126.5]);
    expect(want.u16.values).toEqual([-300, Math.round(65535 * 0.01 - 300)]);
    expect(want.f16.values).toEqual([1, -2, 2 ** -24]);
  });

  it('reports a stream that ends early with tfjs-core\'s message', async () => {
    const { data, specs } = await tf.io.encodeWeights(weights(tf as never) as never);
    for (const cut of [10, 33, data.byteLength - 1]) {
      const theirs = await messageOf(() => tf.io.decodeWeightsStream(streamOf(data.slice(0, cut), [3]), specs));
      expect(theirs).toMatch(/^Reader is done but \d+ bytes are still expected$/);
      expect(await messageOf(() => ts.io.decodeWeightsStream(streamOf(data.slice(0, cut), [3]), specs))).toBe(theirs);
    }
  });
});

describe('io.getModelArtifactsForJSON / Sync / InfoForJSON', () => {
  const modelJSON = {
    modelTopology: { class_name: 'Sequential', config: { layers: [] } },
    format: 'layers-model',
    generatedBy: 'TensorFlow.js tfjs-layers v4.22.0',
    convertedBy: null,
    weightsManifest: [{ paths: ['a.bin'], weights: [{ name: 'd/kernel', shape: [2], dtype: 'float32' as const }] }],
    trainingConfig: { loss: 'meanSquaredError' },
    userDefinedMetadata: { note: 'x' },
    signature: { inputs: {} },
  };
  const data = new Float32Array([1, 2]).buffer;

  it('builds the same artifacts as tfjs-core, calling the weight loader with the manifest', async () => {
    const seen: unknown[] = [];
    const loader = async (m: unknown) => {
      seen.push(m);
      return [tf.io.getWeightSpecs(m as never), data] as never;
    };
    const ours = await ts.io.getModelArtifactsForJSON(modelJSON as never, loader);
    const theirs = await tf.io.getModelArtifactsForJSON(modelJSON as never, loader);
    expect(ours).toEqual(theirs);
    expect(seen).toEqual([modelJSON.weightsManifest, modelJSON.weightsManifest]);
    expect(ours.weightData).toBe(data);
    const loaded = await ts.loadLayersModel(ts.io.fromMemory(await ts.io.getModelArtifactsForJSON({ ...modelJSON, weightsManifest: undefined, signature: undefined } as never, loader)));
    expect(loaded.layers.length).toBe(0);
    // no manifest: the loader is not called
    const { weightsManifest: _unused, ...noWeights } = modelJSON;
    const noCalls: unknown[] = [];
    const bare = await ts.io.getModelArtifactsForJSON(noWeights as never, async (m) => { noCalls.push(m); return [[], data]; });
    expect(noCalls).toEqual([]);
    expect(bare).toEqual(await tf.io.getModelArtifactsForJSON(noWeights as never, loader));
    expect('weightSpecs' in bare).toBe(false);
  });

  it('Sync: same artifacts, and tfjs-core\'s errors for a manifest without specs or data', async () => {
    const specs = tf.io.getWeightSpecs(modelJSON.weightsManifest);
    expect(ts.io.getModelArtifactsForJSONSync(modelJSON as never, specs, data)).toEqual(tf.io.getModelArtifactsForJSONSync(modelJSON as never, specs, data));
    for (const args of [[undefined, data], [specs, undefined]] as const) {
      const theirs = await messageOf(() => tf.io.getModelArtifactsForJSONSync(modelJSON as never, args[0], args[1]));
      expect(await messageOf(() => ts.io.getModelArtifactsForJSONSync(modelJSON as never, args[0], args[1]))).toBe(theirs);
    }
    expect(await messageOf(() => ts.io.getModelArtifactsForJSONSync(modelJSON as never))).toBe('modelJSON has weightsManifest but weightSpecs is null');
  });

  it('InfoForJSON counts the same bytes (UTF-8 JSON, sharded data) and rejects binary topologies in TF.js\'s words', async () => {
    const artifacts = { modelTopology: { name: 'ünïcode' }, weightSpecs: [{ name: 'é', shape: [1], dtype: 'float32' }], weightData: [new ArrayBuffer(3), new ArrayBuffer(5)] };
    const { dateSaved: a, ...ours } = ts.io.getModelArtifactsInfoForJSON(artifacts as never);
    const { dateSaved: b, ...theirs } = tf.io.getModelArtifactsInfoForJSON(artifacts as never);
    expect(ours).toEqual(theirs);
    expect(ours.weightDataBytes).toBe(8);
    expect(a).toBeInstanceOf(Date);
    expect(b).toBeInstanceOf(Date);
    const binary = { modelTopology: new ArrayBuffer(4) };
    expect(await messageOf(() => ts.io.getModelArtifactsInfoForJSON(binary as never))).toBe(await messageOf(() => tf.io.getModelArtifactsInfoForJSON(binary as never)));
  });
});

describe('io.concatenateArrayBuffers / io.CompositeArrayBuffer', () => {
  it('joins into a new buffer, as tfjs-core (a single buffer is copied too)', () => {
    const one = new Uint8Array([1, 2, 3]).buffer;
    const joined = ts.io.concatenateArrayBuffers(one);
    expect(joined).not.toBe(one);
    expect(new Uint8Array(joined)).toEqual(new Uint8Array(tf.io.concatenateArrayBuffers(one)));
    const many = [new Uint8Array([1]).buffer, new ArrayBuffer(0), new Uint8Array([2, 3, 4]).buffer];
    expect(new Uint8Array(ts.io.concatenateArrayBuffers(many))).toEqual(new Uint8Array(tf.io.concatenateArrayBuffers(many)));
    expect(ts.io.concatenateArrayBuffers([]).byteLength).toBe(0);
  });

  it('slices with tfjs-core\'s bounds: negative start as 0, NaN as 0, end clamped, end <= start empty', () => {
    const shards = [new Uint8Array([0, 1, 2]).buffer, new Uint8Array([3, 4]).buffer, new Uint8Array([5, 6, 7, 8]).buffer];
    const ours = new ts.io.CompositeArrayBuffer(shards);
    const theirs = new tf.io.CompositeArrayBuffer(shards);
    expect(ours.byteLength).toBe(theirs.byteLength);
    for (const [s, e] of [[-3, 4], [NaN, 5], [2, NaN], [1, 100], [4, 2], [2, 7], [undefined, undefined], [8, 9], [-1, undefined]]) {
      expect(new Uint8Array(ours.slice(s, e))).toEqual(new Uint8Array(theirs.slice(s, e)));
    }
  });
});

describe('io.http weightUrlConverter', () => {
  it('fetches the URLs the converter gives, as tfjs-core, and loads the same weights', async () => {
    const shardA = new Float32Array([1, 2]).buffer;
    const shardB = new Float32Array([3]).buffer;
    const modelJSON = {
      modelTopology: { class_name: 'Sequential', config: { layers: [] } },
      format: 'layers-model',
      weightsManifest: [{ paths: ['a.bin', 'b.bin'], weights: [{ name: 'w', shape: [3], dtype: 'float32' }] }],
    };
    const files: Record<string, ArrayBuffer> = { 'https://cdn.example/x/a.bin': shardA, 'https://cdn.example/x/b.bin': shardB };
    const loadWith = async (http: (path: string, o: object) => { load?: () => Promise<{ weightData?: unknown; weightSpecs?: unknown }> }) => {
      const fetched: string[] = [];
      const fetchFunc = async (url: string) => {
        fetched.push(url);
        if (url.endsWith('model.json')) return new Response(JSON.stringify(modelJSON), { status: 200 });
        return new Response(files[url], { status: 200 });
      };
      const weightUrlConverter = async (name: string) => `https://cdn.example/x/${name}`;
      const a = await http('https://host/m/model.json', { fetchFunc, weightUrlConverter }).load!();
      return { fetched, specs: a.weightSpecs, bytes: Array.from(new Uint8Array(tf.io.concatenateArrayBuffers(a.weightData as ArrayBuffer[]))) };
    };
    const ours = await loadWith(ts.io.http as never);
    const theirs = await loadWith(tf.io.http as never);
    expect(ours).toEqual(theirs);
    expect(ours.fetched).toEqual(['https://host/m/model.json', 'https://cdn.example/x/a.bin', 'https://cdn.example/x/b.bin']);
  });
});

describe('io.weightsLoaderFactory with complex64', () => {
  it('loads complex64 weights (sharded mid-value) as tfjs-core', async () => {
    const { data, specs } = await tf.io.encodeWeights({ z: tf.complex([1, -2, 3], [0.5, 4, -6]), f: tf.tensor1d([7, 8]) });
    const files: Record<string, ArrayBuffer> = { 'p/s1': data.slice(0, 10), 'p/s2': data.slice(10) };
    const manifest = [{ paths: ['s1', 's2'], weights: specs }];
    const fetcher = async (urls: string[]) => urls.map((u) => files[u]);
    const ours = await ts.io.weightsLoaderFactory(fetcher)(manifest as never, 'p');
    // reference: tfjs-core's decodeWeights on the joined shards (tfjs-core 4.22's loader itself returns
    // zeros for the float32 weight stored after the complex64 one, so it is not used as the reference here)
    expect(await valuesOf(ours as never)).toEqual(await valuesOf(tf.io.decodeWeights(data, specs) as never));
    expect(Array.from(await ours.f.data())).toEqual([7, 8]);
    expect(Array.from(await ours.z.data())).toEqual([1, 0.5, -2, 4, 3, -6]); // interleaved re, im
  });
});
