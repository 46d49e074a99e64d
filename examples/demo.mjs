// `npm start`: the headless demo. Serves the repo (COOP/COEP), opens examples/index.html in
// headless Chromium and drives it: (1) kernel families and (2) a small CNN and a transformer block
// forward pass on every backend that starts (webgpu, wasm, js), printed as tables; (3) trains the
// example workflows (a character-level language model and the compression comparison among them) on the best backend (webgpu, else wasm) with a progress bar each and
// their final metrics; (4) writes examples/report.html with the loss / accuracy curves and the
// tables. Exits 0 when every kernel agrees with js and every workflow meets its target.
// Options: --backend=wasm|webgpu|js (training backend), --skip-timings (training only),
// --only=cnn,compression (just these workflows).
import { cpus } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from '../scripts/chromium.mjs';
import { repoRoot, startServer } from '../scripts/server.mjs';
import { demoRoutes } from './demo_routes.mjs';
import { writeReport } from './report.mjs';

const arg = (name) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const skipTimings = process.argv.includes('--skip-timings');
const REPORT = join(repoRoot, 'examples/report.html');
const started = performance.now();
const tty = process.stdout.isTTY;

function printTimings(title, rows) {
  console.log(`\n${title}`);
  const head = ['backend', 'what', 'median ms', 'throughput', 'matches js'];
  const lines = rows.map((r) =>
    r.error ? [r.backend, r.family, '-', `error: ${r.error.split('\n')[0].slice(0, 70)}`, '-'] : [r.backend, r.family, r.ms.toFixed(2), r.rate, r.agrees === null ? '(reference)' : r.agrees ? 'yes' : 'NO'],
  );
  const w = head.map((h, i) => Math.max(h.length, ...lines.map((l) => String(l[i]).length)));
  const fmt = (cells) => cells.map((c, i) => (i === 2 ? String(c).padStart(w[i]) : String(c).padEnd(w[i]))).join('  ');
  console.log(fmt(head));
  console.log(w.map((n) => '-'.repeat(n)).join('  '));
  for (const l of lines) console.log(fmt(l));
}

/** Rows that count as failures: a kernel that throws or disagrees with js (unavailable backends don't). */
const brokenRows = (rows) => rows.filter((r) => (r.error && r.family !== '(all)') || r.agrees === false);

/** A one-line progress bar, redrawn in place on a terminal, printed every ~10% otherwise. */
function progressBar(name) {
  let lastTenth = -1;
  return ({ epoch, epochs, logs }) => {
    const total = epochs ?? epoch;
    const width = 24;
    const filled = Math.round((epoch / total) * width);
    const extra = Object.entries(logs).filter(([k]) => k !== 'loss').map(([k, v]) => `${k} ${v.toFixed(3)}`).join(' ');
    const line = `  ${name.padEnd(26)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] epoch ${String(epoch).padStart(3)}/${total}  loss ${logs.loss?.toFixed(4)} ${extra}`;
    if (tty) process.stdout.write(`\r${line}\x1b[K`);
    else {
      const tenth = Math.floor((epoch / total) * 10);
      if (tenth !== lastTenth || epoch === total) console.log(line);
      lastTenth = tenth;
    }
  };
}

const server = await startServer({ routes: demoRoutes() });
const browser = await launchChromium();
let code = 0;
try {
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error('[page error]', e.message));
  page.on('console', (m) => m.type() === 'error' && console.error('[page]', m.text()));
  let onProgress = () => {};
  await page.exposeFunction('demoProgress', (p) => onProgress(p));
  await page.goto(`${server.url}/examples/index.html`);
  await page.waitForFunction('window.demoReady', { timeout: 120_000 });
  const meta = await page.evaluate(async () => {
    const adapter = navigator.gpu ? await navigator.gpu.requestAdapter() : null;
    return {
      userAgent: navigator.userAgent,
      crossOriginIsolated: self.crossOriginIsolated,
      adapter: adapter ? `${adapter.info?.vendor ?? ''} ${adapter.info?.architecture ?? ''}`.trim() : null,
    };
  });
  const browserName = meta.userAgent.match(/HeadlessChrome\/[\d.]+|Chrome\/[\d.]+/)?.[0] ?? 'Chromium';
  console.log(`tessera demo in ${browserName} (crossOriginIsolated: ${meta.crossOriginIsolated}, WebGPU adapter: ${meta.adapter ?? 'none'})`);

  let kernels = [];
  let models = [];
  if (!skipTimings) {
    kernels = (await page.evaluate(() => window.demo.runDemo())).rows;
    printTimings('Kernel families', kernels);
    models = (await page.evaluate(() => window.demo.runModels())).rows;
    printTimings('Model forward passes (predict)', models);
    const broken = brokenRows([...kernels, ...models]);
    if (broken.length) {
      console.error(`\n${broken.length} run(s) failed or disagreed with js`);
      code = 1;
    }
  }

  const backend = arg('backend') ?? (await page.evaluate(() => window.demo.bestBackend()));
  const only = arg('only')?.split(',');
  const names = (await page.evaluate(() => window.demo.WORKFLOW_NAMES)).filter((n) => !only || only.includes(n));
  console.log(`\nTraining the example workflows on ${backend}`);
  const workflows = [];
  for (const name of names) {
    onProgress = progressBar(name);
    try {
      const fixed = arg('backend') ? undefined : await page.evaluate((n) => window.demo.WORKFLOW_BACKENDS[n], name);
      const r = await page.evaluate(
        (n, b) => window.demo.runWorkflow(n, { backend: b, onEpoch: (p) => window.demoProgress({ epoch: p.epoch, epochs: p.epochs, logs: p.logs }) }),
        name,
        fixed ?? backend,
      );
      r.check = await page.evaluate((x) => window.demo.checkWorkflow(x), r);
      if (tty) process.stdout.write('\n');
      const m = Object.entries(r.metrics).map(([k, v]) => `${k} ${v.toFixed(4)}`).join(', ');
      console.log(`  -> ${m}; ${(r.trainMs / 1000).toFixed(1)} s; ${r.check.goal}: ${r.check.ok ? 'met' : 'NOT MET'}${r.leaked ? `; ${r.leaked} tensors leaked` : ''}`);
      for (const smp of r.samples ?? []) console.log(`     sample (temperature ${smp.temperature}): ${JSON.stringify(smp.prompt + smp.text)}`);
      if (!r.check.ok) code = 1;
      workflows.push(r);
    } catch (e) {
      if (tty) process.stdout.write('\n');
      console.error(`  -> ${name} failed: ${e.message ?? e}`);
      workflows.push({ name, error: String(e.message ?? e) });
      code = 1;
    }
  }

  const totalS = (performance.now() - started) / 1000;
  writeReport(REPORT, {
    date: new Date().toISOString().slice(0, 19).replace('T', ' ') + ' UTC',
    browser: browserName, adapter: meta.adapter, cores: cpus().length, backend, kernels, models, workflows, totalS,
  });
  console.log(`\nwrote examples/report.html (${totalS.toFixed(0)} s in all)`);
} catch (e) {
  console.error('demo failed:', e.message ?? e);
  code = 1;
} finally {
  await browser.close();
  await server.close();
}
process.exit(code);
