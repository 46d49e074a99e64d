// Builds tessera: the elementwise op table's generated dispatch (scripts/gen_elementwise.mjs), then
// AssemblyScript -> two Wasm modules (SIMD and relaxed-SIMD), copied into dist/ beside
// esbuild's outputs: the ESM entries dist/tessera.js, core.js, layers.js (shared chunks; each loads the one
// Wasm build it needs from the sibling file), dist/tessera.inline.js (self-contained, Wasm embedded) and
// dist/tessera.cjs (require); tsc -> .d.ts types. WGSL sources are embedded as text in the webgpu chunk.
// `--if-stale` skips the work when every output is newer than every input.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { esbuildAssetPlugin } from './assets.mjs';
import { writeGenerated } from './gen_elementwise.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = (p) => join(root, p);
const ifStale = process.argv.includes('--if-stale');
const WASM_DIST = [out('dist/tessera-simd.wasm'), out('dist/tessera-relaxed.wasm')];

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}
const oldest = (files) => Math.min(...files.map((f) => (existsSync(f) ? statSync(f).mtimeMs : 0)));

/**
 * Makes the namespace objects of the ESM dist (`export * as util`, `image`, `wasm`, ...) droppable by an app's
 * bundler: esbuild writes each as `var ns = {};` then a statement `__export(ns, { name: () => fn, ... });`, a
 * call the app's bundler must keep, and with it every function the getters name, even in an app that never
 * touches the namespace. Rewritten as one `/* @__PURE__ *\/` expression (same lines, so the source maps hold),
 * the namespace and what it names go when unused (tests/bundle.test.ts measures a tessera/core app). The arrow's
 * parameter takes the namespace variable's own name: the dist's identifiers are minified, so any fixed name
 * (it was `ns`) can shadow a module-level function a getter returns (tf.train.sgd once returned the namespace).
 */
function pureNamespaces(dir) {
  const pattern = /^var ([\w$]+) = \{\};\n([\w$]+)\(\1, \{\n((?: {2}[\w$]+: \(\) => [\w$]+,?\n)*)\}\);$/gm;
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.js'))) {
    const p = join(dir, f);
    const text = readFileSync(p, 'utf8');
    const next = text.replace(pattern, (_, ns, exportFn, getters) =>
      `var ${ns} = /* @__PURE__ */ ((${ns}) =>\n(${exportFn}(${ns}, {\n${getters}}), ${ns}))({});`);
    if (next !== text) writeFileSync(p, next);
  }
}

async function main() {
  if (!existsSync(out('node_modules/.bin/asc'))) {
    console.log('[build] installing dev dependencies (npm ci)');
    execFileSync('npm', ['ci'], { cwd: root, stdio: 'inherit' });
  }
  // The op-code dispatch of assembly/ and shaders/ is generated from src/ops/elementwise_table.
  const generated = await writeGenerated();
  if (generated.length) console.log(`[build] generated ${generated.join(', ')}`);
  const wasmOut = [out('build/tessera-simd.wasm'), out('build/tessera-relaxed.wasm')];
  const inputs = Math.max(newest(out('assembly')), statSync(out('asconfig.json')).mtimeMs);
  mkdirSync(out('build'), { recursive: true });
  if (!ifStale || oldest(wasmOut) < inputs) {
    console.log('[build] asc: assembly/ -> build/tessera-{simd,relaxed}.wasm');
    const asc = out('node_modules/.bin/asc');
    execFileSync(asc, ['assembly/index.ts', '--target', 'simd'], { cwd: root, stdio: 'inherit' });
    execFileSync(asc, ['assembly/index.ts', '--target', 'relaxed'], { cwd: root, stdio: 'inherit' });
  }
  const bundle = out('dist/tessera.js');
  const outputs = [bundle, out('dist/tessera.inline.js'), out('dist/tessera.cjs'), out('dist/types/index.d.ts'), ...WASM_DIST];
  const srcNewest = Math.max(newest(out('src')), newest(out('shaders')), statSync(out('package.json')).mtimeMs, ...wasmOut.map((f) => statSync(f).mtimeMs));
  if (!ifStale || oldest(outputs) < srcNewest) {
    console.log('[build] esbuild: dist/{tessera,core,layers}.js (+ chunks), dist/tessera.inline.js, dist/tessera.cjs');
    const esbuild = await import('esbuild');
    rmSync(out('dist'), { recursive: true, force: true });
    mkdirSync(out('dist'), { recursive: true });
    const common = {
      bundle: true, platform: 'neutral', target: 'es2022', minify: true, sourcemap: true, legalComments: 'none',
      plugins: [esbuildAssetPlugin()], logLevel: 'warning',
    };
    // ESM entries sharing chunks (one engine across tessera, tessera/core and tessera/layers); the
    // kernel module is a sibling file (new URL('./tessera-*.wasm', import.meta.url)), webgpu a lazy chunk.
    // Whitespace is kept (names and syntax minified) so the /* @__PURE__ */ marks on op definitions (calls of
    // @__NO_SIDE_EFFECTS__ helpers such as op()) survive: an app's bundler then drops the ops it never uses.
    await esbuild.build({
      ...common, minify: false, minifySyntax: true, minifyIdentifiers: true,
      entryPoints: { tessera: out('src/index.ts'), core: out('src/core.ts'), layers: out('src/layers_api.ts') },
      format: 'esm', splitting: true, outdir: out('dist'), chunkNames: 'chunk-[hash]',
    });
    pureNamespaces(out('dist'));
    // one self-contained file with both Wasm builds embedded
    await esbuild.build({ ...common, entryPoints: [out('src/inline.ts')], format: 'esm', outfile: out('dist/tessera.inline.js') });
    // CommonJS for require('tessera'): import.meta.url becomes this file's URL, for the sibling .wasm
    await esbuild.build({
      ...common, entryPoints: [out('src/index.ts')], format: 'cjs', outfile: out('dist/tessera.cjs'), platform: 'node', target: 'node20',
      define: { 'import.meta.url': '__tesseraUrl' },
      banner: { js: 'var __tesseraUrl = require("node:url").pathToFileURL(__filename).href;' },
    });
    for (let i = 0; i < wasmOut.length; i++) copyFileSync(wasmOut[i], WASM_DIST[i]);
    console.log('[build] tsc: dist/types');
    execFileSync(out('node_modules/.bin/tsc'), ['-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  }
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
