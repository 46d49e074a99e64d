// The benchmark page's code (bundled by bench/run.mjs with esbuild; tessera itself is loaded
// from /dist/tessera.js). For each backend and case it times tessera and TF.js in the same page
// with tinybench; every iteration runs the op, waits for the result and disposes it (or, for
// training cases, awaits one trainOnBatch). TF.js's `lib` is tfjs-core plus tfjs-layers.
import * as tessera from '/dist/tessera.js';
import * as tfc from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
// Tensor methods (x.flatten() ...) that tfjs-layers' LSTM uses; the @tensorflow/tfjs union package
// registers them, tfjs-core alone does not.
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-webgpu';
import { Bench } from 'tinybench';
import { benchCases, caseFor, syncAndDispose, teardown } from './cases.mjs';

/** TF.js as one namespace with the Layers API, so case code reads the same for both libraries. */
const tf = { ...tfc, layers: tfl.layers, sequential: tfl.sequential };

setWasmPaths('/node_modules/@tensorflow/tfjs-backend-wasm/dist/');

async function useBackend(lib, name) {
  try {
    return (await lib.setBackend(name)) ? null : `setBackend('${name}') resolved false`;
  } catch (e) {
    return `setBackend('${name}') threw: ${e.message}`;
  }
}

/** Time one library on one case; returns {ms, samples} or {error}. */
async function timeOne(lib, generic, opts) {
  const c = caseFor(generic, lib === tf);
  let inputs;
  try {
    inputs = c.setup(lib);
    const iterations = c.iterations ?? opts.iterations;
    const bench = new Bench({ time: opts.time, iterations, warmupIterations: 2, warmupTime: 0, throws: true });
    bench.add(c.name, c.step ? () => c.step(lib, inputs) : async () => syncAndDispose(lib, c.run(lib, inputs)));
    const [task] = await bench.run();
    const r = task.result;
    if (r.state !== 'completed') return { error: r.error?.message ?? r.state };
    return { ms: r.latency.p50, mean: r.latency.mean, samples: r.latency.samples?.length ?? null };
  } catch (e) {
    return { error: e.message ?? String(e) };
  } finally {
    try {
      teardown(c, inputs);
    } catch {
      // a failed setup may leave a partial state; nothing more to free
    }
  }
}

/** Run the suite; `only` filters case names by substring. Logs progress to the console. */
export async function runBench({ backends = ['wasm', 'webgpu'], only = '', time = 1000, iterations = 5 } = {}) {
  const rows = [];
  const cases = benchCases.filter((c) => only.split('|').some((o) => c.name.includes(o)));
  for (const backend of backends) {
    const errT = await useBackend(tessera, backend);
    const errF = await useBackend(tfc, backend);
    if (!errF) await tfc.ready();
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
