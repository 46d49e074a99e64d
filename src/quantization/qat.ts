/**
 * Quantization-aware training: the QuantizeWrapper layer that tf.quantization.quantizeModel puts
 * around Dense, Conv2D and DepthwiseConv2D layers (in the manner of tfmot's quantize_model). Each
 * call fake-quantizes the layer's input per tensor over an exponential moving average of the
 * ranges seen in training (non-trainable `input_min` / `input_max`, saved with the model), and its
 * kernel per output channel, symmetric over [-max|w|, max|w|] on 255 levels (the int8 grid
 * [-127, 127]); the wrapped layer then runs as usual on the two. Gradients pass straight through
 * (see fake_quant.ts). tf.quantization.quantize converts such a model to int8 with these ranges.
 */
import { ENGINE } from '../engine.js';
import type { Tensor } from '../tensor.js';
import type { Variable } from '../variable.js';
import { tidy } from '../globals.js';
import { abs, cast } from '../ops/unary.js';
import { add, maximum, minimum, mul, sub } from '../ops/binary.js';
import { max, min } from '../ops/reduce.js';
import { neg } from '../ops/unary.js';
import { reshape } from '../ops/layout.js';
import { scalar } from '../ops/creation.js';
import { Layer, type Kwargs, type LayerArgs, type LayerWeight, type Shape } from '../layers/layer.js';
import { layerFromConfig } from '../layers/serialization.js';
import { fakeQuantWithMinMaxVars, fakeQuantWithMinMaxVarsPerChannel } from './fake_quant.js';

/** The layer classes quantization handles, and the name of each one's kernel weight / field. */
export const QUANTIZABLE: Record<string, { weight: string; field: string; kind: 'dense' | 'conv2d' | 'depthwise' }> = {
  Dense: { weight: 'kernel', field: 'kernel', kind: 'dense' },
  Conv2D: { weight: 'kernel', field: 'kernel', kind: 'conv2d' },
  DepthwiseConv2D: { weight: 'depthwise_kernel', field: 'depthwiseKernel', kind: 'depthwise' },
};

/** Why `layer` cannot be quantized, or null when it can. */
export function unquantizableReason(layer: Layer): string | null {
  const cls = layer.getClassName();
  if (!(cls in QUANTIZABLE)) return `${cls} is not quantizable (quantizable: ${Object.keys(QUANTIZABLE).join(', ')})`;
  const cfg = layer.getConfig();
  if (cfg.dataFormat === 'channelsFirst') return 'dataFormat channelsFirst is not supported (int8 kernels are NHWC)';
  if (cls === 'DepthwiseConv2D' && cfg.depthMultiplier !== 1) return `depthMultiplier ${cfg.depthMultiplier} is not supported (only 1)`;
  return null;
}

/**
 * Fake quantization of a kernel per output channel (its last axis; a depthwise kernel
 * [h, w, C, m] per C * m): symmetric, narrow range, so the grid is exactly the int8 weights' one.
 */
export function fakeQuantKernel(w: Tensor, kind: 'dense' | 'conv2d' | 'depthwise'): Tensor {
  const flat = kind === 'depthwise' ? reshape(w, [...w.shape.slice(0, -2), w.shape[w.rank - 2] * w.shape[w.rank - 1]]) : w;
  const axes = flat.shape.slice(0, -1).map((_, i) => i);
  // ranges from the current weights, with no gradient of their own; an all-zero channel gets a tiny range
  const hi = ENGINE.noGrad(() => tidy(() => maximum(max(abs(flat), axes), 1e-30)));
  const lo = ENGINE.noGrad(() => neg(hi));
  const q = fakeQuantWithMinMaxVarsPerChannel(flat, lo, hi, { narrowRange: true });
  hi.dispose();
  lo.dispose();
  return flat === w ? q : reshape(q, w.shape);
}

export interface QuantizeWrapperArgs extends LayerArgs {
  layer: Layer | { className: string; config: Record<string, unknown> };
  /** Weight of the old range in the moving average of input ranges (default 0.99). */
  emaDecay?: number;
}

/**
 * The wrapper tf.quantization.quantizeModel puts around each quantizable layer: fake-quantized
 * input (moving-average range) and kernel (per channel), then the wrapped layer. Its weights are
 * the wrapped layer's (named after the wrapper), then input_min, input_max and range_initialized.
 */
