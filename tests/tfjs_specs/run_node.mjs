// Runs tfjs-core 4.22's shipped specs against tessera in Node: `node tests/tfjs_specs/run_node.mjs
// --backend wasm [--json out.json] [--grep text]`. Prints "<backend>: N passed, M failed" and exits 0
// (the vitest wrapper judges the numbers).
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { allSpecFiles, bundleSpecs, repoRoot } from './bundle.mjs';
import { selection } from './exclusions.mjs';
import { makeJasmine, runSpecs } from './jasmine_run.mjs';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const backend = arg('backend', 'wasm');
const grep = arg('grep', '');
const jsonOut = arg('json', '');

const { files, keepSpec } = selection(allSpecFiles(), backend);
const outDir = join(repoRoot, 'build/tfjs_specs');
mkdirSync(outDir, { recursive: true });
const outfile = join(outDir, 'specs.node.mjs');
await bundleSpecs({ files, platform: 'node', outfile });

process.on('unhandledRejection', (e) => {
  // a spec's stray rejection is its own failure; keep the run going, as tfjs's runner does not
  console.error(`[tfjs specs] unhandled rejection: ${e?.stack ?? e}`);
});
globalThis.__TESSERA_SPEC_BACKEND = backend;
const env = makeJasmine(createRequire(import.meta.url)('jasmine-core/lib/jasmine-core/jasmine.js'), globalThis);
// tfjs's specs expect tessera's startup warnings to stay quiet only as much as tfjs's do
const t0 = Date.now();
await import(pathToFileURL(outfile).href);
const tally = await runSpecs(env, (name) => keepSpec(name) && (!grep || name.includes(grep)));
const seconds = ((Date.now() - t0) / 1000).toFixed(1);
if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ backend, seconds: Number(seconds), ...tally }, null, 1));
console.log(`[tfjs specs] ${backend}: ${tally.passed} passed, ${tally.failed} failed (${tally.pending} pending in tfjs, ${tally.excluded} excluded), ${seconds} s`);
process.exit(0);
