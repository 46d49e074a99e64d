/**
 * The `metrics` namespace (TF.js `tf.metrics.*` names): functions of (yTrue, yPred).
 * Accuracy and error metrics return per-sample values (last axis reduced), precision and
 * recall a scalar over the batch, as TF.js does.
 */
export {
  binaryAccuracy, categoricalAccuracy, sparseCategoricalAccuracy, precision, recall,
  meanSquaredError, meanAbsoluteError, meanAbsolutePercentageError, cosineProximity, r2Score,
  meanAbsolutePercentageError as mape, meanAbsolutePercentageError as MAPE,
  meanSquaredError as mse, meanAbsoluteError as mae, meanSquaredError as MSE, meanAbsoluteError as MAE,
} from './core.js';
export { binaryCrossentropy, categoricalCrossentropy, sparseCategoricalCrossentropy } from './crossentropy.js';