export class QuantizeWrapper extends Layer {
  /** 'QuantizeWrapper', the name the layer is serialized under. */
  static override className = 'QuantizeWrapper';
  /** The wrapped layer. */
  readonly layer: Layer;
  readonly emaDecay: number;
  inputMin?: Variable;
  inputMax?: Variable;
  /** 0 until the first training batch set the range, then 1. */
  private rangeInitialized?: Variable;

  constructor(args: QuantizeWrapperArgs) {
    if (!args || !args.layer) throw new Error('quantizeModel: the `layer` option of QuantizeWrapper is required');
    const inner = args.layer instanceof Layer ? args.layer : layerFromConfig(args.layer.className, args.layer.config ?? {});
    super({ ...args, name: args.name ?? `quant_${inner.name}`, batchInputShape: args.batchInputShape ?? inner.batchInputShape });
    const why = unquantizableReason(inner);
    if (why) throw new Error(`quantizeModel: layer '${inner.name}': ${why}`);
    this.layer = inner;
    this.emaDecay = args.emaDecay ?? 0.99;
    if (!(this.emaDecay >= 0 && this.emaDecay < 1)) throw new Error(`quantizeModel: emaDecay must be in [0, 1), got ${args.emaDecay}`);
  }

  /** Builds the wrapped layer (its weights named after the wrapper), then the range variables. */
  override build(inputShape: Shape | Shape[]): void {
    const own = this.layer.name;
    this.layer.name = this.name;
    try {
      this.layer.maybeBuild(inputShape);
    } finally {
      this.layer.name = own;
    }
    ENGINE.noGrad(() => {
      // tfmot's initial range; the first training batch replaces it
      this.inputMin = this.addWeight('input_min', [], 'float32', { className: 'Constant', config: { value: -6 } }, null, false);
      this.inputMax = this.addWeight('input_max', [], 'float32', { className: 'Constant', config: { value: 6 } }, null, false);
      this.rangeInitialized = this.addWeight('range_initialized', [], 'float32', 'zeros', null, false);
    });
    this.built = true;
  }

  /** The wrapped layer's weights, then input_min, input_max, range_initialized. */
  override weightEntries(): LayerWeight[] {
    return [...this.layer.weightEntries(), ...this.weightList];
  }

  /** The kernel as the int8 model will hold it, before fake quantization. */
  get kernel(): Variable {
    return (this.layer as unknown as Record<string, Variable>)[QUANTIZABLE[this.layer.getClassName()].field];
  }

  /** The current moving-average input range. */
  async inputRange(): Promise<[number, number]> {
    return [(await this.inputMin!.data())[0], (await this.inputMax!.data())[0]];
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    return this.layer.computeOutputShape(inputShape);
  }

  call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor | Tensor[] {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (kwargs.training) this.updateRange(x);
    const xq = fakeQuantWithMinMaxVars(x, this.inputMin!, this.inputMax!);
    const wq = fakeQuantKernel(this.kernel, QUANTIZABLE[this.layer.getClassName()].kind);
    // The wrapped layer runs with the fake-quantized kernel in place of its variable (restored
    // after), so its own call() does bias, activation, padding and shapes, and the gradient of
    // the kernel flows back through the fake quantization to the variable.
    const fields = this.layer as unknown as Record<string, Tensor>;
    const field = QUANTIZABLE[this.layer.getClassName()].field;
    const kernel = fields[field];
    fields[field] = wq;
    try {
      return this.layer.call(xq, kwargs);
    } finally {
      fields[field] = kernel;
    }
  }

  /** min/max of the batch (0 included), then the moving average (the first batch sets it). */
  private updateRange(x: Tensor): void {
    ENGINE.noGrad(() => tidy(() => {
      const lo = minimum(min(x), 0);
      const hi = maximum(max(x), 0);
      const init = this.rangeInitialized!;
      // keep = decay once initialized, 0 for the first batch (device-side, so recorded plans replay it)
      const keep = mul(init, this.emaDecay);
      const blend = (old: Tensor, batch: Tensor) => add(mul(old, keep), mul(batch, sub(scalar(1), keep)));
      this.inputMin!.assign(blend(this.inputMin!, lo));
      this.inputMax!.assign(blend(this.inputMax!, hi));
      init.assign(cast(scalar(1), 'float32'));
    }));
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      layer: { className: this.layer.getClassName(), config: this.layer.getConfig() },
      emaDecay: this.emaDecay,
    };
  }
}
