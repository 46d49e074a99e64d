/**
 * Two models training at once, one in a module Worker and one on the page (each its own tessera instance on
 * wasm), end with exactly the weights that the same two trainings give when run one after the other on the
 * page: nothing is shared between instances, and interleaving changes no result.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await openHarness();
}, 180_000);
afterAll(async () => {
  await h?.close();
});

/** Source of `train(ts, seed, onFirstEpoch?)`: a seeded 2-layer MLP fit for 60 epochs; resolves to its
 * flattened weights and when it ran (epoch milliseconds, comparable across the page and the worker).
 * onFirstEpoch runs after the first epoch, so the other training can start while this one still runs. */
const TRAIN_SOURCE = `async function train(ts, seed, onFirstEpoch) {
  await ts.setBackend('wasm');
  const start = performance.timeOrigin + performance.now();
  const model = ts.sequential({ layers: [
    ts.layers.dense({ units: 16, activation: 'relu', inputShape: [8], kernelInitializer: ts.initializers.glorotUniform({ seed }) }),
    ts.layers.dense({ units: 1, kernelInitializer: ts.initializers.glorotUniform({ seed: seed + 1 }) }),
  ] });
  model.compile({ optimizer: ts.train.adam(0.01), loss: 'meanSquaredError' });
  const x = ts.randomNormal([256, 8], 0, 1, 'float32', seed + 2);
  const y = ts.sum(x, 1, true);
  const callbacks = onFirstEpoch ? { onEpochEnd: async (epoch) => { if (epoch === 0) onFirstEpoch(); } } : undefined;
  await model.fit(x, y, { epochs: 60, batchSize: 32, shuffle: false, verbose: 0, callbacks });
  const weights = [];
  for (const w of model.getWeights()) weights.push(...(await w.data()));
  return { weights, start, end: performance.timeOrigin + performance.now() };
}`;

describe('concurrent training', () => {
  it('a Worker and the page train at once and match sequential runs bit for bit', async () => {
    const result = await h.page.evaluate(async (trainSource) => {
      const ts = (window as unknown as { __tessera: unknown }).__tessera;
      // eslint-disable-next-line no-new-func
      type Run = { weights: number[]; start: number; end: number };
      const train = new Function(`return (${trainSource})`)() as (ts: unknown, seed: number) => Promise<Run>;
      const sequentialA = await train(ts, 11);
      const sequentialB = await train(ts, 23);
      const code = `${trainSource}
        const ts = await import(${JSON.stringify(location.origin + '/dist/tessera.js')});
        postMessage(await train(ts, 23, () => postMessage('started')));`;
      const worker = new Worker(URL.createObjectURL(new Blob([code], { type: 'text/javascript' })), { type: 'module' });
      let started: () => void = () => {};
      const workerStarted = new Promise<void>((r) => (started = r));
      const inWorker = new Promise<Run | { error: string }>((resolve) => {
        worker.onmessage = (e) => (e.data === 'started' ? started() : resolve(e.data));
        worker.onerror = (e) => resolve({ error: e.message });
      });
      await Promise.race([workerStarted, inWorker]);
      const onPage = train(ts, 11);
      const [a, b] = await Promise.all([onPage, inWorker]);
      worker.terminate();
      return { sequentialA, sequentialB, a, b };
    }, TRAIN_SOURCE);
    const b = result.b as { weights: number[]; start: number; end: number };
    expect(Array.isArray(b.weights), JSON.stringify(result.b).slice(0, 200)).toBe(true);
    // the two trainings really overlapped in time
    expect(Math.max(result.a.start, b.start)).toBeLessThan(Math.min(result.a.end, b.end));
    expect(result.sequentialA.weights.length).toBe(8 * 16 + 16 + 16 + 1);
    expect(result.sequentialA.weights.every(Number.isFinite)).toBe(true);
    expect(result.sequentialA.weights).not.toEqual(result.sequentialB.weights);
    expect(result.a.weights).toEqual(result.sequentialA.weights);
    expect(b.weights).toEqual(result.sequentialB.weights);
  });
});
