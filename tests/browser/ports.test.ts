/**
 * The ported TF.js programs (tests/ports/programs: custom layer, seq2seq with symbolic LSTM initialState,
 * regression with tf.util, custom RNNCell + stacked cells + stateful LSTM) in headless Chromium on webgpu
 * and wasm, compared with the same programs on the js backend in the same page (tests/ports/ports.test.ts
 * compares js with TF.js itself).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { openSourcePage } from './source_page.js';
import { mismatch as near } from '../ports/near.js';
// @ts-expect-error plain ESM helper without types
import { repoRoot } from '../../scripts/server.mjs';

let page: Page;
let closePage: (() => Promise<void>) | undefined;

beforeAll(async () => {
  const esbuild = await import('esbuild');
  const programs = await esbuild.build({
    stdin: {
      contents: `export { run as customLayer } from './custom_layer.ts'; export { run as seq2seq } from './seq2seq.ts'; export { run as regression } from './regression.ts'; export { run as rnnCells } from './rnn_cells.ts';`,
      resolveDir: join(repoRoot, 'tests/ports/programs'), loader: 'ts',
    },
    bundle: true, format: 'esm', platform: 'neutral', target: 'es2022', write: false, logLevel: 'warning',
  });
  ({ page, close: closePage } = await openSourcePage('__ports', 'tessera ported programs', { __progs: programs.outputFiles[0].text }));
}, 180_000);

afterAll(async () => {
  await closePage?.();
});

for (const backend of ['webgpu', 'wasm']) {
  describe(`ported TF.js programs in a page on ${backend}`, () => {
    for (const name of ['customLayer', 'seq2seq', 'regression', 'rnnCells']) {
      it(name, async () => {
        const r = await page.evaluate(async (b, n) => {
          const tf = (window as any).__ts;
          const run = (window as any).__progs[n];
          try {
            await tf.setBackend('js');
            const want = await run(tf);
            if (!(await tf.setBackend(b))) return { error: `backend ${b} unavailable` };
            const got = await run(tf);
            return { want, got };
          } catch (e) {
            return { error: String((e as Error)?.stack ?? e) };
          }
        }, backend, name) as { want?: unknown; got?: unknown; error?: string };
        expect(r.error).toBeUndefined();
        expect(near(r.got, r.want, 1e-3)).toBeNull();
      });
    }
  });
}
