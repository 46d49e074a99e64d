/**
 * Loading the AssemblyScript kernel module: picks the relaxed-SIMD build when the engine
 * validates a tiny relaxed-SIMD probe (Chromium), else the plain SIMD build (Node 20, Safari,
 * Firefox without the flag), and instantiates it over a TypeScript-owned `WebAssembly.Memory`,
 * synchronously or asynchronously. Where the module comes from (a sibling .wasm file, embedded bytes, or
 * a precompiled module) is source.ts's business.
 */
import { getKernelModule, getKernelModuleSync, kernelBytes, type ModuleKind } from './source.js';
import { loadedPoolModule } from './pool_loader.js';

/** The kernel exports (pointers and sizes are plain numbers; see assembly/*.ts). */
export interface KernelExports {
  heapBase(): number;
  isRelaxed(): number;
  unary(op: number, x: number, out: number, n: number, inKind: number, outKind: number, alpha: number, beta: number): void;
  binary(op: number, a: number, b: number, out: number, params: number, aKind: number, bKind: number, outKind: number): void;
  select(cond: number, a: number, b: number, out: number, params: number, condIsFloat: number): void;
  reduce(op: number, x: number, out: number, outer: number, inner: number, inKind: number, outKind: number): void;
  softmax(x: number, out: number, rows: number, cols: number, log: number): void;
  matMulScratchBytes(M: number, N: number, K: number): number;
  addResidual(c: number, r: number, total: number, N: number, act: number, alpha: number, prelu: number, preluSize: number): void;
  // range entry points of the worker pool (parallel.ts); the whole-range calls above stay for one thread
  matMulRange(...args: number[]): void;
  matMulPackedBytes(M: number, N: number, K: number): number;
  matMulPackRange(...args: number[]): void;
  matMulPackedRange(...args: number[]): void;
  binaryFlat(...args: number[]): void;
  attentionRange(...args: number[]): void;
  conv2dUnits(params: number, block: number): number;
  conv2dPackedBytes(fh: number, fw: number, inC: number, outC: number): number;
  conv2dPackFilter(f: number, params: number, dst: number): void;
  conv2dPackedRange(...args: number[]): void;
  conv2dBackpropInputRange(...args: number[]): void;
  conv2dBackpropFilterRange(...args: number[]): void;
  // int8 family (assembly/int8.ts, int8_relaxed.ts; src/backends/wasm/int8.ts calls them)
  int8Quantize(x: number, out: number, rows: number, cols: number, scale: number, zp: number): void;
  int8Dequantize(q: number, out: number, rows: number, cols: number, scale: number, zp: number): void;
  int8Widen(src: number, rows: number, cols: number, zp: number, dst: number, dstCols: number): void;
  int8PadRows(src: number, rows: number, cols: number, zp: number, dst: number, dstCols: number, xsum: number): void;
  int8SplitWeights(w: number, rows: number, cols: number, group: number, dst: number, dstCols: number, wsum: number): void;
  int8BiasRows(src: number, rows: number, cols: number, zp: number, dst: number, dstCols: number): void;
  int8PadWeights(w: number, rows: number, cols: number, group: number, dst: number, dstCols: number, wsum: number): void;
  int8MatMulRange(...args: number[]): void;
  int8ConvRange(...args: number[]): void;
  int8MatMulScratchBytes(nb: number): number;
  int8ConvScratchBytes(taps: number, outC: number, xRowBytes: number): number;
  int8DepthwiseRange(...args: number[]): void;
  int8Im2col(x: number, params: number, zp: number, dst: number, dstCols: number, scratch: number): void;
  int8InterleaveU8Weights(w: number, outC: number, fh: number, fw: number, inC: number, dst: number, runGroups: number, nPad: number, wsum: number): void;
  int8BiasCompact(x: number, pixels: number, inC: number, dst: number): void;
  int8BcastScratchBytes(nPad: number, fh: number, runGroups: number): number;
  int8BcastRange(...args: number[]): void;
  int8Im2colScratchBytes(pixels: number, inC: number): number;
  int8WidenCompact(x: number, pixels: number, inC: number, zp: number, dst: number): void;
  int8InterleaveConvWeights(w: number, outC: number, fh: number, fw: number, inC: number, dst: number, nPad: number): void;
  int8SmallConvScratchBytes(fh: number, fw: number, inC: number, nPad: number): number;
  int8SmallConvRange(...args: number[]): void;
  int8CompactWeights(w: number, outC: number, taps: number, inC: number, dst: number, dstCols: number): void;
  matMul(
    a: number, b: number, out: number, batch: number, M: number, N: number, K: number, transA: number, transB: number,
    aBatchStride: number, bBatchStride: number, bias: number, biasSize: number, act: number, alpha: number,
    prelu: number, preluSize: number, scratch: number,
  ): void;
  copyStrided(x: number, out: number, params: number, offset: number): void;
  pad(x: number, out: number, params: number, value: number): void;
  copyInto(x: number, out: number, outer: number, inner: number, outInner: number, offset: number): void;
  gather(x: number, indices: number, out: number, outer: number, axisDim: number, inner: number, numIndices: number): void;
  oneHot(indices: number, out: number, n: number, depth: number, onBits: number, offBits: number): void;
  unsortedSegmentSum(x: number, ids: number, out: number, outer: number, n: number, inner: number, numSegments: number): void;
  // selection, scans and N-d indexing (issue 7); gatherND/scatterND read strides[8], dims[8] from params
  topk(x: number, values: number, indices: number, rows: number, cols: number, k: number, isInt: number, heap: number): void;
  cumulative(x: number, out: number, outer: number, n: number, inner: number, op: number, exclusive: number, reverse: number, isInt: number): void;
  gatherND(x: number, indices: number, out: number, numSlices: number, sliceSize: number, depth: number, params: number): void;
  scatterND(
    indices: number, updates: number, base: number, out: number, numUpdates: number, sliceSize: number, depth: number,
    outSize: number, mode: number, isInt: number, params: number,
  ): void;
  // 3-D conv family: geometry in the params block (CONV3D_FIELDS order)
  conv3d(x: number, f: number, y: number, params: number): void;
  conv3dBackpropInput(dy: number, f: number, dx: number, params: number): void;
  conv3dBackpropFilter(x: number, dy: number, df: number, params: number): void;
  pool3d(x: number, out: number, params: number, op: number): void;
  pool3dBackprop(dy: number, x: number, dx: number, params: number, op: number): void;
  // window argmax family (dilation2d, maxPoolWithArgmax): ConvGeometry in the params block
  dilation2d(x: number, f: number, out: number, params: number): void;
  dilation2dBackpropInput(x: number, f: number, dy: number, dx: number, params: number): void;
  dilation2dBackpropFilter(x: number, f: number, dy: number, df: number, params: number): void;
  maxPoolWithArgmax(x: number, values: number, indexes: number, params: number, includeBatch: number): void;
  // image family (assembly/image.ts)
  resize(x: number, table: number, out: number, batch: number, inH: number, inW: number, C: number, outH: number, outW: number, nearest: number): void;
  fusedScratchBytes(regs: number): number;
  fusedElementwise(prog: number, nInstr: number, consts: number, inputs: number, periods: number, outputs: number, n: number, regs: number, inner: number, accs: number): void;
  resizeBackprop(dy: number, table: number, dx: number, batch: number, inH: number, inW: number, C: number, outH: number, outW: number): void;
  cropAndResize(
    image: number, boxes: number, boxInd: number, out: number, numBoxes: number, batch: number, inH: number, inW: number, C: number,
    cropH: number, cropW: number, nearest: number, extrapolation: number,
  ): void;
  // conv family: geometry in the params block (ConvGeometry order, i32 each)
  conv2dScratchBytes(fh: number, fw: number, inC: number, outC: number): number;
  conv2d(
    x: number, f: number, out: number, params: number, bias: number, biasSize: number, act: number, alpha: number,
    prelu: number, preluSize: number, scratch: number,
  ): void;
  conv2dBackpropInputScratchBytes(fh: number, fw: number, inC: number, outC: number): number;
  conv2dBackpropInput(dy: number, f: number, dx: number, params: number, scratch: number): void;
  conv2dBackpropFilter(x: number, dy: number, df: number, params: number): void;
  depthwiseScratchBytes(inH: number, inW: number, inC: number, mult: number): number;
  depthwiseConv2d(
    x: number, f: number, out: number, params: number, mult: number, bias: number, biasSize: number, act: number,
    alpha: number, prelu: number, preluSize: number, scratch: number,
  ): void;
  depthwiseConv2dBackpropInput(dy: number, f: number, dx: number, params: number, mult: number, scratch: number): void;
  depthwiseConv2dBackpropFilter(x: number, dy: number, df: number, params: number, mult: number, scratch: number): void;
  pool(x: number, out: number, params: number, op: number): void;
  poolBackprop(dy: number, x: number, dx: number, params: number, op: number): void;
  layerNorm(x: number, gamma: number, beta: number, out: number, rows: number, cols: number, epsilon: number): void;
  layerNormBackprop(dy: number, x: number, gamma: number, dx: number, rows: number, cols: number, epsilon: number): void;
  attentionScratchBytes(seqK: number, headDim: number): number;
  attention(
    q: number, k: number, v: number, mask: number, out: number, lse: number, bh: number, seqQ: number, seqK: number,
    headDim: number, scale: number, causal: number, kvStride: number, scratch: number,
  ): void;
  adamUpdate(
    param: number, grad: number, m: number, v: number, outParam: number, outM: number, outV: number, n: number,
    lr: number, beta1: number, beta2: number, epsilon: number, biasCorrection1: number, biasCorrection2: number, weightDecay: number,
  ): void;
}

