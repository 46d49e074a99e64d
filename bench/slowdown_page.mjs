// The page side of bench/slowdown.mjs: why a library's time in the interleaved bench page
// (bench/measure.mjs) can depend on which library ran just before it. For one case it times each
// library's iteration (and optionally the two-thread CPU probe of bench/cpu_probe.mjs) right
// after one untimed iteration of each library, with each gap of `gaps` ms between the two; all
// (target, predecessor, gap) cells are visited once per round, in an order that rotates every
// round, so machine load falls on all cells alike. A cell slower than the same target after
// itself says the predecessor leaves the machine busy (spinning pool workers, background
// compilation); a gap that removes the difference says for how long.
import { startCpuProbe } from './cpu_probe.mjs';
import { runnersFor } from './page.mjs';

const LIBS = ['tessera', 'tfjs', 'ort', 'jax'];
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

let cpuProbe = null;

/**
 * Times case `name` on `backend`: resolves to {libs, errors, cells: [{target, pred, gap, ms
 * (median), min, samples}]}; `probe` adds the CPU probe as a target (its wall ms, and its
 * worker's wake-up as target 'probeWake').
 */
export async function predecessorExperiment({ name, backend = 'wasm', peers = ['tfjs', 'ort', 'jax'], rounds = 8, gaps = [0, 20], ortSpin = true, probe = true }) {
  const runners = await runnersFor({ name, backend, peers, ortSpin });
  const errors = {};
  const libs = LIBS.filter((k) => {
    if (!runners[k]) return false;
    if (runners[k].error) errors[k] = runners[k].error;
    return !runners[k].error;
  });
  try {
    for (const k of libs) {
      await runners[k].iteration();
      await runners[k].iteration();
    }
    cpuProbe ??= probe ? await startCpuProbe(300_000) : null;
    const targets = [...libs, ...(probe ? ['probe'] : [])];
    const cells = [];
    for (const target of targets) for (const pred of libs) for (const gap of gaps) cells.push({ target, pred, gap, samples: [], wakes: [] });
    const step = cells.length % 7 ? 7 : 11; // a stride prime to the cell count visits every cell once a round
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < cells.length; i++) {
        const cell = cells[(i * step + round * 5) % cells.length];
        await runners[cell.pred].iteration();
        if (cell.gap) await sleep(cell.gap);
        if (cell.target === 'probe') {
          const p = await cpuProbe.probe();
          cell.samples.push(p.ms);
          cell.wakes.push(p.wakeMs);
        } else {
          const t0 = performance.now();
          await runners[cell.target].iteration();
          cell.samples.push(performance.now() - t0);
        }
      }
    }
    return {
      name, backend, libs, errors, rounds, gaps, ortSpin,
      cells: cells.map((c) => ({
        target: c.target, pred: c.pred, gap: c.gap, ms: median(c.samples), min: Math.min(...c.samples), samples: c.samples.length,
        ...(c.wakes.length ? { wakeMs: median(c.wakes) } : {}),
      })),
    };
  } finally {
    for (const r of Object.values(runners)) await r.dispose?.();
  }
}

let held = null; // the runners of the case prepareCase() made, for runPhase()

/** Makes (and warms up) the runners of case `name` for runPhase(); resolves to the libraries that run. */
export async function prepareCase({ name, backend = 'wasm', peers = ['tfjs', 'ort', 'jax'], ortSpin = true }) {
  await disposeCase();
  const runners = await runnersFor({ name, backend, peers, ortSpin });
  const libs = LIBS.filter((k) => runners[k] && !runners[k].error);
  for (const k of libs) {
    await runners[k].iteration();
    await runners[k].iteration();
  }
  held = runners;
  return libs;
}

/**
 * `n` iterations of library `lib` (or none: 'none'), each followed by a `gap` ms sleep; the driver
 * reads the threads' CPU time around it (bench/slowdown.mjs --cpu). Resolves to the wall ms.
 */
export async function runPhase({ lib, n, gap }) {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    if (lib !== 'none') await held[lib].iteration();
    if (gap) await sleep(gap);
  }
  return performance.now() - t0;
}

export async function disposeCase() {
  for (const r of Object.values(held ?? {})) await r.dispose?.();
  held = null;
}
