// The timing loop every cell goes through (tessera, TF.js, onnxruntime-web, jax-js). The
// libraries of one case and backend are timed interleaved: each gets two warm-up iterations, then
// rounds run one awaited iteration of every library (the starting library rotating each round)
// until the rounds took `time` ms per library and at least `iterations` rounds ran. Load from
// other processes then falls on all libraries alike, so the ratios in a row hold even on a busy
// machine. Each library's result is the median latency of its iterations. When one round took
// over SLOW_MS in warm-up (seconds-long WebGPU-on-SwiftShader cells) only SLOW_ROUNDS rounds run,
// so slow cells cannot eat the whole run; `samples` says how many were taken.

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
export async function measureInterleaved(runners, { time, iterations }) {
  const results = {};
  let live = [];
  for (const [key, r] of Object.entries(runners)) {
    if (r.error) results[key] = { error: r.error };
    else live.push({ key, iteration: r.iteration, samples: [] });
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
  const start = performance.now();
  for (let round = 0; live.length && (round < minRounds || (!slow && performance.now() - start < budget)); round++) {
    const order = live.map((_, i) => live[(i + round) % live.length]);
    for (const x of order) {
      try {
        const t0 = performance.now();
        await x.iteration();
        x.samples.push(performance.now() - t0);
      } catch (e) {
        fail(x, e);
      }
    }
  }
  for (const x of live) {
    const mean = x.samples.reduce((a, b) => a + b, 0) / x.samples.length;
    results[x.key] = { ms: median(x.samples), mean, samples: x.samples.length, warmupMs: x.warmupMs };
  }
  return results;
}
