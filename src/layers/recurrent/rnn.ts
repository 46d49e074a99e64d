/**
 * The RNN layer (TF.js `tf.layers.rnn({cell})`) and the SimpleRNN / LSTM / GRU layers built on
 * it, TF.js semantics: inputs [batch, time, features]; the cell's input projection
 * x · kernel + bias runs as one matMul over the whole sequence up front, then each time step
 * adds the recurrent matMul and applies the cell's gates. Options: returnSequences,
 * returnState, goBackwards (outputs come in processing order, as in TF.js), `initialState` and
 * `mask` kwargs, dropout / recurrentDropout (one mask per call shared across time steps,
 * training only). Only stateful = false is supported. The cell's weights are the layer's,
 * named `${layer.name}/kernel`, `/recurrent_kernel`, `/bias` as TF.js names them.
 */
import { ENGINE } from '../../engine.js';
import type { Tensor } from '../../tensor.js';
import { fmtShape } from '../../util.js';
import { add, mul, sub } from '../../ops/binary.js';
import { fill } from '../../ops/creation.js';
import { expandDims, reshape, stack, transpose } from '../../ops/layout.js';
import { cast } from '../../ops/unary.js';
import { Layer, type Kwargs, type LayerArgs, type LayerWeight, type Shape } from '../layer.js';
import { getLayerClass } from '../serialization.js';
import type { RNNCellBase } from './cell_base.js';
import { GRUCell, LSTMCell, SimpleRNNCell, type GRUCellArgs, type LSTMCellArgs, type SimpleRNNCellArgs } from './cells.js';
import { composite, dropoutMask, unstackTime } from './rnn_util.js';

export interface RNNOptions {
  returnSequences?: boolean;
  returnState?: boolean;
  goBackwards?: boolean;
  stateful?: boolean;
  unroll?: boolean;
}
export interface RNNArgs extends LayerArgs, RNNOptions {
  cell: RNNCellBase | { className: string; config: Record<string, unknown> } | RNNCellBase[];
}

const CELLS: Record<string, new (c: any) => RNNCellBase> = { SimpleRNNCell, LSTMCell, GRUCell };
/** Keys of LayerArgs that belong to the RNN layer, not to the cell it builds. */
const LAYER_ONLY = ['name', 'weights', 'inputShape', 'batchInputShape', 'batchSize', 'cell'];

export class RNN extends Layer {
  static override className = 'RNN';
  readonly cell: RNNCellBase;
  readonly returnSequences: boolean;
  readonly returnState: boolean;
  readonly goBackwards: boolean;
  readonly stateful = false;
  readonly unroll: boolean;

  constructor(args: RNNArgs) {
    super(args);
    const kind = toKind(this.getClassName());
    if (!args || !args.cell) throw new Error(`${kind}: the \`cell\` option is required`);
    if (Array.isArray(args.cell)) throw new Error(`${kind}: a list of cells (StackedRNNCells) is not supported; stack RNN layers instead`);
    if (args.stateful) throw new Error(`${kind}: stateful = true is not supported by tessera`);
    if (args.cell instanceof Layer) {
      this.cell = args.cell as RNNCellBase;
    } else {
      const spec = args.cell as { className: string; config: Record<string, unknown> };
      const cls = CELLS[spec.className] ?? (getLayerClass(spec.className) as unknown as new (c: any) => RNNCellBase);
      if (!cls) throw new Error(`${kind}: unknown cell class '${spec.className}'`);
      this.cell = new cls(spec.config ?? {});
    }
    if (typeof (this.cell as RNNCellBase).step !== 'function') throw new Error(`${kind}: the cell must be a simpleRNNCell, lstmCell or gruCell`);
    this.returnSequences = args.returnSequences ?? false;
    this.returnState = args.returnState ?? false;
    this.goBackwards = args.goBackwards ?? false;
    this.unroll = args.unroll ?? false;
    this.supportsMasking = true;
  }

  get units(): number {
    return this.cell.units;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    if (shape.length !== 3) {
      throw new Error(`${this.name}: expected input of rank 3 [batch, time, features], got shape ${fmtShape(shape.map((d) => d ?? -1))}`);
    }
    // The cell's weights are named after this layer, as in TF.js.
    const own = this.cell.name;
    this.cell.name = this.name;
    try {
      this.cell.maybeBuild([shape[0], shape[2]]);
    } finally {
      this.cell.name = own;
    }
    this.built = true;
  }

  override weightEntries(): LayerWeight[] {
    return this.cell.weightEntries();
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const out: Shape = this.returnSequences ? [s[0], s[1], this.units] : [s[0], this.units];
    if (!this.returnState) return out;
    return [out, ...this.cell.stateSize.map((d) => [s[0], d] as Shape)];
  }

