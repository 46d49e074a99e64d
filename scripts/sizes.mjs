// Bundle-size measurement (README size table, tests/bundle.test.ts budgets): esbuild bundles a small app
// that imports a library the way a user's app would (minified, ESM, code splitting on), and we report the
// gzip size of the JS that loads up front (the entry and its static imports), of the JS loaded lazily
// (dynamic imports: tessera's webgpu backend), and of the Wasm file the app fetches. `node scripts/sizes.mjs`
// prints the table for tessera, TF.js (tfjs-core + tfjs-backend-wasm) and @jax-js/jax.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const gz = (bytes) => gzipSync(bytes, { level: 9 }).length;

/** Resolves `tessera` and `tessera/<sub>` through package.json "exports" to the built dist/ files. */
function tesseraPackage() {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const exportsMap = pkg.exports;
  return {
    name: 'tessera-package',
    setup(build) {
      build.onResolve({ filter: /^tessera(\/|$)/ }, (args) => {
        const entry = exportsMap[args.path === 'tessera' ? '.' : `./${args.path.slice('tessera/'.length)}`];
        if (!entry) return { errors: [{ text: `tessera has no export ${args.path}` }] };
        const file = typeof entry === 'string' ? entry : entry.import ?? entry.default;
        // as npm resolution would: package.json's "sideEffects" list says which files have any
        return { path: join(root, file), sideEffects: pkg.sideEffects.includes(file) };
      });
    },
  };
}

/** gzip sizes of an app's bundle: {initial, lazy, total} bytes of JS (the entry's static imports vs the rest). */
export async function measureApp(source) {
  const esbuild = await import('esbuild');
  const outdir = mkdtempSync(join(tmpdir(), 'tessera-size-'));
  try {
    const r = await esbuild.build({
      stdin: { contents: source, resolveDir: root, loader: 'js' }, bundle: true, format: 'esm', splitting: true,
      platform: 'browser', target: 'es2022', minify: true, legalComments: 'none', write: false, metafile: true, outdir,
      plugins: [tesseraPackage()], logLevel: 'error',
    });
    const files = new Map(r.outputFiles.map((f) => [f.path, f.contents]));
    const outputs = r.metafile.outputs;
    const abs = (p) => (p.startsWith('/') ? p : join(root, p));
    // the app's own entry (chunks that dynamic imports load are entry points in the metafile too)
    const entry = Object.keys(outputs).find((p) => outputs[p].entryPoint === '<stdin>');
    const initial = new Set();
    const visit = (p) => {
      if (initial.has(p)) return;
      initial.add(p);
      for (const imp of outputs[p].imports) if (imp.kind === 'import-statement' && outputs[imp.path]) visit(imp.path);
    };
    visit(entry);
    let init = 0;
    let total = 0;
    for (const p of Object.keys(outputs)) {
      if (!p.endsWith('.js')) continue;
      const size = gz(files.get(abs(p)));
      total += size;
      if (initial.has(p)) init += size;
    }
    return { initial: init, lazy: total - init, total };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

export const wasmGzip = (path) => gz(readFileSync(join(root, path)));

/** The apps of the README table: [label, source, wasm file fetched (or null)]. */
export const APPS = [
  ['tessera, whole API', `import * as tf from 'tessera'; globalThis.tf = tf;`, 'dist/tessera-relaxed.wasm'],
  ['tessera/core {tensor, matMul, ready}', `import { tensor, matMul, ready } from 'tessera/core'; globalThis.x = [tensor, matMul, ready];`, 'dist/tessera-relaxed.wasm'],
  ['tessera {tensor, matMul, ready}', `import { tensor, matMul, ready } from 'tessera'; globalThis.x = [tensor, matMul, ready];`, 'dist/tessera-relaxed.wasm'],
  ['tessera/inline, whole API (Wasm inside)', `import * as tf from 'tessera/inline'; globalThis.tf = tf;`, null],
  ['TF.js tfjs-core + tfjs-backend-wasm, whole API', `import * as tf from '@tensorflow/tfjs-core'; import '@tensorflow/tfjs-backend-wasm'; globalThis.tf = tf;`,
    'node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm'],
  ['TF.js {tensor, matMul, ready} + tfjs-backend-wasm', `import { tensor, matMul, ready } from '@tensorflow/tfjs-core'; import '@tensorflow/tfjs-backend-wasm'; globalThis.x = [tensor, matMul, ready];`,
    'node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm'],
  ['@jax-js/jax, whole API', `import * as jax from '@jax-js/jax'; globalThis.jax = jax;`, null],
  ['@jax-js/jax {numpy}', `import { numpy } from '@jax-js/jax'; globalThis.x = numpy.matmul;`, null],
];

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const kib = (n) => (n / 1024).toFixed(1);
  console.log('| app | JS up front (KiB gzip) | JS loaded lazily | Wasm file |');
  console.log('|---|---|---|---|');
  for (const [label, src, wasm] of APPS) {
    const s = await measureApp(src);
    console.log(`| ${label} | ${kib(s.initial)} | ${kib(s.lazy)} | ${wasm ? kib(wasmGzip(wasm)) : '-'} |`);
  }
}
