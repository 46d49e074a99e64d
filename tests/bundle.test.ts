/**
 * The built package (dist/): the ESM entries load the one Wasm build they need from the sibling .wasm file,
 * tessera/inline is self-contained, require('tessera') works through the CJS build, tf.wasm.setWasmModule /
 * setWasmPaths are honoured, a kernel module that cannot be loaded is reported (backendInfo + a warning),
 * package.json exports every entry with types, and the bundle-size budgets hold (scripts/sizes.mjs).
 */
import { readFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { execFileSync, spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';

const root = join(__dirname, '..');
const dist = (f: string) => join(root, 'dist', f);
const KiB = 1024;

/** Runs an ESM snippet in a fresh Node (own module cache); its stdout and stderr. Throws when it fails. */
function runNode(code: string): { out: string; err: string } {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`node exited ${r.status}: ${r.stderr}`);
  return { out: r.stdout.trim(), err: r.stderr };
}

describe('bundle', () => {
  beforeAll(() => {
    execFileSync(process.execPath, [join(root, 'scripts/build.mjs'), '--if-stale'], { cwd: root, stdio: 'inherit' });
  }, 240_000);

  it('ESM entries import only their own chunks and load Wasm from the sibling file; inline embeds everything', () => {
    const esm = ['tessera.js', 'core.js', 'layers.js', ...readdirSync(dist('')).filter((f) => /^chunk-.*\.js$/.test(f))];
    for (const f of esm) {
      const src = readFileSync(dist(f), 'utf8');
      // import statements and import() calls (not text inside strings, e.g. "(import { globals } from 'webgpu')")
      for (const m of src.matchAll(/(?:^|[;\n}])\s*(?:import|export)\s*[^("'`;]*?from\s*["']([^"']+)["']|\bimport\s*\(?\s*["']([^"']+)["']/g)) {
        expect(m[1] ?? m[2], `${f} imports`).toMatch(/^\.\/chunk-[A-Z0-9]+\.js$/);
      }
      expect(src, f).not.toMatch(/AGFzbQ/); // no base64 Wasm ("\0asm") inside
    }
    expect(esm.map((f) => readFileSync(dist(f), 'utf8')).join('\n')).toMatch(/tessera-relaxed\.wasm/);
    for (const f of ['tessera-relaxed.wasm', 'tessera-simd.wasm']) {
      expect(readFileSync(dist(f)).subarray(0, 4)).toEqual(Buffer.from([0, 0x61, 0x73, 0x6d]));
    }
    const inline = readFileSync(dist('tessera.inline.js'), 'utf8');
    expect(inline).not.toMatch(/(^|[;\n}])\s*import\s*[^(]*?from\s*["']/);
    expect(inline).not.toMatch(/\bimport\s*\(?\s*["'][^"']+["']/);
    expect(inline).toMatch(/@compute/); // WGSL text is inside
    expect(inline.match(/AGFzbQ/g)?.length).toBe(2); // both Wasm builds
  });

  it('package.json exports each entry with its types, a require condition, and no runtime dependencies', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(pkg.type).toBe('module');
    expect(pkg.dependencies ?? {}).toEqual({});
    expect(pkg.exports['.'].import).toBe('./dist/tessera.js');
    expect(pkg.exports['.'].require).toBe('./dist/tessera.cjs');
    for (const sub of ['.', './core', './layers', './inline']) {
      const e = pkg.exports[sub];
      expect(existsSync(join(root, e.types)), `${sub} types`).toBe(true);
      expect(existsSync(join(root, e.default)), `${sub} file`).toBe(true);
    }
    // the modules that install chained methods are the only ones marked as having side effects
    expect(pkg.sideEffects).toEqual(expect.arrayContaining(['./dist/tessera.js', './dist/tessera.inline.js', './dist/tessera.cjs']));
    expect(pkg.sideEffects).not.toContain('./dist/core.js');
  });

  it('loads in Node and computes on wasm from the sibling file, sharing one engine across entries', async () => {
    const ts = await import(pathToFileURL(dist('tessera.js')).href);
    const core = await import(pathToFileURL(dist('core.js')).href);
    const layers = await import(pathToFileURL(dist('layers.js')).href);
    expect(await ts.setBackend('wasm')).toBe(true);
    const y = core.matMul(core.tensor([[1, 2], [3, 4]]), ts.tensor([[5], [6]]));
    expect(Array.from(await y.data())).toEqual([17, 39]); // [1*5+2*6, 3*5+4*6]
    expect(ts.memory().backends.wasm.module).toBe('simd'); // Node 20 has no relaxed SIMD
    expect(core.getBackend()).toBe('wasm');
    expect(typeof layers.sequential).toBe('function');
    expect(y.add(1).arraySync()).toEqual([[18], [40]]); // chained methods from the tessera entry
    // the namespace objects (rewritten as pure expressions by scripts/build.mjs) hold what their modules export:
    // a getter returning the namespace itself once made tf.train.sgd an object
    expect(typeof ts.train.sgd).toBe('function');
    for (const [name, ns] of Object.entries(ts)) {
      const proto = ns && typeof ns === 'object' ? Object.getPrototypeOf(ns) : undefined;
      if (proto !== Object.prototype && proto !== null) continue; // namespace objects and plain objects only
      for (const [key, v] of Object.entries(ns as Record<string, unknown>)) expect(v, `tf.${name}.${key}`).not.toBe(ns);
    }
  });

  it('require("tessera") works through the CJS build (wasm after ready())', () => {
    const code = `const tf = require('tessera'); tf.ready().then(() => {
      const y = tf.matMul(tf.tensor([[1, 2]]), tf.tensor([[3], [4]]));
      console.log(JSON.stringify([tf.getBackend(), Array.from(y.dataSync()), typeof tf.layers.dense, typeof y.relu]));
    });`;
    const out = execFileSync(process.execPath, ['-e', code], { cwd: root, encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual(['wasm', [11], 'function', 'function']); // 1*3 + 2*4
  });

  it('tf.wasm.setWasmModule takes a precompiled module; setWasmPaths takes a prefix', () => {
    const { out } = runNode(`
      import { readFileSync } from 'node:fs';
      const tf = await import('./dist/core.js');
      tf.wasm.setWasmModule(new WebAssembly.Module(readFileSync('dist/tessera-simd.wasm')));
      console.log(JSON.stringify([await tf.setBackend('wasm'), tf.memory().backends.wasm.module, Array.from(tf.matMul(tf.tensor([[2, 3]]), tf.tensor([[4], [5]])).dataSync())]));`);
    expect(JSON.parse(out)).toEqual([true, 'simd', [23]]);
    const paths = runNode(`
      const tf = await import('./dist/core.js');
      tf.wasm.setWasmPaths(${JSON.stringify(pathToFileURL(join(root, 'build')).href + '/')});
      console.log(JSON.stringify([await tf.setBackend('wasm'), Array.from(tf.add(tf.tensor([1]), tf.tensor([2])).dataSync())]));`);
    expect(JSON.parse(paths.out)).toEqual([true, [3]]);
    expect(() => runNode(`const tf = await import('./dist/core.js'); tf.wasm.setWasmModule(new Uint8Array(4));`))
      .toThrow(/setWasmModule: expected a WebAssembly.Module, got \[object Uint8Array\]/);
  });

  it('a kernel module that cannot be loaded is reported: backendInfo has the error, a warning says js is used', () => {
    const { out, err } = runNode(`
      const tf = await import('./dist/core.js');
      tf.wasm.setWasmPaths({ 'tessera-simd.wasm': 'file:///nonexistent/x.wasm' });
      const ok = await tf.setBackend('wasm');
      await tf.ready();
      console.log(JSON.stringify([ok, tf.getBackend(), tf.backendInfo().failures.wasm]));`);
    const [ok, backend, failure] = JSON.parse(out);
    expect(ok).toBe(false);
    expect(backend).toBe('js');
    expect(failure).toMatch(/could not load the kernel module from file:\/\/\/nonexistent\/x\.wasm: .*ENOENT/);
    expect(err).toMatch(/setBackend\('wasm'\) failed: wasm backend: could not load the kernel module/);
    expect(err).toMatch(/the wasm backend could not start \(.*\); using js/);
  });

  it('errors name the op in the minified bundle (names are not read from minified functions)', async () => {
    const ts = await import(pathToFileURL(dist('tessera.js')).href);
    await ts.setBackend('js');
    expect(() => ts.tile(ts.ones([2, 3]), [1e5, 1e5])).toThrow(/^tile: shape \[200000,300000\] has 60000000000 elements/);
    expect(() => ts.matMul(ts.ones([70000, 1]), ts.ones([1, 70000]))).toThrow(/^matMul: shape \[70000,70000\]/);
  });

  it('size budgets (gzip): JS before the first wasm op of a {tensor, matMul, ready} app and of the whole API, Wasm', async () => {
    // @ts-expect-error plain ESM helper without types
    const { measureApp, wasmGzip, APPS } = await import('../scripts/sizes.mjs');
    const source = (label: string) => APPS.find((a: string[]) => a[0] === label)[1];
    // nothing runs at import time: a bare import keeps nothing (gzip of an empty file is 20 bytes)
    expect((await measureApp(`import 'tessera/core';`)).initial).toBeLessThan(100);
    expect((await measureApp(`import 'tessera/layers';`)).initial).toBeLessThan(100);
    // Budgets of issue 10 count the JS an app loads before its first wasm-backend op: the up-front chunks
    // plus the wasm backend's lazy chunks (scripts/sizes.mjs). Measured 2026-12-02.
    const small = await measureApp(source('tessera/core {tensor, matMul, ready}'));
    // target 40 KiB, met: 37.0 KiB (27.2 up front + 9.8 the wasm backend with its int8 wiring, loaded by ready());
    // 39.7 before the worker pool became a lazy chunk of its own. Raised from 38 for the fused LSTM cell's wasm
    // wiring (issue 9): 38.14 measured 2026-12-03 with int8 average-pool chains (37.47 without the cell). Raised
    // from 38.5 for the training-step kernels of issue 9 (reduceColumns, attentionGrad, layerNormParamGrad: their js
    // reference loops, which the js backend carries up front and the wasm backend reuses, and the column path of
    // sum / mean): 39.25 measured 2026-12-03 (38.17 without them). Raised from 39.5 for the attention kernel's packed
    // heads (attr `heads`: the forward reads and writes [batch, seq, heads, headDim], 4 dispatches fewer per attention;
    // its js row addressing, the attrs check),
    // Adam's several-variable kernel call and bias gradients inside the weight-gradient matMul (matMul colSums, its js
    // loop and wasm wiring, the contract check; the wasm packed heads run the js loop): 39.91 measured 2026-12-03 (39.25
    // without them); issue 10's 40 KiB is the limit
    expect(small.beforeFirstWasmOp).toBeLessThanOrEqual(39.95 * KiB);
    expect(small.wasmPath).toBeGreaterThan(5 * KiB); // the wasm backend is not up front ...
    expect(small.webgpuPath).toBeGreaterThan(40 * KiB); // ... nor the webgpu one
    // ... nor its worker pool (3.9 KiB), which the backend loads only where it runs more than one thread
    expect(small.poolPath).toBeGreaterThan(2 * KiB);
    expect(small.poolPath).toBeLessThanOrEqual(5 * KiB);
    const whole = await measureApp(source('tessera, whole API'));
    // target 120 KiB not met: 168.0 KiB measured (167.9 before int8 chains ran through MaxPooling2D and relu / relu6
    // layers; 173.3 before the worker pool's code became a lazy chunk of this
    // entry too (-4.0: loaded at import only where threads are planned) and the tf.data iterators, io.listModels /
    // copyModel / moveModel / removeModel and io.loadWeights' loader joined the async parts (-1.5); 172.6 before int8
    // chains between layers; 170.5 before the
    // attention and reduction-fusion plan passes;
    // 174.8 before quantize()'s conversion, encodeWeights /
    // decodeWeightsStream, fit's snapshots and callback list, backupWeights, warmup, the preprocessing
    // layers' adapt() statistics and the CSV parser joined the async parts, less 1.0 the lazy worker pool costs this entry in
    // chunk splitting; 159.5 before int8 quantization, its kernels' wasm wiring and the recorded training
    // step landed); this ceiling stops growth. Raised from 168.5 for the fused LSTM cell (issue 9: its op, gradient and
    // js / wasm loops; 169.2 measured, was under 168.5; 169.6 with the int8 average-pool chains). Raised from 170 for
    // the training-step kernels of issue 9 (reduceColumns, attentionGrad, layerNormParamGrad and their ops'
    // paths): 171.3 measured 2026-12-03 (169.6 without them). Raised from 171.5 for Adam over all variables in one
    // kernel call (issue 9: the transformer step's 18 Adam dispatches become 1), the attention kernel's packed
    // heads (attentionPackedHeads' one-call forward) and bias gradients inside the weight-gradient matMul (colSums and
    // its plan pass, 7 dispatches fewer): 172.57 measured.
    expect(whole.beforeFirstWasmOp).toBeLessThanOrEqual(172.6 * KiB);
    // the worker pool (4.0 KiB) is not up front here either: pages without threads never load it
    expect(whole.poolPath).toBeGreaterThan(2 * KiB);
    // the webgpu path (kernels + WGSL text, 47.7 KiB since the WGSL ships without comments or indentation, was 65.9;
    // 62.9 with the int8 and subgroup matMul / attention shaders; 65.6 with float16 weight storage and the fused
    // reduction entry; 48.6 with the fused LSTM cell's shader and spec, issue 9) loads only where ready() picks webgpu.
    // Raised from 49 (2026-12-03) for the pipeline cache's switch folding (unary / binary pipelines compile 10-25x
    // faster on SwiftShader; +0.3 KiB), binary_blocked's scalar-operand mode (CPU adapters: x op scalar no longer
    // runs the per-element broadcast indexing, ~80x faster at 4M on SwiftShader; +0.25 KiB) and the reduce_columns,
    // attention_grad and layernorm_param_grad shaders and specs (issue 9's training step: 103 -> 69 dispatches; 51.4 KiB measured with all three).
    // Raised from 51.5 for the packed Adam entry and the recorded buffer copies that gather small variables (69 -> 52): 52.1.
    // Raised from 52.2 for COL_SUMS in the matMul shaders and spec (bias gradients in the weight gradient, 52 -> 45),
    // copy_strided_rows, the CPU-adapter strided copy (transpose / slice / tile / broadcastTo 4.6-14.6x faster on
    // SwiftShader, bench/copyfast_ab.mjs) and tiered compilation (issue 9's first prediction: the quick-to-compile
    // matMul shader matmul_simple.wgsl, its spec and the backend's fallback pick): 54.15 measured.
    // Raised from 54.2 for the attention tier of tiered compilation (shaders/attention_simple.wgsl and its spec: the
    // bench transformer block's second predict, the first that runs the fused attention, 425 -> 117 ms on SwiftShader): 54.59.
    expect(whole.webgpuPath).toBeGreaterThan(40 * KiB);
    expect(whole.webgpuPath).toBeLessThanOrEqual(54.6 * KiB);
    // fit / save / loadLayersModel / the IO handlers' transfers / generate / quantize / encodeWeights / backupWeights /
    // warmup / adapt / data.csv / tf.data iteration / io.listModels and friends / io.loadWeights load their code on
    // first use (19.7 KiB since int8 chains run through average pools and reshapes: int8AvgPool /
    // int8GlobalAvgPool ops and quantize()'s calibration behind an average pool; 19.3 KiB; 18.4 before the int8 chain linker (with its MaxPooling2D / relu links) moved here; 16.8 before the Dataset iterators, saved_models.ts and manifest_weights.ts moved here
    // from the up-front JS: this ceiling grows only by what leaves the up-front budget)
    expect(whole.asyncPath).toBeGreaterThan(6 * KiB);
    expect(whole.asyncPath).toBeLessThanOrEqual(19.9 * KiB);
    // importing a few names from 'tessera' (chained methods installed) keeps less than the whole API:
    // 157.4 KiB measured (161.8 before the worker pool became lazy; the layers half stays: the entry has
    // import-time effects, and the dist chunk that holds it is shared with the async parts)
    const few = await measureApp(source('tessera {tensor, matMul, ready}'));
    // (raised from 158 for the fused LSTM cell of issue 9: 158.7 measured; 159.0 with the int8 average-pool chains;
    // raised from 159.5 for issue 9's training-step kernels, reduceColumns, attentionGrad, layerNormParamGrad: 160.7;
    // from 161 for Adam over all variables in one kernel call, the attention kernel's packed heads and matMul colSums
    // with its plan pass: 161.95 measured)
    expect(few.beforeFirstWasmOp).toBeLessThanOrEqual(162 * KiB);
    expect(few.initial).toBeLessThan(whole.initial - 8 * KiB);
    // target 30 KiB per Wasm build (met: 30,464 bytes for the relaxed build, 28,756 simd, after tanh / erf / the epilogue's
    // sigmoid / softmax's ragged tail called one shared exp, lerpPixel / scatterPixel became calls and the int8
    // depthwise epilogue one finishVec path; 31,457 after the Winograd conv and the faster few-channel int8 conv; 30,718
    // after the few-input-channel int8 conv read its input in place, 29.2 KiB before; 30,713 / 29,024 on main, then 30,250
    // relaxed / 28,532 simd after the 3-D conv and pool kernels shared one walker, maxPoolWithArgmax ran in the
    // dilation2d walker and topk became one f64-comparing heap for float32 and int32; 30,317 / 28,598 with the
    // few-channel int8 conv's direct stores and split quantize, 2026-12-03): measured with asconfig shrinkLevel 1 (the int8 kernels added 4.9, the
    // u8 int8 dot and 5x8 matMul tile 1.8; powJs instead of the runtime library pow and one inlined copy of each
    // unary op saved 1.4)
    for (const f of ['dist/tessera-relaxed.wasm', 'dist/tessera-simd.wasm']) expect(wasmGzip(f)).toBeLessThanOrEqual(30 * KiB);
  }, 60_000);
});
