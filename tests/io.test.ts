/**
 * Model saving/loading in the TF.js Layers format on the js backend: tessera's own models
 * (Sequential and functional, several layer kinds) round-trip through io.withSaveHandler ->
 * io.fromMemory, a Node directory / model.json path and a fake HTTP server with predictions
 * unchanged; TF.js format peculiarities load; bad artifacts fail with errors naming the layer
 * and the weight.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ts from '../src/index.js';
import type { ModelArtifacts, WeightSpec } from '../src/io/types.js';

const L = ts.layers;

beforeAll(async () => {
  await ts.setBackend('js');
});

async function capture(model: ts.LayersModel): Promise<ModelArtifacts> {
  let art: ModelArtifacts | undefined;
  await model.save(ts.io.withSaveHandler(async (a) => {
    art = a;
    return { modelArtifactsInfo: {} };
  }));
  return art!;
}

/** Deterministic inputs in [lo, hi). */
function data(shape: number[], seed: number, lo = -1, hi = 1, dtype: 'float32' | 'int32' = 'float32'): ts.Tensor {
  return ts.randomUniform(shape, lo, hi, dtype, seed);
}

function outputsOf(model: ts.LayersModel, x: ts.Tensor | ts.Tensor[]): Float32Array[] {
  const y = model.apply(x) as ts.Tensor | ts.Tensor[];
  const ys = Array.isArray(y) ? y : [y];
  const out = ys.map((t) => Float32Array.from(t.dataSync() as Float32Array));
  ys.forEach((t) => t.dispose());
  return out;
}

function expectClose(a: Float32Array[], b: Float32Array[], tol = 1e-6) {
  expect(a.length).toBe(b.length);
  a.forEach((arr, k) => {
    expect(arr.length).toBe(b[k].length);
    for (let i = 0; i < arr.length; i++) expect(Math.abs(arr[i] - b[k][i])).toBeLessThanOrEqual(tol);
  });
}

async function roundTrip(model: ts.LayersModel, x: ts.Tensor | ts.Tensor[]) {
  const before = outputsOf(model, x);
  const art = await capture(model);
  const loaded = await ts.loadLayersModel(ts.io.fromMemory(art));
  expectClose(outputsOf(loaded, x), before);
  expect(loaded.weights.length).toBe(model.weights.length);
  return { art, loaded };
}

function mlp() {
  return ts.sequential({
    layers: [L.dense({ units: 5, inputShape: [3], activation: 'relu' }), L.dense({ units: 2, activation: 'softmax', kernelInitializer: 'heNormal' })],
  });
}

