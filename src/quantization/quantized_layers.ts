/**
 * The int8 layers tf.quantization.quantize puts in place of Dense, Conv2D and DepthwiseConv2D:
 * QuantizedDense, QuantizedConv2D, QuantizedDepthwiseConv2D. Each keeps its kernel as int8 values
 * (an int32 weight saved one byte per value) with float32 per-output-channel scales, its float32
 * bias, and the affine int8 parameters of its input (inputScale, inputZeroPoint, in the config).
 * A call quantizes the float input once (quantizeInt8) and runs the int8 kernel with bias and
 * activation fused in its epilogue; the output is float32, so other layers run as usual, except
 * along an int8 chain (int8_chain.ts): there a layer writes packed int8 (int32) for the next int8
 * layer, which takes it without quantizing.
 * Each extends its float layer for config, shapes and validation; only weights and call differ.
 */
import { ENGINE } from '../engine.js';
import type { Tensor, DataRecord } from '../tensor.js';
import { Variable } from '../variable.js';
import { reshape } from '../ops/layout.js';
import { Int8Tensor, quantizeInt8, int8MatMul, int8Conv2d, int8DepthwiseConv2d, type Int8Activation, type QuantParams } from '../ops/quantized.js';
import { packedWeightsFromInt8, type Int8WeightKind, type PackedWeights } from '../ops/quantized_weights.js';
import { packedCols } from '../backends/kernels.js';
import type { DType } from '../backends/backend.js';
import type { Kwargs, Layer, Shape, SymbolicTensor } from '../layers/layer.js';
import type { Int8Links } from './int8_chain.js';
import { fusedActivationCode, getActivation } from '../layers/activations.js';
import { Dense, type DenseArgs } from '../layers/core/dense.js';
import { Conv2D } from '../layers/conv/conv.js';
import { DepthwiseConv2D, type DepthwiseConv2DArgs } from '../layers/conv/depthwise.js';
import { fmtShape } from '../util.js';

/** The input quantization every int8 layer's config carries (real = inputScale * (q - inputZeroPoint)). */
export interface Int8InputArgs {
  inputScale: number;
  inputZeroPoint: number;
  /** The calibrated (or trained) range the parameters came from, kept for inspection. */
  inputMin?: number;
  inputMax?: number;
}

function checkInputArgs(cls: string, args: Partial<Int8InputArgs> & { name?: string }): Int8InputArgs {
  const { inputScale, inputZeroPoint } = args ?? {};
  if (typeof inputScale !== 'number' || !(inputScale > 0) || !Number.isFinite(inputScale)) {
    throw new Error(`${cls} '${args?.name ?? '?'}': inputScale must be a positive finite number, got ${inputScale}`);
  }
  if (!Number.isInteger(inputZeroPoint) || (inputZeroPoint as number) < -128 || (inputZeroPoint as number) > 127) {
    throw new Error(`${cls} '${args?.name ?? '?'}': inputZeroPoint must be an integer in [-128, 127], got ${inputZeroPoint}`);
  }
  return { inputScale, inputZeroPoint: inputZeroPoint as number, inputMin: args.inputMin, inputMax: args.inputMax };
}

/**
 * A layer's int8 kernel: the saved weights (`name` int32 holding int8 values in the float
 * kernel's layout, `${name}_scales` float32 per channel) and the packed copy the kernels read,
 * rebuilt on the host whenever the saved weights were assigned (load, setWeights).
 */
export class Int8Kernel {
  values?: Variable;
  scales?: Variable;
  private packed?: Variable;
  private packedFrom: (DataRecord | null)[] = [null, null];

  constructor(readonly kind: Int8WeightKind, readonly weightName: string) {}

  /** Creates the weights on `layer` for a float kernel of `shape`. */
  build(layer: Layer, shape: number[]): void {
    const channels = this.kind === 'depthwise' ? shape[2] : shape[shape.length - 1];
    this.values = layer.addWeight(this.weightName, shape, 'int32', 'zeros', null, false);
    layer.weightEntries().find((w) => w.variable === this.values)!.storage = 'int8';
    this.scales = layer.addWeight(`${this.weightName}_scales`, [channels], 'float32', 'ones', null, false);
    // The packed storage is a variable made here, before any recorded plan, and re-assigned in
    // place, so a plan reads the current packing at each replay.
    const size = shape.reduce((a, b) => a * b, 1);
    const initial = packedWeightsFromInt8(new Int8Array(size), new Float32Array(channels).fill(1), shape, this.kind);
    this.packed = new Variable(initial.packed, false, `${layer.name}/${this.weightName}_packed`, 'int32');
    initial.dispose();
  }

