/**
 * TimeDistributed (TF.js `layers.timeDistributed({layer})`): applies one layer to every time step of a
 * [batch, time, ...] input by folding time into the batch ([batch * time, ...]), so the step layer's
 * weights are shared across time. The inner layer's weights are named after the wrapper
 * (`${wrapper.name}/kernel`), as TF.js names them.
 */
import type { Tensor } from '../tensor.js';
import { reshape } from '../ops/layout.js';
import { Layer, isMultiShape, type Kwargs, type LayerArgs, type LayerWeight, type Shape } from './layer.js';
import { layerFromConfig } from './serialization.js';
import { composite } from './recurrent/rnn_util.js';

export interface TimeDistributedArgs extends LayerArgs {
  layer: Layer | { className: string; config: Record<string, unknown> };
}

export class TimeDistributed extends Layer {
  static override className = 'TimeDistributed';
  readonly layer: Layer;

  constructor(args: TimeDistributedArgs) {
    super(args);
    if (!args || !args.layer) throw new Error('timeDistributed: the `layer` option is required');
    this.layer = args.layer instanceof Layer ? args.layer : layerFromConfig(args.layer.className, args.layer.config ?? {});
    this.supportsMasking = true;
  }

  private inputShapeOf(s: Shape | Shape[]): Shape {
    const shape = (isMultiShape(s) ? (s as Shape[])[0] : s) as Shape;
    if (shape.length < 3) throw new Error(`TimeDistributed layer expects an input shape >= 3D, but received input shape [${shape.map((d) => d ?? -1)}]`);
    return shape;
  }

  override build(inputShape: Shape | Shape[]): void {
    const s = this.inputShapeOf(inputShape);
    const own = this.layer.name;
    this.layer.name = this.name;
    try {
      this.layer.maybeBuild([s[0], ...s.slice(2)]);
    } finally {
      this.layer.name = own;
    }
    this.built = true;
  }

  override weightEntries(): LayerWeight[] {
    return this.layer.weightEntries();
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = this.inputShapeOf(inputShape);
    const inner = this.layer.computeOutputShape([s[0], ...s.slice(2)]) as Shape;
    return [inner[0], s[1], ...inner.slice(1)];
  }

  call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    this.inputShapeOf(x.shape);
    const [batch, time] = x.shape;
    return composite(() => {
      const y = this.layer.apply(reshape(x, [batch * time, ...x.shape.slice(2)]), { training: kwargs.training }) as Tensor;
      return reshape(y, [batch, time, ...y.shape.slice(1)]);
    });
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), layer: { className: this.layer.getClassName(), config: this.layer.getConfig() } };
  }
}

/**
 * Applies a layer to every time step of [batch, steps, ...] inputs.
 * @example
 * ```js
 * tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 2 }) }).apply(tf.ones([1, 5, 3])).shape; // [1, 5, 2]
 * ```
 */
export const timeDistributed = (args: TimeDistributedArgs) => new TimeDistributed(args);
