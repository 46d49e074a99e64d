/**
 * Model-level quantization's public names in the `tf.quantization` namespace (index.ts re-exports
 * this file): fake quantization, quantization-aware training (quantizeModel), post-training int8
 * conversion (quantize), calibration observers and the int8 layer classes.
 */
export { fakeQuantWithMinMaxVars, fakeQuantWithMinMaxVarsPerChannel, type FakeQuantOptions } from './fake_quant.js';
export { MinMaxObserver, PercentileObserver, type RangeObserver, type CalibrationMethod, type CalibrationData } from './calibration.js';
export { QuantizeWrapper } from './qat.js';
export { QuantizedDense, QuantizedConv2D, QuantizedDepthwiseConv2D } from './quantized_layers.js';
export { quantize, quantizeModel, type QuantizeOptions, type QuantizeModelOptions } from './convert.js';
