// A two-thread CPU probe for the benchmark page (bench/measure.mjs, `--probe`): one fixed integer
// busy loop on the page's thread and the same loop on a probe worker woken with Atomics.notify,
// timed together. Run right after a library's iteration it shows whether that library leaves
// threads busy behind it (spin-waiting workers, background compilation): the loops then take
// longer than after an idle gap, and the worker wakes later. The worker sleeps in Atomics.wait
// between probes, so it costs nothing while the libraries run.

const WORKER = `
onmessage = (e) => {
  const ctl = new Int32Array(e.data, 0, 4);
  const f64 = new Float64Array(e.data, 16, 4);
  postMessage('ready');
  for (let seen = 0; ; ) {
    Atomics.wait(ctl, 0, seen);
    seen = Atomics.load(ctl, 0);
    const start = performance.timeOrigin + performance.now();
    let s = ctl[2] | 1;
    for (let i = ctl[1]; i > 0; i--) { s ^= s << 13; s ^= s >>> 17; s ^= s << 5; }
    f64[0] = start;
    f64[1] = performance.timeOrigin + performance.now() - start;
    ctl[3] = s;
    Atomics.store(ctl, 2, seen);
  }
};`;

/** The loop both threads run: `n` xorshift steps (about 1 ms for n = 1.5e6 on a 2020s x86 core). */
function spinLoop(n) {
  let s = 1;
  for (let i = n; i > 0; i--) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
  }
  return s;
}

/**
 * Starts the probe worker; resolves to `probe()`, which runs one two-thread probe and resolves to
 * {ms (both loops done), mainMs, workerMs (each loop's own time), wakeMs (notify to worker start)}.
 */
export async function startCpuProbe(steps = 1_500_000) {
  const sab = new SharedArrayBuffer(48);
  const ctl = new Int32Array(sab, 0, 4);
  const f64 = new Float64Array(sab, 16, 4);
  const url = URL.createObjectURL(new Blob([WORKER], { type: 'text/javascript' }));
  const worker = new Worker(url);
  const ready = new Promise((resolve, reject) => {
    worker.onmessage = resolve;
    worker.onerror = (e) => reject(new Error(`cpu probe: the probe worker failed: ${e.message}`));
  });
  worker.postMessage(sab);
  await ready;
  URL.revokeObjectURL(url);
  ctl[1] = steps;
  let generation = 0;
  const probe = async () => {
    generation++;
    const t0 = performance.now();
    const notifyAt = performance.timeOrigin + t0;
    Atomics.store(ctl, 0, generation);
    Atomics.notify(ctl, 0);
    spinLoop(steps);
    const mainMs = performance.now() - t0;
    while (Atomics.load(ctl, 2) !== generation) {
      if (performance.now() - t0 > 1000) throw new Error('cpu probe: the probe worker did not answer in 1 s');
    }
    return { ms: performance.now() - t0, mainMs, workerMs: f64[1], wakeMs: f64[0] - notifyAt };
  };
  await probe(); // first wake, not measured
  return { probe, stop: () => worker.terminate() };
}
