/**
 * The RNN layer (TF.js `tf.layers.rnn({cell})`) and the SimpleRNN / LSTM / GRU layers built on
 * it, TF.js semantics: inputs [batch, time, features]; the cell's input projection
 * x · kernel + bias runs as one matMul over the whole sequence up front, then each time step
 * adds the recurrent matMul and applies the cell's gates. Options: returnSequences,
 * returnState, goBackwards (outputs come in processing order, as in TF.js), `initialState` and
 * `mask` kwargs, dropout / recurrentDropout (one mask per call shared across time steps,
 * training only), stateful layers (states carried from batch to batch until resetStates()). Any cell
 * works: the built-in cells take a fast path (one input projection for the whole sequence); other
 * cells (custom `RNNCell` subclasses, a list of cells = StackedRNNCells) are called step by step. The
 * cell's weights are the layer's, named `${layer.name}/kernel`, `/recurrent_kernel`, `/bias` as TF.js
 * names them. `initialState` may be symbolic (outputs of other layers): it then becomes an input of
 * the layer's graph node. Subclasses with other input and state shapes (ConvLSTM2D: rank-5 inputs,
 * [batch, rows, cols, filters] states) override checkInputRank / stateShapes / statefulStateShapes;
 * the loop itself is shape-agnostic.
 */
import { ENGINE } from '../../engine.js';
import type { Tensor } from '../../tensor.js';
import { fmtShape } from '../../util.js';
import { add, mul, sub } from '../../ops/binary.js';
import { fill } from '../../ops/creation.js';
import { expandDims, reshape, stack, transpose } from '../../ops/layout.js';
import { cast } from '../../ops/unary.js';
import { Layer, SymbolicTensor, type Kwargs, type LayerArgs, type LayerWeight, type Shape } from '../layer.js';
import { getLayerClass } from '../serialization.js';
import { RNNCellBase } from './cell_base.js';
import { StackedRNNCells, stateSizes } from './rnn_cell.js';
import { GRUCell, LSTMCell, SimpleRNNCell, type GRUCellArgs, type LSTMCellArgs, type SimpleRNNCellArgs } from './cells.js';
import { composite, dropoutMask, unstackTime } from './rnn_util.js';

export interface RNNOptions {
  returnSequences?: boolean;
  returnState?: boolean;
  goBackwards?: boolean;
  stateful?: boolean;
  unroll?: boolean;
}
/** A cell: any layer with a `stateSize` whose call([x, ...states]) returns [output, ...states]. */
export type CellLayer = Layer & { stateSize: number | number[] };
export interface RNNArgs extends LayerArgs, RNNOptions {
  cell: CellLayer | { className: string; config: Record<string, unknown> } | CellLayer[];
}

const CELLS: Record<string, new (c: any) => CellLayer> = { SimpleRNNCell, LSTMCell, GRUCell };
/** Keys of LayerArgs that belong to the RNN layer, not to the cell it builds. */
const LAYER_ONLY = ['name', 'weights', 'inputShape', 'batchInputShape', 'batchSize', 'cell'];

/**
 * A recurrent layer running a cell over time steps (`tf.layers.rnn`); the base of SimpleRNN, LSTM and GRU.
 */
export class RNN extends Layer {
  /** The class name RNN layers are saved under. */
  static override className = 'RNN';
  /** The cell run at each time step. */
  readonly cell: CellLayer;
  /** Whether the output holds every step (true) or only the last (false). */
  readonly returnSequences: boolean;
  /** Whether the final states are returned after the output. */
  readonly returnState: boolean;
  /** Whether the sequence is processed in reverse. */
  readonly goBackwards: boolean;
  /** Whether the final states of a batch are the initial states of the next. */
  override readonly stateful: boolean;
  /** Whether the time loop is unrolled (accepted for Keras compatibility). */
  readonly unroll: boolean;
  /** The carried states of a stateful layer (kept tensors), null before the first batch. */
  states: Tensor[] | null = null;

