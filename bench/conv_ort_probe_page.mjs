// Page side of bench/conv_ort_probe.mjs (bundled by it with esbuild): tessera's 2-thread wasm conv2d
// timed right after an ORT run of the same conv, and after an ORT run plus a pause of 2, 10 and 50 ms,
// to see how long ORT's wasm threads keep the second core after a run; without ORT, back to back
// and after the same pauses.
import * as tessera from '/dist/tessera.js';
import { ortRunners } from './peers.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function probe(caseName, [H, C, N], rounds, withOrt) {
  tessera.wasm.setThreadsCount(2);
  await tessera.setBackend('wasm');
  await tessera.ready();
  const x = tessera.randomNormal([1, H, H, C]), f = tessera.randomNormal([3, 3, C, N]);
  const workerChunks = () => tessera.memory().backends.wasm?.workerChunks ?? NaN;
  const chunks = {};
  let mode = 'warm-up';
  const conv = async () => {
    const w0 = workerChunks();
    const t = performance.now();
    const y = tessera.conv2d(x, f, 1, 'same');
    const corner = tessera.slice(y, [0, 0, 0, 0], [1, 1, 1, 1]);
    await corner.data();
    corner.dispose();
    y.dispose();
    const ms = performance.now() - t;
    chunks[mode] = (chunks[mode] ?? 0) + workerChunks() - w0;
    return ms;
  };
  // Mean chunks the pool's worker ran per timed call in each mode (0: the calling thread did all).
  const perCall = (k, n) => Number(((chunks[k] ?? 0) / n).toFixed(2));
  if (!withOrt) {
    // No ORT in the page: back to back, and after a pause of 2 / 10 / 50 ms (the pool's threads asleep).
    const pauses = { backToBack: 0, pause2: 2, pause10: 10, pause50: 50 };
    const got = Object.fromEntries(Object.keys(pauses).map((k) => [k, []]));
    for (let i = 0; i < 3; i++) await conv();
    for (let r = 0; r < rounds; r++) {
      for (const [m, pause] of Object.entries(pauses)) {
        mode = 'between';
        if (pause) await sleep(pause); else await conv();
        mode = m;
        got[m].push(await conv());
      }
    }
    const med = (a) => a.sort((p, q) => p - q)[a.length >> 1];
    return { threads: tessera.wasm.getThreadsCount(), ort: false, ...Object.fromEntries(Object.entries(got).map(([k, v]) => [k, med(v)])), workerChunksPerCall: Object.fromEntries(Object.keys(pauses).map((k) => [k, perCall(k, rounds)])) };
  }
  const { ort } = await ortRunners(caseName, 'wasm');
  if (!ort || ort.error) return { error: ort?.error ?? 'no ORT graph' };
  for (let i = 0; i < 3; i++) { await conv(); await ort.iteration(); }
  const modes = { alone: null, afterOrt: 0, afterOrtPause2: 2, afterOrtPause10: 10, afterOrtPause50: 50 };
  const samples = Object.fromEntries(Object.keys(modes).map((k) => [k, []]));
  for (let r = 0; r < rounds; r++) {
    for (const [m, pause] of Object.entries(modes)) {
      if (pause === null) await sleep(50);
      else { await ort.iteration(); if (pause) await sleep(pause); }
      mode = m;
      samples[m].push(await conv());
    }
  }
  const median = (a) => a.sort((p, q) => p - q)[a.length >> 1];
  return { threads: tessera.wasm.getThreadsCount(), ort: true, ...Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)])), workerChunksPerCall: Object.fromEntries(Object.keys(modes).map((k) => [k, perCall(k, rounds)])) };
}
