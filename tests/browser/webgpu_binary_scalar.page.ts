/**
 * Page side of tests/browser/webgpu_binary_scalar.test.ts (bundled by esbuild, run in headless
 * Chromium): every binary op code with one scalar operand (first or second) against a contiguous
 * tensor, which CPU adapters run on binary_blocked with SCALAR 0 / 1 (shaders/elementwise.wgsl). Each
 * case runs on a CPU-adapter backend, on a GPU-entry backend (binary_strided, the path these cases
 * took before) and on the js reference kernels: the first must equal the second bit for bit (NaN
 * meets NaN) and both must match js. Also reports which entries compiled.
 */
import type { DType, StorageArray, TensorInfo } from '../../src/backends/backend.js';
import { jsKernels, type JsKernel } from '../../src/backends/js/backend.js';
import { Binary } from '../../src/backends/kernels.js';
import { createWebGPUBackend, type WebGPUBackend } from '../../src/backends/webgpu/index.js';
import { close, Lcg, sizeOf, type CaseResult } from './kernel_compare.js';

interface Case { name: string; op: number; n: number; scalarFirst: boolean; dtype: DType; outDtype: DType; x: StorageArray; s: StorageArray; rtol: number; atol: number }

const prng = new Lcg(777);
const SPECIALS = [NaN, Infinity, -Infinity, 0, -0, 1, -1, 0.5, -0.5, 2.5, -2.5, 1e-6, 3, -7, 100];
const BOOL_OUT = new Set<number>([Binary.equal, Binary.notEqual, Binary.less, Binary.lessEqual, Binary.greater, Binary.greaterEqual, Binary.logicalAnd, Binary.logicalOr]);

function values(n: number, dtype: DType): StorageArray {
  if (dtype === 'int32') return Int32Array.from({ length: n }, () => Math.floor(prng.next() * 41) - 20);
  return Float32Array.from({ length: n }, (_, i) => (i < SPECIALS.length ? SPECIALS[i] : -4 + 8 * prng.next()));
}

function cases(): Case[] {
  prng.reset();
  const out: Case[] = [];
  // sizes: one element, a ragged few, ragged sizes past one blocked workgroup (4096 elements, tail
  // check), whole workgroups (no tail check)
  const sizes = [1, 3, 4096, 16390];
  const scalars = [2.5, -0.5, 0, NaN, Infinity, 3];
  let k = 0;
  for (const [name, op] of Object.entries(Binary)) {
    for (const scalarFirst of [false, true]) {
      for (const n of sizes) {
        const s = scalars[k++ % scalars.length];
        const loose = op === Binary.pow || op === Binary.atan2;
        out.push({ name: `${name} n=${n} ${scalarFirst ? `${s} op x` : `x op ${s}`}`, op, n, scalarFirst, dtype: 'float32',
          outDtype: BOOL_OUT.has(op) ? 'bool' : 'float32', x: values(n, 'float32'), s: Float32Array.of(s),
          rtol: loose ? 1e-4 : 3e-5, atol: op === Binary.mod ? 1e-4 : 1e-6 });
      }
    }
  }
  for (const op of [Binary.add, Binary.sub, Binary.mul, Binary.floorDiv, Binary.maximum, Binary.less]) {
    for (const [n, scalarFirst] of [[16384, false], [4100, true], [1027, false], [7, true]] as const) {
      out.push({ name: `int32 op ${op} n=${n} scalarFirst=${scalarFirst}`, op, n, scalarFirst, dtype: 'int32',
        outDtype: op === Binary.less ? 'bool' : 'int32', x: values(n, 'int32'), s: Int32Array.of(op === Binary.floorDiv ? 3 : -6), rtol: 0, atol: 0 });
    }
  }
  return out;
}

const info = (shape: number[], dtype: DType, dataId: unknown): TensorInfo => ({ dataId, shape, dtype, size: sizeOf(shape) } as TensorInfo);

