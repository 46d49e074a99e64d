/**
 * tf.text.generate on webgpu in headless Chromium (issue 11): with the KV cache (the attention
 * kernels reading the preallocated cache through kvStride in WGSL) a small GPT gives the same
 * greedy tokens as re-running the whole sequence for every token (useCache: false), and both
 * give the tokens the plain-JS backend picks for the same weights (the independent reference).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { openSourcePage } from './source_page.js';

let page: Page;
let closePage: (() => Promise<void>) | undefined;

beforeAll(async () => {
  ({ page, close: closePage } = await openSourcePage('__textgen', 'tessera text generation'));
}, 180_000);

afterAll(async () => {
  await closePage?.();
});

describe('tf.text.generate on webgpu (Chromium)', () => {
  it('greedy tokens with the KV cache equal useCache:false and the js backend', async () => {
    const r = await page.evaluate(async () => {
      const ts = (window as any).__ts;
      const prompt = [3, 17, 5, 29];
      const run = async (backend: string) => {
        if (!(await ts.setBackend(backend))) throw new Error(`${backend} does not start`);
        const m = ts.sequential();
        m.add(ts.layers.tokenAndPositionEmbedding({ vocabularySize: 40, sequenceLength: 24, embeddingDim: 32, inputShape: [null],
          embeddingsInitializer: ts.initializers.randomNormal({ seed: 3, stddev: 0.5 }) }));
        for (let i = 0; i < 2; i++)
          m.add(ts.layers.transformerDecoder({ numHeads: 4, intermediateDim: 48, kernelInitializer: ts.initializers.glorotUniform({ seed: 10 + i }) }));
        m.add(ts.layers.dense({ units: 40, kernelInitializer: ts.initializers.glorotUniform({ seed: 7 }) }));
        const before = ts.memory().numTensors;
        const cached = await ts.text.generate(m, prompt, { maxNewTokens: 16, temperature: 0, useCache: true });
        const leaked = ts.memory().numTensors - before;
        const uncached = await ts.text.generate(m, prompt, { maxNewTokens: 16, temperature: 0, useCache: false });
        m.dispose();
        return { cached, uncached, leaked };
      };
      const js = await run('js');
      const webgpu = await run('webgpu');
      return { js, webgpu, backend: ts.getBackend() };
    });
    expect(r.backend).toBe('webgpu');
    expect(r.webgpu.cached).toHaveLength(16);
    expect(r.webgpu.cached).toEqual(r.webgpu.uncached);
    expect(r.webgpu.cached).toEqual(r.js.uncached);
    // the prompt is not constant output: greedy decoding of random weights picks more than one id
    expect(new Set(r.webgpu.cached).size).toBeGreaterThan(1);
    expect(r.webgpu.leaked).toBe(0);
  }, 60_000);
});
