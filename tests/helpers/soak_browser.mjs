// Node-side driver of the webgpu soak: serves the repo (scripts/server.mjs), launches headless
// Chromium (scripts/chromium.mjs, WebGPU on SwiftShader here) with a GC and precise heap numbers
// exposed, opens a page that loads the built bundle (dist/tessera.js) and tests/helpers/soak_loop.mjs,
// and runs runSoakLoop on webgpu there with pageSnapshot. Used by tests/browser/soak_webgpu.test.ts
// (reduced sizes) and `npm run soak` (full sizes).
import { readFileSync, readdirSync } from 'node:fs';
import { launchChromium } from '../../scripts/chromium.mjs';
import { startServer } from '../../scripts/server.mjs';

const PAGE = `<!doctype html><meta charset="utf-8"><title>tessera webgpu soak</title>
<script type="module">
try {
  window.__tessera = await import('/dist/tessera.js');
  window.__soak = await import('/tests/helpers/soak_loop.mjs');
} catch (e) { window.__soakError = String((e && e.stack) || e); }
</script>`;

/** Resident bytes of process `root` and all its descendants (Linux /proc; null elsewhere). */
function processTreeRss(root) {
  try {
    const parent = new Map();
    const rss = new Map();
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      try {
        const status = readFileSync(`/proc/${name}/status`, 'utf8');
        parent.set(Number(name), Number(/^PPid:\s+(\d+)/m.exec(status)?.[1]));
        rss.set(Number(name), Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) * 1024);
      } catch {
        // the process ended meanwhile
      }
    }
    const inTree = (pid) => { for (let p = pid, n = 0; p && n < 64; p = parent.get(p), n++) if (p === root) return true; return false; };
    let total = 0;
    for (const [pid, bytes] of rss) if (inTree(pid)) total += bytes;
    return total;
  } catch {
    return null;
  }
}

/**
 * Runs the soak on webgpu in a fresh Chromium; resolves to the report (see runSoakLoop). The
 * page's snapshots also take the RSS of all Chromium processes (browser, renderer, GPU).
 */
export async function runWebgpuSoakInChromium(sizes) {
  const server = await startServer({ routes: { '/__soak/index.html': { body: PAGE } } });
  let browser = null;
  try {
    browser = await launchChromium(['--js-flags=--expose-gc', '--enable-precise-memory-info']);
    const page = await browser.newPage();
    const pid = browser.process()?.pid;
    await page.exposeFunction('__soakRss', () => (pid ? processTreeRss(pid) : null));
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
