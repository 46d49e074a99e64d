/**
 * model.warmup() (tessera, not in TF.js): run the model once on zeros so that every WebGPU
 * pipeline its first real step needs is created (createComputePipelineAsync, all compiles in
 * flight at once) before that step. compile() and loadLayersModel() start it in the background.
 *
 * What it covers: predict on a batch of `predictBatchSize` (default 1, the usual first
 * prediction) and, on a compiled model, the forward and backward pass of a training step on a
 * batch of `batchSize` (default 32, fit's default). Shape-dependent choices are uniforms or
 * variants compiled together (see webgpu/spec.ts `variants`), so another batch size compiles
 * nothing new; the optimizer's update kernels compile on the first real step (running them here
 * would change the weights).
 */
import { ENGINE } from '../engine.js';
import { withoutTieredCompile } from '../backends/backend.js';
import { tidy } from '../globals.js';
import type { Tensor } from '../tensor.js';
import { variableGrads } from '../autograd.js';
import { zeros } from '../ops/creation.js';
import type { LayersModel } from './layers_model.js';
import { batchLoss, resolveCompiled } from './compile.js';
import { forward } from './data.js';

/**
 * Options of `model.warmup()`: the input shapes and dtypes to compile the kernels for ahead of the first prediction.
 */
export interface WarmupArgs {
  /** Batch of the prediction trace (default 1). */
  predictBatchSize?: number;
  /** Batch of the training-step trace on a compiled model (default 32). */
  batchSize?: number;
}

/** Zeros shaped like the model's inputs, unknown dimensions (batch included) set to `batch` / 1. */
function zeroInputs(model: LayersModel, batch: number): Tensor[] {
  return model.inputs.map((sym) => zeros(sym.shape.map((d, i) => (d == null ? (i === 0 ? batch : 1) : d)), sym.dtype));
}

/** Run the traces and wait for the device (and so every pipeline they created) to be done. */
export async function warmupModel(model: LayersModel, args: WarmupArgs = {}): Promise<void> {
  const predictBatch = args.predictBatchSize ?? 1;
  const trainBatch = args.batchSize ?? 32;
  for (const [name, b] of [['predictBatchSize', predictBatch], ['batchSize', trainBatch]] as const) {
    if (!Number.isInteger(b) || b < 1) throw new Error(`warmup: ${name} must be a positive integer, got ${b}`);
  }
  // A Sequential without an input shape has no inputs to shape zeros after: nothing to warm.
  if (!model.inputs.length || !model.outputs.length) return;
  const backend = ENGINE.backend;
  // Each dispatch records its own pipeline (no quick-to-compile fallback, Backend.tieredCompile):
  // those are the ones to compile here, all at once.
  withoutTieredCompile(backend, () => recordSteps(model, predictBatch, trainBatch));
  // All dispatches are recorded (each recorded dispatch starts its pipeline's async compile);
  // sync flushes them, which waits for every compile, in parallel.
  await backend.sync();
}

/** Record a prediction and (compiled models) a training step's forward and backward pass on zeros. */
function recordSteps(model: LayersModel, predictBatch: number, trainBatch: number): void {
  ENGINE.noGrad(() => tidy(() => { forward(model, zeroInputs(model, predictBatch), false); }));
  if (model.compiled && model.trainableWeights.length) {
    // Training-mode layers update state (BatchNormalization's moving statistics): keep copies
    // and put them back, so that a warmed model predicts exactly as an un-warmed one.
    const state = model.nonTrainableWeights.map((v) => [v, v.clone()] as const);
    try {
      tidy(() => {
        const xs = zeroInputs(model, trainBatch);
        const r = resolveCompiled(model);
        // Zero targets shaped for each loss (sparse losses take one class index per row); a trace
        // only: the gradients are dropped (no optimizer step).
        variableGrads(() => {
          const outs = forward(model, xs, true);
          const ys = outs.map((o, i) => (String(r.losses[i].canonical ?? '').startsWith('sparse')
            ? zeros([...o.shape.slice(0, -1), 1], 'float32') : zeros(o.shape, o.dtype)));
          return batchLoss(model, r, outs, ys).total;
        }, model.trainableWeights);
      });
    } catch {
      // A custom loss may reject the guessed zero targets: then the training step's kernels
      // compile on the first real step, as without warmup. (The prediction trace above, which
      // needs no guess, still throws.)
    } finally {
      for (const [v, copy] of state) { v.assign(copy); copy.dispose(); }
    }
  }
}
