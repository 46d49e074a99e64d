// `node bench/first_prediction.mjs` (or `node bench/run.mjs --first-prediction`): time from
// starting the library's import to the first prediction's data(), for tessera and TF.js, on the
// bench CNN and a small transformer block (bench/first_prediction_models.mjs), on wasm and webgpu.
// Every sample is a fresh Chromium (own profile, so no shader or HTTP cache carries over) opening
// one page that imports one library as a production app ships it (esbuild, minified, code-split:
// lazy chunks load only when asked for), sets the backend, builds the model, predicts a batch of
// one and awaits data(). Phases are reported too (import, backend ready, build, predict + data),
// and a second prediction for contrast. Writes bench/results/first_prediction.json.
// Options: --reps=<samples per cell> (default 3), --backends=wasm,webgpu, --models=cnn,transformer.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from '../scripts/chromium.mjs';
import { repoRoot, startServer } from '../scripts/server.mjs';
import { TESSERA_ENTRY, TFJS_ENTRY } from './first_prediction_entries.mjs';
import { FIRST_PREDICTION_MODELS } from './first_prediction_models.mjs';

const arg = (name, dflt) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt;

/**
 * The library as an app ships it: esbuild bundles the entry minified with code splitting, so a
 * library's lazy chunks (tessera's backends) load only when the page asks for them, as in a
 * production build. Returns the output files by name (`<name>.js` is the entry).
 */
async function bundle(contents, name) {
  const esbuild = await import('esbuild');
  const entry = {
    name: 'first-entry',
    setup(b) {
      b.onResolve({ filter: /^first-entry:/ }, (a) => ({ path: a.path.slice(12), namespace: 'first-entry' }));
      b.onLoad({ filter: /.*/, namespace: 'first-entry' }, () => ({ contents, resolveDir: repoRoot, loader: 'js' }));
    },
  };
  const out = await esbuild.build({
    entryPoints: { [name]: `first-entry:${name}` }, plugins: [entry], outdir: '/__first', splitting: true,
    bundle: true, minify: true, format: 'esm', platform: 'browser', target: 'es2022', write: false, logLevel: 'error',
  });
  return Object.fromEntries(out.outputFiles.map((f) => [f.path.split('/').pop(), f.text]));
}

/** The page of one sample: import `lib`, set `backend`, build `model`, predict once, twice. */
function pageFor(variant, backend, model) {
  const { build, input } = FIRST_PREDICTION_MODELS[model];
  const lib = VARIANTS[variant];
  const warm = variant === 'tessera_warmup';
  const untiered = variant === 'tessera_untiered';
  return `<!doctype html><meta charset="utf-8"><title>first prediction</title><script type="module">
const t0 = performance.now();
try {
  const m = await import('/__first/${lib}.js');
  const tImport = performance.now();
  if (m.setWasmPaths) m.setWasmPaths('/node_modules/@tensorflow/tfjs-backend-wasm/dist/');
  const ok = await m.lib.setBackend('${backend}');
  await m.lib.ready();
  if (!ok || m.lib.getBackend() !== '${backend}') throw new Error('backend ${backend} did not start: ' + m.lib.getBackend());
  ${untiered ? 'm.lib.backend().tieredCompile = false;' : ''}
  const tBackend = performance.now();
  const model = m.${build}(m.lib);
  const x = m.lib.ones(${JSON.stringify(input)});
  ${warm ? 'await model.warmup();' : ''}
  const tBuild = performance.now();
  const y = model.predict(x);
  const values = await y.data();
  const tFirst = performance.now();
  const y2 = model.predict(x);
  await y2.data();
  const tSecond = performance.now();
  window.__result = {
    firstPredictionMs: tFirst - t0, importMs: tImport - t0, backendMs: tBackend - tImport, buildMs: tBuild - tBackend,
    predictMs: tFirst - tBuild, secondPredictMs: tSecond - tFirst, finite: Array.from(values).every(Number.isFinite), outputs: values.length,
  };
} catch (e) { window.__result = { error: String((e && e.stack) || e) }; }
</script>`;
}

/**
 * The samples of each cell: tessera and TF.js as a user's first predict runs them, and tessera
 * with `await model.warmup()` between build and predict (its "build" phase then holds the warmup,
 * its "predict" phase is the first prediction of a warmed model), and tessera with
 * tiered compilation off (backend().tieredCompile = false: every matMul waits for its own pipeline; the A/B).
 */
