/**
 * Activation layer: applies a named activation (TF.js `layers.activation({activation})`).
 */
import type { Tensor } from '../../tensor.js';
import { reshape } from '../../ops/layout.js';
import { Layer, type Kwargs, type LayerArgs } from '../layer.js';
import { canonicalActivation, getActivation, type ActivationIdentifier } from '../activations.js';

export interface ActivationLayerArgs extends LayerArgs {
  activation: ActivationIdentifier;
}

export class Activation extends Layer {
  static override className = 'Activation';
  readonly activation: string;
  private fn: (x: Tensor) => Tensor;

  constructor(args: ActivationLayerArgs) {
    super(args);
    if (!args || args.activation == null) throw new Error('activation: the `activation` option is required');
    this.activation = canonicalActivation(args.activation);
    this.fn = getActivation(this.activation);
    this.supportsMasking = true;
  }

  call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const y = this.fn(x);
    // 'linear' returns its input: hand back a view so disposing the output keeps the input alive.
    return y === x ? reshape(x, x.shape) : y;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), activation: this.activation };
  }
}
/**
 * Applies an activation function ('relu', 'sigmoid', 'tanh', ...) to its input.
 * @example
 * ```js
 * tf.layers.activation({ activation: 'relu' }).apply(tf.tensor([-1, 2])).print(); // [0, 2]
 * ```
 */
export const activation = (args: ActivationLayerArgs) => new Activation(args);
