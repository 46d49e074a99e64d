/**
 * Plain and momentum gradient descent (TF.js `train.sgd`, `train.momentum`):
 *   sgd:       w -= lr * g
 *   momentum:  a = momentum * a + g;  w -= lr * a   (Nesterov: w -= lr * (g + momentum * a))
 */
import type { Tensor } from '../tensor.js';
import type { Variable } from '../variable.js';
import { add, mul, sub } from '../ops/binary.js';
import { scalar } from '../ops/creation.js';
import { keep } from '../globals.js';
import { Optimizer, type OptimizerOptions } from './optimizer.js';
import { checkRate } from './checks.js';

/**
 * Stochastic gradient descent (`tf.train.sgd`).
 */
export class SGDOptimizer extends Optimizer {
  /** The class name the optimizer is saved under ('SGD'). */
  static override className = 'SGD';
  /** The constructor arguments, in order, that `getConfig` saves. */
  static override configArgs = ['learningRate'];
  constructor(public learningRate: number, options?: OptimizerOptions) {
    super(options);
    checkRate('sgd', 'learningRate', learningRate);
  }
  protected slotNames(): string[] {
    return [];
  }
  protected override recordable(): boolean {
    return true;
  }
  protected update(v: Variable, g: Tensor): { value: Tensor; slots: Tensor[] } {
    return { value: sub(v, mul(g, this.live(() => this.learningRate))), slots: [] };
  }
  /** TF.js `setLearningRate(lr)`: later steps use lr. */
  setLearningRate(learningRate: number): void {
    checkRate('sgd', 'learningRate', learningRate);
    this.learningRate = learningRate;
  }
  /** The constructor arguments by name (saved with `includeOptimizer`). */
  override getConfig() {
    return { learningRate: this.learningRate, ...super.getConfig() };
  }
}

/**
 * SGD with momentum (`tf.train.momentum`).
 */
export class MomentumOptimizer extends Optimizer {
  /** The class name the optimizer is saved under ('Momentum'). */
  static override className = 'Momentum';
  /** The constructor arguments, in order, that `getConfig` saves. */
  static override configArgs = ['learningRate', 'momentum', 'useNesterov'];
  /**
   * The momentum as a kept scalar tensor, as TF.js's Momentum holds one: memory counts around
   * `minimize` and `dispose` then match TF.js's (dispose frees it with the accumulators).
   */
  private momentumTensor: Tensor;
  constructor(public learningRate: number, public momentum: number, public useNesterov = false, options?: OptimizerOptions) {
    super(options);
    checkRate('momentum', 'learningRate', learningRate);
    checkRate('momentum', 'momentum', momentum, true);
    this.momentumTensor = keep(scalar(momentum));
  }
  protected slotNames(): string[] {
    return ['momentum'];
  }
  protected override recordable(): boolean {
    return true;
  }
  protected update(v: Variable, g: Tensor, [acc]: Variable[]): { value: Tensor; slots: Tensor[] } {
    const m = this.momentumTensor.isDisposed ? this.momentum : this.momentumTensor;
    const a = add(mul(acc, m), g);
    const step = this.useNesterov ? add(g, mul(a, m)) : a;
    return { value: sub(v, mul(step, this.live(() => this.learningRate))), slots: [a] };
  }
  /** TF.js `setLearningRate(lr)` (Momentum inherits it from SGD there). */
  setLearningRate(learningRate: number): void {
    checkRate('momentum', 'learningRate', learningRate);
    this.learningRate = learningRate;
  }
  /** TF.js `setMomentum(m)`: later steps use m. */
  setMomentum(momentum: number): void {
    checkRate('momentum', 'momentum', momentum, true);
    this.momentum = momentum;
    this.momentumTensor.dispose();
    this.momentumTensor = keep(scalar(momentum));
  }
  /** The constructor arguments by name (saved with `includeOptimizer`). */
  override getConfig() {
    return { learningRate: this.learningRate, momentum: this.momentum, useNesterov: this.useNesterov, ...super.getConfig() };
  }
  /** Frees the accumulated velocities. */
  override dispose(): void {
    super.dispose();
    this.momentumTensor.dispose();
  }
}
