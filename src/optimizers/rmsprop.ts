/**
 * RMSProp (TF.js `train.rmsprop`):
 *   ms = decay ms + (1-decay) g^2
 *   centered: mg = decay mg + (1-decay) g;  denom = ms - mg^2;  else denom = ms
 *   mom = momentum mom + lr g / sqrt(denom + eps);  w -= mom
 */
import type { Tensor } from '../tensor.js';
import type { Variable } from '../variable.js';
import { add, div, mul, sub } from '../ops/binary.js';
import { sqrt, square } from '../ops/unary.js';
import { Optimizer, type OptimizerOptions } from './optimizer.js';
import { checkDecay, checkRate, DEFAULT_EPSILON } from './checks.js';

/**
 * RMSProp (`tf.train.rmsprop`).
 */
export class RMSPropOptimizer extends Optimizer {
  /** The class name the optimizer is saved under ('RMSProp'). */
  static override className = 'RMSProp';
  /** The constructor arguments, in order, that `getConfig` saves. */
  static override configArgs = ['learningRate', 'decay', 'momentum', 'epsilon', 'centered'];
  constructor(
    public learningRate: number, public decay = 0.9, public momentum = 0, public epsilon = DEFAULT_EPSILON,
    public centered = false, options?: OptimizerOptions,
  ) {
    super(options);
    if (learningRate == null) throw new Error('learningRate for RMSPropOptimizer must be defined.');
    checkRate('rmsprop', 'learningRate', learningRate);
    checkDecay('rmsprop', 'decay', decay);
    checkRate('rmsprop', 'momentum', momentum, true);
    checkRate('rmsprop', 'epsilon', epsilon);
  }
  protected override recordable(): boolean {
    return true;
  }
  protected slotNames(): string[] {
    return this.centered ? ['rms', 'momentum', 'mg'] : ['rms', 'momentum'];
  }
  protected update(w: Variable, g: Tensor, slots: Variable[]): { value: Tensor; slots: Tensor[] } {
    const [ms, mom, mg] = slots;
    const ms2 = add(mul(ms, this.decay), mul(square(g), 1 - this.decay));
    let denom = ms2;
    let mg2: Tensor | undefined;
    if (this.centered) {
      mg2 = add(mul(mg, this.decay), mul(g, 1 - this.decay));
      denom = sub(ms2, square(mg2));
    }
    const mom2 = add(mul(mom, this.momentum), div(mul(g, this.live(() => this.learningRate)), sqrt(add(denom, this.epsilon))));
    return { value: sub(w, mom2), slots: mg2 ? [ms2, mom2, mg2] : [ms2, mom2] };
  }
  /** The constructor arguments by name (saved with `includeOptimizer`). */
  override getConfig() {
    return {
      learningRate: this.learningRate, decay: this.decay, momentum: this.momentum, epsilon: this.epsilon,
      centered: this.centered, ...super.getConfig(),
    };
  }
}
