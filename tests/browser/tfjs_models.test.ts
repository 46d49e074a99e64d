/**
 * Models built and saved by @tensorflow/tfjs-layers (in Node, cpu backend) load in the page
 * through loadLayersModel(io.fromMemory(...)) on wasm and on webgpu, and predict what TF.js
 * predicted within 1e-4.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tfc from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { openHarness, type Harness } from './harness.js';
import { cases, inputValues, randomizeWeights, saveTfjs } from '../helpers/tfjs_models.js';

interface Prepared {
  name: string;
  artifacts: { modelTopology: unknown; weightSpecs: unknown; weightData: string };
  inputs: { shape: number[]; dtype: string; vals: number[][] };
  want: number[];
}

let h: Harness;
const prepared: Prepared[] = [];

beforeAll(async () => {
  await tfc.setBackend('cpu');
  for (const [idx, c] of cases.entries()) {
    const model = c.build();
    randomizeWeights(model, 100 * (idx + 1));
    const art = await saveTfjs(model);
    const inputs = inputValues(c, model.inputs.length, 7 + idx);
    const xs = inputs.vals.map((v) => tfc.tensor(v, inputs.shape, inputs.dtype));
    const want = Array.from((model.predict(xs.length === 1 ? xs[0] : xs) as tfc.Tensor).dataSync());
    const weightData = Buffer.from(art.weightData as ArrayBuffer).toString('base64');
    prepared.push({ name: c.name, artifacts: { modelTopology: art.modelTopology, weightSpecs: art.weightSpecs, weightData }, inputs, want });
  }
  h = await openHarness();
}, 240_000);

afterAll(async () => {
  await h?.close();
});

describe.each(['wasm', 'webgpu'])('TF.js-saved models on %s in Chromium', (backend) => {
  it.each(cases.map((c) => [c.name]))('%s', async (name) => {
    const p = prepared.find((q) => q.name === name)!;
    const got: number[] = await h.page.evaluate(async (b, prep) => {
      const ts = (window as any).__tessera;
      if (!(await ts.setBackend(b))) throw new Error(`backend ${b} unavailable`);
      const bytes = Uint8Array.from(atob(prep.artifacts.weightData), (c) => c.charCodeAt(0));
      const model = await ts.loadLayersModel(ts.io.fromMemory({ ...prep.artifacts, weightData: bytes.buffer }));
      const xs = prep.inputs.vals.map((v: number[]) => ts.tensor(v, prep.inputs.shape, prep.inputs.dtype));
      const y = model.predict(xs.length === 1 ? xs[0] : xs);
      const out = Array.from(await y.data()) as number[];
      ts.dispose([...xs, y]);
      model.dispose();
      return out;
    }, backend, p as any);
    expect(got.length).toBe(p.want.length);
    const maxDiff = Math.max(...got.map((g, i) => Math.abs(g - p.want[i])));
    expect(maxDiff).toBeLessThanOrEqual(1e-4);
  }, 120_000);
});
