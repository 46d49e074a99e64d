/**
 * The Node soak shared by tests/soak.test.ts (reduced, in CI) and `npm run soak` (full: 1000 fit
 * steps and 10,000 predicts per backend): runs the loop in soak_loop.mjs (a small MLP trained with
 * fit, predicts with varying batch sizes; shared with the webgpu soak in Chromium), snapshotting
 * tf.memory() and the process RSS after a warm-up, mid-run and at the end.
 *
 * RSS is split in two: the V8 heap, checked by its bytes in use after a GC (its reserved size is
 * V8's own policy: under allocation pressure it grows the young generation from 4 MiB to its
 * 32 MiB cap over the first few hundred steps, and old-space pages stay committed), and the RSS
 * outside the V8 heap (`rss - heapTotal`: typed-array stores, the Wasm memory, native
 * allocations), which must stay flat. Raw RSS is reported too. Freed typed-array stores wait for
 * the next scavenge, so their peak (and malloc's high-water mark) scales with the young
 * generation: `npm run soak` pins it at 32 MiB (--min/--max-semi-space-size=16, V8's default cap),
 * as the vitest worker already has it, so the warm-up reaches the steady state.
 *
 * Where the RSS went (measured with 3 GC rounds between snapshots): live ArrayBuffers stay at
 * ~0.2 MiB throughout. The js backend used to allocate a fresh ArrayBuffer per kernel output, and
 * that churn between GCs raised the RSS outside the heap step by step (58 -> 64 -> 69 MiB over
 * three full rounds); it now reuses freed arrays (src/backends/js/backend.ts), and the RSS stays
 * within 2% after the warm-up. What remains is one-time: V8's optimizing compilers (about 20 MiB
 * over the first ~500 steps), wasm tier-up and V8 sizing its old space, which is why every
 * backend gets the same warm-up first.
 */
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import type * as TS from '../../src/index.js';
import { runSoakLoop } from './soak_loop.mjs';

type Ts = typeof TS;

export interface SoakSizes {
  /** Work done before the first snapshot (V8 heap, JIT and malloc settle in the first ~600 steps). */
  warmFitSteps: number;
  warmPredicts: number;
  /** Work measured between the two snapshots. */
  fitSteps: number;
  predicts: number;
}
export const CI_SOAK: SoakSizes = { warmFitSteps: 150, warmPredicts: 700, fitSteps: 90, predicts: 500 };
// The full warm-up lets V8 settle: its optimizing compilers, wasm tier-up and old-space sizing
// (with 600 fit steps and 2000 predicts the wasm RSS still rose 117 -> 131 MiB in one of four runs;
// with 1200 and 4000 it stayed within 3% in every run).
export const FULL_SOAK: SoakSizes = { warmFitSteps: 1200, warmPredicts: 4000, fitSteps: 1000, predicts: 10_000 };

export interface Snapshot {
  numTensors: number;
  numBytes: number;
  /** wasm only: arena reserved / in use / buffer bytes. */
  arenaReserved?: number;
  arenaInUse?: number;
  arenaBytes?: number;
  rss: number;
  /** V8 heap in use (after a GC when available). */
  heapUsed: number;
  /** V8's reserved heap (heapTotal), sized by V8's own policy. */
  heapTotal: number;
  /** rss - heapTotal: memory outside the V8 heap, what the RSS flatness check compares. */
  rssOffHeap: number;
  /** Memory of live ArrayBuffers and other external allocations V8 knows of. */
  external: number;
}
export interface SoakReport {
  backend: string;
  warm: Snapshot;
  /** After half of the measured work. */
  mid: Snapshot;
  end: Snapshot;
  seconds: number;
  finalLoss: number;
}

/** A full GC when the engine allows it (the flag can be set at run time), so RSS reflects live data. */
function collectGarbage(): void {
  try {
    v8.setFlagsFromString('--expose-gc');
    (vm.runInNewContext('gc') as () => void)();
  } catch {
    // no GC available: RSS is then noisier, never wrong
  }
}