describe('artifact format', () => {
  it('writes the TF.js layers-model artifacts for a Sequential model', async () => {
    const m = mlp();
    const art = await capture(m);
    expect(art.format).toBe('layers-model');
    expect(art.generatedBy).toMatch(/tessera/);
    expect(art.convertedBy).toBeNull();
    const top = art.modelTopology as any;
    expect(top.class_name).toBe('Sequential');
    expect(top.keras_version).toMatch(/^tfjs-layers/);
    expect(top.backend).toBe('tensor_flow.js');
    expect(top.config.name).toBe(m.name);
    const first = top.config.layers[0];
    expect(first.class_name).toBe('Dense');
    expect(first.config.batch_input_shape).toEqual([null, 3]);
    expect(first.config.use_bias).toBe(true);
    expect(first.config.kernel_initializer.class_name).toBe('GlorotNormal'); // TF.js's Dense default
    expect(top.config.layers[1].config.kernel_initializer.class_name).toBe('HeNormal');
    const names = m.layers.map((l) => l.name);
    expect(art.weightSpecs!.map((s) => s.name)).toEqual([`${names[0]}/kernel`, `${names[0]}/bias`, `${names[1]}/kernel`, `${names[1]}/bias`]);
    expect(art.weightSpecs!.map((s) => s.shape)).toEqual([[3, 5], [5], [5, 2], [2]]);
    expect((art.weightData as ArrayBuffer).byteLength).toBe(4 * (15 + 5 + 10 + 2));
    const k = new Float32Array(art.weightData as ArrayBuffer, 0, 15);
    expect(Array.from(k)).toEqual(Array.from(m.layers[0].getWeights()[0].dataSync()));
  });

  it('records the input shape of a Sequential model built on its first call', async () => {
    const m = ts.sequential({ layers: [L.dense({ units: 4 }), L.dense({ units: 1 })] });
    const x = data([2, 6], 3);
    const { art } = await roundTrip(m, x);
    expect((art.modelTopology as any).config.layers[0].config.batch_input_shape).toEqual([null, 6]);
  });

  it('writes functional topologies with inbound_nodes, input_layers and output_layers', async () => {
    const inp = ts.input({ shape: [4] });
    const h = L.dense({ units: 3, activation: 'tanh' }).apply(inp) as ts.SymbolicTensor;
    const o1 = L.dense({ units: 2 }).apply(h) as ts.SymbolicTensor;
    const o2 = L.dense({ units: 1, activation: 'sigmoid' }).apply(h) as ts.SymbolicTensor;
    const m = ts.model({ inputs: inp, outputs: [o1, o2] });
    const { art, loaded } = await roundTrip(m, data([3, 4], 5));
    const cfg = (art.modelTopology as any).config;
    expect((art.modelTopology as any).class_name).toBe('Model');
    expect(cfg.layers[0].class_name).toBe('InputLayer');
    expect(cfg.layers[0].config.batch_input_shape).toEqual([null, 4]);
    expect(cfg.layers[1].inbound_nodes).toEqual([[[inp.sourceLayer.name, 0, 0, {}]]]);
    expect(cfg.input_layers).toEqual([[inp.sourceLayer.name, 0, 0]]);
    expect(cfg.output_layers.map((r: unknown[]) => r[0])).toEqual([o1.sourceLayer.name, o2.sourceLayer.name]);
    expect(loaded.outputs.length).toBe(2);
  });

  it('toJSON writes a Sequential subclass (own className) as a Sequential and a functional model as a Model', () => {
    class MySequential extends ts.Sequential {
      static override className = 'MySequential';
    }
    const m = new MySequential({ layers: [L.dense({ units: 2, inputShape: [3] })] });
    const topology = m.toJSON(null, false) as { class_name: string; config: { layers: { class_name: string }[] } };
    expect(topology.class_name).toBe('Sequential');
    expect(topology.config.layers.map((l) => l.class_name)).toEqual(['Dense']);
    const inp = ts.input({ shape: [3] });
    const f = ts.model({ inputs: inp, outputs: L.dense({ units: 1 }).apply(inp) as ts.SymbolicTensor });
    expect((f.toJSON(null, false) as { class_name: string }).class_name).toBe('Model');
  });
});

