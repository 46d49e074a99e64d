// Builds tessera: the elementwise op table's generated dispatch (scripts/gen_elementwise.mjs),
// AssemblyScript -> two Wasm modules (SIMD and relaxed-SIMD), esbuild -> one
// self-contained ESM file with the WGSL sources and Wasm bytes embedded, tsc -> .d.ts types.
// `--if-stale` skips the work when every output is newer than every input.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { esbuildAssetPlugin } from './assets.mjs';
import { writeGenerated } from './gen_elementwise.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = (p) => join(root, p);
const ifStale = process.argv.includes('--if-stale');

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}
const oldest = (files) => Math.min(...files.map((f) => (existsSync(f) ? statSync(f).mtimeMs : 0)));

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
  const srcNewest = Math.max(newest(out('src')), newest(out('shaders')), ...wasmOut.map((f) => statSync(f).mtimeMs));
  if (!ifStale || oldest([bundle, out('dist/types/index.d.ts')]) < srcNewest) {
    console.log('[build] esbuild: src/index.ts -> dist/tessera.js');
    const esbuild = await import('esbuild');
    await esbuild.build({
      entryPoints: [out('src/index.ts')],
      bundle: true,
      format: 'esm',
      platform: 'neutral',
      target: 'es2022',
      outfile: bundle,
      minify: true,
      sourcemap: true,
      legalComments: 'none',
      plugins: [esbuildAssetPlugin()],
      logLevel: 'warning',
    });
    console.log('[build] tsc: dist/types');
    execFileSync(out('node_modules/.bin/tsc'), ['-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  }
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
