/** `layers.inputLayer({inputShape | batchInputShape})`, as TF.js. */
import { InputLayer, type Shape } from './layer.js';
import type { DType } from '../backends/backend.js';

export const inputLayer = (args: { inputShape?: Shape; batchInputShape?: Shape; batchSize?: number; dtype?: DType; name?: string }) =>
  new InputLayer(args);
