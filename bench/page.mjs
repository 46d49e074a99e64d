// The benchmark page's code (bundled by bench/run.mjs with esbuild; tessera itself is loaded
// from /dist/tessera.js). For each backend and case it times tessera, TF.js and the peers of
// bench/peers.mjs (onnxruntime-web, jax-js) in the same page, interleaved (bench/measure.mjs);
// every iteration runs the op, waits for the result and disposes it (or, for training cases,
// awaits one trainOnBatch). TF.js's `lib` is tfjs-core plus tfjs-layers (layers, sequential, input, model). It also measures the Wasm SIMD
// register peak (bench/wasm_peak.mjs) and records the threads each library computes with.
import * as tessera from '/dist/tessera.js';
import * as tfc from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
// Tensor methods (x.flatten() ...) that tfjs-layers' LSTM uses; the @tensorflow/tfjs union package
// registers them, tfjs-core alone does not.
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-webgpu';
import { benchCases, caseFor, quickCases, syncAndDispose, teardown } from './cases.mjs';
import { startCpuProbe } from './cpu_probe.mjs';
import { measureInterleaved, SETTLE_MS } from './measure.mjs';
import { jaxRunners, ortRunners, peerThreads } from './peers.mjs';
import { measureWasmPeak, measureWasmPeakThreads, peakRunner } from './wasm_peak.mjs';

const peakFlops = (await peakRunner()).flops ?? null;

/** TF.js as one namespace with the Layers API, so case code reads the same for both libraries. */
const tf = { ...tfc, layers: tfl.layers, sequential: tfl.sequential, input: tfl.input, model: tfl.model };

setWasmPaths('/node_modules/@tensorflow/tfjs-backend-wasm/dist/');

async function useBackend(lib, name) {
  try {
    return (await lib.setBackend(name)) ? null : `setBackend('${name}') resolved false`;
  } catch (e) {
    return `setBackend('${name}') threw: ${e.message}`;
  }
}

/** A runner ({iteration, dispose}) for tessera or TF.js on one case, or {error}. */
function libRunner(lib, generic) {
  const c = caseFor(generic, lib === tf);
  let inputs;
  const dispose = () => {
    try {
      teardown(c, inputs);
    } catch {
      // a failed setup may leave a partial state; nothing more to free
    }
  };
  try {
    inputs = c.setup(lib);
  } catch (e) {
    dispose();
    return { error: e.message ?? String(e) };
  }
  const iteration = c.step ? () => c.step(lib, inputs) : async () => syncAndDispose(lib, c.run(lib, inputs));
  return { iteration, dispose };
}

let probe = null; // bench/cpu_probe.mjs's worker, started on the first case that asks for it

/** Every library's runner ({iteration, dispose} or {error}) for case `c` on `backend`, by key. */
async function caseRunners(c, backend, { errT, errF, peers, opts }) {
  return {
    tessera: errT ? { error: errT } : libRunner(tessera, c),
    tfjs: errF ? { error: errF } : libRunner(tf, c),
    ...(peers.includes('ort') ? await ortRunners(c.name, backend, { spin: opts.ortSpin }) : {}),
    ...(peers.includes('jax') ? await jaxRunners(c.name, backend) : {}),
    ...(backend === 'wasm' && c.name === PEAK_CASE ? { wasmPeak: await peakRunner() } : {}),
    // with the probe on, an idle 'library' (a 20 ms sleep) gives the probe's time on a quiet machine
    ...(opts.probe ? { idle: { iteration: () => new Promise((resolve) => setTimeout(resolve, 20)) } } : {}),
  };
}

/**
 * The runners of case `name` on `backend` for tessera and `peers`, for experiments that time them
 * in their own order (bench/slowdown_page.mjs); each library's backend is selected first.
 */
export async function runnersFor({ name, backend, peers = ['tfjs', 'ort', 'jax'], ortSpin = true }) {
  const c = [...benchCases, ...quickCases].find((x) => x.name === name);
  const errT = await useBackend(tessera, backend);
  const errF = peers.includes('tfjs') ? await useBackend(tfc, backend) : 'not run';
  if (!errF) await tfc.ready();
  return caseRunners(c, backend, { errT, errF, peers, opts: { ortSpin } });
}

