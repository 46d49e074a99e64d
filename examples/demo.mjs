// `npm start`: the headless demo. Serves the repo (COOP/COEP), opens examples/index.html in
// headless Chromium, waits for each kernel family to run on every backend that starts
// (webgpu, wasm, js), and prints the timings as a table. Exits 0 on success.
import { launchChromium } from '../scripts/chromium.mjs';
import { startServer } from '../scripts/server.mjs';

const server = await startServer({ routes: { '/favicon.ico': { type: 'image/x-icon', body: '' } } });
const browser = await launchChromium();
let code = 0;
try {
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error('[page error]', e.message));
  await page.goto(`${server.url}/examples/index.html`);
  await page.waitForFunction('window.demoResult', { timeout: 120_000 });
  const result = await page.evaluate(() => window.demoResult);
  if (result.error) throw new Error(result.error);
  console.log(`tessera demo in ${result.userAgent.match(/HeadlessChrome\/[\d.]+|Chrome\/[\d.]+/)?.[0] ?? 'Chromium'} (crossOriginIsolated: ${result.crossOriginIsolated})\n`);
  const head = ['backend', 'kernel family', 'median ms', 'throughput', 'matches js'];
  const lines = result.rows.map((r) =>
    r.error ? [r.backend, r.family, '-', `error: ${r.error.split('\n')[0].slice(0, 70)}`, '-'] : [r.backend, r.family, r.ms.toFixed(2), r.rate, r.agrees === null ? '(reference)' : r.agrees ? 'yes' : 'NO'],
  );
  const w = head.map((h, i) => Math.max(h.length, ...lines.map((l) => String(l[i]).length)));
  const fmt = (cells) => cells.map((c, i) => (i === 2 ? String(c).padStart(w[i]) : String(c).padEnd(w[i]))).join('  ');
  console.log(fmt(head));
  console.log(w.map((n) => '-'.repeat(n)).join('  '));
  for (const l of lines) console.log(fmt(l));
  // Unavailable backends are reported, not failures; a kernel that throws or disagrees with js is.
  const broken = result.rows.filter((r) => (r.error && r.family !== '(all)') || r.agrees === false);
  if (broken.length) {
    console.error(`\n${broken.length} kernel run(s) failed or disagreed with js`);
    code = 1;
  }
} catch (e) {
  console.error('demo failed:', e.message ?? e);
  code = 1;
} finally {
  await browser.close();
  await server.close();
}
process.exit(code);
