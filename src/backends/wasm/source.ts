/**
 * Where the kernel Wasm module comes from, in this order: a precompiled `WebAssembly.Module` given to
 * `tf.wasm.setWasmModule()` (bundlers' and wrangler's `.wasm` imports, workerd, which forbids compiling
 * from bytes); bytes embedded by the `tessera/inline` entry (and the test setup); a URL from
 * `tf.wasm.setWasmPaths()`; else the file beside the bundle, `new URL('./tessera-relaxed.wasm',
 * import.meta.url)`, fetched in browsers and Deno and read from the file system in Node and Bun.
 * Only the one build the engine picked (relaxed-SIMD or plain SIMD) is loaded; compiled modules are cached.
 */

export type ModuleKind = 'simd' | 'relaxed-simd';

/** The file each build ships as, beside the bundle (the keys setWasmPaths' map takes). */
export const WASM_FILES: Record<ModuleKind, string> = {
  'relaxed-simd': 'tessera-relaxed.wasm',
  simd: 'tessera-simd.wasm',
};

let givenModule: WebAssembly.Module | null = null;
let embedded: Partial<Record<ModuleKind, Uint8Array>> = {};
let paths: string | Record<string, string> | null = null;
const compiled = new Map<ModuleKind, WebAssembly.Module>();

/**
 * Load the kernels from `prefix + file name` (a string, like TF.js's setWasmPaths: a folder URL ending
 * in '/') or from a map of file name (tessera-relaxed.wasm, tessera-simd.wasm) to URL. Call before
 * `tf.ready()` / `tf.setBackend('wasm')`.
 * @example
 * ```js
 * tf.wasm.setWasmPaths('https://cdn.example.com/tessera/'); // before tf.ready() / setBackend('wasm')
 * ```
 */
export function setWasmPaths(prefixOrMap: string | Record<string, string>): void {
  if (typeof prefixOrMap !== 'string' && (typeof prefixOrMap !== 'object' || prefixOrMap === null)) {
    throw new Error(`setWasmPaths: expected a URL prefix or a map of file name to URL, got ${String(prefixOrMap)}`);
  }
  paths = prefixOrMap;
  compiled.clear();
}

/**
 * Use this compiled kernel module (either build; e.g. `import mod from 'tessera/dist/tessera-simd.wasm'`
 * under wrangler or a bundler's wasm loader). Call before `tf.ready()` / `tf.setBackend('wasm')`.
 * @example
 * ```js
 * // kernels: `import kernels from 'tessera/tessera-simd.wasm'` under wrangler (workerd) or a bundler's .wasm loader
 * tf.wasm.setWasmModule(kernels); // before tf.ready() / setBackend('wasm')
 * ```
 */
export function setWasmModule(module: WebAssembly.Module): void {
  if (typeof WebAssembly !== 'object' || !(module instanceof WebAssembly.Module)) {
    throw new Error(`setWasmModule: expected a WebAssembly.Module, got ${Object.prototype.toString.call(module)}`);
  }
  const names = new Set(WebAssembly.Module.exports(module).map((e) => e.name));
  const missing = ['isRelaxed', 'heapBase', 'matMul'].filter((n) => !names.has(n));
  if (missing.length) throw new Error(`setWasmModule: this is not tessera's kernel module (it lacks the exports ${missing.join(', ')})`);
  givenModule = module;
}

/** Bytes of the builds compiled into the bundle (the inline entry and the tests call this). */
export function setEmbeddedWasm(bytes: Partial<Record<ModuleKind, Uint8Array>>): void {
  embedded = { ...embedded, ...bytes };
}

/** The URL the `kind` build is loaded from when nothing was given or embedded. */
export function wasmUrl(kind: ModuleKind): string {
  const file = WASM_FILES[kind];
  if (typeof paths === 'string') return paths + file;
  if (paths && paths[file]) return paths[file];
  try {
    return new URL(`./${file}`, import.meta.url).href;
  } catch {
    // workerd and some bundles give modules a bare name, not a URL: nothing to resolve the file against
    throw new Error(`cannot locate ${file}: this module's import.meta.url (${String(import.meta.url)}) is not a URL; ` +
      'call tf.wasm.setWasmModule() with the imported .wasm module, or tf.wasm.setWasmPaths()');
  }
}

type NodeFs = { readFileSync(p: URL): Uint8Array; promises: { readFile(p: URL): Promise<Uint8Array> } };
/** Node's and Bun's fs, without a static import (so browser bundlers have nothing to resolve). */
function nodeFs(): NodeFs | null {
  const proc = (globalThis as { process?: { getBuiltinModule?: (n: string) => unknown } }).process;
  return (proc?.getBuiltinModule?.('node:fs') as NodeFs | undefined) ?? null;
}

/** Bytes of each build loaded so far (the worker pool rewrites them to import a shared memory). */
const loadedBytes = new Map<ModuleKind, Uint8Array>();

/**
 * The bytes of the `kind` build once getKernelModule(Sync) has loaded it; null when a precompiled
 * module was given with setWasmModule (there are no bytes to share with workers then).
 */
export function kernelBytes(kind: ModuleKind): Uint8Array | null {
  if (givenModule) return null;
  return loadedBytes.get(kind) ?? embedded[kind] ?? null;
}

function compileSync(kind: ModuleKind, bytes: Uint8Array): WebAssembly.Module {
  loadedBytes.set(kind, bytes);
  const m = new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
  compiled.set(kind, m);
  return m;
}

async function fetchBytes(url: string): Promise<Uint8Array> {
  const fs = url.startsWith('file:') ? nodeFs() : null;
  if (fs) return fs.promises.readFile(new URL(url));
  const res = await fetch(url);
  if (!res.ok) throw new Error(`fetching ${url} failed: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

/**
 * The compiled kernel module for `kind`, or the module given to setWasmModule (whatever its build).
 * Rejects with the reason when it can be neither found nor compiled.
 */
export async function getKernelModule(kind: ModuleKind): Promise<WebAssembly.Module> {
  if (givenModule) return givenModule;
  const cached = compiled.get(kind);
  if (cached) return cached;
  const bytes = embedded[kind];
  if (bytes) {
    const m = await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
    compiled.set(kind, m);
    return m;
  }
  const url = wasmUrl(kind);
  let m: WebAssembly.Module;
  try {
    const fetched = await fetchBytes(url);
    loadedBytes.set(kind, fetched);
    m = await WebAssembly.compile(fetched as Uint8Array<ArrayBuffer>);
  } catch (e) {
    throw new Error(`wasm backend: could not load the kernel module from ${url}: ${(e as Error).message ?? e}` +
      ' (serve it beside the bundle, or call tf.wasm.setWasmPaths() / tf.wasm.setWasmModule(), or import tessera/inline)');
  }
  compiled.set(kind, m);
  return m;
}

/**
 * The kernel module without waiting: given, cached, embedded, or read from the file system (Node, Bun).
 * Null when it would need a fetch (then `await tf.ready()` loads it).
 */
export function getKernelModuleSync(kind: ModuleKind): WebAssembly.Module | null {
  if (givenModule) return givenModule;
  const cached = compiled.get(kind);
  if (cached) return cached;
  const bytes = embedded[kind];
  if (bytes) return compileSync(kind, bytes);
  const url = wasmUrl(kind);
  const fs = url.startsWith('file:') ? nodeFs() : null;
  return fs ? compileSync(kind, fs.readFileSync(new URL(url))) : null;
}
