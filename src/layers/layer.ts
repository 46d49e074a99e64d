/**
 * The Layer base class (TF.js Layers semantics), symbolic tensors for functional models, and
 * the InputLayer / `input()` entry point. A layer owns its weights (Variables named
 * `${layer.name}/${weightName}`, as TF.js names them, so saved artifacts match), builds them on
 * first use from the input shape, and is applied either to concrete Tensors (eager) or to
 * SymbolicTensors (recording a graph node for `model({inputs, outputs})`).
 */
import type { DType } from '../backends/backend.js';
import { ENGINE } from '../engine.js';
import { keepHostBackupFromWrite } from '../host_backup.js';
import { Tensor } from '../tensor.js';
import type { Variable } from '../variable.js';
import { LayerVariable, constraintFn, type ConstraintSpec } from './layer_variable.js';
import { fmtShape } from '../util.js';
import { cast } from '../ops/unary.js';
import { scoped } from '../ops/operand.js';
import { getInitializer, type InitializerSpec } from './initializers.js';
import { getRegularizer, type RegularizerSpec, type Regularizer } from './regularizers.js';
import { assertInputSpecs, type InputSpec } from './input_spec.js';

/** A shape with unknown (batch) dims as null. */
export type Shape = (number | null)[];
export type Kwargs = { training?: boolean; mask?: Tensor | Tensor[] | null; [k: string]: unknown };

export interface LayerArgs {
  name?: string;
  trainable?: boolean;
  inputShape?: Shape;
  batchInputShape?: Shape;
  batchSize?: number;
  dtype?: DType;
  weights?: Tensor[];
  inputDType?: DType;
}

/** Per-class counters for TF.js-style default names: dense_Dense1, conv2d_Conv2D1, ... */
const nameCounters = new Map<string, number>();
/**
 * TF.js's snake case for default names: an underscore before each capitalised word that follows a
 * character, then between a lowercase letter and a capital; a digit does not start a word
 * (Conv2D -> conv2d, Conv2DTranspose -> conv2d_transpose, SimpleRNN -> simple_rnn).
 */
export function toSnakeCase(name: string): string {
  const s = name.replace(/(.)([A-Z][a-z0-9]+)/g, '$1_$2').replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
  return s.startsWith('_') ? `private${s}` : s;
}
export function defaultLayerName(className: string): string {
  const n = (nameCounters.get(className) ?? 0) + 1;
  nameCounters.set(className, n);
  return `${toSnakeCase(className)}_${className}${n}`;
}

/** A placeholder flowing through a functional graph: shape, dtype and the layer that made it. */
export class SymbolicTensor {
  private static nextId = 0;
  /** A unique id, increasing in creation order. */
  readonly id = SymbolicTensor.nextId++;
  constructor(
    readonly dtype: DType,
    readonly shape: Shape,
    readonly sourceLayer: Layer,
    /** Which call of sourceLayer produced it, and which of that call's outputs it is. */
    readonly nodeIndex: number,
    readonly tensorIndex: number,
    readonly name: string,
  ) {}
  /** The number of dimensions. */
  get rank(): number {
    return this.shape.length;
  }
}

/** One call of a layer on symbolic inputs: the edges of the functional graph. */
export interface LayerNode {
  inboundTensors: SymbolicTensor[];
  outputTensors: SymbolicTensor[];
  kwargs: Record<string, unknown>;
}

export interface LayerWeight {
  /** The weight's own name within the layer, e.g. 'kernel'. */
  originalName: string;
  variable: Variable;
  regularizer?: Regularizer;
  constraint?: (t: Tensor) => Tensor;
  /** Whether the weight was declared trainable (false for moving statistics); freezing keeps this. */
  declaredTrainable?: boolean;
  /** How model.save stores it: 'int8' for an int32 weight of int8 values (one byte each; see docs/int8-format.md). */
  storage?: 'int8';
}

/**
 * The base class of every layer: weights, `apply()` on tensors or symbolic inputs, `call()` to override in custom layers,
 * `getConfig()` for serialization.
 */
