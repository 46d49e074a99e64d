// Bundles the specs that @tensorflow/tfjs-core ships compiled (node_modules/.../dist/**/*_test.js) into one
// ESM file that runs against tessera. Every import of a public tfjs module resolves to tessera's own
// exports (dist/tessera.inline.js) through a CommonJS proxy, so a name tessera lacks is `undefined` at run time and
// only the specs that use it fail; nothing falls back to tfjs code. tfjs's test helpers (test_util's array
// comparisons, rand_util's statistics, a few constants) are the only tfjs modules bundled as they are.
import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '../..');
// real path: esbuild reports importers by their real path, also when node_modules is a symbolic link
export const CORE_DIST = realpathSync(join(repoRoot, 'node_modules/@tensorflow/tfjs-core/dist'));
// the self-contained build: the spec bundle is written elsewhere, away from dist/'s sibling .wasm files
const TESSERA = join(repoRoot, 'dist/tessera.inline.js');
const JASMINE_UTIL_SHIM = join(repoRoot, 'tests/tfjs_specs/jasmine_util_shim.mjs');
const ENGINE_SHIM = join(repoRoot, 'tests/tfjs_specs/test_util_engine_shim.mjs');

/** tfjs modules that are test helpers or plain constants, bundled from tfjs unchanged. */
const TFJS_TEST_HELPERS = new Set([
  'test_util', 'ops/rand_util', 'ops/selu_util', 'ops/reduce_util', 'image_test_util', 'ops/identity_pool_test',
]);
/** tfjs modules whose exports are tessera namespaces (`tf.util`, `tf.serialization`, `tf.io`, ...). */
const TFJS_NAMESPACES = { util: 'util', serialization: 'serialization', device_util: 'device_util' };
const namespaceOf = (mod) => TFJS_NAMESPACES[mod] ?? (mod.startsWith('io/') ? 'io' : undefined);
/**
 * A test helper that tfjs keeps in its localStorage module: it clears saved models between specs. Given to the
 * specs beside tessera's io namespace (it only removes TF.js-layout localStorage keys, as tfjs's does).
 */
const PURGE_HELPER = `function purgeLocalStorageArtifacts() {
  if (typeof localStorage === 'undefined') return [];
  const purged = [];
  for (let i = localStorage.length - 1; i >= 0; i--) {
    const key = localStorage.key(i);
    if (key && key.startsWith('tensorflowjs_models/')) { localStorage.removeItem(key); purged.push(key); }
  }
  return purged;
}`;

/** Every shipped spec file, relative to tfjs-core's dist/, sorted. */
export function allSpecFiles(dir = CORE_DIST, out = []) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) allSpecFiles(p, out);
    else if (e.name.endsWith('_test.js')) out.push(relative(CORE_DIST, p));
  }
  return out.sort();
}

function tfjsModule(importer, spec) {
  let abs = resolve(dirname(importer), spec);
  if (existsSync(abs + '.js')) abs += '.js';
  else if (existsSync(join(abs, 'index.js'))) abs = join(abs, 'index.js');
  return relative(CORE_DIST, abs).replace(/\.js$/, '');
}

/** Where a tfjs-internal import goes: 'tfjs' (bundle as is), 'file:<shim>', or 'tessera:<namespace>'. */
function route(importerRel, mod) {
  if (mod === 'jasmine_util') return `file:${JASMINE_UTIL_SHIM}`;
  if (TFJS_TEST_HELPERS.has(mod)) return 'tfjs';
  const importerUsesPublicApi = importerRel.endsWith('_test') || importerRel === 'image_test_util';
  // the helpers' own imports (util, environment, ...) stay tfjs, but never tfjs's engine
  if (!importerUsesPublicApi) return mod === 'engine' ? `file:${ENGINE_SHIM}` : 'tfjs';
  if (mod === 'io/local_storage') return 'tessera:io+purge';
  if (namespaceOf(mod)) return `tessera:${namespaceOf(mod)}`;
  return 'tessera:';
}

