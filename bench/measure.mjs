// The timing loop every cell goes through (tessera, TF.js, onnxruntime-web, jax-js). The
// libraries of one case and backend are timed interleaved: each gets two warm-up iterations, then
// rounds give every library a turn with one timed, awaited iteration (the starting library
// rotating each round) until the rounds took `time` ms per library and at least `iterations` rounds ran. Load from
// other processes then falls on all libraries alike, so the ratios in a row hold even on a busy
// machine. Each library's result is the median latency of its iterations. When one round took
// over SLOW_MS in warm-up (seconds-long WebGPU-on-SwiftShader cells) only SLOW_ROUNDS rounds run,
// so slow cells cannot eat the whole run; `samples` says how many were taken.
// With `settle` > 0 (npm run bench's default, SETTLE_MS) every library's turn in a round is an
// untimed pause of `settle` ms, one untimed re-entry iteration, then the timed one. Some libraries
// leave threads busy after they return: onnxruntime-web's intra-op pool worker spin-waits for more
// work for about 22 ms of CPU after every run (bench/slowdown.mjs --cpu measures it), which on a
// 2-core machine took a core from whichever library was timed next. The pause lets that run out
// before the next library starts, the same pause before every library; the re-entry iteration
// then wakes the library's own threads (its pool, its spin) as they are when it runs back to
// back, so each library is timed as in a loop of its own, one timed iteration per turn, still
// interleaved finely enough that machine load falls on all alike. Cells whose warm-up iteration
// took over REENTRY_MAX_MS skip the re-entry iteration (a wake-up is noise there), and with
// `settle` the rounds stop at SETTLE_MAX_ROUNDS (the pauses would make fast cells take minutes).
// Where one library is far slower than the others (jax-js's conv2d takes 0.5-3 s) a turn times
// iterations back to back until they reach TURN_SHARE of the slowest library's warm-up iteration
// (at most TURN_MAX_MS, TURN_MAX_ITERATIONS), so the fast libraries are not left with the three
// samples a slow cell's three rounds give; in cells of similar libraries a turn is one iteration.
// `settle` = 0 is the old loop: one iteration per library per turn, no pause, no re-entry.
// `probe` (bench/cpu_probe.mjs) runs a two-thread CPU probe right after each timed iteration and
// reports its median per library (`probeMs`, `probeWakeMs`).

export const SETTLE_MS = 50;
const REENTRY_MAX_MS = 200;
const SETTLE_MAX_ROUNDS = 40;
const TURN_SHARE = 0.1;
const TURN_MAX_MS = 100;
const TURN_MAX_ITERATIONS = 20;

const SLOW_MS = 3000;
const SLOW_ROUNDS = 3;

const message = (e) => String(e?.message ?? e).split('\n')[0];
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * Time `runners` ({key: {iteration} | {error}}) interleaved; returns {key: {ms (median), mean,
 * samples, warmupMs} | {error}}. A runner that throws is dropped with its error.
 */
export async function measureInterleaved(runners, { time, iterations, settle = 0, probe = null }) {
  const pause = () => (settle > 0 ? new Promise((resolve) => setTimeout(resolve, settle)) : null);
  const results = {};
  let live = [];
  for (const [key, r] of Object.entries(runners)) {
    if (r.error) results[key] = { error: r.error };
    else live.push({ key, iteration: r.iteration, samples: [], probes: [] });
  }
  const fail = (x, e) => {
    results[x.key] = { error: message(e) };
    live = live.filter((y) => y !== x);
  };
  for (const x of [...live]) {
    try {
      await x.iteration();
      const t0 = performance.now();
      await x.iteration();
      x.warmupMs = performance.now() - t0;
    } catch (e) {
      fail(x, e);
    }
  }
  const roundMs = live.reduce((s, x) => s + x.warmupMs, 0);
  const slow = roundMs > SLOW_MS;
  const minRounds = slow ? Math.min(iterations, SLOW_ROUNDS) : iterations;
  const budget = time * live.length;
  const maxRounds = settle > 0 ? Math.max(minRounds, SETTLE_MAX_ROUNDS) : Infinity;
  const turnMs = settle > 0 ? Math.min(TURN_MAX_MS, TURN_SHARE * Math.max(0, ...live.map((x) => x.warmupMs))) : 0;
  const start = performance.now();
  let untimed = 0; // ms spent in pauses, re-entry iterations and probes, left out of the time budget
  for (let round = 0; live.length && round < maxRounds && (round < minRounds || (!slow && performance.now() - start - untimed < budget)); round++) {
    const order = live.map((_, i) => live[(i + round) % live.length]);
    for (const x of order) {
      try {
        if (settle > 0) {
          const t1 = performance.now();
          await pause();
          if (x.warmupMs < REENTRY_MAX_MS) await x.iteration();
          untimed += performance.now() - t1;
        }
        for (let turn = 0, timed = 0; turn < TURN_MAX_ITERATIONS && (turn === 0 || timed < turnMs); turn++) {
          const t0 = performance.now();
          await x.iteration();
          const ms = performance.now() - t0;
          x.samples.push(ms);
          timed += ms;
        }
        if (probe) {
          const t2 = performance.now();
          x.probes.push(await probe());
          untimed += performance.now() - t2;
        }
      } catch (e) {
        fail(x, e);
      }
    }
  }
  for (const x of live) {
    const mean = x.samples.reduce((a, b) => a + b, 0) / x.samples.length;
    results[x.key] = { ms: median(x.samples), mean, samples: x.samples.length, warmupMs: x.warmupMs };
    if (x.probes.length) {
      results[x.key].probeMs = median(x.probes.map((p) => p.ms));
      results[x.key].probeWakeMs = median(x.probes.map((p) => p.wakeMs));
      results[x.key].probeWorkerMs = median(x.probes.map((p) => p.workerMs));
    }
  }
  return results;
}
