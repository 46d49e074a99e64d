/**
 * localstorage:// (TF.js's key layout), io.listModels / copyModel / moveModel / removeModel, and
 * io.registerSaveRouter / registerLoadRouter, in Node with a Map-backed localStorage. The stored keys are
 * the ones TF.js's BrowserLocalStorage uses (tensorflowjs_models/<path>/{info, model_topology,
 * weight_specs, weight_data, model_metadata}, weight data base64), and a model saved, copied and moved
 * still predicts exactly what the original does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as ts from '../src/index.js';

class MemoryStorage {
  private m = new Map<string, string>();
  get length() { return this.m.size; }
  key(i: number) { return [...this.m.keys()][i] ?? null; }
  getItem(k: string) { return this.m.has(k) ? this.m.get(k)! : null; }
  setItem(k: string, v: string) { this.m.set(k, String(v)); }
  removeItem(k: string) { this.m.delete(k); }
  clear() { this.m.clear(); }
}
const store = new MemoryStorage();

beforeAll(async () => {
  await ts.setBackend('js');
  (globalThis as any).localStorage = store;
});
afterAll(() => {
  delete (globalThis as any).localStorage;
});

function mlp() {
  const m = ts.sequential({ layers: [ts.layers.dense({ units: 3, inputShape: [4], activation: 'tanh' }), ts.layers.dense({ units: 2 })] });
  m.setWeights(m.getWeights().map((w, i) => ts.tensor(Array.from({ length: w.size }, (_, k) => Math.sin(k + 7 * i)), w.shape)));
  return m;
}
const probe = () => ts.tensor([[0.1, -0.2, 0.3, 0.4], [1, 0.5, -1, 2]]);

describe('localstorage:// and model management', () => {
  it('saves with TF.js keys, lists, copies, moves and removes', async () => {
    const model = mlp();
    const want = Array.from((model.predict(probe()) as ts.Tensor).dataSync());
    const res = await model.save('localstorage://alpha');
    expect(res.modelArtifactsInfo.weightDataBytes).toBe((4 * 3 + 3 + 3 * 2 + 2) * 4);
    const keys = [...Array(store.length).keys()].map((i) => store.key(i)).sort();
    expect(keys).toEqual(['info', 'model_metadata', 'model_topology', 'weight_data', 'weight_specs'].map((s) => `tensorflowjs_models/alpha/${s}`));
    expect(atob(store.getItem('tensorflowjs_models/alpha/weight_data')!).length).toBe(res.modelArtifactsInfo.weightDataBytes);
    expect(JSON.parse(store.getItem('tensorflowjs_models/alpha/model_metadata')!).format).toBe('layers-model');

    expect(Object.keys(await ts.io.listModels())).toEqual(['localstorage://alpha']);
    await ts.io.copyModel('localstorage://alpha', 'localstorage://beta');
    expect(Object.keys(await ts.io.listModels()).sort()).toEqual(['localstorage://alpha', 'localstorage://beta']);
    await ts.io.moveModel('localstorage://beta', 'localstorage://gamma');
    const info = await ts.io.removeModel('localstorage://alpha');
    expect(info.weightDataBytes).toBe(res.modelArtifactsInfo.weightDataBytes);
    expect(Object.keys(await ts.io.listModels())).toEqual(['localstorage://gamma']);

    const loaded = await ts.loadLayersModel('localstorage://gamma');
    expect(Array.from((loaded.predict(probe()) as ts.Tensor).dataSync())).toEqual(want);
    await expect(ts.loadLayersModel('localstorage://alpha')).rejects.toThrow(/no model with name 'alpha'/);
    await expect(ts.io.removeModel('localstorage://alpha')).rejects.toThrow(/Cannot find model/);
    await expect(ts.io.copyModel('ftp://a', 'localstorage://b')).rejects.toThrow(/no supported scheme/);
  });

  it('registered routers handle their own URL scheme for save and load', async () => {
    const saved = new Map<string, ts.io.ModelArtifacts>();
    ts.io.registerSaveRouter((url) => (typeof url === 'string' && url.startsWith('mem://')
      ? ts.io.withSaveHandler(async (a) => { saved.set(url, a); return { modelArtifactsInfo: ts.io.getModelArtifactsInfoForJSON(a) }; })
      : null));
    ts.io.registerLoadRouter((url) => (typeof url === 'string' && url.startsWith('mem://') ? ts.io.fromMemory(saved.get(url)!) : null));
    const model = mlp();
    await model.save('mem://m1');
    expect(saved.has('mem://m1')).toBe(true);
    const loaded = await ts.loadLayersModel('mem://m1');
    expect(Array.from((loaded.predict(probe()) as ts.Tensor).dataSync())).toEqual(Array.from((model.predict(probe()) as ts.Tensor).dataSync()));
  });
});
