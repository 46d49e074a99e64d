/**
 * LayersModel: a functional graph of layers from symbolic inputs to outputs (TF.js
 * `model({inputs, outputs})`), itself a Layer so models nest. It orders the graph's nodes
 * topologically once and executes them on concrete tensors. Training, evaluation, prediction,
 * summary and saving are methods here that delegate to src/models/training.ts, summary.ts and
 * src/io.
 */
import { Tensor } from '../tensor.js';
import { fmtShape } from '../util.js';
import { scoped } from '../ops/operand.js';
import { Layer, SymbolicTensor, type Kwargs, type LayerNode, type LayerWeight, type Shape, InputLayer } from '../layers/layer.js';
import * as training from './training.js';
import type { CompileArgs, FitArgs, EvaluateArgs, PredictArgs, History, FitDatasetArgs } from './training.js';
import { printSummary } from './summary.js';
import { saveModel, type SaveConfig, type SaveResult } from '../io/model_io.js';
import { Optimizer } from '../optimizers/optimizer.js';
import { resolveCompiled } from './compile.js';
import { ENGINE } from '../engine.js';
import type { WarmupArgs } from './warmup.js';
import { disposePredictPlans, predictPlanFor } from './predict_plan.js';
import { disposeTrainPlans } from './train_plan.js';
import type { Plan, Untraceable } from '../plan/types.js';
import { modelToTopology } from '../io/topology_writer.js';

export interface ModelArgs {
  inputs: SymbolicTensor | SymbolicTensor[];
  outputs: SymbolicTensor | SymbolicTensor[];
  name?: string;
}

/** A node of the model's graph together with the layer that owns it. */
export interface GraphNode {
  layer: Layer;
  node: LayerNode;
}

/**
 * A model made of layers (`tf.model` for graphs, `tf.sequential` for stacks): `compile`, `fit`, `predict`, `evaluate`, `save`.
 */
export class LayersModel extends Layer {
  /** The class name models are saved under. */
  static override className = 'Model';
  /** The model's symbolic inputs. */
  inputs: SymbolicTensor[] = [];
  /** The model's symbolic outputs. */
  outputs: SymbolicTensor[] = [];
  /** Layers in topological order (input layers first). */
  protected graphLayers: Layer[] = [];
  /** Graph nodes in execution order. */
  protected graphNodes: GraphNode[] = [];
  /** Each graph node's depth: its longest path in nodes to an output (TF.js nodesByDepth; read by summary). */
  graphNodeDepths = new Map<LayerNode, number>();
  /** Set by compile(). */
  compiled?: training.CompiledState;
  /** Set to true by callbacks (earlyStopping) to end fit() after the current epoch. */
  stopTraining = false;
  /** Whether outputs were given as a list (predict then returns a list). */
  protected outputsAreList = false;

  constructor(args?: ModelArgs) {
    super({ name: args?.name });
    if (args) this.initGraph(args.inputs, args.outputs);
  }

  /** The optimizer compile() resolved (TF.js `model.optimizer`); undefined before compile. */
  get optimizer(): Optimizer | undefined {
    return this.compiled?.optimizer;
  }
  /** The optimizer `compile` set (replaceable between fits). */
  set optimizer(o: Optimizer | undefined) {
    if (!this.compiled) throw new Error(`model.optimizer: model '${this.name}' must be compiled before its optimizer is replaced`);
    if (!(o instanceof Optimizer)) throw new Error('model.optimizer: expected an Optimizer (e.g. tf.train.adam())');
    if (this.compiled.ownsOptimizer && this.compiled.optimizer !== o) this.compiled.optimizer.dispose();
    this.compiled.optimizer = o;
    this.compiled.ownsOptimizer = false;
  }
  /** Names of the layers feeding the model's inputs / producing its outputs (TF.js `inputNames`, `outputNames`). */
  get inputNames(): string[] {
    return this.inputs.map((t) => t.sourceLayer.name);
  }
  /** The names of the output layers (the keys of per-output losses and metrics). */
  get outputNames(): string[] {
    return this.outputs.map((t) => t.sourceLayer.name);
  }
  /** 'loss', each output's loss when there are several, then the metrics: the keys fit logs (TF.js `metricsNames`). */
  get metricsNames(): string[] {
    return this.compiled && this.outputs.length ? resolveCompiled(this).statNames : [];
  }
  /** Reset the states of every stateful layer (TF.js `model.resetStates()`). */
  override resetStates(): void {
    for (const l of this.layers) if (l.stateful || l instanceof LayersModel) l.resetStates();
  }
  /** The model's symbolic input(s) / output(s) and output shape(s), as TF.js models expose them. */
  override get input(): SymbolicTensor | SymbolicTensor[] {
    return this.inputs.length === 1 ? this.inputs[0] : this.inputs;
  }
  /** The model's symbolic output (an array for several outputs). */
  override get output(): SymbolicTensor | SymbolicTensor[] {
    return this.outputs.length === 1 ? this.outputs[0] : this.outputs;
  }
  /** The shape of the model's output(s), batch dimension null. */
  override get outputShape(): Shape | Shape[] {
    return this.outputs.length === 1 ? this.outputs[0].shape : this.outputs.map((o) => o.shape);
  }

