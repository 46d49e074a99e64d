/**
 * 3-D convolution layers with TF.js configs and weight layouts: conv3d (kernel [kd, kh, kw, inC,
 * filters]) and conv3dTranspose (kernel [kd, kh, kw, filters, inC]), each with an optional bias
 * [filters], on the conv3d / conv3dTranspose ops (channelsFirst input is transposed around them).
 */
import type { Tensor } from '../../tensor.js';
import { add } from '../../ops/binary.js';
import { transpose } from '../../ops/layout.js';
import { conv3d as conv3dOp, conv3dTranspose as conv3dTransposeOp } from '../../ops/conv3d.js';
import type { Kwargs, Shape } from '../layer.js';
import { getActivation } from '../activations.js';
import { deconvLength } from './conv_utils.js';
import { Conv, ConvTranspose, type ConvLayerArgs } from './conv.js';

type Triple = [number, number, number];
const TO_LAST = [0, 2, 3, 4, 1];
const TO_FIRST = [0, 4, 1, 2, 3];

/** Run fn on the channels-last form of x and give its result back in the layer's dataFormat. */
function channelsLast(layer: Conv, x: Tensor, fn: (xl: Tensor) => Tensor): Tensor {
  if (layer.dataFormat === 'channelsLast') return fn(x);
  return transpose(fn(transpose(x, TO_LAST)), TO_FIRST);
}

export class Conv3D extends Conv {
  static override className = 'Conv3D';
  constructor(args: ConvLayerArgs) {
    super(3, args);
  }

  call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    this.checkInput(x, this.kernel!.shape[3]);
    return channelsLast(this, x, (xl) => {
      let y = conv3dOp(xl, this.kernel!, this.strides as Triple, this.padding as 'valid' | 'same', 'NDHWC', this.dilationRate as Triple);
      if (this.bias) y = add(y, this.bias);
      return getActivation(this.activation)(y);
    });
  }
}

export class Conv3DTranspose extends ConvTranspose {
  static override className = 'Conv3DTranspose';
  constructor(args: ConvLayerArgs) {
    super(3, args);
  }

  call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    this.checkInput(x, this.kernel!.shape[4]);
    return channelsLast(this, x, (xl) => {
      const [b, d, h, w] = xl.shape;
      const out = [b, ...[d, h, w].map((n, i) => deconvLength(n, this.strides[i], this.kernelSize[i], this.padding)!), this.filters];
      let y = conv3dTransposeOp(xl, this.kernel!, out, this.strides as Triple, this.padding as 'valid' | 'same');
      if (this.bias) y = add(y, this.bias);
      return getActivation(this.activation)(y);
    });
  }

  /** TF.js leaves dilationRate (always 1 here) out of this layer's config. */
  override getConfig(): Record<string, unknown> {
    const config = super.getConfig();
    delete config.dilationRate;
    return config;
  }
}

/**
 * 3-D convolution over [batch, depth, height, width, channels] inputs.
 * @example
 * ```js
 * tf.layers.conv3d({ filters: 2, kernelSize: 3 }).apply(tf.ones([1, 5, 5, 5, 1])).shape; // [1, 3, 3, 3, 2]
 * ```
 */
export const conv3d = (args: ConvLayerArgs) => new Conv3D(args);
/**
 * Transposed 3-D convolution.
 * @example
 * ```js
 * tf.layers.conv3dTranspose({ filters: 2, kernelSize: 2, strides: 2 }).apply(tf.ones([1, 2, 2, 2, 1])).shape; // [1, 4, 4, 4, 2]
 * ```
 */
export const conv3dTranspose = (args: ConvLayerArgs) => new Conv3DTranspose(args);