export type { ModuleKind } from './source.js';

export interface LoadedModule {
  kind: ModuleKind;
  exports: KernelExports;
  memory: WebAssembly.Memory;
  /** Set when the memory is shared: the bytes instantiated (for pool workers) and the thread count planned. */
  shared?: { bytes: Uint8Array; threads: number };
}

/** (func (param v128 v128 v128) (result v128) local.get 0 local.get 1 local.get 2 f32x4.relaxed_madd) */
const RELAXED_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
  0x01, 0x08, 0x01, 0x60, 0x03, 0x7b, 0x7b, 0x7b, 0x01, 0x7b, // type section
  0x03, 0x02, 0x01, 0x00, // function section
  0x0a, 0x0d, 0x01, 0x0b, 0x00, 0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0xfd, 0x85, 0x02, 0x0b, // code section
]);
/** (func (result v128) v128.const 0) */
const SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b,
  0x03, 0x02, 0x01, 0x00,
  0x0a, 0x16, 0x01, 0x14, 0x00, 0xfd, 0x0c, ...new Array(16).fill(0), 0x0b,
]);

function validate(bytes: Uint8Array): boolean {
  try {
    return WebAssembly.validate(bytes as Uint8Array<ArrayBuffer>);
  } catch {
    return false;
  }
}

