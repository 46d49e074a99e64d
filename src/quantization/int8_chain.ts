/**
 * The int8 chain (issue 12): in a quantized model, an int8 layer whose only consumer is another int8
 * layer (directly, or through layers that are exact on packed int8 codes: Dropout at inference,
 * Flatten of a channels-last input whose last dimension is a multiple of 4) writes its output as
 * packed int8 in its consumer's input parameters, and the consumer takes it without quantizing.
 * That is bit-identical to quantizing the float output in the consumer: the producer's epilogue
 * applies the same q = clamp(roundHalfToEven(f32(y / scale)) + zeroPoint) to the same float32 y
 * (KernelAttrs.int8MatMul), and the layers between move codes without changing them.
 * Tensors leaving the chain (model outputs, other consumers) stay float32.
 */
import type { Layer, SymbolicTensor } from '../layers/layer.js';
import type { QuantParams } from '../ops/quantized.js';
import { fusedActivationCode } from '../layers/activations.js';

/** The chain state of an int8 layer (none until linkInt8Output links it). */
export interface Int8Links {
  /** An int32 input is packed int8 codes from a chained producer, in this layer's input parameters. */
  int8Input: boolean;
  /** When set, the epilogue writes packed int8 in these parameters (the chained consumer's input). */
  int8Output: QuantParams | null;
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

/** Whether `l` moves packed int8 codes unchanged for an input of symbolic shape `shape`. */
function passesCodes(l: Layer, shape: readonly (number | null)[]): boolean {
  const cls = l.getClassName();
  // Dropout is the identity at inference (predict); a training-mode call is not an inference call.
  if (cls === 'Dropout') return true;
  if (cls === 'Flatten') {
    // [b, d1, .., c] packed as [b, d1, .., c/4] flattens to the packing of [b, d1 * .. * c] only
    // when no row of c values carries padding, i.e. c % 4 == 0 (or nothing to flatten).
    const channelsFirst = (l as { dataFormat?: string }).dataFormat === 'channelsFirst';
    return shape.length === 2 || (!channelsFirst && shape[shape.length - 1] !== null && (shape[shape.length - 1] as number) % 4 === 0);
  }
  return false;
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
  for (;;) {
    if (model.outputs.includes(t)) return false;
    const next = onlyConsumer(model, t);
    if (!next) return false;
    if (isChainLayer(next)) {
      producer.int8Links.int8Output = { scale: next.input8.inputScale, zeroPoint: next.input8.inputZeroPoint };
      next.int8Links.int8Input = true;
      return true;
    }
    if (!passesCodes(next, t.shape)) return false;
    t = next.inboundNodes[0].outputTensors[0];
  }
}