  constructor(args: RNNArgs) {
    super(args);
    const kind = toKind(this.getClassName());
    if (!args || !args.cell) throw new Error(`${kind}: the \`cell\` option is required`);
    if (Array.isArray(args.cell)) {
      this.cell = new StackedRNNCells({ cells: args.cell });
    } else if (args.cell instanceof Layer) {
      this.cell = args.cell;
    } else {
      const spec = args.cell as { className: string; config: Record<string, unknown> };
      if (spec.className === StackedRNNCells.className) {
        this.cell = StackedRNNCells.fromConfig(spec.config ?? {});
      } else {
        const cls = CELLS[spec.className] ?? (getLayerClass(spec.className) as unknown as new (c: any) => CellLayer);
        if (!cls) throw new Error(`${kind}: unknown cell class '${spec.className}'`);
        this.cell = new cls(spec.config ?? {});
      }
    }
    if (this.cell.stateSize == null || typeof this.cell.call !== 'function') {
      throw new Error(`${kind}: the cell must be an RNN cell (a layer with a stateSize and a call([x, ...states]) method)`);
    }
    this.stateful = args.stateful ?? false;
    if (this.stateful && (!this.batchInputShape || this.batchInputShape[0] == null)) {
      throw new Error(`${kind}: If a RNN is stateful, it needs to know its batch size. Specify the batch size of your input tensors: batchInputShape (or batchSize with inputShape) for the first layer of a Sequential model, or batchShape for input() in a functional model.`);
    }
    this.returnSequences = args.returnSequences ?? false;
    this.returnState = args.returnState ?? false;
    this.goBackwards = args.goBackwards ?? false;
    this.unroll = args.unroll ?? false;
    this.supportsMasking = true;
  }

  /** The cell's output size. */
  get units(): number {
    return stateSizes(this.cell)[0];
  }

  /** Throw unless the input has this layer's rank ([batch, time, features]; ConvLSTM2D: 5). */
  protected checkInputRank(shape: readonly (number | null)[]): void {
    if (shape.length !== 3) {
      throw new Error(`${this.name}: expected input of rank 3 [batch, time, features], got shape ${fmtShape(shape.map((d) => d ?? -1))}`);
    }
  }

  /** The shapes of the states for an input x [batch, time, ...] (as run() sees it): [batch, size] each. */
  protected stateShapes(xShape: readonly number[]): number[][] {
    return stateSizes(this.cell).map((d) => [xShape[0], d]);
  }

  /** The shapes of a stateful layer's states, from its batchInputShape. */
  protected statefulStateShapes(batch: number): number[][] {
    return stateSizes(this.cell).map((d) => [batch, d]);
  }

  /** Creates the cell's weights for `inputShape`. */
  override build(inputShape: Shape | Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    this.checkInputRank(shape);
    // The cell's weights are named after this layer, as in TF.js.
    const own = this.cell.name;
    this.cell.name = this.name;
    try {
      this.cell.maybeBuild([shape[0], ...shape.slice(2)]);
    } finally {
      this.cell.name = own;
    }
    this.built = true;
  }

  /** The cell's weights. */
  override weightEntries(): LayerWeight[] {
    return this.cell.weightEntries();
  }

