/**
 * Batch-normalization folding for int8 conversion: a BatchNormalization layer (on the channel axis)
 * whose only input is a Dense / Conv2D / DepthwiseConv2D with a linear activation and no other
 * consumer is folded into that layer's kernel and bias, so the int8 layer does the
 * normalization for free:
 *   factor = gamma / sqrt(movingVariance + epsilon)
 *   kernel' = kernel * factor (per output channel),  bias' = (bias - movingMean) * factor + beta
 */
import type { Tensor } from '../tensor.js';
import { tidy } from '../globals.js';
import { add, div, mul, sub } from '../ops/binary.js';
import { sqrt } from '../ops/unary.js';
import { reshape } from '../ops/layout.js';
import { zeros } from '../ops/creation.js';
import type { Layer } from '../layers/layer.js';
import { BatchNormalization } from '../layers/normalization/batch_normalization.js';
import type { LayersModel } from '../models/layers_model.js';

type Dict = Record<string, unknown>;

/** The name of the layer each inbound reference of a config entry points at. */
function inboundNames(entry: Dict): string[] {
  const nodes = (entry.inboundNodes as unknown[][][]) ?? [];
  return nodes.flatMap((node) => node.map((ref) => (Array.isArray(ref) ? String(ref[0]) : '')));
}

/**
 * The BatchNormalization layers to fold, by the name of the layer they fold into, among the
 * layers in `candidates` (the float layers being quantized). `config` is the model's config
 * (its `config.layers` entries, Sequential or functional).
 */
export function foldableBatchNorms(model: LayersModel, config: Dict, candidates: Set<string>): Map<string, BatchNormalization> {
  const entries = (config.layers as Dict[]) ?? [];
  const nameOf = (e: Dict) => (e.config as Dict).name as string;
  const functional = entries.some((e) => e.inboundNodes !== undefined);
  const outputs = new Set(((config.outputLayers as unknown[][]) ?? []).map((r) => String(r[0])));
  const folds = new Map<string, BatchNormalization>();
  entries.forEach((e, i) => {
    if (e.className !== 'BatchNormalization') return;
    let source: string | undefined;
    if (functional) {
      const ins = inboundNames(e);
      if (ins.length !== 1) return;
      source = ins[0];
      const consumers = entries.filter((o) => inboundNames(o).includes(source!)).length;
      if (consumers !== 1 || outputs.has(source)) return;
    } else if (i > 0) source = nameOf(entries[i - 1]);
    if (!source || !candidates.has(source) || folds.has(source)) return;
    const layer = model.getLayer(source);
    const bn = model.getLayer(nameOf(e));
    if (!(bn instanceof BatchNormalization) || (layer.getConfig().activation ?? 'linear') !== 'linear') return;
    const outRank = (layer.outputShape as (number | null)[]).length;
    if (bn.axis !== -1 && bn.axis !== outRank - 1) return; // only the channel (last) axis
    folds.set(source, bn);
  });
  return folds;
}

/** The kernel and bias of `kernel`'s layer with `bn` folded in (new tensors). */
export function foldBatchNorm(kernel: Tensor, bias: Tensor | undefined, bn: BatchNormalization, depthwise: boolean): { kernel: Tensor; bias: Tensor } {
  return tidy(() => {
    const channels = bn.movingMean!.size;
    const gamma = bn.gamma ?? 1;
    const factor = div(gamma, sqrt(add(bn.movingVariance!, bn.epsilon)));
    const folded = mul(kernel, depthwise ? reshape(factor, [channels, 1]) : factor);
    const b = mul(sub(bias ?? zeros([channels]), bn.movingMean!), factor);
    return { kernel: folded, bias: bn.beta ? add(b, bn.beta) : b };
  });
}

/** Whether `layer` is one of the BatchNormalization layers `folds` folds away. */
export function isFolded(folds: Map<string, BatchNormalization>, layer: Layer): boolean {
  for (const bn of folds.values()) if (bn === layer) return true;
  return false;
}