  /** Record the graph from inputs to outputs. */
  protected initGraph(inputs: SymbolicTensor | SymbolicTensor[], outputs: SymbolicTensor | SymbolicTensor[]): void {
    this.outputsAreList = Array.isArray(outputs);
    this.inputs = Array.isArray(inputs) ? inputs : [inputs];
    this.outputs = Array.isArray(outputs) ? outputs : [outputs];
    for (const t of [...this.inputs, ...this.outputs]) {
      if (!(t instanceof SymbolicTensor)) throw new Error(`model: inputs and outputs must be symbolic tensors (from input() and layer.apply())`);
    }
    for (const t of this.inputs) {
      if (!(t.sourceLayer instanceof InputLayer)) {
        throw new Error(`model: input '${t.name}' is not the output of input(); functional inputs must come from input()`);
      }
    }
    const visited = new Set<LayerNode>();
    const order: GraphNode[] = [];
    const inputIds = new Set(this.inputs.map((t) => t.id));
    const visit = (t: SymbolicTensor, path: Set<LayerNode>) => {
      const node = t.sourceLayer.inboundNodes[t.nodeIndex];
      if (visited.has(node)) return;
      if (path.has(node)) throw new Error(`model: the graph has a cycle through layer '${t.sourceLayer.name}'`);
      if (t.sourceLayer instanceof InputLayer && !inputIds.has(t.id)) {
        throw new Error(`model: output depends on input '${t.name}', which is not in the model's inputs`);
      }
      path.add(node);
      for (const x of node.inboundTensors) visit(x, path);
      path.delete(node);
      visited.add(node);
      order.push({ layer: t.sourceLayer, node });
    };
    for (const t of this.outputs) visit(t, new Set());
    for (const t of this.inputs) visit(t, new Set());
    // Input layers first, in the order of this.inputs.
    const inputNodes = this.inputs.map((t) => order.find((g) => g.node.outputTensors.includes(t))!);
    this.graphNodes = [...inputNodes, ...order.filter((g) => !inputNodes.includes(g))];
    const { layers, nodeDepth } = graphDepths(this.outputs);
    for (const g of this.graphNodes) if (!layers.includes(g.layer)) layers.unshift(g.layer); // inputs no output uses
    this.graphNodeDepths = nodeDepth;
    this.graphLayers = layers;
    const names = new Set<string>();
    for (const l of layers) {
      if (names.has(l.name)) throw new Error(`model: two layers are named '${l.name}'; layer names must be unique`);
      names.add(l.name);
    }
    this.built = true;
  }

  /** The model's layers in topological order (TF.js `model.layers`). */
  get layers(): Layer[] {
    return this.graphLayers;
  }

  /** Every weight of every layer with its layer, in saving order. */
  override weightEntries(): LayerWeight[] {
    const seen = new Set<LayerWeight>();
    for (const l of this.layers) for (const w of l.weightEntries()) seen.add(w);
    return [...seen];
  }
  /** The weights of all layers that `fit` updates. */
  override get trainableWeights() {
    if (!this.trainable) return [];
    const out = [];
    for (const l of this.layers) out.push(...l.trainableWeights);
    return [...new Set(out)];
  }
  /** The weights of all layers that `fit` leaves alone. */
  override get nonTrainableWeights() {
    const out = [];
    for (const l of this.layers) out.push(...(this.trainable ? l.nonTrainableWeights : l.weights));
    return [...new Set(out)];
  }
  /** The current regularization penalties of all layers (added to the training loss). */
  override regularizationLosses(): Tensor[] {
    return this.layers.flatMap((l) => l.regularizationLosses());
  }