  /** Whether the packing is older than the saved weights (assigned since: load, setWeights). */
  get stale(): boolean {
    return this.packedFrom[0] !== this.values!.record || this.packedFrom[1] !== this.scales!.record;
  }

  /** The packed weights for the int8 ops (repacked first, reading the weights synchronously, if stale). */
  weights(): PackedWeights {
    if (this.stale) {
      // Host-side preparation once per assignment, not part of the computation: a plan being
      // recorded does not see it (the plan reads the packed variable).
      const tracer = ENGINE.tracer;
      ENGINE.tracer = null;
      try {
        this.pack(this.values!.dataSync(), this.scales!.dataSync());
      } finally {
        ENGINE.tracer = tracer;
      }
    }
    return { kind: this.kind, packed: this.packed!, scales: this.scales!, shape: this.values!.shape.slice(), dispose() {} };
  }

  /** Repacks if stale, reading the weights asynchronously (for backends without synchronous reads: webgpu). */
  async prepare(): Promise<void> {
    if (this.stale) this.pack(await this.values!.data(), await this.scales!.data());
  }

  private pack(raw: ArrayLike<number>, scales: ArrayLike<number>): void {
    const values = new Int8Array(raw.length);
    for (let i = 0; i < raw.length; i++) {
      const v = raw[i];
      if (!(v >= -127 && v <= 127)) throw new Error(`int8 layer weight '${this.values!.name}' holds ${v} at index ${i}; int8 weights lie in [-127, 127]`);
      values[i] = v;
    }
    const pw = packedWeightsFromInt8(values, Float32Array.from(scales), this.values!.shape.slice(), this.kind);
    this.packed!.assign(pw.packed);
    pw.dispose();
    this.packedFrom = [this.values!.record, this.scales!.record];
  }

  dispose(): void {
    this.packed?.dispose();
  }
}

/**
 * Repacks after setWeights, from a synchronous read where the backend has one; elsewhere (webgpu)
 * the next eager call repacks, or `await layer.weightsLoaded()` does.
 */
function repackAfterSet(kernel: Int8Kernel): void {
  try {
    kernel.weights();
  } catch (e) {
    if (!/dataSync|readSync/.test((e as Error).message)) throw e;
  }
}

/** The activation to fuse into the int8 epilogue ('linear' when it cannot, e.g. softmax) and the rest. */
function splitActivation(name: string): { fused: Int8Activation; after: ((y: Tensor) => Tensor) | null } {
  return fusedActivationCode(name) !== null ? { fused: name as Int8Activation, after: null } : { fused: 'linear', after: getActivation(name) };
}

function inputConfig(a: Int8InputArgs): Record<string, unknown> {
  return { inputScale: a.inputScale, inputZeroPoint: a.inputZeroPoint, inputMin: a.inputMin ?? null, inputMax: a.inputMax ?? null };
}

/** What the chain helpers read of an int8 layer. */
interface Int8Layer {
  readonly name: string;
  readonly input8: Int8InputArgs;
  readonly int8Links: Int8Links;
}

/** Whether `x` is packed int8 from a chained producer (int32), which the layer takes as is. */
function isPackedInput(layer: Int8Layer, dtype: DType): boolean {
  return layer.int8Links.int8Input && dtype === 'int32';
}

/**
 * The layer's int8 input: a chained producer's packed codes (int32, logical last dimension
 * `last`) as is, else the float input quantized with the layer's input parameters.
 */
function int8Operand(layer: Int8Layer, x: Tensor, last: number): { q: Int8Tensor; owned: boolean } {
  if (isPackedInput(layer, x.dtype)) {
    if (x.shape[x.rank - 1] !== packedCols(last)) {
      throw new Error(`${layer.name}: a packed int8 input (int32, from the int8 layer before) must have last dimension ${packedCols(last)} (${last} int8 values, four per element), got shape ${fmtShape(x.shape)}`);
    }
    return { q: new Int8Tensor(x, [...x.shape.slice(0, -1), last], layer.input8.inputScale, layer.input8.inputZeroPoint), owned: false };
  }
  return { q: quantizeInt8(x, layer.input8.inputScale, layer.input8.inputZeroPoint), owned: true };
}

/**
 * The int8 output parameters of the layer's epilogue: the chained consumer's input, when linked, the
 * activation is fused and the call is an inference call (a training-mode call passes float32, as
 * Dropout between the layers then scales its input).
 */
