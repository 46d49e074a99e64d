/**
 * The recurrent cells of the TF.js Layers API (gate math of one time step), with TF.js weight
 * layouts and defaults (recurrentActivation hardSigmoid):
 *   SimpleRNNCell  h = act(x W + b + h U)
 *   LSTMCell       gates i, f, c, o:  c = f*c + i*act(zc),  h = o*act(c)  (with tanh and a
 *                  hardSigmoid / sigmoid recurrent activation: the fused lstmCell kernel)
 *   GRUCell        gates z, r, h (TF.js = Keras reset_after = false):
 *                  hh = act(xh + (r*h) Uh),  h = z*h + (1-z)*hh
 */
import type { Tensor } from '../../tensor.js';
import { add, mul, sub } from '../../ops/binary.js';
import { concat } from '../../ops/layout.js';
import { fill } from '../../ops/creation.js';
import { canonicalActivation, getActivation, type ActivationIdentifier } from '../activations.js';
import type { Initializer } from '../initializers.js';
import { RNNCellBase, type RNNCellArgs, type StepResult } from './cell_base.js';
import { splitLast } from './rnn_util.js';
import { env } from '../../environment.js';
import { ENGINE } from '../../engine.js';
import { LSTM_REC_ACTS, lstmCellStep } from '../../ops/lstm_cell.js';

export type SimpleRNNCellArgs = RNNCellArgs;

export class SimpleRNNCell extends RNNCellBase {
  static override className = 'SimpleRNNCell';
  readonly gates = 1;
  get stateSize(): number[] {
    return [this.units];
  }
  constructor(args: SimpleRNNCellArgs) {
    super(args, 'simpleRNN');
  }
  step(xt: Tensor, states: Tensor[], recMask: Tensor | null): StepResult {
    const h = this.act(add(xt, this.recurrent(states[0], recMask)));
    return { output: h, states: [h] };
  }
}

export interface GatedCellArgs extends RNNCellArgs {
  recurrentActivation?: ActivationIdentifier;
  implementation?: number | null;
}

/** Whether LSTM steps run the fused cell here (env LSTM_FUSED_CELL: true, false, or the one backend it pays on). */
function fusedCellOn(): boolean {
  const v = env().get('LSTM_FUSED_CELL');
  return v === true || v === ENGINE.backend.name;
}

export interface LSTMCellArgs extends GatedCellArgs {
  unitForgetBias?: boolean;
}

export class LSTMCell extends RNNCellBase {
  static override className = 'LSTMCell';
  readonly gates = 4;
  readonly recurrentActivation: string;
  readonly unitForgetBias: boolean;
  readonly implementation: number | null;
  private recAct: (x: Tensor) => Tensor;
  get stateSize(): number[] {
    return [this.units, this.units];
  }

  constructor(args: LSTMCellArgs, kind = 'lstm') {
    super(args, kind);
    this.recurrentActivation = canonicalActivation(args.recurrentActivation ?? 'hardSigmoid');
    this.recAct = getActivation(this.recurrentActivation);
    this.unitForgetBias = args.unitForgetBias ?? false;
    this.implementation = args.implementation ?? null;
  }

  /** With unitForgetBias the forget block starts at 1, the rest from biasInitializer. */
  protected override biasInit(): Initializer {
    if (!this.unitForgetBias) return this.biasInitializer;
    const base = this.biasInitializer;
    const u = this.units;
    return {
      className: 'CustomInit',
      getConfig: () => ({}),
      apply: (_shape, dtype) => {
        const parts = [base.apply([u], dtype), fill([u], 1), base.apply([2 * u], dtype)];
        const out = concat(parts, 0);
        parts.forEach((p) => p.dispose());
        return out;
      },
    };
  }

