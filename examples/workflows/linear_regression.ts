/**
 * Workflow 1, linear regression: y = 2 + 3x + noise learned by a single Dense(1) unit with
 * plain SGD on mean squared error for 100 epochs; reports predict(5) (ideal: 17).
 */
import { now, randNormal, rng, seededInitializers, type Ts, type TsTensor, type WorkflowOptions, type WorkflowResult } from './common.js';

export const LINEAR_REGRESSION_SAMPLES = 200;

/** x uniform in [0, 6], y = 2 + 3x + N(0, 0.3^2). */
export function linearRegressionData(seed: number, n = LINEAR_REGRESSION_SAMPLES): { x: number[]; y: number[] } {
  const rand = rng(seed);
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const xi = 6 * rand();
    x.push(xi);
    y.push(2 + 3 * xi + 0.3 * randNormal(rand));
  }
  return { x, y };
}

export async function linearRegression(ts: Ts, opts: WorkflowOptions = {}): Promise<WorkflowResult> {
  const seed = opts.seed ?? 1;
  const epochs = opts.epochs ?? 100;
  const t0 = now();
  const data = linearRegressionData(seed);
  const xs = ts.tensor2d(data.x, [data.x.length, 1]);
  const ys = ts.tensor2d(data.y, [data.y.length, 1]);
  const init = seededInitializers(ts, seed);
  const model = ts.sequential({ layers: [ts.layers.dense({ units: 1, inputShape: [1], kernelInitializer: init(0) })] });
  try {
    model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const t1 = now();
    const h = await model.fit(xs, ys, { epochs, batchSize: 32, shuffle: false, verbose: opts.verbose ?? 0, callbacks: opts.callbacks });
    const trainMs = now() - t1;
    const probe = ts.tensor2d([5], [1, 1]);
    const out = model.predict(probe) as TsTensor;
    const predict5 = (await out.data())[0];
    probe.dispose();
    out.dispose();
    const [kernel, bias] = model.getWeights();
    const slope = (await kernel.data())[0];
    const intercept = (await bias.data())[0];
    kernel.dispose();
    bias.dispose();
    const loss = h.history.loss;
    return {
      name: 'linearRegression', history: h.history, epochs: h.epoch.length, params: model.countParams(), trainMs, totalMs: now() - t0,
      metrics: { predict5, slope, intercept, finalLoss: loss[loss.length - 1] },
    };
  } finally {
    model.dispose();
    xs.dispose();
    ys.dispose();
  }
}
