/**
 * The leak walks of tests/layer_leak_cases.ts, tests/model_leak_cases.ts and
 * tests/optimizer_leak_cases.ts (the same tables and checks as the Node run in
 * tests/leaks_layers.test.ts, bundled for the page with their tessera import pointed at the page's
 * tessera) on webgpu in headless Chromium (SwiftShader): every tf.layers factory, plain and with
 * masks / initialState, applied outside tidy leaves only its outputs and weights and
 * layer.dispose() brings numTensors back; every model call (predict ... dispose) grows numTensors
 * by exactly what it returns; every tf.train optimizer grows by its slot variables only and
 * dispose() frees them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { bundleForPage, openSourcePage } from './source_page.js';

const PREFIX = '__leaklayers';
let page: Page;
let closePage: (() => Promise<void>) | undefined;

beforeAll(async () => {
  ({ page, close: closePage } = await openSourcePage(PREFIX, 'tessera layer leaks', {
    __layerCases: await bundleForPage(PREFIX, 'tests/layer_leak_cases.ts'),
    __modelCases: await bundleForPage(PREFIX, 'tests/model_leak_cases.ts'),
    __optimizerCases: await bundleForPage(PREFIX, 'tests/optimizer_leak_cases.ts'),
  }));
}, 180_000);

afterAll(async () => {
  await closePage?.();
});

describe('no layer, model or optimizer call leaks (webgpu, Chromium)', () => {
  it('every tf.layers factory, plain and with masks / initialState: outputs and weights only; dispose frees them', async () => {
    const r = await page.evaluate(async () => {
      const w = window as any;
      const ts = w.__ts;
      const ok = await ts.setBackend('webgpu');
      const start = ts.memory().numTensors;
      const walk = w.__layerCases.walkLayers();
      return { ok, backend: ts.getBackend(), ...walk, left: ts.memory().numTensors - start };
    });
    console.log(`[leaks] webgpu: ${r.factories} layer factories, ${r.cases} cases + ${r.maskCases} mask, initialState and resetStates cases, ${r.problems.length} problems`);
    expect(r.ok).toBe(true);
    expect(r.backend).toBe('webgpu');
    expect(r.factories).toBeGreaterThanOrEqual(70);
    expect(r.maskCases).toBeGreaterThanOrEqual(20);
    expect(r.problems).toEqual([]);
    expect(r.left).toBe(0);
  });

  for (const kind of ['sequential', 'model', 'masked'] as const) {
    it(`${kind}: predict, execute, weights, evaluate, fit, trainOnBatch, datasets, save, load, dispose`, async () => {
      const r = await page.evaluate(async (k: string) => {
        const w = window as any;
        const ts = w.__ts;
        await ts.setBackend('webgpu');
        const start = ts.memory().numTensors;
        const walk = await w.__modelCases.walkModel(k);
        return { backend: ts.getBackend(), ...walk, left: ts.memory().numTensors - start };
      }, kind);
      console.log(`[leaks] webgpu: ${kind}, ${r.calls} calls, ${r.problems.length} problems`);
      expect(r.backend).toBe('webgpu');
      expect(r.problems).toEqual([]);
      expect(r.calls).toBe(17);
      expect(r.left).toBe(0);
    });
  }

  it('every tf.train optimizer: minimize twice grows by its slots only; get/setWeights; dispose frees them', async () => {
    const r = await page.evaluate(async () => {
      const w = window as any;
      const ts = w.__ts;
      await ts.setBackend('webgpu');
      return { backend: ts.getBackend(), ...(await w.__optimizerCases.walkOptimizers()) };
    });
    console.log(`[leaks] webgpu: ${r.cases} optimizer cases, ${r.problems.length} problems`);
    expect(r.backend).toBe('webgpu');
    expect(r.cases).toBeGreaterThanOrEqual(12);
    expect(r.problems).toEqual([]);
  });
});
