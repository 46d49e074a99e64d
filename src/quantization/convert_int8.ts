/**
 * The work of tf.quantization.quantize (convert.ts) on a model without pruning wrappers: calibrate the
 * input ranges (calibrate.ts), fold batch norms (fold_batchnorm.ts), rewrite the model config with the
 * int8 layers and pack their per-channel int8 kernels. quantize() is async, so this loads on its first
 * call (src/async_parts.ts) and stays out of the JS an app loads up front.
 */
import { tidy } from '../globals.js';
import { mul } from '../ops/binary.js';
import { scalar, tensor, tensor1d } from '../ops/creation.js';
import type { Tensor } from '../tensor.js';
import type { Variable } from '../variable.js';
import type { Layer } from '../layers/layer.js';
import type { LayersModel } from '../models/layers_model.js';
import { modelToConfig, modelFromConfig } from '../io/topology.js';
import { registerBuiltinLayers } from '../layers/all.js';
import { renameRefs } from '../pruning/prune_wrapper.js';
import { chooseQuantParams } from '../ops/quantized.js';
import { packWeightsPerChannel, unpackWeightsToInt8 } from '../ops/quantized_weights.js';
import { calibrateInputRanges } from './calibrate.js';
import { calibrationSource } from './int8_chain.js';
import { copyWeights, type QuantizeOptions } from './convert.js';
import { QUANTIZABLE, QuantizeWrapper, unquantizableReason } from './qat.js';
import { QUANTIZED_CLASS, isQuantizedLayer } from './quantized_layers.js';
import { foldableBatchNorms, foldBatchNorm, isFolded } from './fold_batchnorm.js';

type Dict = Record<string, unknown>;

/** The float layer (unwrapped) and its kernel variable. */
function floatKernel(layer: Layer): { inner: Layer; kernel: Variable; bias?: Variable } {
  const inner = layer instanceof QuantizeWrapper ? layer.layer : layer;
  const fields = inner as unknown as Record<string, Variable | undefined>;
  return { inner, kernel: fields[QUANTIZABLE[inner.getClassName()].field]!, bias: fields.bias };
}

/** quantize() on a model without pruning wrappers. */
export async function convertToInt8(model: LayersModel, options: QuantizeOptions): Promise<LayersModel> {
  const fn = 'quantization.quantize';
  const wrappers = model.layers.filter((l): l is QuantizeWrapper => l instanceof QuantizeWrapper);
  const plain = model.layers.filter((l) => !(l instanceof QuantizeWrapper) && !isQuantizedLayer(l) && unquantizableReason(l) === null);
  if (wrappers.length + plain.length === 0) throw new Error(`${fn}: model '${model.name}' has no quantizable layer (${Object.keys(QUANTIZABLE).join(', ')})`);
  const ranges = new Map<string, [number, number]>();
  for (const w of wrappers) ranges.set(w.name, await w.inputRange());
  if (plain.length) {
    if (options.calibrationData == null) {
      throw new Error(`${fn}: options.calibrationData is required to find the input ranges of layers ${plain.map((l) => `'${l.name}'`).join(', ')} (or train a model from quantization.quantizeModel)`);
    }
    // a consumer reached through an average pool is calibrated on the pool's input (calibrationSource)
    const quantizable = new Set<Layer>([...plain, ...wrappers]);
    const sources = new Map(plain.map((l) => [l, calibrationSource(model, l, quantizable)] as const).filter((e): e is [Layer, Layer] => e[1] !== null));
    const observed = await calibrateInputRanges(fn, model, [...plain, ...new Set(sources.values())], options.calibrationData, options);
    for (const l of plain) ranges.set(l.name, observed.get((sources.get(l) ?? l).name)!);
  }
  const cfg = modelToConfig(model);
  const config = cfg.config as Dict;
  const renames = new Map<string, string>();
  const quantized = new Map<string, string>(); // old layer name -> int8 layer name
  const folds = options.foldBatchNorm === false ? new Map() : foldableBatchNorms(model, config, new Set(plain.map((l) => l.name)));
  for (const [name, bn] of folds) renames.set(bn.name, name);
  config.layers = (config.layers as Dict[]).filter((e) => !renames.has((e.config as Dict).name as string) || e.className !== 'BatchNormalization');
  config.layers = (config.layers as Dict[]).map((e) => {
    const ec = e.config as Dict;
    const range = ranges.get(ec.name as string);
    if (!range) return e;
    const isWrapper = e.className === QuantizeWrapper.className;
    const inner = isWrapper ? (ec.layer as Dict) : e;
    const innerConfig = inner.config as Dict;
    const name = innerConfig.name as string;
    if (isWrapper) renames.set(ec.name as string, name);
    quantized.set(ec.name as string, name);
    const { scale, zeroPoint } = chooseQuantParams(range[0], range[1]);
    const batchInputShape = ec.batchInputShape ?? innerConfig.batchInputShape;
    return {
      ...(e.inboundNodes ? { name, inboundNodes: e.inboundNodes } : {}),
      className: QUANTIZED_CLASS[inner.className as string],
      config: {
        ...innerConfig, ...(batchInputShape ? { batchInputShape } : {}), ...(folds.has(name) ? { useBias: true } : {}),
        inputScale: scale, inputZeroPoint: zeroPoint, inputMin: range[0], inputMax: range[1],
      },
    };
  });
  renameRefs(config, renames);
  registerBuiltinLayers();
  const out = modelFromConfig(cfg);
  try {
    for (const old of model.layers) {
      if (old.weights.length === 0 || isFolded(folds, old)) continue;
      const dest = out.getLayer(quantized.get(old.name) ?? old.name);
      if (!quantized.has(old.name)) {
        copyWeights(old, dest);
        continue;
      }
      const { inner, kernel: floatW, bias: floatB } = floatKernel(old);
      const kind = QUANTIZABLE[inner.getClassName()].kind;
      const bn = folds.get(old.name);
      const { kernel, bias } = bn ? foldBatchNorm(floatW, floatB, bn, kind === 'depthwise') : { kernel: floatW, bias: floatB };
      const packed = packWeightsPerChannel(kernel, kind);
      const { values, scales } = await unpackWeightsToInt8(packed).finally(() => packed.dispose());
      const weights: Tensor[] = [tensor(Int32Array.from(values), kernel.shape, 'int32'), tensor1d(scales)];
      if (bias) weights.push(bn ? bias : tidy(() => mul(bias, scalar(1))));
      if (bn) kernel.dispose();
      try {
        dest.setWeights(weights);
      } finally {
        for (const w of weights) w.dispose();
      }
    }
    // pack the int8 kernels and link the int8 chains (int8_chain.ts)
    for (const l of out.layers) if (isQuantizedLayer(l)) await l.weightsLoaded(out);
  } catch (e) {
    out.dispose();
    throw e;
  }
  return out;
}
