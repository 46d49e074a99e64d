// `npm run soak`: the full soak on the built bundle (dist/tessera.js): after a warm-up, 1000 fit
// steps and 10,000 predicts on the js and wasm backends in plain Node, then the same flatness
// checks as tests/soak.test.ts (tensors, bytes, wasm arena unchanged; RSS outside the V8 heap and
// the V8 heap in use within 10%); and on webgpu in headless Chromium (SwiftShader here) the same
// loop (tests/helpers/soak_loop.mjs) with the checks of tests/browser/soak_webgpu.test.ts
// (tensors, GPU buffers, pool and pipelines unchanged, page JS heap within 10%). The Node run and
// checks live in tests/helpers/soak.ts, which esbuild bundles here (it imports only types from
// src/). Exits 1 when a check fails. Run with the young generation pinned at V8's default cap
// (see package.json and helpers/soak.ts). Options: --fit=N --predicts=N --backends=js,wasm,webgpu
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
let failed = false;
for (const backend of arg('backends', 'js,wasm,webgpu').split(',')) {
  let problems;
  if (backend === 'webgpu') {
    const gpuSizes = { ...loop.FULL_WEBGPU_SOAK, fitSteps: sizes.fitSteps, predicts: sizes.predicts };
    const report = await runWebgpuSoakInChromium(gpuSizes);
    console.log(loop.describeWebgpuSoak(report));
    problems = loop.webgpuSoakProblems(report);
  } else {
    const report = await helper.runSoak(ts, backend, sizes);
    console.log(helper.describeSoak(report));
    problems = helper.soakProblems(report);
  }
  for (const p of problems) console.log(`  FAIL: ${p}`);
  if (!problems.length) console.log('  ok: flat');
  failed ||= problems.length > 0;
}
process.exit(failed ? 1 : 0);
