/**
 * Adam family (TF.js `train.adam`, `train.adamax`, plus tessera's `train.adamw`):
 *   adam:   m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g^2;
 *           w -= lr * (m / (1-b1^t)) / (sqrt(v / (1-b2^t)) + eps)
 *   adamw:  as adam, plus decoupled weight decay w -= lr * weightDecay * w (Loshchilov & Hutter)
 *   adamax: m as adam;  u = max(b2 u, |g|);  w -= lr / (1 + decay (t-1)) / (1-b1^t) * m / (u + eps)
 * Adam and AdamW run as one fused `adamUpdate` kernel call over all variables (src/ops/optimizer_ops.ts),
 * which computes exactly the float32 sequence of the formulas above.
 */
import type { Tensor } from '../tensor.js';
import type { Variable } from '../variable.js';
import { add, div, maximum, mul, sub } from '../ops/binary.js';
import { abs } from '../ops/unary.js';
import { adamAttrs, adamUpdateMany, type AdamStepConfig } from '../ops/optimizer_ops.js';
import { ENGINE } from '../engine.js';
import { Optimizer, type OptimizerOptions } from './optimizer.js';
import { checkDecay, checkRate, DEFAULT_EPSILON } from './checks.js';

/**
 * Adam (`tf.train.adam`).
 */
export class AdamOptimizer extends Optimizer {
  /** The class name the optimizer is saved under ('Adam'). */
  static override className = 'Adam';
  /** The constructor arguments, in order, that `getConfig` saves. */
  static override configArgs = ['learningRate', 'beta1', 'beta2', 'epsilon'];
  constructor(
    public learningRate = 0.001, public beta1 = 0.9, public beta2 = 0.999, public epsilon = DEFAULT_EPSILON,
    options?: OptimizerOptions,
  ) {
    super(options);
    const n = this.getClassName().toLowerCase();
    checkRate(n, 'learningRate', learningRate);
    checkDecay(n, 'beta1', beta1);
    checkDecay(n, 'beta2', beta2);
    checkRate(n, 'epsilon', epsilon);
  }
  protected slotNames(): string[] {
    return ['m', 'v'];
  }
  /** AdamW's decoupled weight decay; 0 for Adam. */
  protected decoupledWeightDecay(): number {
    return 0;
  }
  protected override recordable(): boolean {
    return true;
  }
  /** Step t's hyperparameters. */
  private stepConfig(t: number): AdamStepConfig {
    return {
      learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, step: t,
      weightDecay: this.decoupledWeightDecay(),
    };
  }
  protected update(w: Variable, g: Tensor, slots: Variable[], t: number): { value: Tensor; slots: Tensor[] } {
    return this.updateAll([w], [g], [slots], t)[0];
  }
  /** The whole step as one adamUpdate kernel call over every variable. */
  protected override updateAll(vars: Variable[], grads: Tensor[], slots: Variable[][], t: number): Array<{ value: Tensor; slots: Tensor[] }> {
    // in a recorded plan, the learning rate and the bias corrections are recomputed at each replay
    const sizes = vars.map((w) => w.size).filter((size) => size > 0);
    if (sizes.length) ENGINE.tracer?.liveAttrs(() => adamAttrs(sizes, this.stepConfig(this.iterations)));
    const out = adamUpdateMany(vars, grads, slots.map((s) => s[0]), slots.map((s) => s[1]), this.stepConfig(t));
    return vars.map((_, i) => ({ value: out.params[i], slots: [out.ms[i], out.vs[i]] }));
  }
  /** The constructor arguments by name (saved with `includeOptimizer`). */
  override getConfig(): Record<string, unknown> {
    return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, ...super.getConfig() };
  }
}

/**
 * Adam with decoupled weight decay (`tf.train.adamw`).
 */
export class AdamWOptimizer extends AdamOptimizer {
  /** The class name the optimizer is saved under ('AdamW'). */
  static override className = 'AdamW';
  /** The constructor arguments, in order, that `getConfig` saves. */
  static override configArgs = ['learningRate', 'beta1', 'beta2', 'epsilon', 'weightDecay'];
  constructor(
    learningRate = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon = DEFAULT_EPSILON, public weightDecay = 0.004,
    options?: OptimizerOptions,
  ) {
    super(learningRate, beta1, beta2, epsilon, options);
    checkRate('adamw', 'weightDecay', weightDecay, true);
  }
  protected override decoupledWeightDecay(): number {
    return this.weightDecay;
  }
  /** The constructor arguments by name (saved with `includeOptimizer`). */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), weightDecay: this.weightDecay };
  }
}

/**
 * Adamax (`tf.train.adamax`).
 */
export class AdamaxOptimizer extends Optimizer {
  /** The class name the optimizer is saved under ('Adamax'). */
  static override className = 'Adamax';
  /** The constructor arguments, in order, that `getConfig` saves. */
  static override configArgs = ['learningRate', 'beta1', 'beta2', 'epsilon', 'decay'];
  constructor(
    public learningRate = 0.002, public beta1 = 0.9, public beta2 = 0.999, public epsilon = DEFAULT_EPSILON,
    public decay = 0, options?: OptimizerOptions,
  ) {
    super(options);
    checkRate('adamax', 'learningRate', learningRate);
    checkDecay('adamax', 'beta1', beta1);
    checkDecay('adamax', 'beta2', beta2);
    checkRate('adamax', 'epsilon', epsilon);
    checkRate('adamax', 'decay', decay, true);
  }
  protected slotNames(): string[] {
    return ['m', 'v'];
  }
  protected override recordable(): boolean {
    return true;
  }
  protected update(w: Variable, g: Tensor, [m, u]: Variable[]): { value: Tensor; slots: Tensor[] } {
    const m2 = add(mul(m, this.beta1), mul(g, 1 - this.beta1));
    const u2 = maximum(mul(u, this.beta2), abs(g));
    // step t's rate (t is the optimizer's count); a recorded plan reads it again at each replay
    const rate = () => this.learningRate / (1 + this.decay * (this.iterations - 1)) / (1 - this.beta1 ** this.iterations);
    const step = mul(div(m2, add(u2, this.epsilon)), this.live(rate));
    return { value: sub(w, step), slots: [m2, u2] };
  }
  /** The constructor arguments by name (saved with `includeOptimizer`). */
  override getConfig() {
    return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, decay: this.decay, ...super.getConfig() };
  }
}