function snapshot(ts: Ts): Snapshot {
  collectGarbage();
  const m = ts.memory();
  const w = (m.backends as Record<string, Record<string, number | string | boolean>>).wasm;
  const mu = process.memoryUsage();
  const s: Snapshot = {
    numTensors: m.numTensors, numBytes: m.numBytes, rss: mu.rss, heapUsed: mu.heapUsed, heapTotal: mu.heapTotal, rssOffHeap: mu.rss - mu.heapTotal,
    external: mu.external,
  };
  if (w && ts.getBackend() === 'wasm') {
    s.arenaReserved = w.arenaReserved as number;
    s.arenaInUse = w.arenaInUse as number;
    s.arenaBytes = w.arenaBytes as number;
  }
  return s;
}

export async function runSoak(ts: Ts, backend: string, sizes: SoakSizes): Promise<SoakReport> {
  return runSoakLoop(ts, backend, sizes, snapshot);
}

/**
 * What makes a soak fail (empty when memory stayed flat), shared by the test and `npm run soak`.
 * `whole` (the full soak, each backend in a fresh process): the process RSS must also stay within
 * 10% of the warm-up snapshot over all the measured work. The
 * reduced CI run compares the RSS outside the V8 heap from its middle to its end only: its short
 * warm-up does not see V8's optimizing compilers settle (their code and compile zones add about
 * 20 MiB over the first ~500 fit steps; with --no-opt --no-maglev the RSS is flat from the first
 * dozen steps).
 */
export function soakProblems(r: SoakReport, { whole = false }: { whole?: boolean } = {}): string[] {
  const { warm, mid, end } = r;
  const out: string[] = [];
  const same = (what: string, a: unknown, b: unknown) => { if (a !== b) out.push(`${what} changed: ${a} -> ${b}`); };
  const within = (what: string, a: number, b: number) => {
    if (!(b <= a * 1.1)) out.push(`${what} grew more than 10%: ${mib(a)} -> ${mib(b)}`);
  };
  for (const s of [mid, end]) {
    same('numTensors', warm.numTensors, s.numTensors);
    same('numBytes', warm.numBytes, s.numBytes);
    if (r.backend === 'wasm') {
      same('arenaInUse', warm.arenaInUse, s.arenaInUse);
      same('arenaBytes', warm.arenaBytes, s.arenaBytes);
      // Block placement may shift the top by a few blocks; the buffer itself must not grow at all.
      if (!(s.arenaReserved! <= warm.arenaReserved! * 1.1 + 65536)) out.push(`arenaReserved grew: ${warm.arenaReserved} -> ${s.arenaReserved}`);
    }
  }
  within('RSS outside the V8 heap (mid -> end)', mid.rssOffHeap, end.rssOffHeap);
  if (whole) {
    // Raw RSS: rss - heapTotal moves with V8 committing and releasing heap pages that are not all
    // resident (wasm: 63 -> 67 -> 69 MiB while the RSS went 126 -> 123 -> 130 MiB).
    for (const [when, s] of [['warm -> mid', mid], ['warm -> end', end]] as const) within(`RSS (${when})`, warm.rss, s.rss);
  }
  within('V8 heap in use', warm.heapUsed, end.heapUsed);
  if (!(r.finalLoss < 1)) out.push(`it did not train: final loss ${r.finalLoss} (chance is ln 4 = 1.39)`);
  return out;
}

const mib = (b?: number) => (b === undefined ? '-' : `${(b / 2 ** 20).toFixed(2)} MiB`);
export function describeSoak(r: SoakReport): string {
  const s = (x: Snapshot) => `tensors ${x.numTensors}, bytes ${x.numBytes}, arena reserved ${mib(x.arenaReserved)} in use ${mib(x.arenaInUse)} buffer ${mib(x.arenaBytes)}, rss ${mib(x.rss)} (V8 heap ${mib(x.heapTotal)}, outside it ${mib(x.rssOffHeap)}), V8 heap used ${mib(x.heapUsed)}, external ${mib(x.external)}`;
  return `[soak] ${r.backend}: ${r.seconds.toFixed(1)} s, final loss ${r.finalLoss.toFixed(4)}\n  warm: ${s(r.warm)}\n  mid:  ${s(r.mid)}\n  end:  ${s(r.end)}`;
}