  /** The output shape(s) for `inputShape`. */
  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const out: Shape = this.returnSequences ? [s[0], s[1], this.units] : [s[0], this.units];
    if (!this.returnState) return out;
    return [out, ...stateSizes(this.cell).map((d) => [s[0], d] as Shape)];
  }

  /** TF.js: the input mask passes on with returnSequences; states carry none. */
  override computeMask(_inputs: Tensor | Tensor[], mask?: Tensor | Tensor[] | null): Tensor | null | (Tensor | null)[] {
    const m = (Array.isArray(mask) ? mask[0] : mask) ?? null;
    const out = this.returnSequences ? m : null;
    return this.returnState ? [out, ...stateSizes(this.cell).map(() => null)] : out;
  }

  /**
   * TF.js: an `initialState` (tensors or symbolic tensors) joins the inputs, so a symbolic state is an
   * edge of the functional graph and its batch size comes from the data at run time.
   */
  override apply(inputs: Tensor | SymbolicTensor | (Tensor | SymbolicTensor)[], kwargs: Kwargs = {}): any {
    const { initialState, ...rest } = kwargs;
    if (initialState == null) return super.apply(inputs, kwargs);
    const states = (Array.isArray(initialState) ? initialState : [initialState]) as (Tensor | SymbolicTensor)[];
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return super.apply([x, ...states], rest);
  }

  /** Runs the cell over the time steps of concrete tensors. */
  call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor | Tensor[] {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    let initial: Tensor[] | null = list.length > 1 ? list.slice(1) : null;
    if (kwargs.initialState) initial = (Array.isArray(kwargs.initialState) ? kwargs.initialState : [kwargs.initialState]) as Tensor[];
    const mask = Array.isArray(kwargs.mask) ? kwargs.mask[0] : kwargs.mask;
    return composite(() => {
      if (!initial && this.stateful && this.states) initial = this.states;
      const { output, states } = this.run(list[0], initial, mask ?? null, !!kwargs.training);
      if (this.stateful) this.keepStates(states);
      return this.returnState ? [output, ...states] : output;
    });
  }

  /** Store a stateful layer's final states for the next batch (values only: no gradient flows across batches). */
  private keepStates(states: Tensor[]): void {
    const old = this.states;
    this.states = ENGINE.noGrad(() => states.map((s) => {
      const v = ENGINE.makeView(s, s.shape);
      v.kept = true;
      return v;
    }));
    // While a gradient is being taped the old states are inputs of this step's tape: free them one step later.
    this.retired.forEach((s) => s.dispose());
    this.retired = [];
    if (ENGINE.recording) this.retired = old ?? [];
    else old?.forEach((s) => s.dispose());
  }
  private retired: Tensor[] = [];

  /** TF.js `resetStates(states?)`: zeros (or the given values) for a stateful layer's states. */
  override resetStates(states?: Tensor | Tensor[]): void {
    if (!this.stateful) throw new Error('Cannot call resetStates() on an RNN Layer that is not stateful.');
    const batch = this.batchInputShape?.[0];
    if (batch == null) throw new Error('If an RNN is stateful, it needs to know its batch size.');
    const shapes = this.statefulStateShapes(batch);
    const given = states == null ? null : Array.isArray(states) ? states : [states];
    if (given && given.length !== shapes.length) throw new Error(`Layer ${this.name} expects ${shapes.length} state(s), but it received ${given.length} state value(s).`);
    given?.forEach((s, i) => {
      if (s.shape.join() !== shapes[i].join()) {
        throw new Error(`State ${i} is incompatible with layer ${this.name}: expected shape=${fmtShape(shapes[i])}, received shape=${fmtShape(s.shape)}`);
      }
    });
    // keepStates stores views: the caller keeps its own values, and the zeros made here are freed
    const zeros = given ? null : ENGINE.noGrad(() => shapes.map((shape) => fill(shape, 0)));
    this.keepStates(given ?? zeros!);
    zeros?.forEach((z) => z.dispose());
  }

  /** Frees the cell's weights and states. */
  override dispose(): void {
    this.states?.forEach((s) => s.dispose());
    this.retired.forEach((s) => s.dispose());
    this.states = null;
    this.retired = [];
    super.dispose();
  }

  /** Run the sequence: the layer's outputs and final states (ConvLSTM2D wraps it in layout changes). */
  protected run(x: Tensor, initial: Tensor[] | null, mask: Tensor | null, training: boolean): { output: Tensor; states: Tensor[] } {
    const cell = this.cell;
    this.checkInputRank(x.shape);
    const [batch, time] = x.shape;
    if (time === 0) throw new Error(`${this.name}: the input has no time steps (shape ${fmtShape(x.shape)})`);
    const shapes = this.stateShapes(x.shape);
    let states: Tensor[];
    if (initial) {
      if (initial.length !== shapes.length) throw new Error(`${this.name}: expects ${shapes.length} initial state(s), got ${initial.length}`);
      initial.forEach((s, i) => {
        if (s.shape.join() !== shapes[i].join()) {
          throw new Error(`${this.name}: initial state ${i} must be ${fmtShape(shapes[i])}, got ${fmtShape(s.shape)}`);
        }
      });
      states = initial.slice();
    } else {
      states = shapes.map((shape) => fill(shape, 0));
    }
    const masks = mask ? this.stepMasks(mask, batch, time, shapes[0].length) : null;
    if (!(cell instanceof RNNCellBase)) return this.runGeneric(x, states, masks, training);
    cell.checkSequenceInput(this.name, x.shape);

    // Per-step input shape: [features] (dense cells) or [height, width, channels] (convolutional cells).
    const stepShape = x.shape.slice(2);
    let xin = x;
    if (training && cell.dropout > 0) xin = mul(x, expandDims(dropoutMask([batch, ...stepShape], cell.dropout), 1));
    const recMask = training && cell.recurrentDropout > 0 ? dropoutMask(shapes[0], cell.recurrentDropout) : null;

    // Time-major projection of the whole sequence: [time, batch, ..., gates*units].
    const timeMajor = transpose(xin, [1, 0, ...stepShape.map((_, i) => i + 2)]);
    const proj = cell.projectInput(reshape(timeMajor, [time * batch, ...stepShape]));
    const perStep = unstackTime(reshape(proj, [time, batch, ...proj.shape.slice(1)]));
    return this.loop(cell, perStep, states, masks, recMask);
  }

  /** The [batch, time] mask as one [batch, 1, ...] float mask per time step (broadcast over a state). */
  private stepMasks(mask: Tensor, batch: number, time: number, stateRank: number): Tensor[] {
    if (mask.rank !== 2 || mask.shape[0] !== batch || mask.shape[1] !== time) {
      throw new Error(`${this.name}: mask must be [batch, time] = [${batch},${time}], got ${fmtShape(mask.shape)}`);
    }
    const ones = new Array(stateRank - 1).fill(1);
    return ENGINE.noGrad(() => unstackTime(composite(() => reshape(cast(transpose(cast(mask, 'bool'), [1, 0]), 'float32'), [time, batch, ...ones]))));
  }

  /** The time loop of the built-in cells over the projected inputs. */
  private loop(cell: RNNCellBase, projected: Tensor[], initial: Tensor[], stepMasks: Tensor[] | null, recMask: Tensor | null): { output: Tensor; states: Tensor[] } {
    let perStep = projected;
    let masks = stepMasks;
    let states = initial;
    const time = perStep.length;
    if (this.goBackwards) {
      // Copies: the arrays unstackTime returned are its tape node's outputs.
      perStep = perStep.slice().reverse();
      if (masks) masks = masks.slice().reverse();
    }

    cell.beginSequence();
    const outputs: Tensor[] = [];
    let last: Tensor | null = null;
    for (let t = 0; t < time; t++) {
      const r = cell.step(perStep[t], states, recMask);
      if (masks) {
        const m = masks[t];
        const keep = (a: Tensor, b: Tensor) => add(mul(a, m), mul(b, sub(1, m)));
        last = keep(r.output, states[0]);
        states = r.states.map((s, i) => keep(s, states[i]));
      } else {
        last = r.output;
        states = r.states;
      }
      if (this.returnSequences) outputs.push(last);
    }
    cell.endSequence();
    return { output: this.returnSequences ? stack(outputs, 1) : last!, states };
  }

  /** Any other cell: call([x_t, ...states]) -> [output, ...states] at each step (TF.js semantics). */
  private runGeneric(x: Tensor, initial: Tensor[], stepMasks: Tensor[] | null, training: boolean): { output: Tensor; states: Tensor[] } {
    const time = x.shape[1];
    let states = initial;
    let masks = stepMasks;
    let steps = unstackTime(transpose(x, [1, 0, ...x.shape.slice(2).map((_, i) => i + 2)]));
    if (this.goBackwards) {
      steps = steps.slice().reverse();
      if (masks) masks = masks.slice().reverse();
    }
    const outputs: Tensor[] = [];
    let last: Tensor | null = null;
    for (let t = 0; t < time; t++) {
      const r = this.cell.call([steps[t], ...states], { training }) as Tensor[];
      if (!Array.isArray(r) || r.length !== states.length + 1) {
        throw new Error(`${this.name}: the cell's call() must return [output, ...${states.length} state(s)], got ${Array.isArray(r) ? r.length : 1} tensor(s)`);
      }
      if (masks) {
        const m = masks[t];
        const keep = (a: Tensor, b: Tensor) => add(mul(a, m), mul(b, sub(1, m)));
        last = last ? keep(r[0], last) : keep(r[0], mul(r[0], 0));
        states = r.slice(1).map((s, i) => keep(s, states[i]));
      } else {
        last = r[0];
        states = r.slice(1);
      }
      if (this.returnSequences) outputs.push(last);
    }
    return { output: this.returnSequences ? stack(outputs, 1) : last!, states };
  }

  /** The layer config saved in model.json. */
  override getConfig(): Record<string, unknown> {
    const cellConfig = this.cell.getConfig();
    const own: Record<string, unknown> = {
      returnSequences: this.returnSequences,
      returnState: this.returnState,
      goBackwards: this.goBackwards,
      stateful: this.stateful,
      unroll: this.unroll,
    };
    if (this.getClassName() === RNN.className) own.cell = { className: this.cell.getClassName(), config: cellConfig };
    // As TF.js: the cell's options at top level, the layer's name/shape/dtype over them.
    return { ...cellConfig, ...super.getConfig(), ...own };
  }
}

