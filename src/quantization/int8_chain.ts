/**
 * The int8 chain (issue 12): in a quantized model, an int8 layer whose only consumer is another int8
 * layer (directly, or through layers that are exact on packed int8 codes) writes its output as
 * packed int8 in its consumer's input parameters, and the consumer takes it without quantizing.
 * That is bit-identical to quantizing the float output in the consumer: the producer's epilogue
 * applies the same q = clamp(roundHalfToEven(f32(y / scale)) + zeroPoint) to the same float32 y
 * (KernelAttrs.int8MatMul), and the layers between are exact on codes:
 * - Dropout at inference, and Flatten / Reshape when the packing of the codes does not change (the
 *   same last dimension, or both last dimensions multiples of 4: no padding bytes) move codes
 *   without changing them;
 * - MaxPooling2D (channelsLast) runs int8MaxPool on the codes: q is monotonic, so the max of the
 *   codes is the code of the max;
 * - AveragePooling2D / GlobalAveragePooling2D (channelsLast) run int8AvgPool on the codes, keeping
 *   their parameters (as TFLite does): the mean of codes rounded half to even. This one is not
 *   bit-identical: it rounds once more than the float path (the producer's epilogue, then the mean),
 *   at most one code apart from it while the values stay in the consumer's range, which is why
 *   quantize() calibrates a consumer reached through an average pool on the pool's input range
 *   (calibrationSource). A relu after an average pool does not commute with it: no link then.
 * - Activation / ReLU layers of relu or relu6 fold into the producer's epilogue activation
 *   (q(relu(y)) for a linear or relu producer, relu6 when either is relu6; they commute with max
 *   pooling and the moves), and pass the codes through.
 * Such a layer keeps its float call for float32 inputs (a training-mode call, an unlinked model).
 * Tensors leaving the chain (model outputs, other consumers) stay float32.
 */
import type { Kwargs, Layer, SymbolicTensor } from '../layers/layer.js';
import type { Tensor } from '../tensor.js';
import { Int8Tensor, type Int8Activation, type QuantParams } from '../ops/quantized.js';
import { int8AvgPool, int8GlobalAvgPool, int8MaxPool } from '../ops/quantized_pool.js';
import { packedCols } from '../backends/kernels.js';
import { reshape } from '../ops/layout.js';
import { fusedActivationCode } from '../layers/activations.js';

/** The chain state of an int8 layer (none until linkInt8Output links it). */
export interface Int8Links {
  /** An int32 input is packed int8 codes from a chained producer, in this layer's input parameters. */
  int8Input: boolean;
  /** When set, the epilogue writes packed int8 in these parameters (the chained consumer's input). */
  int8Output: QuantParams | null;
  /** The epilogue activation when writing int8: the layer's own with the chain's relu / relu6 layers folded in (unset: its own). */
  int8OutputActivation?: Int8Activation;
}

/** What the linker reads of an int8 layer (QuantizedDense / Conv2D / DepthwiseConv2D). */
interface Int8ChainLayer extends Layer {
  int8Links: Int8Links;
  input8: { inputScale: number; inputZeroPoint: number };
  activation: string;
}

/** What the linker reads of a model (a LayersModel: its layers and symbolic outputs). */
interface Graph {
  layers: Layer[];
  outputs: SymbolicTensor[];
}

function isChainLayer(l: Layer): l is Int8ChainLayer {
  return (l as Partial<Int8ChainLayer>).int8Links !== undefined;
}

type Step = { codes?: (x: Tensor, q: QuantParams) => Tensor; fold?: 'relu' | 'relu6'; averages?: boolean };

/** Whether packed codes of logical shape `from` are, as they lie, the packing of shape `to` (a reshape of them). */
function samePacking(from: readonly (number | null)[], to: readonly (number | null)[]): boolean {
  const a = from[from.length - 1], b = to[to.length - 1];
  // rows of the same length, or no padding bytes in either (both multiples of 4)
  return a !== null && b !== null && (a === b || (a % 4 === 0 && b % 4 === 0));
}

/**
 * What a layer between two chained int8 layers does on packed int8 codes for an input of symbolic
 * (logical) shape `shape`, or null when it is not exact on them: `codes` runs on the packed input
 * (int32) in place of its call, given the codes' parameters (none: its own call moves them
 * unchanged); `fold` is the relu / relu6 it folds into the producer's epilogue; `averages` marks
 * an average pool (one rounding more than the float path).
 */
export function onCodes(l: Layer, shape: readonly (number | null)[]): Step | null {
  const cls = l.getClassName();
  const channelsLast = (l as { dataFormat?: string }).dataFormat !== 'channelsFirst';
  const last = shape[shape.length - 1];
  const int8 = (x: Tensor, q: QuantParams) => new Int8Tensor(x, [...x.shape.slice(0, -1), last!], q.scale, q.zeroPoint);
  // Dropout is the identity at inference (predict); a training-mode call is not an inference call.
  if (cls === 'Dropout') return {};
  if (cls === 'Flatten' || cls === 'Reshape') {
    const to = l.inboundNodes[0]?.outputTensors[0]?.shape;
    if (!to || to.slice(1).includes(null) || (cls === 'Flatten' && !channelsLast) || !samePacking(shape, to)) return null;
    // a view of the codes: the output's leading dims, its last one packed
    return { codes: (x) => reshape(x, [x.shape[0], ...(to.slice(1, -1) as number[]), packedCols(to[to.length - 1]!)]) };
  }
  if (!channelsLast || last === null) return null;
  const p = l as unknown as { poolSize: [number, number]; strides: [number, number]; padding: 'valid' | 'same' };
  if (cls === 'MaxPooling2D') return { codes: (x, q) => int8MaxPool(int8(x, q), p.poolSize, p.strides, p.padding).packed };
  if (cls === 'AveragePooling2D') return { codes: (x, q) => int8AvgPool(int8(x, q), p.poolSize, p.strides, p.padding).packed, averages: true };
  if (cls === 'GlobalAveragePooling2D') return { codes: (x, q) => int8GlobalAvgPool(int8(x, q)).packed, averages: true };
  const act = cls === 'Activation' ? (l as { activation?: string }).activation
    : cls === 'ReLU' ? ({ null: 'relu', 6: 'relu6' } as Record<string, string>)[String((l as { maxValue?: number | null }).maxValue)] : undefined;
  if (act === 'relu' || act === 'relu6') return { codes: (x) => reshape(x, x.shape), fold: act };
  return null;
}

