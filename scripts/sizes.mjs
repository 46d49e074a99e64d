// Bundle-size measurement (README size table, tests/bundle.test.ts budgets): esbuild bundles a small app
// that imports a library the way a user's app would (minified, ESM, code splitting on, as npm would resolve
// the package), and we report gzip sizes (level 9, each output file on its own, as a server sends them):
// - up front: the app's entry file and the chunks it imports statically (what loads before any code runs);
// - before the first wasm op (the budget figure, issue 10): up front + the chunks the wasm backend's dynamic
//   import loads (ready() / setBackend('wasm') wait for them; the whole-API `tessera` entry imports the
//   backend statically, so there it adds only a 0.2 KiB re-export stub);
// - the wasm worker pool: the chunks the wasm backend loads where it runs more than one thread (cross-origin
//   isolated pages, Node), not in the budget (single-threaded pages never load them; the whole-API entry
//   imports the pool statically for its synchronous start);
// - the webgpu path: the chunks ready() loads where WebGPU works (kernels + WGSL text), not in the budget;
// - async parts: what fit / save / loadLayersModel / generate load on their first call (src/async_parts.ts);
// - the Wasm file the app fetches (one build, the relaxed-SIMD one; both are within a few hundred bytes).
// A lazy chunk is put on a path by the dist/ source map of the module its dynamic import names.
// `node scripts/sizes.mjs` prints the table for tessera, TF.js (tfjs-core + tfjs-backend-wasm, and with
// tfjs-layers) and @jax-js/jax.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
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

/** src/ modules a dist/ file holds, from its source map; for a re-export stub, those of the chunks it imports. */
function distSources(file) {
  const map = `${file}.map`;
  if (!existsSync(map)) return [];
  const sources = JSON.parse(readFileSync(map, 'utf8')).sources ?? [];
  if (sources.length) return sources;
  const imported = [...readFileSync(file, 'utf8').matchAll(/from\s*["'](\.\/chunk-[A-Z0-9]+\.js)["']/g)].map((m) => join(dirname(file), m[1]));
  return imported.flatMap((f) => JSON.parse(readFileSync(`${f}.map`, 'utf8')).sources ?? []);
}

/** The lazy path a dynamic import's target (a dist/ file) belongs to (null: not tessera's). */
function pathOfDistFile(file) {
  const sources = distSources(file);
  const has = (m) => sources.some((x) => x.endsWith(m));
  if (has('src/backends/wasm/index.ts')) return 'wasm';
  // pool.ts only re-exports: its chunk may hold just the modules it names
  if (has('src/backends/wasm/pool.ts') || has('src/backends/wasm/threads.ts')) return 'pool';
  if (has('src/backends/webgpu/index.ts')) return 'webgpu';
  // async_parts.ts only re-exports: its chunk holds the modules it names
  if (has('src/models/fit_loop.ts') || has('src/io/model_save_load.ts')) return 'async';
  return null;
}

/**
 * gzip bytes of an app's bundle: `initial` (entry + static imports), `wasmPath` / `poolPath` / `webgpuPath` / `asyncPath`
 * (the further chunks each lazy path loads; a chunk two paths share counts in both), `beforeFirstWasmOp`
 * (initial + wasmPath: the budget figure), `lazy` (all JS not up front, each file once) and `total`.
 */
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
    const size = new Map(Object.keys(outputs).filter((p) => p.endsWith('.js')).map((p) => [p, gz(files.get(abs(p)))]));
    /** An output and the outputs it imports statically, transitively. */
    const closure = (start) => {
      const seen = new Set();
      const visit = (p) => {
        if (seen.has(p)) return;
        seen.add(p);
        for (const imp of outputs[p].imports) if (imp.kind === 'import-statement' && outputs[imp.path]) visit(imp.path);
      };
      visit(start);
      return seen;
    };
    const sum = (set) => [...set].reduce((n, p) => n + (size.get(p) ?? 0), 0);
    // the app's own entry (chunks that dynamic imports load are entry points in the metafile too)
    const initialSet = closure(Object.keys(outputs).find((p) => outputs[p].entryPoint === '<stdin>'));
    const paths = { wasm: new Set(), pool: new Set(), webgpu: new Set(), async: new Set() };
    for (const [p, o] of Object.entries(outputs)) {
      if (!o.entryPoint || o.entryPoint === '<stdin>') continue;
      const path = pathOfDistFile(abs(o.entryPoint));
      if (path) for (const c of closure(p)) if (!initialSet.has(c)) paths[path].add(c);
    }
    const initial = sum(initialSet);
    const total = sum(new Set(size.keys()));
    const wasmPath = sum(paths.wasm);
    return {
      initial, wasmPath, poolPath: sum(paths.pool), webgpuPath: sum(paths.webgpu), asyncPath: sum(paths.async),
      beforeFirstWasmOp: initial + wasmPath, lazy: total - initial, total,
    };
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
  ['TF.js tfjs-core + tfjs-layers + tfjs-backend-wasm, whole API', `import * as tf from '@tensorflow/tfjs-core'; import * as layers from '@tensorflow/tfjs-layers'; import '@tensorflow/tfjs-backend-wasm'; globalThis.tf = [tf, layers];`,
    'node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm'],
  ['TF.js {tensor, matMul, ready} + tfjs-backend-wasm', `import { tensor, matMul, ready } from '@tensorflow/tfjs-core'; import '@tensorflow/tfjs-backend-wasm'; globalThis.x = [tensor, matMul, ready];`,
    'node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm'],
  ['@jax-js/jax, whole API', `import * as jax from '@jax-js/jax'; globalThis.jax = jax;`, null],
  ['@jax-js/jax {numpy}', `import { numpy } from '@jax-js/jax'; globalThis.x = numpy.matmul;`, null],
];

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const kib = (n) => (n / 1024).toFixed(1);
  console.log('| app | JS before the first wasm op (KiB gzip) | of which up front | wasm worker pool (lazy) | webgpu path (lazy) | async parts (lazy) | all JS | Wasm file |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const [label, src, wasm] of APPS) {
    const s = await measureApp(src);
    const tessera = label.startsWith('tessera');
    const cell = (n) => (tessera ? kib(n) : '-');
    console.log(`| ${label} | ${kib(s.beforeFirstWasmOp)} | ${kib(s.initial)} | ${cell(s.poolPath)} | ${cell(s.webgpuPath)} | ${cell(s.asyncPath)} | ${kib(s.total)} | ${wasm ? kib(wasmGzip(wasm)) : '-'} |`);
  }
}
