/**
 * Adagrad and Adadelta (TF.js `train.adagrad`, `train.adadelta`):
 *   adagrad:  acc += g^2;  w -= lr g / sqrt(acc + eps)       (acc starts at initialAccumulatorValue)
 *   adadelta: d = sqrt(au + eps) / sqrt(ag + eps) * g  (ag from before the step, as TF.js);
 *             ag = rho ag + (1-rho) g^2;  au = rho au + (1-rho) d^2;  w -= lr d
 */
import type { Tensor } from '../tensor.js';
import type { Variable } from '../variable.js';
import { add, div, mul, sub } from '../ops/binary.js';
import { sqrt, square } from '../ops/unary.js';
import { Optimizer, filledLike, type OptimizerOptions } from './optimizer.js';
import { checkDecay, checkRate, DEFAULT_EPSILON } from './checks.js';

/**
 * Adagrad (`tf.train.adagrad`).
 */
export class AdagradOptimizer extends Optimizer {
  /** The class name the optimizer is saved under ('Adagrad'). */
  static override className = 'Adagrad';
  /** The constructor arguments, in order, that `getConfig` saves. */
  static override configArgs = ['learningRate', 'initialAccumulatorValue', 'epsilon'];
  constructor(public learningRate: number, public initialAccumulatorValue = 0.1, public epsilon = DEFAULT_EPSILON, options?: OptimizerOptions) {
    super(options);
    checkRate('adagrad', 'learningRate', learningRate);
    checkRate('adagrad', 'initialAccumulatorValue', initialAccumulatorValue, true);
  }
  protected override recordable(): boolean {
    return true;
  }
  protected slotNames(): string[] {
    return ['accumulator'];
  }
  protected override initialSlot(v: Variable): Tensor {
    return filledLike(v, this.initialAccumulatorValue);
  }
  protected update(w: Variable, g: Tensor, [acc]: Variable[]): { value: Tensor; slots: Tensor[] } {
    const acc2 = add(acc, square(g));
    return { value: sub(w, div(mul(g, this.live(() => this.learningRate)), sqrt(add(acc2, this.epsilon)))), slots: [acc2] };
  }
  /** The constructor arguments by name (saved with `includeOptimizer`). */
  override getConfig() {
    return { learningRate: this.learningRate, initialAccumulatorValue: this.initialAccumulatorValue, ...super.getConfig() };
  }
}

/**
 * Adadelta (`tf.train.adadelta`).
 */
export class AdadeltaOptimizer extends Optimizer {
  /** The class name the optimizer is saved under ('Adadelta'). */
  static override className = 'Adadelta';
  /** The constructor arguments, in order, that `getConfig` saves. */
  static override configArgs = ['learningRate', 'rho', 'epsilon'];
  constructor(public learningRate = 0.001, public rho = 0.95, public epsilon = DEFAULT_EPSILON, options?: OptimizerOptions) {
    super(options);
    checkRate('adadelta', 'learningRate', learningRate);
    checkDecay('adadelta', 'rho', rho);
    checkRate('adadelta', 'epsilon', epsilon);
  }
  protected override recordable(): boolean {
    return true;
  }
  protected slotNames(): string[] {
    return ['accum_grad', 'accum_var'];
  }
  protected update(w: Variable, g: Tensor, [ag, au]: Variable[]): { value: Tensor; slots: Tensor[] } {
    const ag2 = add(mul(ag, this.rho), mul(square(g), 1 - this.rho));
    // TF.js scales by the accumulated gradient from before this step (Keras uses the new one).
    const d = mul(div(sqrt(add(au, this.epsilon)), sqrt(add(ag, this.epsilon))), g);
    const au2 = add(mul(au, this.rho), mul(square(d), 1 - this.rho));
    return { value: sub(w, mul(d, this.live(() => this.learningRate))), slots: [ag2, au2] };
  }
  /** The constructor arguments by name (saved with `includeOptimizer`). */
  override getConfig() {
    return { learningRate: this.learningRate, rho: this.rho, epsilon: this.epsilon, ...super.getConfig() };
  }
}
