/**
 * Backend agreement workflow: fixed seeds and data, ten trainOnBatch steps (SGD) of a small
 * MLP and of a tiny CNN on whatever backend is active; returns the two loss trajectories. Run
 * it on js, wasm and webgpu and compare: the trajectories should agree to float32 rounding.
 */
import { now, randInt, randNormal, rng, seededInitializers, type Ts, type TsTensor } from './common.js';

export const AGREE_STEPS = 10;

export interface AgreeResult {
  name: 'backendsAgree';
  backend: string;
  /** Loss after each of the AGREE_STEPS steps, per model. */
  losses: { mlp: number[]; cnn: number[] };
  totalMs: number;
}

/** Ten trainOnBatch steps over ten consecutive batches; returns the losses. */
async function trainSteps(model: ReturnType<Ts['sequential']>, x: TsTensor, y: TsTensor, batch: number, ts: Ts): Promise<number[]> {
  const losses: number[] = [];
  for (let step = 0; step < AGREE_STEPS; step++) {
    const [xb, yb] = ts.tidy(() => [ts.slice(x, [step * batch], [batch]), ts.slice(y, [step * batch], [batch])]);
    const loss = await model.trainOnBatch(xb, yb);
    xb.dispose();
    yb.dispose();
    losses.push(Array.isArray(loss) ? loss[0] : loss);
  }
  return losses;
}

export async function backendsAgree(ts: Ts, opts: { seed?: number } = {}): Promise<AgreeResult> {
  const seed = opts.seed ?? 1;
  const t0 = now();
  const rand = rng(seed);
  const init = seededInitializers(ts, seed);
  const batch = 16;
  const n = batch * AGREE_STEPS;

  // MLP 8 -> 16 (tanh) -> 3 (softmax) on Gaussian features with random labels.
  const mlpX = ts.tensor2d(Array.from({ length: n * 8 }, () => randNormal(rand)), [n, 8]);
  const mlpY = ts.tensor1d(Array.from({ length: n }, () => randInt(rand, 0, 3)), 'int32');
  const mlp = ts.sequential({
    layers: [
      ts.layers.dense({ units: 16, inputShape: [8], activation: 'tanh', kernelInitializer: init(0), biasInitializer: ts.initializers.randomUniform({ seed: seed + 1 }) }),
      ts.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: init(1) }),
    ],
  });
  // CNN: conv2d(3, 3x3, relu) -> maxPooling2d -> flatten -> dense(2, softmax) on 8x8 noise images.
  const cnnX = ts.tensor4d(Array.from({ length: n * 64 }, () => rand()), [n, 8, 8, 1]);
  const cnnY = ts.tensor1d(Array.from({ length: n }, () => randInt(rand, 0, 2)), 'int32');
  const cnn = ts.sequential({
    layers: [
      ts.layers.conv2d({ inputShape: [8, 8, 1], filters: 3, kernelSize: 3, activation: 'relu', kernelInitializer: init(2), biasInitializer: ts.initializers.constant({ value: 0.05 }) }),
      ts.layers.maxPooling2d({ poolSize: 2 }),
      ts.layers.flatten({}),
      ts.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: init(3) }),
    ],
  });
  try {
    mlp.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
    cnn.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
    const mlpLosses = await trainSteps(mlp, mlpX, mlpY, batch, ts);
    const cnnLosses = await trainSteps(cnn, cnnX, cnnY, batch, ts);
    return { name: 'backendsAgree', backend: ts.getBackend(), losses: { mlp: mlpLosses, cnn: cnnLosses }, totalMs: now() - t0 };
  } finally {
    mlp.dispose();
    cnn.dispose();
    for (const t of [mlpX, mlpY, cnnX, cnnY]) t.dispose();
  }
}
