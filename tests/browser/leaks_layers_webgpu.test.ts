/**
 * The layer leak walk of tests/layer_leak_cases.ts (the same table and checks as the Node run in
 * tests/leaks_layers.test.ts, bundled for the page with its tessera import pointed at the page's
 * tessera) on webgpu in headless Chromium (SwiftShader): every tf.layers factory applied outside
 * tidy leaves only its outputs and weights, and layer.dispose() brings numTensors back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { bundleForPage, openSourcePage } from './source_page.js';

const PREFIX = '__leaklayers';
let page: Page;
let closePage: (() => Promise<void>) | undefined;

beforeAll(async () => {
  ({ page, close: closePage } = await openSourcePage(PREFIX, 'tessera layer leaks', { __layerCases: await bundleForPage(PREFIX, 'tests/layer_leak_cases.ts') }));
}, 180_000);

afterAll(async () => {
  await closePage?.();
});

describe('no layer call leaks (webgpu, Chromium)', () => {
  it('every tf.layers factory: outputs and weights only; dispose frees them', async () => {
    const r = await page.evaluate(async () => {
      const w = window as any;
      const ts = w.__ts;
      const ok = await ts.setBackend('webgpu');
      const start = ts.memory().numTensors;
      const walk = w.__layerCases.walkLayers();
      return { ok, backend: ts.getBackend(), ...walk, left: ts.memory().numTensors - start };
    });
    console.log(`[leaks] webgpu: ${r.factories} layer factories, ${r.cases} cases, ${r.problems.length} problems`);
    expect(r.ok).toBe(true);
    expect(r.backend).toBe('webgpu');
    expect(r.factories).toBeGreaterThanOrEqual(70);
    expect(r.problems).toEqual([]);
    expect(r.left).toBe(0);
  });
});
