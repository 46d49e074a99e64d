/**
 * The wasm worker pool (issue 9): with 2 threads, the case-table rows of the kernels the pool
 * splits (matMul, conv2d and its backprops, attention, unary, binary, reduce, softmax, NaN/Inf specials) must give
 * results bit-identical to the same backend with the pool off, and match the js reference as in
 * core_cases.test.ts. The split threshold is dropped to 0 so even the tables' small shapes are
 * cut into chunks (at odd places), which is what exercises the range entry points. Adam (not in
 * the tables) is checked against the js backend bit for bit, as its kernel promises.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as ts from '../src/index.js';
import { ENGINE } from '../src/engine.js';
import type { WasmBackend } from '../src/backends/wasm/backend.js';
import { SPIN_MICROS, withSharedMemoryImport, type ThreadPool } from '../src/backends/wasm/threads.js';
import { plannedThreads } from '../src/backends/wasm/thread_count.js';
import { caseTables, compareResults, runCase, type CaseRow } from './cases/index.js';

let pool: ThreadPool;

beforeAll(async () => {
  expect(() => ts.wasm.getThreadsCount()).toThrow('WASM backend not initialized.');
  ts.wasm.setThreadsCount(2);
  expect(await ts.setBackend('wasm')).toBe(true);
  expect(ts.wasm.getThreadsCount()).toBe(2);
  const p = (ENGINE.backend as WasmBackend).pool;
  if (!p) throw new Error(`no pool: ${ts.backendInfo().wasmThreads?.reason}`);
  pool = p;
  expect(pool.readyWorkers).toBe(1);
});

afterAll(() => {
  if (pool) pool.minWorkScale = 1;
});

/**
 * Runs the row on wasm with every kernel split, then with the pool off; both must agree bit for
 * bit. The split run goes first, so a chunk it failed to write cannot inherit the right values
 * from an identical run in the same (reused) arena block.
 */
async function checkRow(row: CaseRow): Promise<void> {
  const want = await runCase(ts, row, 'js');
  pool.minWorkScale = 0;
  const two = await runCase(ts, row, 'wasm');
  pool.minWorkScale = Infinity;
  const one = await runCase(ts, row, 'wasm');
  pool.minWorkScale = 1;
  if (one.error || two.error) throw new Error(`${row.name}: 1 thread: ${one.error ?? 'ok'}; 2 threads: ${two.error ?? 'ok'}`);
  expect(two.outputs, `${row.name}: 2 threads vs 1 thread`).toEqual(one.outputs);
  const problems = compareResults(row, two, want);
  if (problems.length) throw new Error(`${row.name} with 2 threads vs js:\n  ${problems.join('\n  ')}`);
}

const SPLIT_TABLES = ['matMul', 'conv', 'unary', 'binary', 'reduce', 'softmax', 'special'];
describe.each(SPLIT_TABLES.map((t) => [t, caseTables[t]] as const))('%s cases: wasm 2 threads = 1 thread, and = js', (_t, rows) => {
  it.each(rows.map((r) => [r.name, r] as const))('%s', async (_name, row) => {
    await checkRow(row);
  });
});

