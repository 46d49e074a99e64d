/**
 * The optimizer half of the leak walk (tests/leaks_layers.test.ts on js and wasm, and bundled into
 * the page of tests/browser/leaks_layers_webgpu.test.ts): every `tf.train.*` factory minimizes
 * a small loss over two variables (w [2,2], b [2]) outside tidy, twice, then once returning the
 * cost, then is disposed; on tessera also getWeights / setWeights. `walkOptimizer` is written against a library's public names only, so the
 * Node test runs the same calls on @tensorflow/tfjs-core (cpu) and compares the counts.
 *
 * Slot counts per variable are TF.js's (tfjs-core 4.22 dist/optimizers/*_optimizer.js, the
 * `accumulated*` arrays each applyGradients fills once per variable): sgd 0; momentum 1
 * (accumulations); adagrad 1 (accumulatedGrads); adadelta 2 (accumulatedGrads,
 * accumulatedUpdates); adam 2 (accumulatedFirstMoment, accumulatedSecondMoment); adamax 2
 * (accumulatedFirstMoment, accumulatedWeightedInfNorm); rmsprop 2 (accumulatedMeanSquares,
 * accumulatedMoments), 3 when centered (plus accumulatedMeanGrads). adamw has no TF.js
 * counterpart: Keras's AdamW keeps Adam's two moments.
 */
import * as ts from '../src/index.js';

export interface OptimizerCase {
  factory: string;
  variant?: string;
  args: unknown[];
  /** Slot variables per model variable, made by the first minimize (TF.js's count). */
  slots: number;
  /** Tensors tessera's optimizer holds from construction (momentum keeps its scalar, as TF.js does). */
  held: number;
  /** Tensors TF.js's optimizer holds from construction; undefined when TF.js has no such optimizer. */
  tfjsHeld?: number;
  /** Tensors TF.js's dispose() leaves behind (a TF.js bug tessera does not copy). */
  tfjsDisposeLeaves?: number;
}

export const OPTIMIZER_CASES: OptimizerCase[] = [
  // TF.js SGD keeps c = keep(scalar(-learningRate)); tessera passes the rate as a number.
  { factory: 'sgd', args: [0.1], slots: 0, held: 0, tfjsHeld: 1 },
  // TF.js Momentum keeps c and m = scalar(momentum); tessera keeps its momentum scalar. TF.js's
  // MomentumOptimizer.dispose() frees m and the accumulations but not SGD's c (it does not call
  // super.dispose()), so one tensor stays behind there; tessera's frees everything.
  { factory: 'momentum', args: [0.1, 0.9], slots: 1, held: 1, tfjsHeld: 2, tfjsDisposeLeaves: 1 },
  { factory: 'momentum', variant: 'nesterov', args: [0.1, 0.9, true], slots: 1, held: 1, tfjsHeld: 2, tfjsDisposeLeaves: 1 },
  { factory: 'adagrad', args: [0.1], slots: 1, held: 0, tfjsHeld: 0 },
  { factory: 'adadelta', args: [0.1], slots: 2, held: 0, tfjsHeld: 0 },
  // TF.js Adam keeps accBeta1 and accBeta2 variables; tessera derives them from the step number.
  { factory: 'adam', args: [0.01], slots: 2, held: 0, tfjsHeld: 2 },
  // TF.js Adamax keeps an iteration and an accBeta1 variable.
  { factory: 'adamax', args: [0.01], slots: 2, held: 0, tfjsHeld: 2 },
  { factory: 'rmsprop', args: [0.01], slots: 2, held: 0, tfjsHeld: 0 },
  { factory: 'rmsprop', variant: 'centered, momentum', args: [0.01, 0.9, 0.5, null, true], slots: 3, held: 0, tfjsHeld: 0 },
  { factory: 'adamw', args: [0.01], slots: 2, held: 0 },
  // gradient clipping (a tessera option) must not keep anything either
  { factory: 'adam', variant: 'clipnorm, clipvalue', args: [0.01, 0.9, 0.999, null, { clipnorm: 1, clipvalue: 0.5 }], slots: 2, held: 0 },
  { factory: 'sgd', variant: 'globalClipnorm', args: [0.1, { globalClipnorm: 1 }], slots: 0, held: 0 },
];

/** The public names the walk uses, which tessera and @tensorflow/tfjs-core share. */
export interface OptimizerLib {
  memory(): { numTensors: number };
  tensor(values: number[], shape: number[]): any;
  variable(initial: any): any;
  matMul(a: any, b: any): any;
  add(a: any, b: any): any;
  sub(a: any, b: any): any;
  square(a: any): any;
  sum(a: any): any;
  dispose(t: any): void;
  train: Record<string, any>;
}

/** numTensors growth at each step of one case. */
export interface OptimizerGrowth {
  construct: number;
  firstMinimize: number;
  secondMinimize: number;
  /** minimize(f, true): the returned cost only. */
  returnCost: number;
  /** optimizer.dispose(), relative to before the optimizer existed (0 = everything freed). */
  afterDispose: number;
}