function tesseraProxyPlugin(tesseraPath) {
  return {
    name: 'tfjs-to-tessera',
    setup(build) {
      // tfjs-core's package.json says "sideEffects": false, but a spec file is all side effects
      build.onResolve({ filter: /_test\.js$/ }, (args) => (args.path.startsWith(CORE_DIST) ? { path: args.path, sideEffects: true } : undefined));
      build.onResolve({ filter: /^\.\.?(\/|$)/ }, (args) => {
        if (!args.importer.startsWith(CORE_DIST)) return undefined;
        const importerRel = relative(CORE_DIST, args.importer).replace(/\.js$/, '');
        const mod = tfjsModule(args.importer, args.path);
        const where = route(importerRel, mod);
        if (where === 'tfjs') return mod.endsWith('_test') ? { path: join(CORE_DIST, `${mod}.js`), sideEffects: true } : undefined;
        if (where.startsWith('file:')) return { path: where.slice(5) };
        return { path: where.slice(8) || '.', namespace: 'tessera-proxy' };
      });
      build.onLoad({ filter: /.*/, namespace: 'tessera-proxy' }, (args) => ({
        contents: args.path === '.'
          ? `module.exports = require(${JSON.stringify(tesseraPath)});`
          : args.path === 'io+purge'
            ? `${PURGE_HELPER}\nmodule.exports = { ...require(${JSON.stringify(tesseraPath)}).io, purgeLocalStorageArtifacts };`
            : `module.exports = require(${JSON.stringify(tesseraPath)})[${JSON.stringify(args.path)}] || {};`,
        loader: 'js',
        resolveDir: repoRoot,
      }));
    },
  };
}

/**
 * The reference run: the same specs against TF.js itself (tfjs-core plus its webgpu backend), to measure
 * which specs TF.js's own webgpu backend fails. Only jasmine_util is replaced; the shims' tessera import
 * becomes tfjs.
 */
function tfjsReferencePlugin() {
  return {
    name: 'tfjs-reference',
    setup(build) {
      build.onResolve({ filter: /_test\.js$/ }, (args) => (args.path.startsWith(CORE_DIST) ? { path: args.path, sideEffects: true } : undefined));
      build.onResolve({ filter: /jasmine_util$/ }, (args) => (args.importer.startsWith(CORE_DIST) ? { path: JASMINE_UTIL_SHIM } : undefined));
      build.onResolve({ filter: /dist\/tessera\.js$/ }, () => ({ path: 'tfjs', namespace: 'tfjs-reference' }));
      build.onLoad({ filter: /.*/, namespace: 'tfjs-reference' }, () => ({
        // what tfjs's own spec setup loads besides the backend: the chained ops and the gradients
        contents: ['index.js', 'public/chained_ops/register_all_chained_ops.js', 'register_all_gradients.js']
          .map((f, i) => `${i ? 'import' : 'export * from'} ${JSON.stringify(join(CORE_DIST, f))};`)
          .join('\n') + `\nimport '@tensorflow/tfjs-backend-webgpu';`,
        loader: 'js',
        resolveDir: repoRoot,
      }));
    },
  };
}

/**
 * One ESM bundle of the given spec files (relative to tfjs-core's dist). `platform` is 'node' or 'browser';
 * `target` is 'tessera' (the suite under test) or 'tfjs' (TF.js's own webgpu backend, for the reference list).
 */
export async function bundleSpecs({ files, platform, outfile, target = 'tessera', tesseraPath = TESSERA }) {
  if (target === 'tessera' && !existsSync(tesseraPath)) throw new Error(`tfjs specs: ${tesseraPath} is missing; run npm run build`);
  const esbuild = await import('esbuild');
  const entry = files.map((f) => `import ${JSON.stringify(join(CORE_DIST, f))};`).join('\n');
  const result = await esbuild.build({
    stdin: { contents: entry, resolveDir: CORE_DIST, sourcefile: 'tfjs_specs_entry.js' },
    bundle: true,
    format: 'esm',
    platform,
    target: 'es2022',
    outfile,
    write: Boolean(outfile),
    logLevel: 'error',
    plugins: [target === 'tessera' ? tesseraProxyPlugin(tesseraPath) : tfjsReferencePlugin()],
    // tfjs's helpers reach for node-only modules behind runtime checks
    external: platform === 'browser' ? ['fs', 'path', 'worker_threads', 'perf_hooks', 'os', 'crypto', 'util'] : [],
    define: { 'process.env.NODE_ENV': '"test"' },
  });
  return outfile ? outfile : result.outputFiles[0].text;
}

export const newestMtime = (files) => Math.max(...files.map((f) => (existsSync(f) ? statSync(f).mtimeMs : Infinity)));
