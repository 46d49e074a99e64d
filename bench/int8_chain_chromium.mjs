// `node bench/int8_chain_chromium.mjs`: bench/int8_chain.mjs's comparison in headless Chromium (the
// bench pages' browser and server, COOP/COEP so the worker pool runs): predict wall time of the
// int8 models of bench/int8_models.mjs with the int8 chain against the same quantized model
// unchained (int8Links cleared), interleaved in one page (bench/measure.mjs), on the wasm backend
// with --threads=<n> (default 2). --builds=<dir>,<dir>: served folders holding a tessera.js build
// (default dist), each loaded as its own module instance in the same page, so a build from before
// a change runs interleaved with the one after it (copy it under build/, which is served too).
// --time=<ms per variant per model> (default 1000). Writes bench/results/<date>_int8_chain_chromium.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from '../scripts/chromium.mjs';
import { repoRoot, startServer } from '../scripts/server.mjs';

const arg = (name, dflt) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt;
const options = { threads: Number(arg('threads', 2)), time: Number(arg('time', 1000)), iterations: 5, builds: arg('builds', 'dist').split(',') };

/** Page side: per model, chained and unchained predict of each build, all interleaved. */
async function pageRun({ threads, time, iterations, builds }) {
  const { measureInterleaved } = await import('/bench/measure.mjs');
  const { int8Models } = await import('/bench/int8_models.mjs');
  const tfs = [];
  for (const b of builds) {
    const tf = await import(`/${b}/tessera.js`);
    tf.wasm.setThreadsCount(threads);
    await tf.setBackend('wasm');
    tfs.push(tf);
  }
  const rows = [];
  for (let m = 0; m < int8Models(tfs[0]).length; m++) {
    const runners = {}, outputs = {}, owned = [];
    let name = '';
    for (let i = 0; i < tfs.length; i++) {
      const tf = tfs[i], spec = int8Models(tf)[m];
      name = spec.name;
      const x = tf.randomUniform(spec.x, 0, 1, 'float32', 11);
      const float32 = spec.model();
      const chained = await tf.quantization.quantize(float32, { calibrationData: x });
      const unchained = await tf.quantization.quantize(float32, { calibrationData: x });
      for (const l of unchained.layers) if (l.int8Links) Object.assign(l.int8Links, { int8Input: false, int8Output: null });
      owned.push(x, float32, chained, unchained);
      for (const [k, model] of [['unchained', unchained], ['chained', chained]]) {
        const key = `${builds[i]} ${k}`;
        const y = model.predict(x);
        outputs[key] = Array.from(await y.data());
        y.dispose();
        runners[key] = { iteration: async () => { const y = model.predict(x); await y.data(); y.dispose(); } };
      }
    }
    const r = await measureInterleaved(runners, { time, iterations });
    const first = Object.values(outputs)[0];
    const row = { model: name, identicalOutputs: Object.values(outputs).every((o) => o.every((v, j) => Object.is(v, first[j]))) };
    for (const b of builds) {
      const u = r[`${b} unchained`]?.ms, c = r[`${b} chained`]?.ms;
      row[b] = { unchainedMs: u, chainedMs: c, speedup: u && c ? u / c : null };
    }
    console.log(`[bench] ${JSON.stringify(row)}`);
    rows.push(row);
    for (const t of owned) t.dispose();
  }
  return {
    date: new Date().toISOString(), userAgent: navigator.userAgent, crossOriginIsolated: self.crossOriginIsolated,
    threads: tfs[0].wasm.getThreadsCount(), kernelBuild: tfs[0].memory().backends?.wasm?.module ?? null,
    int8Dot: tfs[0].memory().backends?.wasm?.int8Dot ?? null, rows,
  };
}

const server = await startServer({ routes: { '/bench/int8.html': { body: '<!doctype html><meta charset="utf-8"><title>tessera int8 chain bench</title>' } } });
const browser = await launchChromium();
try {
  const tab = await browser.newPage();
  tab.on('console', (m) => {
    if (m.text().startsWith('[bench]') || m.type() === 'error') console.log(m.text());
  });
  tab.on('pageerror', (e) => console.error('[page error]', e.message));
  await tab.goto(`${server.url}/bench/int8.html`);
  const loadBefore = loadavg()[0];
  const result = await tab.evaluate(`(${pageRun.toString()})(${JSON.stringify(options)})`);
  Object.assign(result, { bench: 'int8_chain', backend: 'wasm', timing: 'median wall ms per predict (bench/measure.mjs), Chromium', options });
  result.cpu = `${cpus()[0]?.model ?? 'unknown CPU'} x${cpus().length}`;
  result.loadAverage1min = { before: loadBefore, after: loadavg()[0] };
  mkdirSync(join(repoRoot, 'bench/results'), { recursive: true });
  const file = join(repoRoot, 'bench/results', `${result.date.slice(0, 16).replace(/:/g, '')}_int8_chain_chromium.json`);
  writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
  console.log(`threads ${result.threads}, build ${result.kernelBuild}, int8 dot ${result.int8Dot}, crossOriginIsolated ${result.crossOriginIsolated}`);
  console.log(`wrote ${file}`);
} finally {
  await browser.close();
  await server.close();
}
