// Runs tfjs-core 4.22's shipped specs in headless Chromium: `node tests/tfjs_specs/run_browser.mjs
// --backend webgpu [--target tessera|tfjs] [--json out.json] [--grep text]`. `--target tfjs` runs the same
// specs against TF.js's own webgpu backend, which measures the list the webgpu exclusions may draw from.
// Prints "<backend>: N passed, M failed".
import { writeFileSync } from "node:fs";
import { launchChromium } from '../../scripts/chromium.mjs';
import { startServer } from '../../scripts/server.mjs';
import { allSpecFiles, bundleSpecs } from './bundle.mjs';
import { selection } from './exclusions.mjs';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
};

/** Runs the specs on `backend` in a fresh Chromium; resolves to the tally (see jasmine_run.mjs). */
export async function runSpecsInChromium({ backend = 'webgpu', target = 'tessera', grep = '', timeoutMs = 900_000, files } = {}) {
  // the reference run counts every spec TF.js runs, so it ignores the webgpu-only exclusions it measures
  files ??= selection(allSpecFiles(), target === 'tfjs' ? 'reference' : backend).files;
  const bundle = await bundleSpecs({ files, platform: 'browser', target });
  const page = `<!doctype html><meta charset="utf-8"><title>tfjs specs on ${target}</title>
<script src="/node_modules/jasmine-core/lib/jasmine-core/jasmine.js"></script>
<script type="module">
import { makeJasmine, runSpecs } from '/tests/tfjs_specs/jasmine_run.mjs';
import { selection } from '/tests/tfjs_specs/exclusions.mjs';
try {
  window.__TESSERA_SPEC_BACKEND = ${JSON.stringify(backend)};
  const env = makeJasmine(window.jasmineRequire, window);
  await import('/__specs/bundle.js');
  const { keepSpec } = selection([], ${JSON.stringify(target === 'tfjs' ? 'reference' : backend)});
  const grep = ${JSON.stringify(grep)};
  window.__result = await runSpecs(env, (n) => keepSpec(n) && (!grep || n.includes(grep)));
} catch (e) {
  window.__result = { error: String((e && e.stack) || e) };
}
</script>`;
  const server = await startServer({
    routes: {
      '/__specs/index.html': { body: page },
      '/__specs/bundle.js': { type: 'text/javascript; charset=utf-8', body: bundle },
    },
  });
  const browser = await launchChromium();
  try {
    const tab = await browser.newPage();
    await tab.goto(`${server.url}/__specs/index.html`, { waitUntil: 'load' });
    await tab.waitForFunction(() => window.__result !== undefined, { timeout: timeoutMs, polling: 1000 });
    const result = await tab.evaluate(() => window.__result);
    if (result.error) throw new Error(`tfjs specs page failed: ${result.error}`);
    return result;
  } finally {
    await browser.close().catch(() => {});
    await server.close();
  }
}

const DEVICE_GONE = /Instance reference no longer exists|createBuffer failed, size \(\d+\) is too large|device (was )?lost/i;

/**
 * TF.js's own webgpu backend on the same specs, file groups in fresh browsers: once its device is gone every
 * later spec fails, so a group that lost its device is run again one file per browser. The result is the
 * list of specs TF.js itself fails here, measured.
 */
export async function runTfjsReference({ backend = 'webgpu', groupSize = 20 } = {}) {
  const all = selection(allSpecFiles(), 'reference').files;
  const total = { passed: 0, failed: 0, pending: 0, excluded: 0, failures: [], passedNames: [], isolatedFiles: [] };
  const add = (t) => {
    for (const k of ['passed', 'failed', 'pending', 'excluded']) total[k] += t[k];
    total.failures.push(...t.failures);
    total.passedNames.push(...t.passedNames);
  };
  for (let i = 0; i < all.length; i += groupSize) {
    const group = all.slice(i, i + groupSize);
    const t = await runSpecsInChromium({ backend, target: 'tfjs', files: group });
    if (!t.failures.some((f) => DEVICE_GONE.test(f.message))) {
      add(t);
      continue;
    }
    for (const file of group) {
      add(await runSpecsInChromium({ backend, target: 'tfjs', files: [file] }));
      total.isolatedFiles.push(file);
    }
  }
  return total;
}

if (process.argv[1] && process.argv[1].endsWith('run_browser.mjs')) {
  const backend = arg('backend', 'webgpu');
  const target = arg('target', 'tessera');
  const t0 = Date.now();
  const tally = target === 'tfjs' ? await runTfjsReference({ backend }) : await runSpecsInChromium({ backend, target, grep: arg('grep', '') });
  const seconds = ((Date.now() - t0) / 1000).toFixed(1);
  const jsonOut = arg('json', '');
  if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ backend, target, seconds: Number(seconds), ...tally }, null, 1));
  console.log(`[tfjs specs] ${target === 'tfjs' ? 'TF.js ' : ''}${backend}: ${tally.passed} passed, ${tally.failed} failed (${tally.excluded} excluded), ${seconds} s`);
}
