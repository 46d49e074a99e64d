/**
 * The model half of the leak walk, shared by tests/leaks_layers.test.ts (js, wasm) and
 * tests/browser/leaks_layers_webgpu.test.ts (bundled into the page, imports of src/index.js
 * pointed at the page's tessera). `walkModel(kind)` builds a two-dense model (sequential or
 * functional) or a masked sequence model (embedding maskZero -> lstm -> dense), then calls, outside tidy, predict, predictOnBatch, execute, get/setWeights,
 * evaluate, fit, trainOnBatch, fitDataset, evaluateDataset, save (to memory), loadLayersModel and
 * dispose, checking after each that tf.memory().numTensors grew by exactly the tensors the call
 * returned (or, where stated, the state it is documented to hold). Returns what went wrong.
 */
import * as ts from '../src/index.js';

const count = () => ts.memory().numTensors;
/** The tensors in a result (nested arrays and objects), without the engine's helper: this module is bundled for a page. */
function tensorsIn(x: unknown, into = new Set<ts.Tensor>()): Set<ts.Tensor> {
  if (x instanceof ts.Tensor) into.add(x);
  else if (Array.isArray(x)) for (const v of x) tensorsIn(v, into);
  else if (x && typeof x === 'object' && !ArrayBuffer.isView(x)) for (const v of Object.values(x)) tensorsIn(v, into);
  return into;
}

const x = () => ts.tensor([[0.5, -1, 2, 0.25], [1, 0, -0.5, 1.5], [0.1, 0.2, 0.3, 0.4], [-1, -2, 1, 2]]);
const y = () => ts.tensor([[1, 0], [0, 1], [0.5, 0.5], [1, 1]]);
/** Four padded token sequences (0 = padding) for the masked model. */
const tokens = () => ts.tensor([[2, 3, 4, 1, 0], [1, 4, 0, 0, 0], [3, 0, 0, 0, 0], [1, 2, 3, 4, 1]], [4, 5], 'int32');

export type ModelKind = 'sequential' | 'model' | 'masked';
interface Built { m: ts.LayersModel; weights: number }

/**
 * A model of two dense layers (4 -> 3 -> 2: kernels and biases, 4 weights) built either way, or
 * a masked sequence model (embedding maskZero -> lstm -> dense: 1 + 3 + 2 = 6 weights) whose mask
 * flows through predict, evaluate and fit.
 */
function build(kind: ModelKind): Built {
  if (kind === 'sequential') {
    return { m: ts.sequential({ layers: [ts.layers.dense({ units: 3, inputShape: [4], activation: 'relu' }), ts.layers.dense({ units: 2 })] }), weights: 4 };
  }
  if (kind === 'masked') {
    const m = ts.sequential({ layers: [
      ts.layers.embedding({ inputDim: 5, outputDim: 3, maskZero: true, inputLength: 5 }),
      ts.layers.lstm({ units: 3 }), ts.layers.dense({ units: 2 }),
    ] });
    return { m, weights: 6 };
  }
  const input = ts.input({ shape: [4] });
  const h = ts.layers.dense({ units: 3, activation: 'relu' }).apply(input);
  return { m: ts.model({ inputs: input, outputs: ts.layers.dense({ units: 2 }).apply(h) }), weights: 4 };
}

/** Every model call on one model kind: how many calls were checked and what went wrong. */
export async function walkModel(kind: ModelKind): Promise<{ calls: number; problems: string[] }> {
  const problems: string[] = [];
  let calls = 0;
  const start = count();
  const makeX = kind === 'masked' ? tokens : x;
  const xs = makeX();
  const ys = y();
  const base = count();
  const { m, weights: nw } = build(kind);
  const check = (what: string, grew: number, want: number) => {
    calls++;
    if (grew !== want) problems.push(`${kind} ${what}: numTensors grew by ${grew}, expected ${want}`);
  };
  check(`build (the model holds its ${nw} weights)`, count() - base, nw);
  const grow = async <T>(what: string, f: () => T | Promise<T>, want: (r: T) => number): Promise<T> => {
    const before = count();
    const r = await f();
    check(what, count() - before, want(r));
    return r;
  };
  try {
    m.compile({ optimizer: 'adam', loss: 'meanSquaredError', metrics: ['mse'] });
    ts.dispose(await grow('predict', () => m.predict(xs, { batchSize: 3 }), (r) => tensorsIn(r).size));
    ts.dispose(await grow('predictOnBatch', () => m.predictOnBatch(xs), () => 1));
    ts.dispose(await grow('execute', () => m.execute([xs], { training: true }), () => 1));
    const ws = await grow('getWeights', () => m.getWeights(), () => nw);
    await grow('setWeights', () => m.setWeights(ws), () => 0);
    ts.dispose(ws);
    const ev = await grow('evaluate', () => m.evaluate(xs, ys, { batchSize: 2 }), (r) => tensorsIn(r).size);
    if (tensorsIn(ev).size !== 2) problems.push(`${kind} evaluate: returned ${tensorsIn(ev).size} tensors, expected 2 (loss and the mse metric)`);
    ts.dispose(ev);
    // Adam keeps two slots (m, v) per trainable weight, made on the first step.
    await grow('first fit (makes the optimizer slots)', () => m.fit(xs, ys, { epochs: 1, batchSize: 4, verbose: 0 }), () => 2 * nw);
    await grow('second fit', () => m.fit(xs, ys, { epochs: 2, batchSize: 2, verbose: 0 }), () => 0);
    await grow('trainOnBatch', () => m.trainOnBatch(xs, ys), () => 0);
    // a dataset's batches are made by the dataset and disposed by the loop that pulled them
    const batches = () => ts.data.generator(function* () {
      for (let i = 0; i < 2; i++) yield { xs: makeX(), ys: y() };
    });
    await grow('fitDataset', () => m.fitDataset(batches(), { epochs: 1, verbose: 0 }), () => 0);
    ts.dispose(await grow('evaluateDataset', () => m.evaluateDataset(batches()), (r) => tensorsIn(r).size));
    let saved: ts.io.ModelArtifacts | null = null;
    await grow('save', () => m.save(ts.io.withSaveHandler(async (a) => {
      saved = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    })), () => 0);
    const loaded = await grow('loadLayersModel', () => ts.loadLayersModel(ts.io.fromMemory(saved!)), () => nw);
    ts.dispose(await grow('loaded predict', () => loaded.predict(xs), () => 1));
    await grow('loaded dispose', () => loaded.dispose(), () => -nw);
    await grow('dispose (weights and the optimizer compile() made)', () => m.dispose(), () => -3 * nw);
  } catch (e) {
    problems.push(`${kind}: threw ${(e as Error).message}`);
  }
  if (count() !== base) problems.push(`${kind}: ${count() - base} tensors remain after dispose`);
  ts.dispose([xs, ys]);
  if (count() !== start) problems.push(`${kind}: ${count() - start} tensors remain after disposing the data`);
  return { calls, problems };
}
