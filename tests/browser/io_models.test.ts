/**
 * Model management in a real page (headless Chromium): save to indexeddb:// and localstorage://, list both
 * stores with io.listModels, copy and move across stores, remove, and load back: the loaded models predict
 * exactly what the original did.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { openSourcePage } from './source_page.js';

let page: Page;
let closePage: (() => Promise<void>) | undefined;

beforeAll(async () => {
  ({ page, close: closePage } = await openSourcePage('__iomodels', 'tessera io models'));
}, 180_000);

afterAll(async () => {
  await closePage?.();
});

describe('io model management in a page', () => {
  it('indexeddb:// and localstorage://: list, copy, move, remove, load', async () => {
    const r = await page.evaluate(async () => {
      const tf = (window as any).__ts;
      await tf.setBackend('js');
      const model = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [2], activation: 'tanh' }), tf.layers.dense({ units: 1 })] });
      const probe = tf.tensor([[0.5, -1], [2, 0.25]]);
      const want = Array.from(model.predict(probe).dataSync());
      await model.save('indexeddb://m-idb');
      await model.save('localstorage://m-ls');
      const listed1 = Object.keys(await tf.io.listModels()).sort();
      await tf.io.copyModel('indexeddb://m-idb', 'localstorage://m-copy');
      await tf.io.moveModel('localstorage://m-ls', 'indexeddb://m-moved');
      const listed2 = Object.keys(await tf.io.listModels()).sort();
      const preds: Record<string, number[]> = {};
      for (const url of listed2) preds[url] = Array.from((await tf.loadLayersModel(url)).predict(probe).dataSync());
      for (const url of listed2) await tf.io.removeModel(url);
      const listed3 = Object.keys(await tf.io.listModels());
      let missing = '';
      try { await tf.loadLayersModel('indexeddb://m-idb'); } catch (e) { missing = String(e); }
      return { want, listed1, listed2, listed3, preds, missing };
    });
    expect(r.listed1).toEqual(['indexeddb://m-idb', 'localstorage://m-ls']);
    expect(r.listed2).toEqual(['indexeddb://m-idb', 'indexeddb://m-moved', 'localstorage://m-copy']);
    for (const url of r.listed2) expect(r.preds[url], url).toEqual(r.want);
    expect(r.listed3).toEqual([]);
    expect(r.missing).toMatch(/no model saved under 'indexeddb:\/\/m-idb'/);
  });
});
