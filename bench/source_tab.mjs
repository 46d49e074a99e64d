// One headless Chromium tab on a page that runs tessera bundled from src/ (not dist/): the shared set-up
// of the webgpu bench scripts that need source-only hooks (float16_webgpu, int8_webgpu, lstmfuse_webgpu,
// plan_attention_webgpu, plan_residual_webgpu). Bundles `entry` with esbuild (WGSL and Wasm assets
// inlined by the build's asset plugin), serves it from 127.0.0.1 (WebGPU needs a secure context), opens
// it, waits until the page defines `readyGlobal`, runs `fn(page)` and closes the browser and the server
// in finally.
import { build } from 'esbuild';
import { esbuildAssetPlugin } from '../scripts/assets.mjs';
import { launchChromium } from '../scripts/chromium.mjs';
import { startServer } from '../scripts/server.mjs';

const repoDir = new URL('..', import.meta.url).pathname;
/** The entry that exposes the whole source API as `globalThis.__ts`. */
export const SOURCE_API = { contents: "import * as ts from './src/index.ts'; globalThis.__ts = ts;" };

/**
 * `entry`: `{ file }` (a page module's path) or `{ contents }` (TypeScript resolved from the repo root);
 * `name`: the served file names (/__<name>.js, /__<name>.html). Resolves to what `fn` returns.
 */
export async function withSourceTab(name, entry, readyGlobal, fn) {
  const bundle = await build({
    ...(entry.file ? { entryPoints: [entry.file] } : { stdin: { contents: entry.contents, resolveDir: repoDir, loader: 'ts' } }),
    bundle: true, format: 'esm', write: false, target: 'es2022', plugins: [esbuildAssetPlugin()], logLevel: 'warning',
  });
  const server = await startServer({
    routes: {
      [`/__${name}.js`]: { type: 'text/javascript; charset=utf-8', body: bundle.outputFiles[0].text },
      [`/__${name}.html`]: { body: `<!doctype html><script type="module" src="/__${name}.js"></script>` },
    },
  });
  const browser = await launchChromium(['--headless=new']);
  try {
    const page = await browser.newPage();
    await page.goto(`${server.url}/__${name}.html`);
    await page.waitForFunction(`globalThis.${readyGlobal} !== undefined`);
    return await fn(page);
  } finally {
    await browser.close();
    await server.close();
  }
}
