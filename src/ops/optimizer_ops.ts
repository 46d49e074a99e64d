/**
 * Internal op-layer helpers for fused optimizer updates (not part of the public API): they
 * validate their operands and run the optimizer kernels of the catalogue (see kernels.ts)
 * outside gradient recording. The optimizers in src/optimizers use them.
 */
import { ENGINE } from '../engine.js';
import type { KernelAttrs } from '../backends/kernels.js';
import type { Tensor } from '../tensor.js';
import { describe } from './operand.js';

/** Adam / AdamW hyperparameters of one step (t is the 1-based step number). */
export interface AdamStepConfig {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** 1-based iteration number; the bias corrections are 1 - beta^t. */
  step: number;
  /** AdamW's decoupled weight decay (w -= lr * weightDecay * w); 0 for Adam. */
  weightDecay?: number;
}

/** The new parameters and moments of an Adam step, one per variable, in the order given. */
export interface AdamOutputs { params: Tensor[]; ms: Tensor[]; vs: Tensor[] }

/**
 * One fused Adam / AdamW step over several variables with the same hyperparameters, as one
 * adamUpdate kernel call (on webgpu, small variables share a dispatch): returns the new
 * parameters and moments as fresh float32 tensors of each parameter's shape (the caller assigns
 * them). Inputs are left untouched.
 */
export function adamUpdateMany(params: Tensor[], grads: Tensor[], ms: Tensor[], vs: Tensor[], c: AdamStepConfig): AdamOutputs {
  const op = 'adamUpdate';
  const n = params.length;
  if (grads.length !== n || ms.length !== n || vs.length !== n) {
    throw new Error(`${op}: expected as many grads, m and v as params (${n}), got ${grads.length}, ${ms.length} and ${vs.length}`);
  }
  params.forEach((param, i) => {
    const named: Array<[string, Tensor]> = [['param', param], ['grad', grads[i]], ['m', ms[i]], ['v', vs[i]]];
    for (const [name, t] of named) {
      t.assertAlive(`${op} (argument '${name}')`);
      if (t.dtype !== 'float32') throw new Error(`${op}: '${name}' must be float32, got ${describe(t)}`);
      if (t.size !== param.size || t.shape.join() !== param.shape.join()) {
        throw new Error(`${op}: '${name}' is ${describe(t)} but param is ${describe(param)}; all four must have the same shape`);
      }
    }
  });
  const weightDecay = c.weightDecay ?? 0;
  const nums: Array<[string, number]> = [['learningRate', c.learningRate], ['beta1', c.beta1], ['beta2', c.beta2], ['epsilon', c.epsilon], ['weightDecay', weightDecay]];
  for (const [name, x] of nums) {
    if (typeof x !== 'number' || !Number.isFinite(x)) throw new Error(`${op}: ${name} must be a finite number, got ${x}`);
  }
  if (!Number.isInteger(c.step) || c.step < 1) throw new Error(`${op}: step must be a positive integer, got ${c.step}`);
  return ENGINE.noGrad(() => {
    const outs = [0, 1, 2].map(() => params.map((p) => ENGINE.makeOutput(p.shape.slice(), 'float32')));
    // empty variables have nothing to update: the kernel gets the others
    const live = params.map((_, i) => i).filter((i) => params[i].size > 0);
    const pick = (ts: Tensor[]) => live.map((i) => ts[i]);
    if (live.length) {
      ENGINE.runKernel('adamUpdate', [params, grads, ms, vs].flatMap(pick), outs.flatMap(pick), adamAttrs(pick(params).map((p) => p.size), c));
    }
    return { params: outs[0], ms: outs[1], vs: outs[2] };
  });
}

/** One variable's fused Adam / AdamW step (adamUpdateMany of one). */
export function adamUpdate(param: Tensor, grad: Tensor, m: Tensor, v: Tensor, c: AdamStepConfig): { param: Tensor; m: Tensor; v: Tensor } {
  const out = adamUpdateMany([param], [grad], [m], [v], c);
  return { param: out.params[0], m: out.ms[0], v: out.vs[0] };
}

/** The adamUpdate kernel's attrs for one step over variables of these sizes (a recorded plan recomputes them at each replay). */
export function adamAttrs(sizes: number[], c: AdamStepConfig): KernelAttrs['adamUpdate'] {
  return {
    sizes, lr: c.learningRate, beta1: c.beta1, beta2: c.beta2, epsilon: c.epsilon,
    biasCorrection1: 1 - c.beta1 ** c.step, biasCorrection2: 1 - c.beta2 ** c.step, weightDecay: c.weightDecay ?? 0,
  };
}