  /** A layer by name or by index. */
  getLayer(nameOrIndex: string | number): Layer {
    const l = typeof nameOrIndex === 'number' ? this.layers[nameOrIndex] : this.layers.find((x) => x.name === nameOrIndex);
    if (!l) throw new Error(`getLayer: no layer ${JSON.stringify(nameOrIndex)} in model '${this.name}'`);
    return l;
  }

  /** The output shape(s) for the given input shape(s). */
  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    void inputShape;
    const shapes = this.outputs.map((o) => o.shape);
    return shapes.length === 1 && !this.outputsAreList ? shapes[0] : shapes;
  }

  /**
   * Run the graph on concrete inputs (one per model input). Scoped like an op: outside tidy the
   * intermediate layers' outputs and masks are freed and only the model's outputs remain.
   */
  execute(inputs: Tensor[], kwargs: Kwargs = {}): Tensor[] {
    return scoped(() => this.runGraph(inputs, kwargs));
  }

  private runGraph(inputs: Tensor[], kwargs: Kwargs): Tensor[] {
    if (inputs.length !== this.inputs.length) {
      throw new Error(`${this.name}: expected ${this.inputs.length} input tensor(s), got ${inputs.length}`);
    }
    const values = new Map<number, Tensor>();
    this.inputs.forEach((sym, i) => {
      const t = inputs[i];
      const want = sym.shape;
      if (t.rank !== want.length || want.some((d, k) => d !== null && d !== t.shape[k])) {
        throw new Error(`${this.name}: input '${sym.name}' expects shape ${fmtShape(want.map((d) => d ?? -1))} (-1 = any), got ${fmtShape(t.shape)}`);
      }
      values.set(sym.id, t);
    });
    // Keras masks flow along the graph: a layer's computeMask output reaches the next layers' `mask` kwarg.
    const masks = new Map<number, Tensor | null>();
    for (const { layer, node } of this.graphNodes) {
      if (layer instanceof InputLayer) continue;
      const ins = node.inboundTensors.map((s) => values.get(s.id)!);
      const isList = node.inboundTensors.length > 1 || (layer instanceof LayersModel && layer.inputs.length > 1);
      const inMasks = node.inboundTensors.map((s) => masks.get(s.id) ?? null);
      const anyMask = inMasks.some((m) => m !== null);
      const callKwargs: Kwargs = { ...node.kwargs, training: kwargs.training };
      if (anyMask) callKwargs.mask = (isList ? inMasks : inMasks[0]) as Tensor | Tensor[];
      const out = layer.apply(isList ? ins : ins[0], callKwargs);
      const outs: Tensor[] = Array.isArray(out) ? out : [out];
      node.outputTensors.forEach((s, i) => values.set(s.id, outs[i]));
      if (anyMask || layer.computeMask !== Layer.prototype.computeMask) {
        const m = layer.computeMask(isList ? ins : ins[0], anyMask ? callKwargs.mask : null);
        const ms = Array.isArray(m) ? m : [m];
        node.outputTensors.forEach((s, i) => masks.set(s.id, ms[i] ?? null));
      }
    }
    return this.outputs.map((o) => values.get(o.id)!);
  }

  /** Runs the model's graph on concrete tensors (what `apply` and `predict` use). */
  call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor | Tensor[] {
    const outs = this.execute(Array.isArray(inputs) ? inputs : [inputs], kwargs);
    return outs.length === 1 && !this.outputsAreList ? outs[0] : outs;
  }

  /** Number of outputs; predict() returns a list when > 1. */
  get numOutputs(): number {
    return this.outputs.length;
  }

  // ---- Keras workflow (training.ts) -----------------------------------------------------------

  /**
   * Sets the optimizer, loss(es) and metrics for `fit` and `evaluate`.
   * @example
   * ```js
   * model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
   * ```
   */
  compile(args: CompileArgs): void {
    training.compile(this, args);
    this.startWarmup();
  }
  /**
   * tessera (not in TF.js): run the model once on zeros so that the WebGPU pipelines its first
   * prediction (batch 1) and, when compiled, its first training step need are compiled, in
   * parallel, before that step (see models/warmup.ts for what it covers). Cheap on wasm / js.
   */
  async warmup(args?: WarmupArgs): Promise<void> {
    // async: loads with the async parts (src/async_parts.ts)
    return (await import('../async_parts.js')).warmupModel(this, args);
  }
  /** The background warmup compile() / loadLayersModel started (resolves also when it failed). */
  backgroundWarmup?: Promise<void>;
  /** Why the last background warmup failed, if it did (it never rejects, so nothing goes unhandled). */
  warmupError?: Error;
  /**
   * Start warmup() in the background, after the current synchronous code (so compile() stays
   * synchronous and cheap), on WebGPU only, where pipeline compiles are what a first step waits on.
   */
  startWarmup(): void {
    if (ENGINE.activeBackendName !== 'webgpu') return;
    this.warmupError = undefined;
    this.backgroundWarmup = Promise.resolve()
      .then(() => this.warmup())
      .catch((e: unknown) => { this.warmupError = e instanceof Error ? e : new Error(String(e)); });
  }
  /** The History of the last fit() (as TF.js sets `model.history`). */
  history?: History;
  /**
   * Trains the model for `epochs` on tensors `x`, `y`; resolves to the History of losses and metrics.
   * @example
   * ```js
   * const history = await model.fit(xs, ys, { epochs: 10, batchSize: 32, validationSplit: 0.1 });
   * console.log(history.history.loss);
   * ```
   */
  async fit(x: Tensor | Tensor[], y: Tensor | Tensor[], args: FitArgs = {}): Promise<History> {
    this.history = await training.fit(this, x, y, args);
    return this.history;
  }
  /**
   * Trains the model on a `tf.data.Dataset` of `{xs, ys}` batches.
   * @example
   * ```js
   * await model.fitDataset(dataset.batch(32), { epochs: 5 });
   * ```
   */
  fitDataset(dataset: training.DatasetLike, args: FitDatasetArgs): Promise<History> {
    return training.fitDataset(this, dataset, args);
  }
  /**
   * Loss and metrics over a dataset of `{xs, ys}` batches.
   * @example
   * ```js
   * const [loss, acc] = await model.evaluateDataset(dataset.batch(32));
   * ```
   */
  evaluateDataset(dataset: training.DatasetLike, args?: Parameters<typeof training.evaluateDataset>[2]) {
    return training.evaluateDataset(this, dataset, args);
  }
  /**
   * Loss and metrics on `x`, `y` (scalars, in compile order).
   * @example
   * ```js
   * const [loss, acc] = model.evaluate(xs, ys, { batchSize: 32 });
   * ```
   */
  evaluate(x: Tensor | Tensor[], y: Tensor | Tensor[], args: EvaluateArgs = {}): Tensor | Tensor[] {
    return training.evaluate(this, x, y, args);
  }
  /**
   * The model's output for `x`, computed in batches (`batchSize`, default 32).
   * @example
   * ```js
   * model.predict(tf.ones([1, 4])).print();
   * ```
   */
  predict(x: Tensor | Tensor[], args: PredictArgs = {}): Tensor | Tensor[] {
    return training.predict(this, x, args);
  }
  /** The recorded plan predict replays for inputs like `xs` (tf.debug.plan(model, x) shows it). */
  planFor(...xs: Tensor[]): Plan | Untraceable {
    return predictPlanFor(this, xs);
  }

  /**
   * The model's output for `x` as one batch.
   * @example
   * ```js
   * const y = model.predictOnBatch(tf.ones([8, 4]));
   * ```
   */
  predictOnBatch(x: Tensor | Tensor[]): Tensor | Tensor[] {
    return training.predictOnBatch(this, x);
  }
  /**
   * One optimizer step on one batch; resolves to the loss (and metrics).
   * @example
   * ```js
   * const loss = await model.trainOnBatch(xs, ys);
   * ```
   */
  trainOnBatch(x: Tensor | Tensor[], y: Tensor | Tensor[]): Promise<number | number[]> {
    return training.trainOnBatch(this, x, y);
  }
  /**
   * tessera (not in TF.js): copy the weights and the optimizer's state to the host, so that after
   * a WebGPU device loss the model restores them on its next use once `await tf.ready()` (or
   * setBackend) has a working backend. fit() keeps such a copy at every epoch end and
   * loadLayersModel at load; this is for weights changed otherwise (trainOnBatch, assign).
   * Resolves to the number of tensors copied; a no-op on backends that cannot lose a device.
   */
  async backupWeights(): Promise<number> {
    return (await import('../async_parts.js')).backupWeights(this);
  }
  /**
   * Prints a table of the layers, their output shapes and parameter counts.
   * @example
   * ```js
   * model.summary();
   * ```
   */
  summary(lineLength?: number, positions?: number[], printFn: (line: string) => void = console.log): void {
    printSummary(this, printFn, lineLength, positions);
  }

  /** Save topology + weights through an io handler or a URL scheme string (see src/io). */
  /**
   * TF.js `model.toJSON(unused?, returnString = true)`: the model's topology as model.json holds it
   * (snake_case keys, keras_version, backend), a JSON string or (returnString false) an object.
   */
  toJSON(_unused?: unknown, returnString = true): string | Record<string, unknown> {
    const topology = modelToTopology(this);
    return returnString ? JSON.stringify(topology) : topology;
  }

  /**
   * Saves the topology and weights through an IOHandler or a URL scheme (`indexeddb://`, `localstorage://`, `downloads://`, `http(s)://`, `file://`).
   * @example
   * ```js
   * await model.save('indexeddb://my-model');
   * await model.save('downloads://small-model', { quantizeWeights: 'float16' }); // half the weight bytes
   * ```
   */
  save(handlerOrUrl: unknown, config?: SaveConfig): Promise<SaveResult> {
    return saveModel(this, handlerOrUrl, config);
  }

  /** Frees the weights of every layer (and the optimizer's state). */
  override dispose(): void {
    for (const l of this.layers) l.dispose();
    training.disposeCompiled(this);
    disposePredictPlans(this);
    disposeTrainPlans(this);
  }
}