export abstract class Layer {
  /** TF.js/Keras class name used in serialized configs. Subclasses set `static className`. */
  static className = 'Layer';
  /** The layer's name, unique within a model (generated from the class name when not given). */
  name: string;
  private trainableFlag = true;
  /** True once `build()` has made the weights. */
  built = false;
  /** The dtype of the layer's weights and outputs. */
  dtype: DType;
  /** The input shape with its batch dimension, when given (`inputShape` / `batchInputShape`). */
  batchInputShape?: Shape;
  /** Graph nodes created by symbolic calls (functional models). */
  readonly inboundNodes: LayerNode[] = [];
  protected weightList: LayerWeight[] = [];
  /** Initial weights passed in the config (`weights: [...]`), set after build. */
  private initialWeights?: Tensor[];
  /** Activity / weight regularization losses produced during the last call. */
  protected pendingLosses: (() => Tensor)[] = [];
  /** Whether the layer changes behaviour between training and inference (dropout, BN). */
  supportsMasking = false;
  /** What each input must look like (TF.js `inputSpec`); checked on every call when set. */
  inputSpec: InputSpec[] | null = null;

  constructor(args: LayerArgs = {}) {
    this.name = args.name ?? defaultLayerName(this.getClassName());
    this.trainableFlag = args.trainable ?? true; // no weights yet: nothing to propagate
    this.dtype = args.dtype ?? 'float32';
    if (args.batchInputShape) this.batchInputShape = args.batchInputShape.slice();
    else if (args.inputShape) this.batchInputShape = [args.batchSize ?? null, ...args.inputShape];
    this.initialWeights = args.weights;
  }

  /**
   * Whether the layer trains. Setting it also sets the `trainable` flag of every weight declared trainable
   * (nested layers' too), as TF.js does, so tf.variableGrads() / optimizer.minimize() without a variable
   * list leave a frozen layer's weights alone.
   */
  get trainable(): boolean {
    return this.trainableFlag;
  }
  /** Whether `fit` updates the layer's weights (false freezes it). */
  set trainable(value: boolean) {
    this.trainableFlag = value;
    for (const w of this.weightEntries()) if (w.declaredTrainable !== false) w.variable.trainable = value;
  }

  /** The class name the layer is saved and registered under. */
  getClassName(): string {
    return (this.constructor as typeof Layer).className;
  }

  // ---- to implement in subclasses -------------------------------------------------------------

