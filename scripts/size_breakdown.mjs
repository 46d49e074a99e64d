// Where an app's up-front JS comes from (issue 10): esbuild bundles a small app against src/ (minified, ESM,
// code splitting on, as scripts/sizes.mjs bundles against dist/) and lists the minified bytes each source
// module puts into the files the app loads up front (the entry and its static imports), largest first.
// Gzip is not split per module; as a rule of thumb the whole-API bundle gzips to about a third.
//   node scripts/size_breakdown.mjs                 # whole API, per module
//   node scripts/size_breakdown.mjs --depth=3       # grouped by the first 3 path parts (src/layers/recurrent)
//   node scripts/size_breakdown.mjs --app="import { tensor, matMul, ready } from './src/core.ts'; globalThis.x = [tensor, matMul, ready];"
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { esbuildAssetPlugin } from './assets.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, fallback) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const app = arg('app', `import * as tf from './src/index.ts'; globalThis.tf = tf;`);
const depth = Number(arg('depth', '0'));
const top = Number(arg('top', '60'));

const esbuild = await import('esbuild');
const r = await esbuild.build({
  stdin: { contents: app, resolveDir: root, loader: 'ts' }, bundle: true, format: 'esm', splitting: true, platform: 'browser',
  target: 'es2022', minify: true, write: false, metafile: true, outdir: join(root, 'build/size-breakdown'),
  plugins: [esbuildAssetPlugin()], logLevel: 'error',
});
const outputs = r.metafile.outputs;
const upFront = new Set();
const visit = (p) => {
  if (upFront.has(p)) return;
  upFront.add(p);
  for (const i of outputs[p].imports) if (i.kind === 'import-statement') visit(i.path);
};
visit(Object.keys(outputs).find((p) => outputs[p].entryPoint === '<stdin>'));
const bytes = new Map();
let total = 0;
for (const p of upFront) {
  for (const [file, { bytesInOutput }] of Object.entries(outputs[p].inputs)) {
    const key = depth > 0 ? file.split('/').slice(0, depth).join('/') : file;
    bytes.set(key, (bytes.get(key) ?? 0) + bytesInOutput);
    total += bytesInOutput;
  }
}
console.log(`${total} minified bytes up front`);
for (const [k, n] of [...bytes].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${String(n).padStart(8)}  ${k}`);
