/**
 * Dense: y = activation(x · kernel + bias) on the last axis, with TF.js config, weight names
 * (kernel [inputDim, units], bias [units]) and serialization. Bias and activation run in the
 * matMul kernel's fused epilogue where the activation allows it.
 */
import type { Tensor } from '../../tensor.js';
import { fmtShape } from '../../util.js';
import { reshape } from '../../ops/layout.js';
import { denseMatMul } from '../../ops/fused.js';
import { Layer, type Kwargs, type LayerArgs, type Shape } from '../layer.js';
import { getInitializer, type Initializer, type InitializerSpec } from '../initializers.js';
import { getRegularizer, type Regularizer, type RegularizerSpec } from '../regularizers.js';
import { canonicalActivation, getActivation, fusedActivationCode, type ActivationIdentifier } from '../activations.js';
import { serializeInitializer, serializeRegularizer } from '../serialization.js';
import type { Variable } from '../../variable.js';
import { getConstraint, serializeConstraint, type Constraint, type ConstraintIdentifier } from '../constraints.js';

export interface DenseArgs extends LayerArgs {
  units: number;
  activation?: ActivationIdentifier;
  useBias?: boolean;
  kernelInitializer?: InitializerSpec;
  biasInitializer?: InitializerSpec;
  kernelRegularizer?: RegularizerSpec;
  biasRegularizer?: RegularizerSpec;
  activityRegularizer?: RegularizerSpec;
  kernelConstraint?: ConstraintIdentifier | null;
  biasConstraint?: ConstraintIdentifier | null;
  inputDim?: number;
}

export class Dense extends Layer {
  static override className = 'Dense';
  readonly units: number;
  readonly activation: string;
  readonly useBias: boolean;
  private kernelInitializer: Initializer;
  private biasInitializer: Initializer;
  private kernelRegularizer?: Regularizer;
  private biasRegularizer?: Regularizer;
  private kernelConstraint?: Constraint;
  private biasConstraint?: Constraint;
  kernel?: Variable;
  bias?: Variable;

  constructor(args: DenseArgs) {
    if (args?.inputDim && !args.inputShape && !args.batchInputShape) args = { ...args, inputShape: [args.inputDim] };
    super(args);
    if (!args || !Number.isInteger(args.units) || args.units <= 0) {
      throw new Error(`dense: units must be a positive integer, got ${args?.units}`);
    }
    this.units = args.units;
    this.activation = canonicalActivation(args.activation);
    this.useBias = args.useBias ?? true;
    // TF.js's default for Dense kernels (Keras Python uses glorotUniform)
    this.kernelInitializer = getInitializer(args.kernelInitializer ?? 'glorotNormal');
    this.biasInitializer = getInitializer(args.biasInitializer ?? 'zeros');
    this.kernelRegularizer = args.kernelRegularizer ? getRegularizer(args.kernelRegularizer) : undefined;
    this.biasRegularizer = args.biasRegularizer ? getRegularizer(args.biasRegularizer) : undefined;
    this.kernelConstraint = getConstraint(args.kernelConstraint);
    this.biasConstraint = getConstraint(args.biasConstraint);
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = inputShape as Shape;
    const inDim = shape[shape.length - 1];
    if (inDim === null || inDim === undefined) throw new Error(`${this.name}: the last input dimension must be known, got ${fmtShape(shape.map((d) => d ?? -1))}`);
    this.kernel = this.addWeight('kernel', [inDim, this.units], 'float32', this.kernelInitializer, this.kernelRegularizer, true, this.kernelConstraint);
    if (this.useBias) this.bias = this.addWeight('bias', [this.units], 'float32', this.biasInitializer, this.biasRegularizer, true, this.biasConstraint);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = (inputShape as Shape).slice();
    s[s.length - 1] = this.units;
    return s;
  }

  call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const inDim = this.kernel!.shape[0];
    if (x.shape[x.rank - 1] !== inDim) {
      throw new Error(`${this.name}: expected last input dimension ${inDim}, got input shape ${fmtShape(x.shape)}`);
    }
    const x2 = x.rank === 2 ? x : reshape(x, [-1, inDim]);
    const code = fusedActivationCode(this.activation);
    let y = denseMatMul(x2, this.kernel!, this.bias, code ?? 0);
    if (code === null) y = getActivation(this.activation)(y);
    return x.rank === 2 ? y : reshape(y, [...x.shape.slice(0, -1), this.units]);
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      units: this.units,
      activation: this.activation,
      useBias: this.useBias,
      kernelInitializer: serializeInitializer(this.kernelInitializer),
      biasInitializer: serializeInitializer(this.biasInitializer),
      kernelRegularizer: serializeRegularizer(this.kernelRegularizer),
      biasRegularizer: serializeRegularizer(this.biasRegularizer),
      activityRegularizer: null,
      kernelConstraint: serializeConstraint(this.kernelConstraint),
      biasConstraint: serializeConstraint(this.biasConstraint),
    };
  }
}
/**
 * A densely connected layer: `activation(input · kernel + bias)`.
 * @example
 * ```js
 * const model = tf.sequential({ layers: [tf.layers.dense({ units: 4, inputShape: [3], activation: 'relu' })] });
 * model.predict(tf.ones([2, 3])).print(); // shape [2, 4]
 * ```
 */
export const dense = (args: DenseArgs) => new Dense(args);
