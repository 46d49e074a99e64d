/**
 * Sequential: a linear stack of layers (TF.js `sequential({layers})`). When the first layer
 * declares an input shape the symbolic graph is built as layers are added (so summary() and
 * shape errors come early); otherwise it is built on the first call from the input's shape.
 */
import type { Tensor } from '../tensor.js';
import { input, InputLayer, Layer, SymbolicTensor, type Kwargs, type Shape } from '../layers/layer.js';
import { LayersModel } from './layers_model.js';

export interface SequentialArgs {
  layers?: Layer[];
  name?: string;
}

/**
 * A model that is a linear stack of layers (`tf.sequential`); `add()` appends a layer.
 */
export class Sequential extends LayersModel {
  /** The class name sequential models are saved under. */
  static override className = 'Sequential';
  /** The stacked layers, without the implicit InputLayer (as TF.js). */
  private stack: Layer[] = [];
  private symbolicOutput?: SymbolicTensor;

  constructor(args: SequentialArgs = {}) {
    super();
    if (args.name) this.name = args.name;
    this.built = false;
    for (const l of args.layers ?? []) this.add(l);
  }

  /** The stacked layers, without the implicit InputLayer (as TF.js). */
  override get layers(): Layer[] {
    return this.stack;
  }

  /**
   * Appends a layer to the stack (the first needs `inputShape`).
   * @example
   * ```js
   * const model = tf.sequential();
   * model.add(tf.layers.dense({ units: 8, inputShape: [4], activation: 'relu' }));
   * model.add(tf.layers.dense({ units: 1 }));
   * ```
   */
  add(layer: Layer): void {
    if (!(layer instanceof Layer)) throw new Error(`Sequential.add: expected a Layer, got ${typeof layer}`);
    if (layer instanceof InputLayer) {
      if (this.stack.length > 0 || this.symbolicOutput) throw new Error('Sequential.add: an InputLayer must come first');
      this.symbolicOutput = layer.output;
      this.inputs = [layer.output];
      return;
    }
    if (this.stack.some((l) => l.name === layer.name)) {
      throw new Error(`Sequential.add: a layer named '${layer.name}' is already in the model`);
    }
    if (!this.symbolicOutput && this.stack.length === 0 && layer.batchInputShape) {
      this.symbolicOutput = input({ batchShape: layer.batchInputShape, dtype: layer.dtype, name: `${layer.name}_input` }); // TF.js's name
    }
    this.stack.push(layer);
    if (this.symbolicOutput) this.extendGraph(layer);
  }

  /** Remove the last layer (TF.js `pop`). */
  pop(): void {
    if (this.stack.length === 0) throw new Error('Sequential.pop: the model has no layers');
    this.stack.pop();
    if (this.symbolicOutput) this.rebuildGraph();
  }

  private extendGraph(layer: Layer): void {
    const out = layer.apply(this.symbolicOutput!);
    if (!(out instanceof SymbolicTensor)) {
      throw new Error(`Sequential: layer '${layer.name}' has ${Array.isArray(out) ? out.length : 0} outputs; Sequential layers need exactly one`);
    }
    this.symbolicOutput = out;
    this.initGraph(this.inputs.length ? this.inputs : this.firstInput(), out);
  }

  private firstInput(): SymbolicTensor[] {
    const first = this.stack[0].inboundNodes[this.stack[0].inboundNodes.length - 1];
    return [first.inboundTensors[0]];
  }

  private rebuildGraph(): void {
    const inp = this.inputs[0];
    this.symbolicOutput = inp;
    for (const l of this.stack) {
      const out = l.apply(this.symbolicOutput);
      this.symbolicOutput = out as SymbolicTensor;
    }
    if (this.stack.length) this.initGraph(inp, this.symbolicOutput);
  }

  /** Build from a concrete input shape when no input shape was declared. */
  override build(inputShape: Shape | Shape[]): void {
    if (this.inputs.length) return;
    const shape = inputShape as Shape;
    this.symbolicOutput = input({ batchShape: [null, ...shape.slice(1)] });
    this.inputs = [this.symbolicOutput];
    this.rebuildGraph();
  }

  /** Runs the stack on concrete tensors. */
  override call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor | Tensor[] {
    if (this.stack.length === 0) throw new Error(`${this.name}: the Sequential model has no layers`);
    if (!this.inputs.length || this.graphNodes.length === 0) {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      this.build(x.shape);
    }
    return super.call(inputs, kwargs);
  }
}

/**
 * TF.js `sequential({layers})`.
 * @example
 * ```js
 * const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
 * model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
 * await model.fit(tf.ones([8, 2]), tf.ones([8, 1]), { epochs: 2 });
 * ```
 */
export function sequential(args: SequentialArgs = {}): Sequential {
  return new Sequential(args);
}
