// The benchmark page's code (bundled by bench/run.mjs with esbuild; tessera itself is loaded
// from /dist/tessera.js). For each backend and case it times tessera and TF.js in the same page
// with tinybench; every iteration runs the op, waits for the result and disposes it.
import * as tessera from '/dist/tessera.js';
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-webgpu';
import { Bench } from 'tinybench';
import { benchCases, syncAndDispose } from './cases.mjs';

setWasmPaths('/node_modules/@tensorflow/tfjs-backend-wasm/dist/');

async function useBackend(lib, name) {
  try {
    return (await lib.setBackend(name)) ? null : `setBackend('${name}') resolved false`;
  } catch (e) {
    return `setBackend('${name}') threw: ${e.message}`;
  }
}

/** Time one library on one case; returns {ms, samples} or {error}. */
async function timeOne(lib, c, opts) {
  let inputs;
  try {
    inputs = c.setup(lib);
    const bench = new Bench({ time: opts.time, iterations: opts.iterations, warmupIterations: 2, warmupTime: 0, throws: true });
    bench.add(c.name, async () => syncAndDispose(lib, c.run(lib, inputs)));
    const [task] = await bench.run();
    const r = task.result;
    if (r.state !== 'completed') return { error: r.error?.message ?? r.state };
    return { ms: r.latency.p50, mean: r.latency.mean, samples: r.latency.samples?.length ?? null };
  } catch (e) {
    return { error: e.message ?? String(e) };
  } finally {
    for (const t of inputs ?? []) t.dispose();
  }
}

/** Run the suite; `only` filters case names by substring. Logs progress to the console. */
export async function runBench({ backends = ['wasm', 'webgpu'], only = '', time = 1000, iterations = 5 } = {}) {
  const rows = [];
  const cases = benchCases.filter((c) => c.name.includes(only));
  for (const backend of backends) {
    const errT = await useBackend(tessera, backend);
    const errF = await useBackend(tf, backend);
    if (!errF) await tf.ready();
    for (const c of cases) {
      const row = { case: c.name, backend, flops: c.flops ?? null, bytes: c.bytes ?? null };
      row.tessera = errT ? { error: errT } : await timeOne(tessera, c, { time, iterations });
      row.tfjs = errF ? { error: errF } : await timeOne(tf, c, { time, iterations });
      console.log(`[bench] ${backend} ${c.name}: tessera ${row.tessera.ms ?? row.tessera.error} ms, tfjs ${row.tfjs.ms ?? row.tfjs.error} ms`);
      rows.push(row);
    }
  }
  const adapter = navigator.gpu ? await navigator.gpu.requestAdapter() : null;
  return {
    date: new Date().toISOString(),
    userAgent: navigator.userAgent,
    adapter: adapter ? `${adapter.info?.vendor ?? ''} ${adapter.info?.architecture ?? ''} ${adapter.info?.description ?? ''}`.trim() : null,
    crossOriginIsolated: self.crossOriginIsolated,
    hardwareConcurrency: navigator.hardwareConcurrency,
    rows,
  };
}