export function hasWasm(): boolean {
  return typeof WebAssembly === 'object' && typeof WebAssembly.Memory === 'function';
}
export function hasSimd(): boolean {
  return hasWasm() && validate(SIMD_PROBE);
}
export function hasRelaxedSimd(): boolean {
  return hasWasm() && validate(RELAXED_PROBE);
}

/** Which build this engine should run; null when it has no Wasm SIMD at all. */
export function chooseModule(prefer?: ModuleKind): ModuleKind | null {
  if (!hasSimd()) return null;
  return hasRelaxedSimd() && prefer !== 'simd' ? 'relaxed-simd' : 'simd';
}

/** The build an instance really runs (a module given to setWasmModule may be either). */
function kindOf(exports: KernelExports): ModuleKind {
  return exports.isRelaxed() ? 'relaxed-simd' : 'simd';
}

function imports(memory: WebAssembly.Memory): WebAssembly.Imports {
  return {
    env: {
      memory,
      abort: () => {
        throw new Error('wasm backend: kernel module aborted');
      },
    },
  };
}

/**
/**
 * A shared memory and the shared-import variant of the build's bytes when `threads` > 1 (threads.ts; the
 * caller has loaded the pool code, pool_loader.ts); null for one thread, or when only a precompiled module was given (no bytes to rewrite).
 */
function sharedParts(kind: ModuleKind, threads: number): { memory: WebAssembly.Memory; bytes: Uint8Array; shared: NonNullable<LoadedModule['shared']> } | null {
  if (threads <= 1) return null;
  const bytes = kernelBytes(kind);
  const pool = loadedPoolModule();
  if (!bytes || !pool) return null;
  const memory = new WebAssembly.Memory({ initial: 16, maximum: pool.SHARED_MAX_PAGES, shared: true });
  const sharedBytes = pool.withSharedMemoryImport(bytes);
  return { memory, bytes: sharedBytes, shared: { bytes: sharedBytes, threads } };
}

/**
 * Synchronous instantiation (fine in Node and workers; our module is small enough for pages); null when
 * the engine lacks SIMD or the module must be fetched first.
 */
export function loadModuleSync(prefer?: ModuleKind, threads = 1): LoadedModule | null {
  const kind = chooseModule(prefer);
  const module = kind && getKernelModuleSync(kind);
  if (!kind || !module) return null;
  const sh = sharedParts(kind, threads);
  const memory = sh ? sh.memory : new WebAssembly.Memory({ initial: 16 });
  const instance = new WebAssembly.Instance(sh ? new WebAssembly.Module(sh.bytes as Uint8Array<ArrayBuffer>) : module, imports(memory));
  const exports = instance.exports as unknown as KernelExports;
  return { kind: kindOf(exports), exports, memory, shared: sh?.shared };
}

export async function loadModule(prefer?: ModuleKind, threads = 1): Promise<LoadedModule | null> {
  const kind = chooseModule(prefer);
  if (!kind) return null;
  const module = await getKernelModule(kind);
  const sh = sharedParts(kind, threads);
  const memory = sh ? sh.memory : new WebAssembly.Memory({ initial: 16 });
  const instance = await WebAssembly.instantiate(sh ? await WebAssembly.compile(sh.bytes as Uint8Array<ArrayBuffer>) : module, imports(memory));
  const exports = instance.exports as unknown as KernelExports;
  return { kind: kindOf(exports), exports, memory, shared: sh?.shared };
}