function toKind(className: string): string {
  const kinds: Record<string, string> = { RNN: 'rnn', SimpleRNN: 'simpleRNN', ConvLSTM2D: 'convLstm2d' };
  return kinds[className] ?? className.toLowerCase();
}
/** The cell's share of a recurrent layer's args. */
export function cellArgs<T extends object>(args: T): T {
  const c = { ...args } as Record<string, unknown>;
  for (const k of LAYER_ONLY) delete c[k];
  return c as unknown as T;
}

export type SimpleRNNArgs = SimpleRNNCellArgs & RNNOptions;
export type LSTMArgs = LSTMCellArgs & RNNOptions;
export type GRUArgs = GRUCellArgs & RNNOptions;

export class SimpleRNN extends RNN {
  static override className = 'SimpleRNN';
  constructor(args: SimpleRNNArgs) {
    super({ ...args, cell: new SimpleRNNCell(cellArgs(args)) });
  }
}
export class LSTM extends RNN {
  static override className = 'LSTM';
  constructor(args: LSTMArgs) {
    super({ ...args, cell: new LSTMCell(cellArgs(args)) });
  }
}
export class GRU extends RNN {
  static override className = 'GRU';
  constructor(args: GRUArgs) {
    super({ ...args, cell: new GRUCell(cellArgs(args)) });
  }
}

