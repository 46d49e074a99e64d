/** `layers.inputLayer({inputShape | batchInputShape})`, as TF.js. */
import { InputLayer, type Shape } from './layer.js';
import type { DType } from '../backends/backend.js';

/**
 * An explicit input layer, the first layer of a Sequential model.
 * @example
 * ```js
 * const model = tf.sequential({ layers: [tf.layers.inputLayer({ inputShape: [3] }), tf.layers.dense({ units: 1 })] });
 * ```
 */
export const inputLayer = (args: { inputShape?: Shape; batchInputShape?: Shape; batchSize?: number; dtype?: DType; name?: string }) =>
  new InputLayer(args);
