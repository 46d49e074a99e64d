/**
 * The tfjs-examples style programs (tests/ports/programs, see tests/ports/examples.test.ts, which compares
 * them with TF.js itself on js and wasm) in headless Chromium on webgpu (SwiftShader) and wasm, compared
 * with the same programs on the js backend in the same page (on webgpu, those without synchronous reads).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { openSourcePage } from './source_page.js';
import { mismatch } from '../ports/near.js';
// @ts-expect-error plain ESM helper without types
import { repoRoot } from '../../scripts/server.mjs';

const programs: Record<string, string> = {
  dateAttention: 'date_attention', additionRnn: 'addition_rnn', textGeneration: 'text_generation', mnistCore: 'mnist_core',
  iris: 'iris', polynomialCore: 'polynomial_core', saveTransfer: 'save_transfer', textCnn: 'text_cnn', customLoop: 'custom_loop',
  acgan: 'acgan', weatherRnn: 'weather_rnn', imagePipeline: 'image_pipeline', policyGradient: 'policy_gradient', miscApi: 'misc_api',
};

let page: Page;
let closePage: (() => Promise<void>) | undefined;

beforeAll(async () => {
  const esbuild = await import('esbuild');
  const bundle = await esbuild.build({
    stdin: {
      contents: Object.entries(programs).map(([name, file]) => `export { run as ${name} } from './${file}.ts';`).join('\n'),
      resolveDir: join(repoRoot, 'tests/ports/programs'), loader: 'ts',
    },
    bundle: true, format: 'esm', platform: 'neutral', target: 'es2022', write: false, logLevel: 'warning',
  });
  ({ page, close: closePage } = await openSourcePage('__ports_examples', 'tessera tfjs-examples ports', { __progs: bundle.outputFiles[0].text }));
}, 180_000);

afterAll(async () => {
  await closePage?.();
});

/**
 * On webgpu only the programs without synchronous reads run: the others call dataSync / arraySync
 * (inside tf.tidy loops, as the examples do on webgl), which webgpu refuses (README: use await data();
 * TF.js's webgpu backend has no synchronous read of GPU tensors either).
 */
const perBackend: Record<string, string[]> = {
  webgpu: ['additionRnn', 'acgan', 'weatherRnn'],
  wasm: Object.keys(programs),
};

for (const backend of ['webgpu', 'wasm']) {
  describe(`tfjs-examples style programs in a page on ${backend}`, () => {
    for (const name of perBackend[backend]) {
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
        // webgpu reduces in other orders than js (and in f32 throughout): 1e-3, as tests/browser/ports.test.ts
        expect(mismatch(r.got, r.want, 1e-3)).toBeNull();
      });
    }
  });
}