function outputParams(layer: Int8Layer, act: { after: unknown }, kwargs: Kwargs): QuantParams | undefined {
  return act.after === null && !kwargs.training ? layer.int8Links.int8Output ?? undefined : undefined;
}

/** The epilogue's activation: when writing int8 for the chain, the relu / relu6 layers it folded in (int8_chain.ts). */
function epilogueActivation(layer: Int8Layer, act: { fused: Int8Activation }, output: QuantParams | undefined): Int8Activation {
  return (output && layer.int8Links.int8OutputActivation) || act.fused;
}

/** Input shapes as the float layer's checks see them: a packed input by its logical last dimension. */
function logicalShapes(layer: Int8Layer, shapes: Shape[], dtypes: DType[] | undefined, last: () => number): Shape[] {
  return shapes.map((s, i) => (dtypes && isPackedInput(layer, dtypes[i]) ? [...s.slice(0, -1), last()] : s));
}

/** Dense on int8: y = activation(dequant(int8MatMul(quantize(x), kernel)) + bias). Weights: kernel (int8), kernel_scales, bias. */
export class QuantizedDense extends Dense {
  /** The name the layer is saved and registered under. */
  static override className = 'QuantizedDense';
  /** The input's int8 parameters (inputScale, inputZeroPoint) and the range they came from. */
  readonly input8: Int8InputArgs;
  /** The int8 kernel: saved values and scales, and the packing the int8 kernels read. */
  readonly int8 = new Int8Kernel('dense', 'kernel');
  /** The int8 chain state (int8_chain.ts links it when the model is quantized or loaded). */
  readonly int8Links: Int8Links = { int8Input: false, int8Output: null };

  constructor(args: DenseArgs & Int8InputArgs) {
    super({ ...args, trainable: false });
    this.input8 = checkInputArgs('QuantizedDense', args);
  }

  /** Creates the int8 kernel, its scales and the bias (all non-trainable). */
  override build(inputShape: Shape | Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const inDim = shape[shape.length - 1];
    if (inDim === null || inDim === undefined) throw new Error(`${this.name}: the last input dimension must be known, got ${fmtShape(shape.map((d) => d ?? -1))}`);
    this.int8.build(this, [inDim, this.units]);
    if (this.useBias) this.bias = this.addWeight('bias', [this.units], 'float32', 'zeros', null, false);
    this.built = true;
  }

  /**
   * Quantizes the input (or takes a chained producer's packed int8 as is), runs the int8 kernel with
   * bias and activation fused; float32 out, or packed int8 (int32) for a chained consumer.
   */
  override call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const inDim = this.int8.values!.shape[0];
    const packed = isPackedInput(this, x.dtype);
    if (!packed && x.shape[x.rank - 1] !== inDim) throw new Error(`${this.name}: expected last input dimension ${inDim}, got input shape ${fmtShape(x.shape)}`);
    const x2 = x.rank === 2 ? x : reshape(x, [-1, x.shape[x.rank - 1]]);
    const { q, owned } = int8Operand(this, x2, inDim);
    const act = splitActivation(this.activation);
    const output = outputParams(this, act, kwargs);
    const r = int8MatMul(q, this.int8.weights(), { bias: this.bias, activation: epilogueActivation(this, act, output), output });
    if (owned) q.dispose();
    let y = r instanceof Int8Tensor ? r.packed : r;
    if (act.after) y = act.after(y);
    return x.rank === 2 ? y : reshape(y, [...x.shape.slice(0, -1), y.shape[1]]);
  }

  /** The float layer's input checks, on the logical shape of a chained packed input. */
  protected override assertInputCompatible(shapes: Shape[], dtypes?: DType[]): void {
    super.assertInputCompatible(logicalShapes(this, shapes, dtypes, () => this.int8.values!.shape[0]), dtypes);
  }

  /** The float layer's config plus inputScale, inputZeroPoint, inputMin, inputMax. */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), ...inputConfig(this.input8) };
  }

  /** Sets the weights (kernel int8 values, scales, bias) and repacks now, as a recorded plan only reads the packing. */
  override setWeights(weights: Tensor[]): void {
    super.setWeights(weights);
    repackAfterSet(this.int8);
  }

  /**
   * Packs the int8 kernel for the int8 ops after its weights were assigned, and links the layer's
   * int8 output to the int8 layer that alone consumes it in `model` (quantize and loadLayersModel call it).
   */
  async weightsLoaded(model?: { layers: Layer[]; outputs: SymbolicTensor[] }): Promise<void> {
    await this.int8.prepare();
    if (model) (await import('../async_parts.js')).linkInt8Output(this, model);
  }

  /** Frees the weights and the packed kernel. */
  override dispose(): void {
    super.dispose();
    this.int8.dispose();
  }
}