/**
 * A recurrent layer running `cell` (or a list of cells) over the time steps.
 * @example
 * ```js
 * tf.layers.rnn({ cell: tf.layers.lstmCell({ units: 4 }) }).apply(tf.ones([1, 5, 2])).shape; // [1, 4]
 * ```
 */
export const rnn = (args: RNNArgs) => new RNN(args);
/**
 * A fully connected RNN whose output is fed back as the next step's state.
 * @example
 * ```js
 * tf.layers.simpleRNN({ units: 4 }).apply(tf.ones([1, 5, 2])).shape; // [1, 4]
 * ```
 */
export const simpleRNN = (args: SimpleRNNArgs) => new SimpleRNN(args);
/**
 * Long short-term memory layer over [batch, steps, features] inputs.
 * @example
 * ```js
 * tf.layers.lstm({ units: 8, returnSequences: true }).apply(tf.ones([1, 5, 2])).shape; // [1, 5, 8]
 * ```
 */
export const lstm = (args: LSTMArgs) => new LSTM(args);
/**
 * Gated recurrent unit layer over [batch, steps, features] inputs.
 * @example
 * ```js
 * tf.layers.gru({ units: 8 }).apply(tf.ones([1, 5, 2])).shape; // [1, 8]
 * ```
 */
export const gru = (args: GRUArgs) => new GRU(args);