/** All libraries' runners for one case, timed interleaved, then freed; resolves to {key: result}. */
async function timeCase(c, backend, { errT, errF, peers, opts }) {
  const runners = await caseRunners(c, backend, { errT, errF, peers, opts });
  probe ??= opts.probe ? await startCpuProbe() : null;
  try {
    return await measureInterleaved(runners, { time: opts.time, iterations: c.iterations ?? opts.iterations, settle: opts.settle, probe: opts.probe ? probe.probe : null });
  } finally {
    for (const r of Object.values(runners)) await r.dispose?.();
  }
}

/** The case whose tessera wasm GFLOP/s is reported as a share of the Wasm SIMD register peak. */
export const PEAK_CASE = 'matMul 1024x1024 @ 1024x1024'; // bench/run.mjs names the same case
const show = (t) => (t ? t.ms ?? t.error : 'n/a');

/** Names of the cases (the quick ones with `quick`) whose name contains one of `only`'s |-separated substrings. */
export function caseNames(only = '', quick = false) {
  return (quick ? quickCases : benchCases).filter((c) => only.split('|').some((o) => c.name.includes(o))).map((c) => c.name);
}

const threads = { tessera: 1 }; // set from tf.wasm.getThreadsCount() once the wasm backend runs

/**
 * Time case `name` on `backend` for tessera and the `peers` (tfjs, ort, jax) interleaved; returns
 * its row. On wasm the PEAK_CASE row also carries the FMA peak loop timed in the same rounds.
 */
export async function runCase({ name, backend, time = 1000, iterations = 5, peers = ['tfjs', 'ort', 'jax'], settle = SETTLE_MS, probe = false }) {
  const c = [...benchCases, ...quickCases].find((x) => x.name === name);
  const errT = await useBackend(tessera, backend);
  const errF = peers.includes('tfjs') ? await useBackend(tfc, backend) : 'not run';
  if (!errF) await tfc.ready();
  if (!errF && backend === 'wasm') threads.tfjs = getThreadsCount();
  if (!errT && backend === 'wasm') threads.tessera = tessera.wasm.getThreadsCount();
  const row = { case: c.name, backend, flops: c.flops ?? null, bytes: c.bytes ?? null };
  const r = await timeCase(c, backend, { errT, errF, peers, opts: { time, iterations, settle, probe } });
  row.tessera = r.tessera;
  row.tfjs = r.tfjs;
  row.ort = r.ort ?? null;
  if (row.ort && r.ortFeed) row.ort.feedMs = r.ortFeed.ms ?? r.ortFeed.error;
  row.jax = r.jax ?? null;
  if (r.idle) row.idle = r.idle;
  if (r.wasmPeak) row.wasmPeak = { ...r.wasmPeak, gflops: r.wasmPeak.ms ? peakFlops / r.wasmPeak.ms / 1e6 : null };
  console.log(`[bench] ${backend} ${c.name}: tessera ${show(row.tessera)} ms, tfjs ${show(row.tfjs)} ms, ort ${show(row.ort)} ms (feed ${row.ort?.feedMs ?? '-'}), jax ${show(row.jax)} ms`);
  if (probe) {
    const p = (k) => (r[k]?.probeMs ? `${k} ${r[k].probeMs.toFixed(2)} (wake ${r[k].probeWakeMs.toFixed(2)})` : `${k} -`);
    console.log(`[bench]   cpu probe after each (ms): ${['idle', 'tessera', 'tfjs', 'ort', 'ortFeed', 'jax'].map(p).join(', ')}`);
  }
  return row;
}

/**
 * One separate sample of the Wasm SIMD register peak on this thread, and on as many workers at
 * once as tessera's wasm backend runs threads (its default before it has started: the cores, at
 * most 8) (bench/wasm_peak.mjs).
 */
export async function peakSample() {
  const one = await measureWasmPeak();
  const n = threads.tessera > 1 ? threads.tessera : Math.min(8, navigator.hardwareConcurrency ?? 1);
  if (n <= 1) return one;
  const multi = await measureWasmPeakThreads(n);
  return { ...one, threads: n, threadsGflops: multi.peakGflops ?? null, threadsError: multi.error };
}

/** The page's environment and the threads each library used so far. */
export async function describe() {
  const adapter = navigator.gpu ? await navigator.gpu.requestAdapter() : null;
  return {
    date: new Date().toISOString(),
    userAgent: navigator.userAgent,
    adapter: adapter ? `${adapter.info?.vendor ?? ''} ${adapter.info?.architecture ?? ''} ${adapter.info?.description ?? ''}`.trim() : null,
    crossOriginIsolated: self.crossOriginIsolated,
    hardwareConcurrency: navigator.hardwareConcurrency,
    threads: { ...threads, ...peerThreads() },
  };
}