  step(xt: Tensor, states: Tensor[], recMask: Tensor | null): StepResult {
    const [hPrev, cPrev] = states;
    const z = add(xt, this.recurrent(hPrev, recMask));
    if (this.activation === 'tanh' && this.recurrentActivation in LSTM_REC_ACTS && fusedCellOn()) {
      const [h, c] = lstmCellStep(z, cPrev, this.recurrentActivation);
      return { output: h, states: [h, c] };
    }
    const u = this.units;
    const [zi, zf, zc, zo] = splitLast(z, [u, u, u, u]);
    const i = this.recAct(zi);
    const f = this.recAct(zf);
    const c = add(mul(f, cPrev), mul(i, this.act(zc)));
    const o = this.recAct(zo);
    const h = mul(o, this.act(c));
    return { output: h, states: [h, c] };
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      recurrentActivation: this.recurrentActivation,
      unitForgetBias: this.unitForgetBias,
      implementation: this.implementation,
    };
  }
}

export interface GRUCellArgs extends GatedCellArgs {
  /** TF.js GRUs are the reset_after = false variant; true is rejected as in TF.js. */
  resetAfter?: boolean;
}

export class GRUCell extends RNNCellBase {
  static override className = 'GRUCell';
  readonly gates = 3;
  readonly recurrentActivation: string;
  readonly implementation: number | null;
  private recAct: (x: Tensor) => Tensor;
  private splitKernel: Tensor[] | null = null;
  get stateSize(): number[] {
    return [this.units];
  }

  constructor(args: GRUCellArgs) {
    if (args?.resetAfter) {
      throw new Error('gru: resetAfter = true is not supported (TF.js GRUs are the reset_after = false variant with bias [3*units])');
    }
    super(args, 'gru');
    this.recurrentActivation = canonicalActivation(args.recurrentActivation ?? 'hardSigmoid');
    this.recAct = getActivation(this.recurrentActivation);
    this.implementation = args.implementation ?? null;
  }

  override beginSequence(): void {
    this.splitKernel = splitLast(this.recurrentKernel!, [2 * this.units, this.units]);
  }
  override endSequence(): void {
    this.splitKernel = null;
  }

  step(xt: Tensor, states: Tensor[], recMask: Tensor | null): StepResult {
    const hPrev = states[0];
    const u = this.units;
    const [uzr, uh] = this.splitKernel!;
    const hIn = recMask ? mul(hPrev, recMask) : hPrev;
    const [xz, xr, xh] = splitLast(xt, [u, u, u]);
    const [rz, rr] = splitLast(this.recurrent(hIn, null, uzr), [u, u]);
    const z = this.recAct(add(xz, rz));
    const r = this.recAct(add(xr, rr));
    const hh = this.act(add(xh, this.recurrent(mul(r, hIn), null, uh)));
    const h = add(mul(z, hPrev), mul(sub(1, z), hh));
    return { output: h, states: [h] };
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      recurrentActivation: this.recurrentActivation,
      implementation: this.implementation,
      resetAfter: false,
    };
  }
}

/**
 * One step of a fully connected RNN, for `tf.layers.rnn`.
 * @example
 * ```js
 * tf.layers.rnn({ cell: tf.layers.simpleRNNCell({ units: 4 }) }).apply(tf.ones([1, 5, 2])).shape; // [1, 4]
 * ```
 */
export const simpleRNNCell = (args: SimpleRNNCellArgs) => new SimpleRNNCell(args);
/**
 * One LSTM step, for `tf.layers.rnn`.
 * @example
 * ```js
 * tf.layers.rnn({ cell: tf.layers.lstmCell({ units: 4 }) }).apply(tf.ones([1, 5, 2])).shape; // [1, 4]
 * ```
 */
export const lstmCell = (args: LSTMCellArgs) => new LSTMCell(args);
/**
 * One GRU step, for `tf.layers.rnn`.
 * @example
 * ```js
 * tf.layers.rnn({ cell: tf.layers.gruCell({ units: 4 }) }).apply(tf.ones([1, 5, 2])).shape; // [1, 4]
 * ```
 */
export const gruCell = (args: GRUCellArgs) => new GRUCell(args);