  /** TF.js: the input mask passes on with returnSequences; states carry none. */
  computeMask(_inputs: Tensor | Tensor[], mask?: Tensor | Tensor[] | null): Tensor | null | (Tensor | null)[] {
    const m = (Array.isArray(mask) ? mask[0] : mask) ?? null;
    const out = this.returnSequences ? m : null;
    return this.returnState ? [out, ...this.cell.stateSize.map(() => null)] : out;
  }

  call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor | Tensor[] {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    let initial: Tensor[] | null = list.length > 1 ? list.slice(1) : null;
    if (kwargs.initialState) initial = (Array.isArray(kwargs.initialState) ? kwargs.initialState : [kwargs.initialState]) as Tensor[];
    const mask = Array.isArray(kwargs.mask) ? kwargs.mask[0] : kwargs.mask;
    return composite(() => this.run(list[0], initial, mask ?? null, !!kwargs.training));
  }

  private run(x: Tensor, initial: Tensor[] | null, mask: Tensor | null, training: boolean): Tensor | Tensor[] {
    const cell = this.cell;
    if (x.rank !== 3) throw new Error(`${this.name}: expected input of rank 3 [batch, time, features], got shape ${fmtShape(x.shape)}`);
    const [batch, time, inDim] = x.shape;
    const kDim = cell.kernel!.shape[0];
    if (inDim !== kDim) throw new Error(`${this.name}: expected ${kDim} input features, got input shape ${fmtShape(x.shape)}`);
    if (time === 0) throw new Error(`${this.name}: the input has no time steps (shape ${fmtShape(x.shape)})`);
    const sizes = cell.stateSize;
    let states: Tensor[];
    if (initial) {
      if (initial.length !== sizes.length) throw new Error(`${this.name}: expects ${sizes.length} initial state(s), got ${initial.length}`);
      initial.forEach((s, i) => {
        if (s.rank !== 2 || s.shape[0] !== batch || s.shape[1] !== sizes[i]) {
          throw new Error(`${this.name}: initial state ${i} must be [${batch},${sizes[i]}], got ${fmtShape(s.shape)}`);
        }
      });
      states = initial.slice();
    } else {
      states = sizes.map((d) => fill([batch, d], 0));
    }

    let xin = x;
    if (training && cell.dropout > 0) xin = mul(x, expandDims(dropoutMask([batch, inDim], cell.dropout), 1));
    const recMask = training && cell.recurrentDropout > 0 ? dropoutMask([batch, cell.units], cell.recurrentDropout) : null;

    // Time-major projection of the whole sequence: [time, batch, gates*units].
    const k = cell.gates * cell.units;
    const proj = cell.projectInput(reshape(transpose(xin, [1, 0, 2]), [time * batch, inDim]));
    let perStep = unstackTime(reshape(proj, [time, batch, k]));
    let masks: Tensor[] | null = null;
    if (mask) {
      if (mask.rank !== 2 || mask.shape[0] !== batch || mask.shape[1] !== time) {
        throw new Error(`${this.name}: mask must be [batch, time] = [${batch},${time}], got ${fmtShape(mask.shape)}`);
      }
      masks = ENGINE.noGrad(() => unstackTime(composite(() => expandDims(cast(transpose(cast(mask, 'bool'), [1, 0]), 'float32'), -1))));
    }
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
    const output = this.returnSequences ? stack(outputs, 1) : last!;
    return this.returnState ? [output, ...states] : output;
  }

  override getConfig(): Record<string, unknown> {
    const cellConfig = this.cell.getConfig();
    const own: Record<string, unknown> = {
      returnSequences: this.returnSequences,
      returnState: this.returnState,
      goBackwards: this.goBackwards,
      stateful: false,
      unroll: this.unroll,
    };
    if (this.getClassName() === RNN.className) own.cell = { className: this.cell.getClassName(), config: cellConfig };
    // As TF.js: the cell's options at top level, the layer's name/shape/dtype over them.
    return { ...cellConfig, ...super.getConfig(), ...own };
  }
}

function toKind(className: string): string {
  return className === 'RNN' ? 'rnn' : className === 'SimpleRNN' ? 'simpleRNN' : className.toLowerCase();
}
/** The cell's share of a recurrent layer's args. */
function cellArgs<T extends object>(args: T): T {
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

export const rnn = (args: RNNArgs) => new RNN(args);
export const simpleRNN = (args: SimpleRNNArgs) => new SimpleRNN(args);
export const lstm = (args: LSTMArgs) => new LSTM(args);
export const gru = (args: GRUArgs) => new GRU(args);