async function runOn(be: WebGPUBackend, c: Case): Promise<StorageArray> {
  const xs = [c.n], ss: number[] = [];
  const [sa, sb] = c.scalarFirst ? [ss, xs] : [xs, ss];
  const [va, vb] = c.scalarFirst ? [c.s, c.x] : [c.x, c.s];
  const a = be.allocate(sizeOf(sa), c.dtype); be.write(a, va);
  const b = be.allocate(sizeOf(sb), c.dtype); be.write(b, vb);
  const o = be.allocate(c.n, c.outDtype);
  be.run('binary', [info(sa, c.dtype, a), info(sb, c.dtype, b)], [info(xs, c.outDtype, o)],
    { op: c.op, outShape: xs, aStrides: sa.length ? [1] : [0], bStrides: sb.length ? [1] : [0] });
  const got = await be.read(o, c.outDtype, c.n);
  for (const id of [a, b, o]) be.free(id);
  return got;
}

function jsRun(c: Case): StorageArray {
  const [va, vb] = c.scalarFirst ? [c.s, c.x] : [c.x, c.s];
  const [sa, sb] = c.scalarFirst ? [[], [c.n]] : [[c.n], []];
  const outv = c.outDtype === 'float32' ? new Float32Array(c.n) : new Int32Array(c.n);
  (jsKernels.binary as JsKernel<any>)([va, vb], [outv], { op: c.op, outShape: [c.n], aStrides: sa.length ? [1] : [0], bStrides: sb.length ? [1] : [0] },
    [info(sa, c.dtype, null), info(sb, c.dtype, null)], [info([c.n], c.outDtype, null)]);
  return outv;
}

const same = (g: number, w: number) => (g !== g && w !== w) || Object.is(g, w);

async function run(): Promise<CaseResult[]> {
  const cpu = await createWebGPUBackend({ preferDirect: true });
  const gpu = await createWebGPUBackend({ preferDirect: false });
  if (!cpu || !gpu) throw new Error('webgpu backend unavailable in this page (no navigator.gpu or adapter)');
  const results: CaseResult[] = [];
  try {
    const all = cases();
    const outs = await Promise.all(all.map(async (c) => ({ c, fast: await runOn(cpu, c), strided: await runOn(gpu, c) })));
    for (const { c, fast, strided } of outs) {
      const want = jsRun(c);
      let bad = 0, first = '';
      for (let i = 0; i < c.n; i++) {
        if (!same(fast[i], strided[i])) { bad++; first ||= `[${i}] ${fast[i]} vs binary_strided ${strided[i]} (x ${c.x[i]})`; continue; }
        if (!close(fast[i], want[i], c.rtol, c.atol)) { bad++; first ||= `[${i}] ${fast[i]}, js ${want[i]} (x ${c.x[i]})`; }
      }
      results.push({ group: 'scalar', name: c.name, bad, total: c.n, first });
    }
    // binary_blocked ran every op code with a scalar b (SCALAR 1) and a scalar a (SCALAR 0); n = 1 runs the
    // contiguous entry and compiles that one alongside (a later batch size), not binary_strided
    const keys = [...(cpu as unknown as { pipelines: { pipelines: Map<string, unknown> } }).pipelines.pipelines.keys()];
    const constantsOf = (entry: string) => keys.filter((k) => k.includes(`:${entry}:`)).map((k) => JSON.parse(k.split(`:${entry}:`)[1]));
    const allOps = Object.values(Binary).sort((x, y) => x - y);
    for (const side of [0, 1]) {
      const ops = [...new Set(constantsOf('binary_blocked').filter((c) => c.SCALAR === side).map((c) => c.OP as number))].sort((x, y) => x - y);
      results.push({ group: 'scalar', name: `binary_blocked with SCALAR ${side} ran every op code`, bad: JSON.stringify(ops) === JSON.stringify(allOps) ? 0 : 1, total: 1, first: JSON.stringify(ops) });
    }
    const strided = constantsOf('binary_strided');
    results.push({ group: 'scalar', name: 'no binary_strided on the CPU-adapter backend', bad: strided.length === 0 ? 0 : 1, total: 1, first: JSON.stringify(strided) });
    const leaked = cpu.memory().numBuffers + gpu.memory().numBuffers;
    results.push({ group: 'scalar', name: 'no leaked buffers', bad: leaked === 0 ? 0 : 1, total: 1, first: `numBuffers ${leaked}` });
  } finally {
    cpu.dispose();
    gpu.dispose();
  }
  return results;
}

(globalThis as any).tesseraWebgpuBinaryScalar = { run };