export const optimizerFactories = () => Object.keys(ts.train).filter((k) => /^[a-z]/.test(k) && typeof (ts.train as Record<string, unknown>)[k] === 'function');
export const caseLabel = (c: OptimizerCase) => (c.variant ? `${c.factory} (${c.variant})` : c.factory);

/** Runs one case on `lib` (tessera by default) and returns the growth at each step. */
export function walkOptimizer(c: OptimizerCase, lib: OptimizerLib = ts as unknown as OptimizerLib): OptimizerGrowth {
  const count = () => lib.memory().numTensors;
  const x = lib.tensor([0.5, -1, 2, 0.25, 1, 0, -0.5, 1.5], [4, 2]);
  const y = lib.tensor([1, 0, 0, 1, 0.5, 0.5, 1, 1], [4, 2]);
  const w0 = lib.tensor([0.1, -0.2, 0.3, 0.4], [2, 2]);
  const b0 = lib.tensor([0, 0.1], [2]);
  const w = lib.variable(w0);
  const b = lib.variable(b0);
  const loss = () => lib.sum(lib.square(lib.sub(lib.add(lib.matMul(x, w), b), y)));
  const base = count();
  const opt = lib.train[c.factory](...c.args);
  const construct = count() - base;
  let before = count();
  opt.minimize(loss, false, [w, b]);
  const firstMinimize = count() - before;
  before = count();
  opt.minimize(loss, false, [w, b]);
  const secondMinimize = count() - before;
  before = count();
  const cost = opt.minimize(loss, true, [w, b]);
  const returnCost = count() - before;
  lib.dispose(cost);
  opt.dispose();
  const afterDispose = count() - base;
  lib.dispose([x, y, w0, b0, w, b]);
  return { construct, firstMinimize, secondMinimize, returnCost, afterDispose };
}

/** What `c` should grow by on tessera, by the hand counts above (2 variables). */
export const expectedGrowth = (c: OptimizerCase): OptimizerGrowth => ({
  construct: c.held, firstMinimize: 2 * c.slots, secondMinimize: 0, returnCost: 1, afterDispose: 0,
});

/**
 * getWeights / setWeights after two steps (tessera only): getWeights returns the iteration scalar
 * and a copy of every slot, 1 + 2 * slots new tensors (TF.js hands out its slot variables
 * themselves, so there only the scalar is new); setWeights of them adds none; dispose frees all.
 */
async function checkOptimizerWeights(c: OptimizerCase): Promise<string[]> {
  const count = () => ts.memory().numTensors;
  const problems: string[] = [];
  const w0 = ts.tensor([0.1, -0.2, 0.3, 0.4], [2, 2]);
  const b0 = ts.tensor([0, 0.1], [2]);
  const w = ts.variable(w0);
  const b = ts.variable(b0);
  const initial = ts.memory().numTensors;
  const loss = () => ts.sum(ts.square(ts.add(ts.matMul(w, w), b)));
  const opt = (ts.train as unknown as Record<string, (...a: unknown[]) => ts.Optimizer>)[c.factory](...c.args);
  opt.minimize(loss, false, [w, b]);
  opt.minimize(loss, false, [w, b]);
  let before = count();
  const ws = await opt.getWeights();
  if (count() - before !== 1 + 2 * c.slots) problems.push(`${caseLabel(c)}, getWeights: numTensors grew by ${count() - before}, expected ${1 + 2 * c.slots}`);
  before = count();
  await opt.setWeights(ws);
  if (count() !== before) problems.push(`${caseLabel(c)}, setWeights: numTensors grew by ${count() - before}, expected 0`);
  ts.dispose(ws.map((n) => n.tensor));
  opt.dispose();
  if (count() !== initial) problems.push(`${caseLabel(c)}, getWeights/setWeights then dispose: ${count() - initial} tensors remain`);
  ts.dispose([w0, b0, w, b]);
  return problems;
}

/** Every case on tessera's current backend: how many ran and what differed from the hand counts. */
export async function walkOptimizers(): Promise<{ factories: number; cases: number; problems: string[] }> {
  const problems: string[] = [];
  const start = ts.memory().numTensors;
  for (const c of OPTIMIZER_CASES) {
    try {
      const got = walkOptimizer(c);
      const want = expectedGrowth(c);
      for (const k of Object.keys(want) as (keyof OptimizerGrowth)[]) {
        if (got[k] !== want[k]) problems.push(`${caseLabel(c)}, ${k}: numTensors grew by ${got[k]}, expected ${want[k]}`);
      }
      problems.push(...await checkOptimizerWeights(c));
    } catch (e) {
      problems.push(`${caseLabel(c)}: threw ${(e as Error).message}`);
    }
  }
  if (ts.memory().numTensors !== start) problems.push(`optimizers: ${ts.memory().numTensors - start} tensors remain after the walk`);
  return { factories: optimizerFactories().length, cases: OPTIMIZER_CASES.length, problems };
}
