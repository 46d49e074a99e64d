// `npm run soak`: the full soak on the built bundle (dist/tessera.js): after the same warm-up on
// every backend (1200 fit steps, 4000 predicts), 1000 fit steps and 10,000 predicts on the js and
// wasm backends in plain Node (each in its own process), then the flatness checks of
// tests/soak.test.ts (tensors, bytes, wasm arena unchanged; the V8 heap in use within 10%) and,
// over the whole measured work, the RSS within 10% of the warm-up snapshot; and on webgpu in
// headless Chromium (SwiftShader here) the same
// loop (tests/helpers/soak_loop.mjs) with the checks of tests/browser/soak_webgpu.test.ts
// (tensors, GPU buffers, pool and pipelines unchanged, page JS heap within 10%) plus the Chromium
// processes' RSS within 10% of the warm-up snapshot. The Node run and
// checks live in tests/helpers/soak.ts, which esbuild bundles here (it imports only types from
// src/). Exits 1 when a check fails. Run with the young generation pinned at V8's default cap
// (see package.json and helpers/soak.ts). Options: --fit=N --predicts=N --warm-fit=N --warm-predicts=N
// --backends=js,wasm,webgpu
import { spawnSync } from 'node:child_process';
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, dflt) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt;

const bundled = await build({
  entryPoints: [join(root, 'tests/helpers/soak.ts')], bundle: true, platform: 'node', format: 'esm', write: false,
});
const helper = await import(`data:text/javascript;base64,${Buffer.from(bundled.outputFiles[0].text).toString('base64')}`);
const ts = await import(pathToFileURL(join(root, 'dist/tessera.js')).href);
const loop = await import('../tests/helpers/soak_loop.mjs');
const { runWebgpuSoakInChromium } = await import('../tests/helpers/soak_browser.mjs');

const sizes = { ...helper.FULL_SOAK };
sizes.fitSteps = Number(arg('fit', sizes.fitSteps));
sizes.predicts = Number(arg('predicts', sizes.predicts));
sizes.warmFitSteps = Number(arg('warm-fit', sizes.warmFitSteps));
sizes.warmPredicts = Number(arg('warm-predicts', sizes.warmPredicts));
const backends = arg('backends', 'js,wasm,webgpu').split(',');
const child = process.argv.includes('--child');
let failed = false;
for (const backend of backends) {
  // Each Node backend runs in a fresh process (same flags), so one backend's allocator and JIT
  // state does not show up in the next one's numbers.
  if (!child && backend !== 'webgpu') {
    const args = [...process.execArgv, fileURLToPath(import.meta.url), `--backends=${backend}`, `--fit=${sizes.fitSteps}`, `--predicts=${sizes.predicts}`, `--warm-fit=${sizes.warmFitSteps}`, `--warm-predicts=${sizes.warmPredicts}`, '--child'];
    failed ||= spawnSync(process.execPath, args, { stdio: 'inherit' }).status !== 0;
    continue;
  }
  let problems;
  if (backend === 'webgpu') {
    // The same warm-up as the Node backends.
    const gpuSizes = { ...loop.FULL_WEBGPU_SOAK, warmFitSteps: sizes.warmFitSteps, warmPredicts: sizes.warmPredicts, fitSteps: sizes.fitSteps, predicts: sizes.predicts };
    const report = await runWebgpuSoakInChromium(gpuSizes);
    console.log(loop.describeWebgpuSoak(report));
    problems = loop.webgpuSoakProblems(report, { whole: true });
  } else {
    const report = await helper.runSoak(ts, backend, sizes);
    console.log(helper.describeSoak(report));
    problems = helper.soakProblems(report, { whole: true });
  }
  for (const p of problems) console.log(`  FAIL: ${p}`);
  if (!problems.length) console.log('  ok: flat');
  failed ||= problems.length > 0;
}
process.exit(failed ? 1 : 0);