  /** Create weights for the given input shape(s). */
  build(_inputShape: Shape | Shape[]): void {
    this.built = true;
  }
  /** Eager computation on concrete tensors. */
  abstract call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor | Tensor[];
  /** Output shape(s) for input shape(s); default: unchanged. */
  computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    return inputShape;
  }
  /** Layer-specific config (camelCase keys, TF.js style); the base adds name/trainable/dtype. */
  getConfig(): Record<string, unknown> {
    const cfg: Record<string, unknown> = { name: this.name, trainable: this.trainable };
    if (this.batchInputShape) cfg.batchInputShape = this.batchInputShape;
    cfg.dtype = this.dtype;
    return cfg;
  }

  // ---- weights ---------------------------------------------------------------------------------

  /**
   * Create a weight named `${this.name}/${name}` (TF.js argument order; the initializer, regularizer and
   * constraint may be names, configs or objects, as custom TF.js layers pass them).
   */
  addWeight(
    name: string, shape: Shape, dtype?: DType | null, initializer?: InitializerSpec | null,
    regularizer?: RegularizerSpec | null, trainable?: boolean | null, constraint?: ConstraintSpec | null,
  ): LayerVariable {
    if (this.weightList.some((w) => w.originalName === name)) {
      throw new Error(`Duplicate weight name ${name} for layer ${this.name}`);
    }
    if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || (d as number) < 0)) {
      throw new Error(`addWeight: layer '${this.name}' weight '${name}' needs a shape of non-negative integers, got ${JSON.stringify(shape)}`);
    }
    const dt = dtype ?? 'float32';
    const value = ENGINE.noGrad(() => getInitializer(initializer ?? 'glorotUniform').apply(shape as number[], dt));
    const c = constraintFn(constraint);
    const v = new LayerVariable(value, (trainable ?? true) && this.trainable, `${this.name}/${name}`, name, dt, c);
    value.dispose();
    const reg = regularizer ? getRegularizer(regularizer) : undefined;
    this.weightList.push({ originalName: name, variable: v, regularizer: reg, constraint: c, declaredTrainable: trainable ?? true });
    return v;
  }

  /** Weights in creation order (TF.js order: trainable first, then non-trainable). */
  get weights(): Variable[] {
    return [...this.trainableWeights, ...this.nonTrainableWeights];
  }
  /** The weights `fit` updates (none when the layer is frozen). */
  get trainableWeights(): Variable[] {
    return this.trainable ? this.weightEntries().filter((w) => w.variable.trainable).map((w) => w.variable) : [];
  }
  /** The weights `fit` leaves alone (e.g. batch-norm moving statistics; all of them when frozen). */
  get nonTrainableWeights(): Variable[] {
    return this.weightEntries().filter((w) => !this.trainable || !w.variable.trainable).map((w) => w.variable);
  }
  /** All weight entries including those of nested layers (wrappers override). */
  weightEntries(): LayerWeight[] {
    return this.weightList;
  }
  /** Weight constraints to apply after each optimizer step. */
  constraints(): { variable: Variable; constraint: (t: Tensor) => Tensor }[] {
    return this.weightEntries().filter((w) => w.constraint).map((w) => ({ variable: w.variable, constraint: w.constraint! }));
  }

  /** Copies of the current weight values, in `weights` order (only the trainable ones if asked). */
  getWeights(trainableOnly = false): Tensor[] {
    return (trainableOnly ? this.trainableWeights : this.weights).map((w) => ENGINE.makeView(w, w.shape));
  }

  /** Sets the weights' values, in `getWeights()` order. */
  setWeights(weights: Tensor[]): void {
    const ws = this.weights;
    if (weights.length !== ws.length) {
      throw new Error(`setWeights: layer '${this.name}' expects ${ws.length} weight tensors, got ${weights.length}`);
    }
    ws.forEach((w, i) => {
      const t = weights[i];
      if (t.size !== w.size || t.shape.join() !== w.shape.join()) {
        throw new Error(`setWeights: layer '${this.name}' weight '${w.name}' has shape ${fmtShape(w.shape)}, got ${fmtShape(t.shape)}`);
      }
      // a LayerVariable's write() applies its constraint, as TF.js's setWeights does
      const put = (v: Tensor) => (w instanceof LayerVariable ? w.write(v) : w.assign(v));
      if (t.dtype === w.dtype) {
        put(t);
        // Values written from the host (tf.tensor(...), small enough for webgpu to keep them)
        // survive a device loss; getWeights() of another model carries that model's backups.
        if (w.record === t.record) keepHostBackupFromWrite(w.record);
      } else {
        const c = cast(t, w.dtype);
        put(c);
        c.dispose();
      }
    });
  }

  /** The number of scalar values in the layer's weights. */
  countParams(): number {
    if (!this.built) {
      throw new Error(`countParams: layer '${this.name}' is not built yet; call it on an input or give it an inputShape`);
    }
    return this.weights.reduce((n, w) => n + w.size, 0);
  }

  /** Regularization losses of this layer's weights (added to the training loss). */
  regularizationLosses(): Tensor[] {
    const out: Tensor[] = [];
    for (const w of this.weightEntries()) if (w.regularizer && w.variable.trainable) out.push(w.regularizer.apply(w.variable));
    for (const f of this.pendingLosses) out.push(f());
    return out;
  }

  // ---- application -----------------------------------------------------------------------------

  /** Build (once) from an input shape, then apply stored initial weights. */
  maybeBuild(inputShape: Shape | Shape[]): void {
    if (this.built) return;
    ENGINE.noGrad(() => this.build(inputShape));
    this.built = true;
    if (this.initialWeights) {
      this.setWeights(this.initialWeights);
      this.initialWeights = undefined;
    }
  }

  /** Apply to tensors (eager) or symbolic tensors (graph building). */
  apply(inputs: Tensor | SymbolicTensor | (Tensor | SymbolicTensor)[], kwargs: Kwargs = {}): any {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    if (list.length === 0) throw new Error(`${this.name}: apply() needs at least one input`);
    const symbolic = list.some((x) => x instanceof SymbolicTensor);
    if (symbolic) {
      if (!list.every((x) => x instanceof SymbolicTensor)) {
        throw new Error(`${this.name}: cannot mix symbolic and concrete tensors in one call`);
      }
      return this.applySymbolic(list as SymbolicTensor[], Array.isArray(inputs), kwargs);
    }
    const tensors = list as Tensor[];
    tensors.forEach((t, i) => t.assertAlive(`${this.name} (input ${i})`));
    const shapes = tensors.map((t) => t.shape as Shape);
    this.assertInputCompatible(shapes, tensors.map((t) => t.dtype));
    this.maybeBuild(Array.isArray(inputs) ? shapes : shapes[0]);
    for (const w of this.weightEntries()) w.variable.assertAlive(`${this.name} (weight '${w.variable.name}')`);
    // Scoped like an op: called outside tidy, the layer leaves only its outputs (weights and kept
    // state survive); a tensor a custom call() stores for later must be kept, as under TF.js's tidy.
    return scoped(() => this.call(Array.isArray(inputs) ? tensors : tensors[0], kwargs));
  }

  private applySymbolic(inputs: SymbolicTensor[], isList: boolean, kwargs: Kwargs): SymbolicTensor | SymbolicTensor[] {
    const shapes = inputs.map((s) => s.shape);
    this.assertInputCompatible(shapes, inputs.map((s) => s.dtype));
    this.maybeBuild(isList ? shapes : shapes[0]);
    const outShape = this.computeOutputShape(isList ? shapes : shapes[0]);
    const outShapes: Shape[] = isMultiShape(outShape) ? (outShape as Shape[]) : [outShape as Shape];
    const nodeIndex = this.inboundNodes.length;
    const outputs = outShapes.map(
      (s, i) => new SymbolicTensor(this.dtype, s, this, nodeIndex, i, `${this.name}/out${outShapes.length > 1 ? i : ''}`),
    );
    const { training: _t, mask: _m, ...rest } = kwargs;
    this.inboundNodes.push({ inboundTensors: inputs, outputTensors: outputs, kwargs: rest });
    return outputs.length === 1 && !isMultiShape(outShape) ? outputs[0] : outputs;
  }

  /** Check ranks/dims against batchInputShape when the layer declares one. */
  protected assertInputCompatible(shapes: Shape[], dtypes?: DType[]): void {
    assertInputSpecs(this.name, this.inputSpec, shapes.map((shape, i) => ({ shape, dtype: dtypes?.[i] ?? this.dtype })));
    const expected = this.batchInputShape;
    if (!expected || shapes.length !== 1) return;
    const got = shapes[0];
    const ok = got.length === expected.length && expected.every((d, i) => d === null || got[i] === null || d === got[i]);
    if (!ok) {
      throw new Error(`${this.name}: expected input shape ${fmtShape(expected.map((d) => d ?? -1))} (-1 = any), got ${fmtShape(got.map((d) => d ?? -1))}`);
    }
  }

  // ---- the rest of TF.js's Layer surface that programs and custom layers use -------------------

  private callHook?: (inputs: Tensor | Tensor[], kwargs: Kwargs) => void;
  /** Losses added with addLoss (functions, evaluated when the training loss is formed). */
  get losses(): (() => Tensor)[] {
    return this.pendingLosses;
  }
  /** Adds loss terms (functions returning scalars) to minimize along with the model's loss. */
  addLoss(losses: (() => Tensor) | (() => Tensor)[]): void {
    this.pendingLosses.push(...(Array.isArray(losses) ? losses : [losses]));
  }
  /** Registers a function called with the inputs each time the layer is called (for inspection). */
  setCallHook(hook: (inputs: Tensor | Tensor[], kwargs: Kwargs) => void): void {
    this.callHook = hook;
  }
  /** Removes the hook of `setCallHook`. */
  clearCallHook(): void {
    this.callHook = undefined;
  }
  /** TF.js custom layers call this at the top of `call()`; it runs the hook set by setCallHook. */
  invokeCallHook(inputs: Tensor | Tensor[], kwargs: Kwargs): void {
    this.callHook?.(inputs, kwargs);
  }
  /** The output mask; layers without masking support drop it. */
  computeMask(_inputs: Tensor | Tensor[], mask?: Tensor | Tensor[] | null): Tensor | Tensor[] | (Tensor | null)[] | null {
    return this.supportsMasking ? (mask ?? null) : null;
  }
  /** Stateful layers (RNNs with stateful: true) override these. */
  readonly stateful: boolean = false;
  /** Resets a stateful layer's states (a no-op for stateless layers). */
  resetStates(_states?: Tensor | Tensor[]): void {}

  /** Symbolic inputs / outputs of this layer's only call (TF.js throws when there are several). */
  private onlyNode(what: string): LayerNode {
    if (this.inboundNodes.length === 0) throw new Error(`The layer ${this.name} has never been called and thus has no defined ${what}.`);
    if (this.inboundNodes.length > 1) {
      throw new Error(`The layer ${this.name} has multiple inbound nodes, hence the notion of "layer ${what}" is ill-defined. Use \`get${what[0].toUpperCase()}${what.slice(1)}At(nodeIndex)\` instead.`);
    }
    return this.inboundNodes[0];
  }
  private unwrap(list: SymbolicTensor[]): SymbolicTensor | SymbolicTensor[] {
    return list.length === 1 ? list[0] : list;
  }
  /** The symbolic input(s) of the layer's first call in a functional model. */
  get input(): SymbolicTensor | SymbolicTensor[] {
    return this.unwrap(this.onlyNode('input').inboundTensors);
  }
  /** The symbolic output(s) of the layer's first call in a functional model. */
  get output(): SymbolicTensor | SymbolicTensor[] {
    return this.unwrap(this.onlyNode('output').outputTensors);
  }
  /** The symbolic input(s) of the layer's `nodeIndex`-th call. */
  getInputAt(nodeIndex: number): SymbolicTensor | SymbolicTensor[] {
    return this.unwrap(this.nodeAt(nodeIndex).inboundTensors);
  }
  /** The symbolic output(s) of the layer's `nodeIndex`-th call. */
  getOutputAt(nodeIndex: number): SymbolicTensor | SymbolicTensor[] {
    return this.unwrap(this.nodeAt(nodeIndex).outputTensors);
  }
  private nodeAt(i: number): LayerNode {
    const node = this.inboundNodes[i];
    if (!node) throw new Error(`Asked to get inbound node ${i} of layer ${this.name}, but the layer has only ${this.inboundNodes.length} inbound nodes.`);
    return node;
  }
  /** The output shape of the layer's calls (one shape when all calls agree, as TF.js requires). */
  get outputShape(): Shape | Shape[] {
    if (this.inboundNodes.length === 0) throw new Error(`The layer ${this.name} has never been called and thus has no defined output shape.`);
    const shapes = this.inboundNodes.map((n) => JSON.stringify(n.outputTensors.map((t) => t.shape)));
    if (new Set(shapes).size > 1) throw new Error(`The layer ${this.name} has multiple inbound nodes with different output shapes.`);
    const outs = this.inboundNodes[0].outputTensors.map((t) => t.shape);
    return outs.length === 1 ? outs[0] : outs;
  }

  /** Dispose the layer's weights. */
  dispose(): void {
    for (const w of this.weightEntries()) w.variable.dispose();
  }
}

