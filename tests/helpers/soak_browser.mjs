// Node-side driver of the webgpu soak: serves the repo (scripts/server.mjs), launches headless
// Chromium (scripts/chromium.mjs, WebGPU on SwiftShader here) with a GC and precise heap numbers
// exposed, opens a page that loads the built bundle (dist/tessera.js) and tests/helpers/soak_loop.mjs,
// and runs runSoakLoop on webgpu there with pageSnapshot. Used by tests/browser/soak_webgpu.test.ts
// (reduced sizes) and `npm run soak` (full sizes).
import { launchChromium } from '../../scripts/chromium.mjs';
import { startServer } from '../../scripts/server.mjs';

const PAGE = `<!doctype html><meta charset="utf-8"><title>tessera webgpu soak</title>
<script type="module">
try {
  window.__tessera = await import('/dist/tessera.js');
  window.__soak = await import('/tests/helpers/soak_loop.mjs');
} catch (e) { window.__soakError = String((e && e.stack) || e); }
</script>`;

/** Runs the soak on webgpu in a fresh Chromium; resolves to the report (see runSoakLoop). */
export async function runWebgpuSoakInChromium(sizes) {
  const server = await startServer({ routes: { '/__soak/index.html': { body: PAGE } } });
  let browser = null;
  try {
    browser = await launchChromium(['--js-flags=--expose-gc', '--enable-precise-memory-info']);
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e?.message ?? e)));
    await page.goto(`${server.url}/__soak/index.html`, { waitUntil: 'load' });
    await page.waitForFunction('window.__soak || window.__soakError', { timeout: 60_000 });
    const loadError = await page.evaluate(() => window.__soakError);
    if (loadError) throw new Error(`soak page failed to load: ${loadError}`);
    try {
      return await page.evaluate((s) => window.__soak.runSoakLoop(window.__tessera, 'webgpu', s, window.__soak.pageSnapshot), sizes);
    } catch (e) {
      throw new Error(`webgpu soak failed in the page: ${e.message}${errors.length ? `\n${errors.join('\n')}` : ''}`);
    }
  } finally {
    await browser?.close().catch(() => {});
    await server.close();
  }
}