const VARIANTS = { tessera: 'tessera', tfjs: 'tfjs', tessera_warmup: 'tessera', tessera_untiered: 'tessera' };

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export async function runFirstPrediction() {
  const reps = Number(arg('reps', 3));
  const backends = arg('backends', 'wasm,webgpu').split(',');
  const models = arg('models', 'cnn,transformer').split(',');
  const libs = { tessera: await bundle(TESSERA_ENTRY, 'tessera'), tfjs: await bundle(TFJS_ENTRY, 'tfjs') };
  const routes = { '/favicon.ico': { type: 'image/x-icon', body: '' } };
  for (const files of Object.values(libs)) {
    for (const [file, code] of Object.entries(files)) routes[`/__first/${file}`] = { type: 'text/javascript; charset=utf-8', body: code };
  }
  for (const v of Object.keys(VARIANTS)) for (const b of backends) for (const m of models) routes[`/__first/${v}-${b}-${m}.html`] = { body: pageFor(v, b, m) };
  const server = await startServer({ routes });
  const result = {
    date: new Date().toISOString(), cpu: `${cpus()[0]?.model ?? 'unknown CPU'} x${cpus().length}`, loadAverageStart: loadavg().map((v) => v.toFixed(2)).join(' '),
    bundleBytes: Object.fromEntries(Object.entries(libs).map(([k, files]) => [k, { entry: files[`${k}.js`].length, all: Object.values(files).reduce((n, c) => n + c.length, 0) }])), reps, rows: [],
  };
  try {
    for (const b of backends) {
      for (const m of models) {
        const row = { backend: b, model: m };
        // Alternate the libraries sample by sample, so that load drifts hit both alike.
        for (let rep = 0; rep < reps; rep++) {
          for (const lib of Object.keys(VARIANTS)) {
            const browser = await launchChromium();
            try {
              const tab = await browser.newPage();
              await tab.goto(`${server.url}/__first/${lib}-${b}-${m}.html`);
              await tab.waitForFunction('window.__result', { timeout: 300_000 });
              const r = await tab.evaluate(() => window.__result);
              if (rep === 0 && b === 'webgpu') r.adapter = await tab.evaluate(async () => { const a = await navigator.gpu?.requestAdapter(); return a ? `${a.info?.vendor} ${a.info?.architecture} ${a.info?.description}` : null; });
              (row[lib] ??= { samples: [] }).samples.push(r);
              console.log(`[first] ${b} ${m} ${lib} #${rep + 1}: ${r.error ?? `${r.firstPredictionMs.toFixed(0)} ms (import ${r.importMs.toFixed(0)}, backend ${r.backendMs.toFixed(0)}, build ${r.buildMs.toFixed(0)}, predict ${r.predictMs.toFixed(0)}; second ${r.secondPredictMs.toFixed(1)})`}`);
            } finally {
              await browser.close();
            }
          }
        }
        for (const lib of Object.keys(VARIANTS)) {
          const ok = row[lib].samples.filter((s) => !s.error);
          if (ok.length) for (const k of ['firstPredictionMs', 'importMs', 'backendMs', 'buildMs', 'predictMs', 'secondPredictMs']) row[lib][`median_${k}`] = median(ok.map((s) => s[k]));
        }
        if (row.tessera.median_firstPredictionMs && row.tfjs.median_firstPredictionMs) row.ratio = row.tessera.median_firstPredictionMs / row.tfjs.median_firstPredictionMs;
        result.rows.push(row);
        console.log(`[first] ${b} ${m}: tessera ${row.tessera.median_firstPredictionMs?.toFixed(0)} ms, tfjs ${row.tfjs.median_firstPredictionMs?.toFixed(0)} ms, ratio ${row.ratio?.toFixed(2)}`);
        result.loadAverageEnd = loadavg().map((v) => v.toFixed(2)).join(' ');
        mkdirSync(join(repoRoot, 'bench/results'), { recursive: true });
        writeFileSync(join(repoRoot, 'bench/results/first_prediction.json'), JSON.stringify(result, null, 2));
      }
    }
  } finally {
    await server.close();
  }
  return result;
}

if (process.argv[1]?.endsWith('first_prediction.mjs')) {
  runFirstPrediction().catch((e) => { console.error(e); process.exit(1); });
}