/** True for a list of shapes (as opposed to a single shape). */
export function isMultiShape(s: Shape | Shape[]): boolean {
  return s.length > 0 && Array.isArray(s[0]);
}

/** TF.js names inputs input1, input2, ... */
function defaultInputName(): string {
  const n = (nameCounters.get('\0input') ?? 0) + 1;
  nameCounters.set('\0input', n);
  return `input${n}`;
}

/** The graph's entry: produces a SymbolicTensor of a given shape. */
export class InputLayer extends Layer {
  static override className = 'InputLayer';
  readonly sparse = false;
  constructor(args: { inputShape?: Shape; batchInputShape?: Shape; batchSize?: number; dtype?: DType; name?: string; sparse?: boolean }) {
    super({ ...args, name: args.name ?? defaultInputName() });
    if (!this.batchInputShape) throw new Error('InputLayer: needs inputShape or batchInputShape');
    this.built = true;
    const out = new SymbolicTensor(this.dtype, this.batchInputShape, this, 0, 0, this.name);
    this.inboundNodes.push({ inboundTensors: [], outputTensors: [out], kwargs: {} });
  }
  override get output(): SymbolicTensor {
    return this.inboundNodes[0].outputTensors[0];
  }
  call(inputs: Tensor | Tensor[]): Tensor | Tensor[] {
    return inputs;
  }
  override getConfig(): Record<string, unknown> {
    return { batchInputShape: this.batchInputShape, dtype: this.dtype, sparse: false, name: this.name };
  }
}

/**
 * TF.js `input({shape, batchShape, name, dtype})`: the symbolic input of a functional model.
 * @example
 * ```js
 * const x = tf.layers.input({ shape: [3] });
 * ```
 */
export function input(config: { shape?: Shape; batchShape?: Shape; name?: string; dtype?: DType; batchSize?: number }): SymbolicTensor {
  if (!config || (!config.shape && !config.batchShape)) throw new Error('input: give `shape` or `batchShape`');
  const layer = new InputLayer({
    inputShape: config.shape, batchInputShape: config.batchShape, name: config.name, dtype: config.dtype, batchSize: config.batchSize,
  });
  return layer.output;
}

export { Tensor };