/**
 * TF.js `model({inputs, outputs, name})`.
 * @example
 * ```js
 * const x = tf.input({ shape: [4] });
 * const model = tf.model({ inputs: x, outputs: tf.layers.dense({ units: 2 }).apply(x) });
 * model.predict(tf.ones([1, 4])).print();
 * ```
 */
export function model(args: ModelArgs): LayersModel {
  if (!args || !args.inputs || !args.outputs) throw new Error('model: needs {inputs, outputs}');
  return new LayersModel(args);
}

/**
 * The layers of the graph that ends at `outputs`, in TF.js's `model.layers` order (which fixes the order
 * of getWeights/setWeights), and each node's depth. A node's depth is its longest path in nodes to an
 * output, a layer's the largest of its nodes'; deeper layers come first, and layers of equal depth keep
 * the order in which a depth-first walk from the outputs (each node's inputs in order) first reached them.
 */
function graphDepths(outputs: SymbolicTensor[]): { layers: Layer[]; nodeDepth: Map<LayerNode, number> } {
  const nodeOf = (t: SymbolicTensor): LayerNode => t.sourceLayer.inboundNodes[t.nodeIndex];
  const firstReached = new Map<Layer, number>();
  const layerOf = new Map<LayerNode, Layer>();
  const finished: LayerNode[] = [];
  const walk = (t: SymbolicTensor): void => {
    const node = nodeOf(t);
    if (layerOf.has(node)) return;
    layerOf.set(node, t.sourceLayer);
    if (!firstReached.has(t.sourceLayer)) firstReached.set(t.sourceLayer, firstReached.size);
    for (const x of node.inboundTensors) walk(x);
    finished.push(node);
  };
  for (const t of outputs) walk(t);
  const nodeDepth = new Map<LayerNode, number>();
  const layerDepth = new Map<Layer, number>();
  for (const node of finished.reverse()) {
    const layer = layerOf.get(node)!;
    const depth = Math.max(nodeDepth.get(node) ?? 0, layerDepth.get(layer) ?? 0);
    layerDepth.set(layer, depth);
    nodeDepth.set(node, depth);
    for (const x of node.inboundTensors) nodeDepth.set(nodeOf(x), Math.max(depth + 1, nodeDepth.get(nodeOf(x)) ?? 0));
  }
  const layers = [...layerDepth.keys()].sort((a, b) => layerDepth.get(b)! - layerDepth.get(a)! || firstReached.get(a)! - firstReached.get(b)!);
  return { layers, nodeDepth };
}
