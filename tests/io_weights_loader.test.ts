/**
 * tf.io's public loaders and routers as TF.js has them: weightsLoaderFactory / loadWeights (only the
 * groups that hold the requested weights are fetched, quantized weights decoded), getSaveHandlers /
 * getLoadHandlers, fromMemorySync / withSaveHandlerSync, isHTTPScheme, getWeightSpecs. Values are
 * compared with @tensorflow/tfjs-core's own loader run on the same bytes through the same fetcher.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as ts from '../src/index.js';

beforeAll(async () => {
  await ts.setBackend('js');
  await tf.setBackend('cpu');
});

const files: Record<string, ArrayBuffer> = {
  'w/g0a': new Uint8Array([0, 48, 255, 7]).buffer, // weight0: uint8-quantized float32 [3], then 1 byte of weight1
  'w/g0b': new Uint8Array([48, 255]).buffer, // rest of weight1 (uint8-quantized int32 [3]), sharded across files
  'w/g1': new Float32Array([6, 7, 8, 9]).buffer,
  'w/g2': new Int32Array([-3, 4]).buffer,
};
const manifest = [
  {
    paths: ['g0a', 'g0b'],
    weights: [
      { name: 'weight0', dtype: 'float32' as const, shape: [3], quantization: { min: -1, scale: 0.1, dtype: 'uint8' as const } },
      { name: 'weight1', dtype: 'int32' as const, shape: [3], quantization: { min: -1, scale: 0.1, dtype: 'uint8' as const } },
    ],
  },
  { paths: ['g1'], weights: [{ name: 'weight2', dtype: 'float32' as const, shape: [3, 1] }, { name: 'weight3', dtype: 'float32' as const, shape: [] }] },
  { paths: ['g2'], weights: [{ name: 'weight4', dtype: 'int32' as const, shape: [2] }] },
];

function fetcher(log: string[]) {
  return async (urls: string[]) => {
    log.push(...urls);
    return urls.map((u) => files[u].slice(0));
  };
}

async function compare(names?: string[]) {
  const ours: string[] = [];
  const theirs: string[] = [];
  const a = await ts.io.weightsLoaderFactory(fetcher(ours))(manifest, 'w', names);
  const b = await tf.io.weightsLoaderFactory(fetcher(theirs))(manifest, 'w', names);
  expect(ours).toEqual(theirs);
  expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
  for (const k of Object.keys(b)) {
    expect(a[k].dtype).toBe(b[k].dtype);
    expect(a[k].shape).toEqual(b[k].shape);
    expect(Array.from(a[k].dataSync() as Float32Array)).toEqual(Array.from(b[k].dataSync() as Float32Array));
  }
  return { ours, a };
}

describe('io.weightsLoaderFactory / loadWeights', () => {
  it('fetches only the groups holding the requested weights, decoded as tfjs-core decodes them', async () => {
    const { ours, a } = await compare(['weight1', 'weight2']);
    expect(ours).toEqual(['w/g0a', 'w/g0b', 'w/g1']);
    // hand-worked: q * 0.1 - 1 for q = 7, 48, 255, rounded for int32 -> [-0.3, 3.8, 24.5] -> [0, 4, 25]
    expect(Array.from(a.weight1.dataSync())).toEqual([0, 4, 25]);
  });
  it('loads every weight when no names are given', async () => {
    const { ours, a } = await compare(undefined);
    expect(ours.length).toBe(4);
    expect(Array.from(a.weight4.dataSync())).toEqual([-3, 4]);
  });
  it('names missing weights and unsupported dtypes as TF.js does', async () => {
    await expect(ts.io.weightsLoaderFactory(fetcher([]))(manifest, 'w', ['nope'])).rejects.toThrow(/Could not find weights in manifest with names: nope/);
    const bad = [{ paths: ['g1'], weights: [{ name: 'x', dtype: 'null' as never, shape: [1] }] }];
    await expect(ts.io.weightsLoaderFactory(fetcher([]))(bad, 'w')).rejects.toThrow(/Unsupported dtype in weight 'x': null/);
  });
  it('loadWeights fetches through env().platform.fetch with requestInit and the binary hint', async () => {
    const platform = ts.env().platform as { fetch: (...a: unknown[]) => Promise<Response> };
    const saved = platform.fetch;
    const calls: unknown[][] = [];
    platform.fetch = async (...args: unknown[]) => {
      calls.push(args);
      return new Response(files['w/g2'].slice(0));
    };
    try {
      const w = await ts.io.loadWeights(manifest, 'w/', ['weight4'], { credentials: 'include' });
      expect(Array.from(w.weight4.dataSync())).toEqual([-3, 4]);
      expect(calls).toEqual([['w/g2', { credentials: 'include' }, { isBinary: true }]]);
    } finally {
      platform.fetch = saved;
    }
  });
});

describe('io handlers and helpers', () => {
  it('getSaveHandlers / getLoadHandlers route URLs and give [] where nothing can handle them', () => {
    expect(ts.io.getSaveHandlers('http://foo/upload').length).toBe(1);
    expect(ts.io.getLoadHandlers('http://foo/model.json').length).toBe(1);
    expect(typeof ts.io.getSaveHandlers('downloads://m')[0].save).toBe('function');
    expect(ts.io.getSaveHandlers('nosuchscheme://x')).toEqual([]);
    expect(ts.io.getLoadHandlers('nosuchscheme://x')).toEqual([]);
  });
  it('fromMemorySync and withSaveHandlerSync pass artifacts through synchronously', () => {
    const topology = { a: 1 };
    const specs = [{ name: 'w', dtype: 'float32' as const, shape: [1] }];
    const data = new Float32Array([2]).buffer;
    expect(ts.io.fromMemorySync(topology, specs, data).load()).toEqual({ modelTopology: topology, weightSpecs: specs, weightData: data, trainingConfig: undefined });
    expect(ts.io.fromMemorySync({ modelTopology: topology }).load()).toEqual({ modelTopology: topology });
    let seen: unknown = null;
    const result = { modelArtifactsInfo: { dateSaved: new Date(0), modelTopologyType: 'JSON' as const } };
    const out = ts.io.withSaveHandlerSync((a) => { seen = a; return result; }).save({ modelTopology: topology });
    expect(out).toBe(result);
    expect(seen).toEqual({ modelTopology: topology });
  });
  it('isHTTPScheme and getWeightSpecs agree with tfjs-core', () => {
    for (const u of ['http://a', 'HTTPS://b/c', 'indexeddb://m', 'model.json']) expect(ts.io.isHTTPScheme(u)).toBe(tf.io.isHTTPScheme(u));
    expect(ts.io.getWeightSpecs(manifest)).toEqual(tf.io.getWeightSpecs(manifest));
  });
});

describe('io.http and browserLocalStorage argument checks (TF.js wording)', () => {
  it('refuses empty URLs and a requestInit that already has a body', () => {
    for (const bad of [null, undefined, '']) {
      expect(() => ts.io.http(bad as unknown as string)).toThrow(/must not be null, undefined or empty/);
      expect(() => ts.io.browserLocalStorage(bad as unknown as string)).toThrow(/modelPath must not be null, undefined or empty/);
    }
    expect(() => ts.io.http('model-upload-test', { requestInit: { body: 'existing body' } })).toThrow(/requestInit is expected to have no pre-existing body/);
  });
  it('save() uses requestInit.method when given', async () => {
    const seen: string[] = [];
    const fetchFunc = (async (_url: string, init?: RequestInit) => {
      seen.push(String(init?.method));
      return new Response('{}', { status: 200 });
    }) as typeof fetch;
    await ts.io.http('http://x/upload', { requestInit: { method: 'PUT' }, fetchFunc }).save!({ modelTopology: { a: 1 } });
    await ts.io.http('http://x/upload', { fetchFunc }).save!({ modelTopology: { a: 1 } });
    expect(seen).toEqual(['PUT', 'POST']);
  });
});

describe('io.CompositeArrayBuffer', () => {
  const shards = [new Uint8Array([1, 2, 3]).buffer, new Uint8Array([]).buffer, new Uint8Array([4, 5]).buffer, new Uint8Array([6, 7, 8, 9]).buffer];
  it('join and slice agree with tfjs-core across shard boundaries', () => {
    expect(new Uint8Array(ts.io.CompositeArrayBuffer.join(shards))).toEqual(new Uint8Array(tf.io.CompositeArrayBuffer.join(shards)));
    expect(ts.io.CompositeArrayBuffer.join().byteLength).toBe(0);
    const ours = new ts.io.CompositeArrayBuffer(shards);
    const theirs = new tf.io.CompositeArrayBuffer(shards);
    expect(ours.byteLength).toBe(theirs.byteLength);
    for (const [a, b] of [[0, 9], [2, 4], [3, 5], [1, 8], [5, 5], [4, 9], [0, 1]]) {
      expect(Array.from(new Uint8Array(ours.slice(a, b))), `${a}..${b}`).toEqual(Array.from(new Uint8Array(theirs.slice(a, b))));
    }
    expect(Array.from(new Uint8Array(ours.slice()))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});

describe('io.browserFiles errors (TF.js wording)', () => {
  const json = (paths: string[], topology: unknown = { a: 1 }) => new File([JSON.stringify({
    modelTopology: topology, weightsManifest: [{ paths, weights: [{ name: 'w', dtype: 'float32', shape: [1] }] }],
  })], 'model.json');
  const bin = (name: string) => new File([new Float32Array([1])], name);
  it('names the mismatch, the missing file, duplicate basenames and a missing topology', async () => {
    expect(() => ts.io.browserFiles([])).toThrow(/at least 1 file/);
    await expect(ts.io.browserFiles([json(['./a.bin']), bin('a.bin'), bin('b.bin')]).load!()).rejects.toThrow(
      'Mismatch in the number of files in weights manifest (1) and the number of weight files provided (2).');
    await expect(ts.io.browserFiles([json(['./a.bin']), bin('c.bin')]).load!()).rejects.toThrow("Weight file with basename 'a.bin' is not provided.");
    await expect(ts.io.browserFiles([json(['./d1/a.bin', './d2/a.bin']), bin('a.bin'), bin('a.bin')]).load!()).rejects.toThrow(
      "Duplicate file basename found in weights manifest: 'a.bin'");
    await expect(ts.io.browserFiles([json(['./a.bin'], null), bin('a.bin')]).load!()).rejects.toThrow(/modelTopology field is missing from file model\.json/);
    const ok = await ts.io.browserFiles([json(['./a.bin']), bin('a.bin')]).load!();
    expect(Array.from(new Float32Array(ok.weightData as ArrayBuffer))).toEqual([1]);
  });
});