/** The producer's epilogue activation with the chain's relu / relu6 layers folded in, or null when it does not compose. */
function foldedActivation(own: string, folds: ('relu' | 'relu6')[]): Int8Activation | null {
  if (folds.length === 0) return own as Int8Activation;
  if (own !== 'linear' && own !== 'relu' && own !== 'relu6') return null;
  return [own, ...folds].includes('relu6') ? 'relu6' : 'relu';
}

/** The float call a code-running layer keeps for float32 inputs. */
const FLOAT_CALL = Symbol('int8 chain: float call');

/** Makes `l` run `codes` on a packed int8 (int32) input and its own call on anything else. */
function runOnCodes(l: Layer, codes: (x: Tensor, q: QuantParams) => Tensor, q: QuantParams): void {
  const layer = l as Layer & { [FLOAT_CALL]?: Layer['call'] };
  const floatCall = (layer[FLOAT_CALL] ??= l.call.bind(l));
  l.call = (inputs: Tensor | Tensor[], kwargs: Kwargs) => {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return x.dtype === 'int32' ? codes(x, q) : floatCall(inputs, kwargs);
  };
}

/** The single (layer, node) of `model` that reads `t`, or null when none or several do (or reads it with others). */
function onlyConsumer(model: Graph, t: SymbolicTensor): Layer | null {
  let found: Layer | null = null;
  for (const l of model.layers) {
    for (const node of l.inboundNodes) {
      if (!node.inboundTensors.includes(t)) continue;
      if (found || node.inboundTensors.length !== 1 || l.inboundNodes.length !== 1) return null;
      found = l;
    }
  }
  return found;
}

/**
 * Links `producer` to the int8 layer that alone consumes its output in `model` (through code-exact
 * layers), if there is one: the producer then writes packed int8 in the consumer's input
 * parameters, and the consumer takes it as is. Returns whether it linked.
 */
export function linkInt8Output(producer: Layer, model: Graph): boolean {
  if (!isChainLayer(producer) || producer.inboundNodes.length !== 1) return false;
  // An activation the epilogue cannot fuse (softmax) runs after it in float32: no int8 output.
  if (fusedActivationCode(producer.activation) === null) return false;
  let t = producer.inboundNodes[0].outputTensors[0];
  const between: { layer: Layer; codes?: (x: Tensor, q: QuantParams) => Tensor }[] = [];
  const folds: ('relu' | 'relu6')[] = [];
  let averaged = false;
  for (;;) {
    if (model.outputs.includes(t)) return false;
    const next = onlyConsumer(model, t);
    if (!next) return false;
    if (isChainLayer(next)) {
      const activation = foldedActivation(producer.activation, folds);
      if (activation === null) return false;
      const q = { scale: next.input8.inputScale, zeroPoint: next.input8.inputZeroPoint };
      for (const b of between) if (b.codes) runOnCodes(b.layer, b.codes, q);
      producer.int8Links.int8Output = q;
      producer.int8Links.int8OutputActivation = folds.length > 0 ? activation : undefined;
      next.int8Links.int8Input = true;
      return true;
    }
    const step = onCodes(next, t.shape);
    // (a relu after an average pool does not commute with it: it cannot move into the producer)
    if (!step || (step.fold && averaged)) return false;
    averaged ||= step.averages === true;
    between.push({ layer: next, codes: step.codes });
    if (step.fold) folds.push(step.fold);
    t = next.inboundNodes[0].outputTensors[0];
  }
}

/**
 * The layer on whose input quantize() calibrates `consumer`'s input range, or null (its own input):
 * the first average pool on a chain that can link a quantizable producer (in `quantizable`) to
 * `consumer`. The chained average pool keeps its input's parameters, so they must cover the values
 * the producer writes before the pool, not only the narrower averages after it.
 */
export function calibrationSource(model: Graph, consumer: Layer, quantizable: ReadonlySet<Layer>): Layer | null {
  if (consumer.inboundNodes.length !== 1 || consumer.inboundNodes[0].inboundTensors.length !== 1) return null;
  let at = consumer;
  let t = consumer.inboundNodes[0].inboundTensors[0];
  let source: Layer | null = null;
  let folded = false;
  for (;;) {
    if (model.outputs.includes(t) || onlyConsumer(model, t) !== at) return null;
    const src = t.sourceLayer;
    if (quantizable.has(src)) return source;
    const node = src.inboundNodes.length === 1 ? src.inboundNodes[0] : undefined;
    if (!node || node.inboundTensors.length !== 1) return null;
    const step = onCodes(src, node.inboundTensors[0].shape);
    // (walking back: a relu seen before an average pool comes after it, and does not link)
    if (!step || (step.averages && folded)) return null;
    folded ||= step.fold !== undefined;
    if (step.averages) source = src;
    at = src;
    t = node.inboundTensors[0];
  }
}