describe('round trips of tessera models', () => {
  it('MLP through withSaveHandler -> fromMemory, and again from the loaded copy', async () => {
    const m = mlp();
    const x = data([4, 3], 1);
    const { art, loaded } = await roundTrip(m, x);
    // The loaded model's variables carry registry suffixes (names in use); saving again gives the same names.
    const again = await capture(loaded);
    expect(again.weightSpecs!.map((s) => s.name)).toEqual(art.weightSpecs!.map((s) => s.name));
  });

  it('functional model with a shared layer, a merge and two inputs', async () => {
    const a = ts.input({ shape: [3] });
    const b = ts.input({ shape: [3] });
    const shared = L.dense({ units: 4, activation: 'relu' });
    const ha = shared.apply(a) as ts.SymbolicTensor;
    const hb = shared.apply(b) as ts.SymbolicTensor;
    const sum = L.add().apply([ha, hb]) as ts.SymbolicTensor;
    const cat = L.concatenate().apply([sum, ha]) as ts.SymbolicTensor;
    const out = L.dense({ units: 2 }).apply(cat) as ts.SymbolicTensor;
    const m = ts.model({ inputs: [a, b], outputs: out });
    const { art } = await roundTrip(m, [data([2, 3], 7), data([2, 3], 8)]);
    const sharedEntry = (art.modelTopology as any).config.layers.find((l: any) => l.name === shared.name);
    expect(sharedEntry.inbound_nodes.length).toBe(2);
  });

  it('functional model containing a nested Sequential', async () => {
    const inner = ts.sequential({ layers: [L.dense({ units: 3, inputShape: [4], activation: 'relu' }), L.dense({ units: 2 })] });
    const inp = ts.input({ shape: [4] });
    const out = L.dense({ units: 1 }).apply(inner.apply(inp) as ts.SymbolicTensor) as ts.SymbolicTensor;
    const m = ts.model({ inputs: inp, outputs: out });
    const { art } = await roundTrip(m, data([2, 4], 6));
    const layers = (art.modelTopology as any).config.layers;
    expect(layers[1].class_name).toBe('Sequential');
    expect(layers[2].inbound_nodes).toEqual([[[inner.name, 1, 0, {}]]]); // TF.js numbers a nested model's nodes from 1
  });

  it('CNN: conv2d, maxPooling2d, flatten, dense', async () => {
    const m = ts.sequential({
      layers: [
        L.conv2d({ inputShape: [6, 6, 2], filters: 3, kernelSize: 3, padding: 'same', activation: 'relu' }),
        L.maxPooling2d({ poolSize: 2 }),
        L.conv2d({ filters: 2, kernelSize: 2, strides: 1, padding: 'valid' }),
        L.flatten(),
        L.dense({ units: 3 }),
      ],
    });
    const { art } = await roundTrip(m, data([2, 6, 6, 2], 11));
    expect((art.modelTopology as any).config.layers[0].config.data_format).toBe('channels_last');
  });

  it('Embedding -> LSTM -> GRU -> Dense', async () => {
    const m = ts.sequential({
      layers: [
        L.embedding({ inputDim: 12, outputDim: 4, inputLength: 5 }),
        L.lstm({ units: 3, returnSequences: true }),
        L.gru({ units: 2 }),
        L.dense({ units: 1, activation: 'sigmoid' }),
      ],
    });
    await roundTrip(m, data([3, 5], 13, 0, 12, 'int32'));
  });

  it('batchNormalization (moving statistics) + layerNormalization + dropout', async () => {
    const m = ts.sequential({
      layers: [L.dense({ units: 4, inputShape: [3] }), L.batchNormalization(), L.dropout({ rate: 0.3 }), L.layerNormalization(), L.dense({ units: 2 })],
    });
    // Non-trivial moving statistics so loading them matters.
    const bn = m.layers[1];
    bn.setWeights(bn.getWeights().map((w, i) => ts.add(w, ts.mul(data(w.shape, 20 + i, 0.1, 0.9), i + 1))));
    const { art } = await roundTrip(m, data([5, 3], 17));
    expect(art.weightSpecs!.map((s) => s.name.split('/')[1])).toEqual(
      ['kernel', 'bias', 'gamma', 'beta', 'gamma', 'beta', 'kernel', 'bias', 'moving_mean', 'moving_variance'],
    );
  });

  it('saves to and loads from a directory, a model.json path and a file:// URL', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tessera-io-'));
    try {
      const m = mlp();
      const x = data([3, 3], 2);
      const want = outputsOf(m, x);
      await m.save(join(dir, 'a'));
      expect((await readdir(join(dir, 'a'))).sort()).toEqual(['model.json', 'weights.bin']);
      const json = JSON.parse(await readFile(join(dir, 'a', 'model.json'), 'utf8'));
      expect(json.weightsManifest).toEqual([{ paths: ['./weights.bin'], weights: expect.any(Array) }]);
      expect(json.format).toBe('layers-model');
      expectClose(outputsOf(await ts.loadLayersModel(join(dir, 'a')), x), want);
      expectClose(outputsOf(await ts.loadLayersModel(join(dir, 'a', 'model.json')), x), want);
      await m.save(`file://${join(dir, 'b', 'net.json')}`);
      expect((await readdir(join(dir, 'b'))).sort()).toEqual(['net.json', 'net.weights.bin']);
      expectClose(outputsOf(await ts.loadLayersModel(`file://${join(dir, 'b', 'net.json')}`), x), want);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('loads over HTTP with shards concatenated in manifest order', async () => {
    const m = mlp();
    const x = data([2, 3], 4);
    const art = await capture(m);
    const bytes = new Uint8Array(art.weightData as ArrayBuffer);
    const cut = 37; // shards need not align with weights
    const files: Record<string, BodyInit> = {
      'https://host/models/m1/model.json': JSON.stringify({
        modelTopology: art.modelTopology, format: art.format, generatedBy: art.generatedBy, convertedBy: null,
        weightsManifest: [{ paths: ['group1-shard1of2.bin', './group1-shard2of2.bin'], weights: art.weightSpecs }],
      }),
      'https://host/models/m1/group1-shard1of2.bin?v=3': bytes.slice(0, cut),
      'https://host/models/m1/group1-shard2of2.bin?v=3': bytes.slice(cut),
    };
    const requested: string[] = [];
    const fetchFunc = (async (url: string) => {
      const key = String(url);
      requested.push(key);
      const body = files[key] ?? files[key.replace(/\?.*$/, '')];
      return body === undefined ? new Response('no', { status: 404 }) : new Response(body);
    }) as unknown as typeof fetch;
    const loaded = await ts.loadLayersModel('https://host/models/m1/model.json?v=3', { fetchFunc });
    expectClose(outputsOf(loaded, x), outputsOf(m, x));
    expect(requested.slice(1).sort()).toEqual(['https://host/models/m1/group1-shard1of2.bin?v=3', 'https://host/models/m1/group1-shard2of2.bin?v=3']);
    await expect(ts.loadLayersModel('https://host/models/none/model.json', { fetchFunc })).rejects.toThrow(/HTTP 404/);
  });

  it('saves over HTTP as a multipart POST of model.json and model.weights.bin', async () => {
    const m = mlp();
    const x = data([2, 3], 14);
    const sent: { url: string; init: RequestInit }[] = [];
    const fetchFunc = (async (url: string, init: RequestInit) => {
      sent.push({ url, init });
      return new Response('ok', { status: 200 });
    }) as unknown as typeof fetch;
    await m.save(ts.io.http('https://host/upload', { fetchFunc }));
    expect(sent.length).toBe(1);
    expect(sent[0].init.method).toBe('POST');
    const form = sent[0].init.body as FormData;
    const json = JSON.parse(await (form.get('model.json') as Blob).text());
    const weights = await (form.get('model.weights.bin') as Blob).arrayBuffer();
    expect(json.weightsManifest[0].paths).toEqual(['./model.weights.bin']);
    const loaded = await ts.loadLayersModel(ts.io.fromMemory(json.modelTopology, json.weightsManifest[0].weights, weights));
    expectClose(outputsOf(loaded, x), outputsOf(m, x));
    const failing = (async () => new Response('no', { status: 500 })) as unknown as typeof fetch;
    await expect(m.save(ts.io.http('https://host/upload', { fetchFunc: failing }))).rejects.toThrow(/HTTP 500/);
  });

  it('does not leak tensors: loading adds exactly the model weights, dispose removes them', async () => {
    const m = mlp();
    const art = await capture(m);
    const before = ts.memory().numTensors;
    const loaded = await ts.loadLayersModel(ts.io.fromMemory(art));
    expect(ts.memory().numTensors - before).toBe(loaded.weights.length);
    loaded.dispose();
    expect(ts.memory().numTensors).toBe(before);
  });
});

describe('TF.js format peculiarities', () => {
  it('loads the legacy Sequential list format, a leading InputLayer entry, Functional class name and :0 names', async () => {
    const m = mlp();
    const x = data([2, 3], 9);
    const want = outputsOf(m, x);
    const art = await capture(m);
    const top = art.modelTopology as any;
    const layers = structuredClone(top.config.layers);
    const legacy = { ...top, config: layers };
    expectClose(outputsOf(await ts.loadLayersModel(ts.io.fromMemory({ ...art, modelTopology: legacy })), x), want);
    const withInput = structuredClone(top);
    delete withInput.config.layers[0].config.batch_input_shape;
    withInput.config.layers.unshift({ class_name: 'InputLayer', config: { batch_input_shape: [null, 3], dtype: 'float32', sparse: false, name: 'in_1' } });
    const specs = art.weightSpecs!.map((s) => ({ ...s, name: `${s.name}:0` }));
    expectClose(outputsOf(await ts.loadLayersModel(ts.io.fromMemory(withInput, specs, art.weightData)), x), want);
  });

  it('loads the Keras model_config wrapper and the positional fromMemory form', async () => {
    const m = mlp();
    const x = data([2, 3], 10);
    const art = await capture(m);
    const wrapped = { model_config: art.modelTopology, training_config: { loss: 'mse' } };
    expectClose(outputsOf(await ts.loadLayersModel(ts.io.fromMemory(wrapped, art.weightSpecs, art.weightData)), x), outputsOf(m, x));
  });

  it('falls back to weight order when no saved name matches', async () => {
    const m = mlp();
    const x = data([2, 3], 12);
    const art = await capture(m);
    const specs = art.weightSpecs!.map((s, i) => ({ ...s, name: `other_${i}/w` }));
    expectClose(outputsOf(await ts.loadLayersModel(ts.io.fromMemory({ ...art, weightSpecs: specs })), x), outputsOf(m, x));
  });

  it('loads Keras 3 style topologies (dict inbound nodes, batch_shape) and weight data split into buffers', async () => {
    const inp = ts.input({ shape: [3] });
    const h = L.dense({ units: 4, activation: 'relu' }).apply(inp) as ts.SymbolicTensor;
    const out = L.add().apply([h, L.dense({ units: 4 }).apply(h) as ts.SymbolicTensor]) as ts.SymbolicTensor;
    const m = ts.model({ inputs: inp, outputs: out });
    const x = data([2, 3], 15);
    const art = await capture(m);
    const top = structuredClone(art.modelTopology) as any;
    top.class_name = 'Functional';
    const tensor = (r: unknown[]) => ({ class_name: '__keras_tensor__', config: { shape: [null, 4], dtype: 'float32', keras_history: r.slice(0, 3) } });
    for (const l of top.config.layers) {
      if (l.class_name === 'InputLayer') {
        l.config.batch_shape = l.config.batch_input_shape;
        delete l.config.batch_input_shape;
      } else l.config.dtype = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };
      l.inbound_nodes = l.inbound_nodes.map((node: unknown[][]) => ({ args: node.length === 1 ? [tensor(node[0])] : [node.map(tensor)], kwargs: {} }));
    }
    const buf = art.weightData as ArrayBuffer;
    const split = [buf.slice(0, 10), buf.slice(10, 50), buf.slice(50)];
    expectClose(outputsOf(await ts.loadLayersModel(ts.io.fromMemory({ ...art, modelTopology: top, weightData: split })), x), outputsOf(m, x));
  });

  it('encodes and decodes float32, int32 and bool weights', async () => {
    const tensors = [ts.tensor([1.5, -2], [2]), ts.tensor([[7, -8, 9]], [1, 3], 'int32'), ts.tensor([true, false, true], [3], 'bool'), ts.tensor([0.25], [1])];
    const { data: bytes, specs } = await ts.io.encodeWeights(tensors.map((t, i) => ({ name: `l/w${i}`, tensor: t })));
    expect(bytes.byteLength).toBe(8 + 12 + 3 + 4);
    expect(specs.map((s) => s.dtype)).toEqual(['float32', 'int32', 'bool', 'float32']);
    const back = ts.io.decodeWeights(bytes, specs);
    tensors.forEach((t, i) => {
      const d = back[`l/w${i}`];
      expect(d.dtype).toBe(t.dtype);
      expect(d.shape).toEqual(t.shape);
      expect(Array.from(d.dataSync())).toEqual(Array.from(t.dataSync()));
    });
    expect(() => ts.io.decodeWeights(bytes, [...specs, { name: 'l/extra', shape: [1], dtype: 'float32' }])).toThrow(/weight 'extra' of layer 'l'.*truncated/);
    // TF.js's wording for a dtype it cannot store (string weights decode: tests/io_utils_tfjs.test.ts)
    expect(() => ts.io.decodeWeights(bytes, [{ name: 'l/s', shape: [1], dtype: 'float64' }])).toThrow("Unsupported dtype in weight 'l/s': float64");
  });

  it('dequantizes uint8, uint16 and float16 weights', async () => {
    const m = ts.sequential({ layers: [L.dense({ units: 2, inputShape: [2] })] });
    const [kname, bname] = m.weights.map((w) => w.name);
    const base = await capture(m);
    const kernelQ = new Uint8Array([0, 10, 20, 255]); // v * 0.01 - 1
    const biasH = new Uint16Array([0x3c00, 0xc000]); // 1.0, -2.0 in half precision
    const buf = new Uint8Array(4 + 4);
    buf.set(kernelQ, 0);
    buf.set(new Uint8Array(biasH.buffer), 4);
    const specs: WeightSpec[] = [
      { name: kname, shape: [2, 2], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.01, min: -1 } },
      { name: bname, shape: [2], dtype: 'float32', quantization: { dtype: 'float16' } },
    ];
    const loaded = await ts.loadLayersModel(ts.io.fromMemory(base.modelTopology as any, specs, buf.buffer));
    const [k, b] = loaded.getWeights().map((t) => Array.from(t.dataSync()));
    [-1, -0.9, -0.8, 1.55].forEach((v, i) => expect(k[i]).toBeCloseTo(v, 6));
    expect(b).toEqual([1, -2]);
    const u16 = ts.io.decodeWeights(new Uint16Array([0, 1000]).buffer, [{ name: 'q', shape: [2], dtype: 'float32', quantization: { dtype: 'uint16', scale: 0.5, min: 3 } }]);
    expect(Array.from(u16.q.dataSync())).toEqual([3, 503]);
    u16.q.dispose();
  });
});