type Conv2DArgs = ConstructorParameters<typeof Conv2D>[0];

/** The int8 conv of a channelsLast input (NHWC), with the float layers' strides / padding / dilations. */
function checkChannelsLast(layer: { name: string; dataFormat: string }): void {
  if (layer.dataFormat !== 'channelsLast') throw new Error(`${layer.name}: int8 convolution needs dataFormat channelsLast, got ${layer.dataFormat}`);
}

/** What the int8 conv layers' call reads of themselves (Conv2D's and DepthwiseConv2D's fields). */
interface Int8ConvLayer extends Int8Layer {
  readonly int8: Int8Kernel;
  activation: string;
  strides: number[];
  padding: string;
  dilationRate: number[];
  bias?: Tensor;
}

/**
 * QuantizedConv2D's and QuantizedDepthwiseConv2D's call: quantize once (or take a chained
 * producer's packed int8 as is), one int8 op with bias and activation fused.
 */
function int8ConvCall(
  layer: Int8ConvLayer & { checkInputShape(x: Tensor, c: number): void }, x: Tensor, kwargs: Kwargs, conv: typeof int8Conv2d | typeof int8DepthwiseConv2d,
): Tensor {
  const inC = layer.int8.values!.shape[2];
  if (!isPackedInput(layer, x.dtype)) layer.checkInputShape(x, inC);
  const { q, owned } = int8Operand(layer, x, inC);
  const act = splitActivation(layer.activation);
  const output = outputParams(layer, act, kwargs);
  const y = conv(q, layer.int8.weights(), layer.strides as [number, number], layer.padding as 'valid' | 'same',
    layer.dilationRate as [number, number], { bias: layer.bias, activation: epilogueActivation(layer, act, output), output });
  if (owned) q.dispose();
  if (y instanceof Int8Tensor) return y.packed;
  return act.after ? act.after(y) : y;
}

/** Conv2D on int8 (NHWC). Weights: kernel (int8, [fh, fw, inC, filters]), kernel_scales, bias. */
export class QuantizedConv2D extends Conv2D {
  /** The name the layer is saved and registered under. */
  static override className = 'QuantizedConv2D';
  /** The input's int8 parameters (inputScale, inputZeroPoint) and the range they came from. */
  readonly input8: Int8InputArgs;
  /** The int8 kernel: saved values and scales, and the packing the int8 kernels read. */
  readonly int8 = new Int8Kernel('conv2d', 'kernel');
  /** The int8 chain state (int8_chain.ts links it when the model is quantized or loaded). */
  readonly int8Links: Int8Links = { int8Input: false, int8Output: null };

  constructor(args: Conv2DArgs & Int8InputArgs) {
    super({ ...args, trainable: false });
    this.input8 = checkInputArgs('QuantizedConv2D', args);
    checkChannelsLast(this);
  }

  /** Creates the int8 kernel, its scales and the bias (all non-trainable). */
  override build(inputShape: Shape | Shape[]): void {
    const inC = this.inputChannels((Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape);
    this.int8.build(this, [...this.kernelSize, inC, this.filters]);
    if (this.useBias) this.bias = this.addWeight('bias', [this.filters], 'float32', 'zeros', null, false);
    this.built = true;
  }

  /** Quantizes the input (or takes a chained producer's packed int8), one int8 kernel with bias and activation fused. */
  override call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor {
    return int8ConvCall(this, Array.isArray(inputs) ? inputs[0] : inputs, kwargs, int8Conv2d);
  }

  /** The float layer's input check (int8ConvCall runs it on float inputs). */
  checkInputShape(x: Tensor, channels: number): void {
    this.checkInput(x, channels);
  }

  /** The float layer's input checks, on the logical shape of a chained packed input. */
  protected override assertInputCompatible(shapes: Shape[], dtypes?: DType[]): void {
    super.assertInputCompatible(logicalShapes(this, shapes, dtypes, () => this.int8.values!.shape[2]), dtypes);
  }

  /** The float layer's config plus inputScale, inputZeroPoint, inputMin, inputMax. */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), ...inputConfig(this.input8) };
  }

  /** Sets the weights (kernel int8 values, scales, bias) and repacks now, as a recorded plan only reads the packing. */
  override setWeights(weights: Tensor[]): void {
    super.setWeights(weights);
    repackAfterSet(this.int8);
  }

  /**
   * Packs the int8 kernel for the int8 ops after its weights were assigned, and links the layer's
   * int8 output to the int8 layer that alone consumes it in `model` (quantize and loadLayersModel call it).
   */
  async weightsLoaded(model?: { layers: Layer[]; outputs: SymbolicTensor[] }): Promise<void> {
    await this.int8.prepare();
    if (model) (await import('../async_parts.js')).linkInt8Output(this, model);
  }

  /** Frees the weights and the packed kernel. */
  override dispose(): void {
    super.dispose();
    this.int8.dispose();
  }
}

