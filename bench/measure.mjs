// The one timing loop every library's cell goes through (tessera, TF.js, onnxruntime-web, jax-js):
// two warm-up iterations, then tinybench with the same time budget and minimum iterations,
// reporting the median latency of one awaited iteration. A cell whose second warm-up took over
// SLOW_MS (seconds-long WebGPU-on-SwiftShader cells) runs only SLOW_ITERATIONS timed iterations,
// so one slow peer cannot eat the whole run; `samples` in the result says how many were taken.
import { Bench } from 'tinybench';

const SLOW_MS = 3000;
const SLOW_ITERATIONS = 3;

/** Time the async `iteration`; returns {ms (median), mean, samples, warmupMs} or {error}. */
export async function measure(name, iteration, { time, iterations }) {
  await iteration();
  const t0 = performance.now();
  await iteration();
  const warmupMs = performance.now() - t0;
  const slow = warmupMs > SLOW_MS;
  const bench = new Bench({ time: slow ? 0 : time, iterations: slow ? Math.min(iterations, SLOW_ITERATIONS) : iterations, warmup: false, throws: true });
  bench.add(name, iteration);
  const [task] = await bench.run();
  const r = task.result;
  if (r.state !== 'completed') return { error: r.error?.message ?? r.state };
  return { ms: r.latency.p50, mean: r.latency.mean, samples: r.latency.samples?.length ?? null, warmupMs };
}
