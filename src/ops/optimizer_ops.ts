/**
 * Internal op-layer helpers for fused optimizer updates (not part of the public API): they
 * validate their operands and run the optimizer kernels of the catalogue (see kernels.ts), one
 * dispatch per variable, outside gradient recording. The optimizers in src/optimizers use them.
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

/**
 * One fused Adam / AdamW step: returns the new parameter and moments as fresh float32 tensors
 * of the parameter's shape (the caller assigns them). Inputs are left untouched.
 */
export function adamUpdate(param: Tensor, grad: Tensor, m: Tensor, v: Tensor, c: AdamStepConfig): { param: Tensor; m: Tensor; v: Tensor } {
  const op = 'adamUpdate';
  const named: Array<[string, Tensor]> = [['param', param], ['grad', grad], ['m', m], ['v', v]];
  for (const [name, t] of named) {
    t.assertAlive(`${op} (argument '${name}')`);
    if (t.dtype !== 'float32') throw new Error(`${op}: '${name}' must be float32, got ${describe(t)}`);
    if (t.size !== param.size || t.shape.join() !== param.shape.join()) {
      throw new Error(`${op}: '${name}' is ${describe(t)} but param is ${describe(param)}; all four must have the same shape`);
    }
  }
  const weightDecay = c.weightDecay ?? 0;
  const nums: Array<[string, number]> = [['learningRate', c.learningRate], ['beta1', c.beta1], ['beta2', c.beta2], ['epsilon', c.epsilon], ['weightDecay', weightDecay]];
  for (const [name, x] of nums) {
    if (typeof x !== 'number' || !Number.isFinite(x)) throw new Error(`${op}: ${name} must be a finite number, got ${x}`);
  }
  if (!Number.isInteger(c.step) || c.step < 1) throw new Error(`${op}: step must be a positive integer, got ${c.step}`);
  return ENGINE.noGrad(() => {
    const outs = [0, 1, 2].map(() => ENGINE.makeOutput(param.shape.slice(), 'float32'));
    if (param.size > 0) ENGINE.runKernel('adamUpdate', [param, grad, m, v], outs, adamAttrs(param.size, c));
    return { param: outs[0], m: outs[1], v: outs[2] };
  });
}

/** The adamUpdate kernel's attrs for one step (a recorded plan recomputes them at each replay). */
export function adamAttrs(size: number, c: AdamStepConfig): KernelAttrs['adamUpdate'] {
  return {
    size, lr: c.learningRate, beta1: c.beta1, beta2: c.beta2, epsilon: c.epsilon,
    biasCorrection1: 1 - c.beta1 ** c.step, biasCorrection2: 1 - c.beta2 ** c.step, weightDecay: c.weightDecay ?? 0,
  };
}