/** DepthwiseConv2D (depthMultiplier 1) on int8 (NHWC). Weights: depthwise_kernel (int8), depthwise_kernel_scales, bias. */
export class QuantizedDepthwiseConv2D extends DepthwiseConv2D {
  /** The name the layer is saved and registered under. */
  static override className = 'QuantizedDepthwiseConv2D';
  /** The input's int8 parameters (inputScale, inputZeroPoint) and the range they came from. */
  readonly input8: Int8InputArgs;
  /** The int8 kernel: saved values and scales, and the packing the int8 kernels read. */
  readonly int8 = new Int8Kernel('depthwise', 'depthwise_kernel');
  /** The int8 chain state (int8_chain.ts links it when the model is quantized or loaded). */
  readonly int8Links: Int8Links = { int8Input: false, int8Output: null };

  constructor(args: DepthwiseConv2DArgs & Int8InputArgs) {
    super({ ...args, trainable: false });
    this.input8 = checkInputArgs('QuantizedDepthwiseConv2D', args);
    checkChannelsLast(this);
    if (this.depthMultiplier !== 1) throw new Error(`${this.name}: int8 depthwise convolution supports depthMultiplier 1 only, got ${this.depthMultiplier}`);
  }

  /** Creates the int8 kernel, its scales and the bias (all non-trainable). */
  override build(inputShape: Shape | Shape[]): void {
    const inC = this.inputChannels((Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape);
    this.int8.build(this, [...this.kernelSize, inC, 1]);
    if (this.useBias) this.bias = this.addWeight('bias', [inC], 'float32', 'zeros', null, false);
    this.built = true;
  }

  /** Quantizes the input (or takes a chained producer's packed int8), one int8 kernel with bias and activation fused. */
  override call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor {
    return int8ConvCall(this, Array.isArray(inputs) ? inputs[0] : inputs, kwargs, int8DepthwiseConv2d);
  }

  /** The float layer's input check (int8ConvCall runs it on float inputs). */
  checkInputShape(x: Tensor, channels: number): void {
    this.checkInput(x, channels);
  }

  /** The float layer's input checks, on the logical shape of a chained packed input. */
  protected override assertInputCompatible(shapes: Shape[], dtypes?: DType[]): void {
    super.assertInputCompatible(logicalShapes(this, shapes, dtypes, () => this.int8.values!.shape[2]), dtypes);
  }

  /** The float layer's config plus inputScale, inputZeroPoint, inputMin, inputMax. */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), ...inputConfig(this.input8) };
  }

  /** Sets the weights (kernel int8 values, scales, bias) and repacks now, as a recorded plan only reads the packing. */
  override setWeights(weights: Tensor[]): void {
    super.setWeights(weights);
    repackAfterSet(this.int8);
  }

  /**
   * Packs the int8 kernel for the int8 ops after its weights were assigned, and links the layer's
   * int8 output to the int8 layer that alone consumes it in `model` (quantize and loadLayersModel call it).
   */
  async weightsLoaded(model?: { layers: Layer[]; outputs: SymbolicTensor[] }): Promise<void> {
    await this.int8.prepare();
    if (model) (await import('../async_parts.js')).linkInt8Output(this, model);
  }

  /** Frees the weights and the packed kernel. */
  override dispose(): void {
    super.dispose();
    this.int8.dispose();
  }
}

/** Quantized class name by float class name. */
export const QUANTIZED_CLASS: Record<string, string> = {
  Dense: QuantizedDense.className, Conv2D: QuantizedConv2D.className, DepthwiseConv2D: QuantizedDepthwiseConv2D.className,
};

/** The int8 layers of a model (as QuantizedDense | QuantizedConv2D | QuantizedDepthwiseConv2D). */
export function isQuantizedLayer(l: Layer): l is QuantizedDense | QuantizedConv2D | QuantizedDepthwiseConv2D {
  return l instanceof QuantizedDense || l instanceof QuantizedConv2D || l instanceof QuantizedDepthwiseConv2D;
}
