/**
 * The three recurrent layers of the TF.js Layers API on top of RNNBase, with TF.js weight
 * layouts (kernel [inputDim, k*units], recurrent_kernel [units, k*units], bias [k*units]) and
 * defaults (kernel glorotNormal, recurrent orthogonal, recurrentActivation hardSigmoid):
 *   SimpleRNN  h = act(x W + b + h U)
 *   LSTM       gates i, f, c, o:  c = f*c + i*act(zc),  h = o*act(c)
 *   GRU        gates z, r, h (TF.js = Keras reset_after = false):
 *              hh = act(xh + (r*h) Uh),  h = z*h + (1-z)*hh
 */
import type { Tensor } from '../../tensor.js';
import { add, mul, sub } from '../../ops/binary.js';
import { concat } from '../../ops/layout.js';
import { fill } from '../../ops/creation.js';
import { canonicalActivation, getActivation, type ActivationIdentifier } from '../activations.js';
import type { Initializer } from '../initializers.js';
import { RNNBase, splitLast, type RNNBaseArgs, type StepResult } from './rnn_base.js';

export type SimpleRNNArgs = RNNBaseArgs;

export class SimpleRNN extends RNNBase {
  static override className = 'SimpleRNN';
  protected readonly gates = 1;
  protected readonly numStates = 1;
  constructor(args: SimpleRNNArgs) {
    super(args, 'simpleRNN');
  }
  protected step(xt: Tensor, states: Tensor[], recMask: Tensor | null): StepResult {
    const h = this.act(add(xt, this.recurrent(states[0], recMask)));
    return { output: h, states: [h] };
  }
}

export interface GatedArgs extends RNNBaseArgs {
  recurrentActivation?: ActivationIdentifier;
}

export interface LSTMArgs extends GatedArgs {
  unitForgetBias?: boolean;
}

export class LSTM extends RNNBase {
  static override className = 'LSTM';
  protected readonly gates = 4;
  protected readonly numStates = 2;
  readonly recurrentActivation: string;
  readonly unitForgetBias: boolean;
  private recAct: (x: Tensor) => Tensor;

  constructor(args: LSTMArgs) {
    super(args, 'lstm');
    this.recurrentActivation = canonicalActivation(args.recurrentActivation ?? 'hardSigmoid');
    this.recAct = getActivation(this.recurrentActivation);
    this.unitForgetBias = args.unitForgetBias ?? false;
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

  protected step(xt: Tensor, states: Tensor[], recMask: Tensor | null): StepResult {
    const [hPrev, cPrev] = states;
    const z = add(xt, this.recurrent(hPrev, recMask));
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

export interface GRUArgs extends GatedArgs {
  /** TF.js GRUs are the reset_after = false variant; true is rejected as in TF.js. */
  resetAfter?: boolean;
}

export class GRU extends RNNBase {
  static override className = 'GRU';
  protected readonly gates = 3;
  protected readonly numStates = 1;
  readonly recurrentActivation: string;
  private recAct: (x: Tensor) => Tensor;

  constructor(args: GRUArgs) {
    if (args?.resetAfter) {
      throw new Error('gru: resetAfter = true is not supported (TF.js GRUs are the reset_after = false variant with bias [3*units])');
    }
    super(args, 'gru');
    this.recurrentActivation = canonicalActivation(args.recurrentActivation ?? 'hardSigmoid');
    this.recAct = getActivation(this.recurrentActivation);
  }

  private splitKernel: Tensor[] | null = null;
  protected override beginSequence(): void {
    this.splitKernel = splitLast(this.recurrentKernel!, [2 * this.units, this.units]);
  }
  protected override endSequence(): void {
    this.splitKernel = null;
  }

  protected step(xt: Tensor, states: Tensor[], recMask: Tensor | null): StepResult {
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

export const simpleRNN = (args: SimpleRNNArgs) => new SimpleRNN(args);
export const lstm = (args: LSTMArgs) => new LSTM(args);
export const gru = (args: GRUArgs) => new GRU(args);