describe('validation errors name the layer and the weight', () => {
  let art: ModelArtifacts;
  let names: string[];
  beforeAll(async () => {
    const m = mlp();
    names = m.layers.map((l) => l.name);
    art = await capture(m);
  });
  const load = (a: ModelArtifacts) => ts.loadLayersModel(ts.io.fromMemory(a));

  it('unknown layer class', async () => {
    const top = structuredClone(art.modelTopology) as any;
    top.config.layers[1].class_name = 'FancyLayer';
    await expect(load({ ...art, modelTopology: top })).rejects.toThrow(new RegExp(`layer '${names[1]}' has unknown layer class 'FancyLayer'`));
  });

  it('missing weight', async () => {
    const specs = art.weightSpecs!.slice(0, 3);
    const bytes = (art.weightData as ArrayBuffer).slice(0, 4 * (15 + 5 + 10));
    await expect(load({ ...art, weightSpecs: specs, weightData: bytes })).rejects.toThrow(new RegExp(`missing weight for layer '${names[1]}' weight 'bias'`));
  });

  it('wrong shape', async () => {
    const specs = art.weightSpecs!.map((s, i) => (i === 0 ? { ...s, shape: [5, 3] } : s));
    await expect(load({ ...art, weightSpecs: specs })).rejects.toThrow(new RegExp(`wrong shape for layer '${names[0]}' weight 'kernel'.*\\[3,5\\].*\\[5,3\\]`));
  });

  it('wrong size (a spec that needs more bytes than the data holds)', async () => {
    const specs = art.weightSpecs!.map((s, i) => (i === 2 ? { ...s, shape: [6, 2] } : s));
    await expect(load({ ...art, weightSpecs: specs })).rejects.toThrow(new RegExp(`weight 'bias' of layer '${names[1]}'.*truncated`));
  });

  it('truncated shard', async () => {
    const bytes = (art.weightData as ArrayBuffer).slice(0, 4 * 22);
    await expect(load({ ...art, weightData: bytes })).rejects.toThrow(new RegExp(`weight 'kernel' of layer '${names[1]}'.*only 88 bytes.*truncated`));
  });

  it('truncated shard file on disk', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tessera-io-'));
    try {
      const m = mlp();
      await m.save(dir);
      const w = await readFile(join(dir, 'weights.bin'));
      await writeFile(join(dir, 'weights.bin'), w.subarray(0, w.byteLength - 4));
      await expect(ts.loadLayersModel(dir)).rejects.toThrow(/weight 'bias' of layer .*truncated/);
      await rm(join(dir, 'weights.bin'));
      await expect(ts.loadLayersModel(dir)).rejects.toThrow(/weight shard '.\/weights.bin' .* not found/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('dtype mismatch', async () => {
    const specs = art.weightSpecs!.map((s, i) => (i === 1 ? { ...s, dtype: 'int32' } : s));
    await expect(load({ ...art, weightSpecs: specs })).rejects.toThrow(new RegExp(`dtype mismatch for layer '${names[0]}' weight 'bias'.*float32.*int32`));
  });

  it('extra saved weight in strict mode, accepted with strict: false', async () => {
    const specs = [...art.weightSpecs!, { name: 'ghost/kernel', shape: [1], dtype: 'float32' }];
    const bytes = new Uint8Array((art.weightData as ArrayBuffer).byteLength + 4);
    bytes.set(new Uint8Array(art.weightData as ArrayBuffer));
    await expect(load({ ...art, weightSpecs: specs, weightData: bytes.buffer })).rejects.toThrow(/saved weight 'ghost\/kernel' matches no weight/);
    await expect(ts.loadLayersModel(ts.io.fromMemory({ ...art, weightSpecs: specs, weightData: bytes.buffer }), { strict: false })).resolves.toBeTruthy();
  });

  it('bad handlers and URLs', async () => {
    await expect(ts.loadLayersModel({} as any)).rejects.toThrow(/load\(\) method/);
    await expect(mlp().save({} as any)).rejects.toThrow(/save\(\) method/);
    await expect(mlp().save('ftp://x')).rejects.toThrow(/no save handler/);
  });
});

describe('custom layers', () => {
  it('serialization.registerClass makes a custom layer save and load', async () => {
    await ts.setBackend('js');
    class Scale extends ts.Layer {
      static override className = 'TestScale';
      factor: number;
      constructor(args: { factor: number; name?: string }) {
        super(args);
        this.factor = args.factor;
      }
      call(x: ts.Tensor | ts.Tensor[]) {
        return ts.mul(Array.isArray(x) ? x[0] : x, this.factor);
      }
      override getConfig() {
        return { ...super.getConfig(), factor: this.factor };
      }
    }
    const m = ts.sequential({ layers: [ts.layers.dense({ units: 2, inputShape: [3] }), new Scale({ factor: 3 })] });
    let saved: any;
    await m.save(ts.io.withSaveHandler(async (a: any) => ((saved = a), { modelArtifactsInfo: {} as any })));
    await expect(ts.loadLayersModel(ts.io.fromMemory(saved))).rejects.toThrow(/TestScale/);
    ts.serialization.registerClass(Scale as any);
    const loaded = await ts.loadLayersModel(ts.io.fromMemory(saved));
    const x = ts.tensor2d([[1, 2, 3]]);
    expect(Array.from((loaded.predict(x) as ts.Tensor).dataSync())).toEqual(Array.from((m.predict(x) as ts.Tensor).dataSync()));
  });
});
