// `node bench/snapshot_cost.mjs`: what fit's epoch-end device-loss snapshot costs (issue 8: at
// most 5% of an epoch on the bench MLP and CNN). Drives bench/snapshot_page.mjs in headless
// Chromium (WebGPU on SwiftShader here, and wasm), prints one line per backend and model and
// writes bench/results/snapshot_cost.json (raw epoch and snapshot times included).
// Options: --backends=webgpu,wasm --models=mlp,cnn --batches=40 (per epoch) --cnn-batches=N (default --batches)
// --epochs=3 --repeats=3
// Needs dist/ (node scripts/build.mjs).
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from '../scripts/chromium.mjs';
import { repoRoot, startServer } from '../scripts/server.mjs';

const arg = (name, dflt) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt;
const options = {
  backends: arg('backends', 'webgpu,wasm').split(','),
  models: arg('models', 'mlp,cnn').split(','),
  batches: Number(arg('batches', 40)),
  // The CNN is slow on SwiftShader; fewer batches per epoch make the snapshot's share larger, not smaller.
  cnnBatches: Number(arg('cnn-batches', arg('batches', 40))),
  epochs: Number(arg('epochs', 3)),
  repeats: Number(arg('repeats', 3)),
};

const server = await startServer({
  routes: {
    '/__snapshot/index.html': { body: `<!doctype html><meta charset="utf-8"><title>tessera snapshot cost</title><script type="module">import * as b from '/bench/snapshot_page.mjs'; window.__snap = b;</script>` },
    '/favicon.ico': { type: 'image/x-icon', body: '' },
  },
});
const browser = await launchChromium();
let failed = false;
try {
  const tab = await browser.newPage();
  tab.on('console', (m) => {
    const t = m.text();
    if (t.startsWith('[snapshot]') || m.type() === 'error') console.log(t);
  });
  tab.on('pageerror', (e) => console.error('[page error]', e.message));
  await tab.goto(`${server.url}/__snapshot/index.html`);
  await tab.waitForFunction('window.__snap', { timeout: 60_000 });
  tab.setDefaultTimeout(0);
  // Started in the page and polled: one evaluate() of the whole run would pass puppeteer's protocol timeout.
  await tab.evaluate((o) => { window.__snapRun = window.__snap.runSnapshotBench(o).then((r) => { window.__snapResult = r; }, (e) => { window.__snapResult = { error: String(e?.stack ?? e) }; }); }, options);
  await tab.waitForFunction('window.__snapResult', { timeout: 0, polling: 2000 });
  const result = await tab.evaluate(() => window.__snapResult);
  if (result.error) throw new Error(result.error);
  result.options = options;
  result.cpu = `${cpus()[0]?.model ?? 'unknown CPU'} x${cpus().length}`;
  result.loadAverage = loadavg().map((v) => v.toFixed(2)).join(' ');
  console.log(`\nadapter: ${result.adapter ?? 'none'}; load average ${result.loadAverage}\n`);
  const f = (v, d = 1) => (v === null || v === undefined ? '-' : v.toFixed(d));
  for (const r of result.rows) {
    if (r.error) {
      console.log(`${r.backend}: ${r.error}`);
      failed = true;
      continue;
    }
    console.log(
      `${r.backend.padEnd(6)} ${r.model.padEnd(48)} epoch (${r.batchesPerEpoch} batches) ${f(r.epochMsWithout)} ms without, ${f(r.epochMsWith)} ms with; ` +
      `snapshot ${f(r.snapshotMs, 2)} ms = ${f(r.snapshotPercentOfEpoch, 2)}% of an epoch; host copy of weights+slots ${f(r.hostCopyOfWeightsAndSlotsMs, 2)} ms`,
    );
  }
  mkdirSync(join(repoRoot, 'bench/results'), { recursive: true });
  writeFileSync(join(repoRoot, 'bench/results/snapshot_cost.json'), JSON.stringify(result, null, 2));
  console.log('\nwrote bench/results/snapshot_cost.json');
} finally {
  await browser.close();
  await server.close();
}
process.exit(failed ? 1 : 0);
