/**
 * Model-level quantization: quantizeModel(model) wraps the quantizable layers for
 * quantization-aware training (QuantizeWrapper, qat.ts), and quantize(model, {calibrationData})
 * converts a float model (after calibration) or a trained QAT model (with its learned ranges) into
 * the int8 model: Dense / Conv2D / DepthwiseConv2D become QuantizedDense / QuantizedConv2D /
 * QuantizedDepthwiseConv2D (per-channel symmetric int8 kernels, per-tensor affine int8 inputs),
 * the other layers stay as they are; a BatchNormalization right after one of them is folded into
 * it (fold_batchnorm.ts). A pruned model (tf.pruning) is stripped first.
 */
import { LayersModel } from '../models/layers_model.js';
import { tidy } from '../globals.js';
import { mul } from '../ops/binary.js';
import { scalar } from '../ops/creation.js';
import { Layer } from '../layers/layer.js';
import { modelToConfig, modelFromConfig } from '../io/topology.js';
import { registerBuiltinLayers } from '../layers/all.js';
import { PruneLowMagnitude, renameRefs } from '../pruning/prune_wrapper.js';
import { strip } from '../pruning/index.js';
import type { CalibrationData, CalibrationOptions } from './calibration.js';
import { QUANTIZABLE, QuantizeWrapper, unquantizableReason } from './qat.js';

type Dict = Record<string, unknown>;

function assertBuiltModel(fn: string, model: unknown): asserts model is LayersModel {
  if (!(model instanceof LayersModel)) throw new Error(`${fn}: expected a LayersModel (tf.sequential or tf.model), got ${model === null ? 'null' : typeof model}`);
  if (!model.built || model.inputs.length === 0) throw new Error(`${fn}: model '${model.name}' is not built yet; give its first layer an inputShape`);
}

/** Copies of `from`'s weights written into `to` (fresh buffers, so the two models never share one). */
export function copyWeights(from: Layer, to: Layer): void {
  const values = tidy(() => from.getWeights().map((v) => mul(v, scalar(1, v.dtype))));
  try {
    to.setWeights(values);
  } finally {
    for (const v of values) v.dispose();
  }
}

/** Options of tf.quantization.quantizeModel. */
export interface QuantizeModelOptions {
  /** Weight of the old range in the moving average of each input range (default 0.99). */
  emaDecay?: number;
  /** Which layers to wrap: names, or a predicate; default every quantizable layer. */
  layers?: string[] | ((layer: Layer) => boolean);
}

/**
 * Quantization-aware training (tfmot's quantize_model): a copy of `model` whose Dense, Conv2D and
 * DepthwiseConv2D layers are wrapped in QuantizeWrapper (named `quant_${name}`), which
 * fake-quantizes their inputs (per tensor, moving-average ranges) and kernels (per channel) in
 * every call. Compile and fit it; then tf.quantization.quantize(qatModel) gives the int8 model.
 * @example
 * ```js
 * const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [4], name: 'dense' })] });
 * const qat = tf.quantization.quantizeModel(model);
 * qat.layers[0].name; // 'quant_dense'
 * qat.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
 * await qat.fit(tf.ones([8, 4]), tf.ones([8, 2]), { batchSize: 4 });
 * const int8 = await tf.quantization.quantize(qat);
 * int8.layers[0].getClassName(); // 'QuantizedDense'
 * ```
 */