describe('wasm pool', () => {
  it('ran chunks on the worker, not only on the calling thread', () => {
    expect(pool.chunksPosted).toBeGreaterThan(100);
    expect(pool.chunksOnWorkers).toBeGreaterThan(0);
  });

  it('a worker asleep (spinMicros 0) or spin-waiting (20 ms) takes the next task; the matMul equals 1 thread bit for bit', async () => {
    expect(pool.spinMicros).toBe(SPIN_MICROS);
    const a = ts.randomUniform([256, 192], -1, 1, 'float32', 3);
    const b = ts.randomUniform([192, 160], -1, 1, 'float32', 4);
    pool.minWorkScale = Infinity;
    const one = ts.matMul(a, b).dataSync();
    pool.minWorkScale = 0;
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    try {
      for (const spin of [0, 20000]) {
        pool.spinMicros = spin;
        expect(pool.spinMicros).toBe(spin);
        let workerRan = false;
        for (let i = 0; i < 20 && !workerRan; i++) {
          await sleep(spin ? 1 : 5); // spin 0: the worker is asleep in Atomics.wait; 20 ms: it is still spinning
          const before = pool.chunksOnWorkers;
          const two = ts.matMul(a, b).dataSync();
          expect(Array.from(two), `spinMicros ${spin}`).toEqual(Array.from(one));
          workerRan = pool.chunksOnWorkers > before;
        }
        expect(workerRan, `spinMicros ${spin}: the worker ran a chunk`).toBe(true);
      }
    } finally {
      pool.spinMicros = SPIN_MICROS;
      pool.minWorkScale = 1;
      ts.dispose([a, b]);
    }
  });

  it('adamUpdate split over 2 threads equals the js backend bit for bit', async () => {
    const n = 4099; // not a multiple of 4: the last chunk keeps the scalar tail
    const init = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37) * 3);
    const grad = Float32Array.from({ length: n }, (_, i) => Math.cos(i * 0.11) * (i % 7 - 3));
    const run = async (backend: string, split: boolean) => {
      await ts.setBackend(backend);
      pool.minWorkScale = split ? 0 : Infinity;
      const v = ts.variable(ts.tensor(init));
      const opt = ts.train.adam(0.01, 0.9, 0.999, 1e-7);
      for (let s = 0; s < 3; s++) opt.applyGradients({ [v.name]: ts.tensor(grad) });
      const out = await v.data();
      v.dispose();
      opt.dispose();
      pool.minWorkScale = 1;
      return Float32Array.from(out);
    };
    const js = await run('js', false);
    const chunksBefore = pool.chunksPosted;
    const two = await run('wasm', true);
    const one = await run('wasm', false);
    expect(pool.chunksPosted).toBeGreaterThan(chunksBefore);
    expect(Array.from(two)).toEqual(Array.from(one));
    expect(Array.from(two)).toEqual(Array.from(js));
  });

  it('a page that is not cross-origin isolated runs one thread and says why', () => {
    const g = globalThis as { crossOriginIsolated?: boolean };
    g.crossOriginIsolated = false;
    try {
      const plan = plannedThreads(4);
      expect(plan.threads).toBe(1);
      expect(plan.reason).toMatch(/not cross-origin isolated/);
    } finally {
      delete g.crossOriginIsolated;
    }
    expect(plannedThreads(1)).toEqual({ threads: 1, reason: expect.stringMatching(/1 thread requested/) });
    expect(ts.backendInfo().wasmThreads).toEqual({ threads: 2, reason: expect.stringMatching(/^2 threads .*shared WebAssembly.Memory/) });
  });

  it('the shared-import variant differs only in the memory limits (flag 3, maximum 65536 pages)', () => {
    // A minimal module: (import "env" "memory" (memory 1)), hand-assembled.
    const plain = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 2, 0x0f, 1, 3, 0x65, 0x6e, 0x76, 6, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 2, 0, 1]);
    expect(WebAssembly.validate(plain)).toBe(true);
    const shared = withSharedMemoryImport(plain);
    // section size 0x0f -> 0x12: flag 0x03, min 1, max 65536 = LEB 0x80 0x80 0x04
    expect(Array.from(shared)).toEqual([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 2, 0x12, 1, 3, 0x65, 0x6e, 0x76, 6, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 2, 3, 1, 0x80, 0x80, 0x04]);
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true });
    expect(() => new WebAssembly.Instance(new WebAssembly.Module(shared), { env: { memory } })).not.toThrow();
    expect(() => ts.wasm.setThreadsCount(0)).toThrow(/setThreadsCount: numThreads must be an integer in \[1, 64\], got 0/);
  });
});