export function quantizeModel(model: LayersModel, options: QuantizeModelOptions = {}): LayersModel {
  const fn = 'quantization.quantizeModel';
  assertBuiltModel(fn, model);
  if (model.layers.some((l) => l instanceof PruneLowMagnitude)) {
    const stripped = strip(model);
    try {
      return quantizeModel(stripped, options);
    } finally {
      stripped.dispose();
    }
  }
  const sel = options.layers;
  const wanted = (l: Layer) => (sel == null ? true : typeof sel === 'function' ? sel(l) : sel.includes(l.name));
  if (Array.isArray(sel)) {
    for (const name of sel) if (!model.layers.some((l) => l.name === name)) throw new Error(`${fn}: no layer named ${JSON.stringify(name)} in model '${model.name}'`);
  }
  const selected = new Set<string>();
  for (const l of model.layers) {
    if (l instanceof QuantizeWrapper || !wanted(l)) continue;
    const why = unquantizableReason(l);
    if (why === null) selected.add(l.name);
    else if (Array.isArray(sel)) throw new Error(`${fn}: layer '${l.name}': ${why}`);
  }
  if (selected.size === 0) throw new Error(`${fn}: model '${model.name}' has no quantizable layer (${Object.keys(QUANTIZABLE).join(', ')})`);
  const cfg = modelToConfig(model);
  const config = cfg.config as Dict;
  const renames = new Map<string, string>();
  config.layers = (config.layers as Dict[]).map((e) => {
    const name = (e.config as Dict).name as string;
    if (!selected.has(name)) return e;
    const wrapped = `quant_${name}`;
    renames.set(name, wrapped);
    const { inboundNodes, name: _n, ...inner } = e;
    const batchInputShape = (inner.config as Dict).batchInputShape;
    return {
      ...(inboundNodes ? { name: wrapped, inboundNodes } : {}), className: QuantizeWrapper.className,
      config: { name: wrapped, layer: inner, ...(batchInputShape ? { batchInputShape } : {}), ...(options.emaDecay != null ? { emaDecay: options.emaDecay } : {}) },
    };
  });
  renameRefs(config, renames);
  registerBuiltinLayers();
  const out = modelFromConfig(cfg);
  for (const old of model.layers) {
    if (old.weights.length === 0) continue;
    const dest = out.getLayer(renames.get(old.name) ?? old.name);
    copyWeights(old, dest instanceof QuantizeWrapper && !(old instanceof QuantizeWrapper) ? dest.layer : dest);
  }
  return out;
}

/** Options of tf.quantization.quantize. */
export interface QuantizeOptions extends CalibrationOptions {
  /**
   * Batches of model inputs to measure each quantized layer's input range on (a Tensor, a list of
   * Tensors, or a dataset of batches). Needed unless every quantizable layer comes from
   * quantizeModel (whose ranges were learned in training).
   */
  calibrationData?: CalibrationData;
  /**
   * Fold a BatchNormalization that directly follows a quantized layer with a linear activation
   * into that layer's kernel and bias (default true).
   */
  foldBatchNorm?: boolean;
}

/**
 * Post-training int8 quantization: the int8 model of a float model (calibrated on
 * `calibrationData`: min/max of each quantized layer's input, or percentiles with method
 * 'percentile') or of a model from quantizeModel after training. Dense, Conv2D and
 * DepthwiseConv2D (depthMultiplier 1, channelsLast) become int8 layers with per-channel symmetric
 * kernels; their predictions run through the int8 kernels. It predicts, evaluates, saves and
 * loads (tf.loadLayersModel) like any model; its kernels are saved one byte per value.
 * @example
 * ```js
 * const model = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [4], activation: 'relu' })] });
 * const int8 = await tf.quantization.quantize(model, { calibrationData: tf.randomNormal([32, 4]) });
 * int8.predict(tf.ones([1, 4])).shape; // [1, 3]
 * ```
 */
export async function quantize(model: LayersModel, options: QuantizeOptions = {}): Promise<LayersModel> {
  assertBuiltModel('quantization.quantize', model);
  // the conversion (calibration, batch-norm folding, weight packing) loads on first use (src/async_parts.ts)
  const { quantizeConvert } = await import('../async_parts.js');
  if (!model.layers.some((l) => l instanceof PruneLowMagnitude)) return quantizeConvert(model, options);
  const stripped = strip(model);
  try {
    return await quantizeConvert(stripped, options);
  } finally {
    stripped.dispose();
  }
}
