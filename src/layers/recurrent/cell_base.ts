/**
 * RNNCellBase: what SimpleRNNCell, LSTMCell and GRUCell share (TF.js semantics): the cell
 * config (units, activation, useBias, initializers, regularizers, dropout, recurrentDropout),
 * the weights kernel [inputDim, gates*units], recurrent_kernel [units, gates*units] and
 * bias [gates*units], and one time step. A cell is a layer of its own
 * (`cell.apply([x, ...states])` -> [output, ...newStates]); the RNN layer drives it over time
 * through `projectInput` (x · kernel + bias for the whole sequence at once) and `step`.
 */
import type { Tensor } from '../../tensor.js';
import { fmtShape } from '../../util.js';
import { mul } from '../../ops/binary.js';
import { matMul } from '../../ops/matmul.js';
import { denseMatMul } from '../../ops/fused.js';
import { Activation } from '../../backends/kernels.js';
import type { Kwargs, LayerArgs, Shape } from '../layer.js';
import { RNNCell } from './rnn_cell.js';
import { getInitializer, type Initializer, type InitializerSpec } from '../initializers.js';
import { getRegularizer, type Regularizer, type RegularizerSpec } from '../regularizers.js';
import { canonicalActivation, getActivation, type ActivationIdentifier } from '../activations.js';
import { serializeInitializer, serializeRegularizer } from '../serialization.js';
import type { Variable } from '../../variable.js';
import { composite, dropoutMask } from './rnn_util.js';

export interface RNNCellArgs extends LayerArgs {
  units: number;
  activation?: ActivationIdentifier | null;
  useBias?: boolean;
  kernelInitializer?: InitializerSpec;
  recurrentInitializer?: InitializerSpec;
  biasInitializer?: InitializerSpec;
  kernelRegularizer?: RegularizerSpec | null;
  recurrentRegularizer?: RegularizerSpec | null;
  biasRegularizer?: RegularizerSpec | null;
  activityRegularizer?: RegularizerSpec | null;
  kernelConstraint?: unknown;
  recurrentConstraint?: unknown;
  biasConstraint?: unknown;
  dropout?: number;
  recurrentDropout?: number;
}

/** What a cell step returns: the step output and the new states (output first). */
export interface StepResult {
  output: Tensor;
  states: Tensor[];
}

function clampRate(v: unknown, what: string, layer: string): number {
  const r = v == null ? 0 : Number(v);
  if (!Number.isFinite(r) || r < 0 || r >= 1) throw new Error(`${layer}: ${what} must be in [0, 1), got ${String(v)}`);
  return r;
}

export abstract class RNNCellBase extends RNNCell {
  readonly units: number;
  readonly activation: string;
  readonly useBias: boolean;
  readonly dropout: number;
  readonly recurrentDropout: number;
  protected kernelInitializer: Initializer;
  protected recurrentInitializer: Initializer;
  protected biasInitializer: Initializer;
  protected kernelRegularizer?: Regularizer;
  protected recurrentRegularizer?: Regularizer;
  protected biasRegularizer?: Regularizer;
  kernel?: Variable;
  recurrentKernel?: Variable;
  bias?: Variable;
  /** The activation applied to the candidate / output (tanh by default). */
  protected act: (x: Tensor) => Tensor;

  /** Number of gate blocks in kernel / recurrent_kernel / bias (1, 3 or 4). */
  abstract readonly gates: number;
  /** Sizes of the states ([units], or [units, units] for LSTM's h and c). */
  abstract override readonly stateSize: number[];
  /** One time step: xt = x_t · kernel + bias [batch, gates*units], states from the last step. */
  abstract step(xt: Tensor, states: Tensor[], recMask: Tensor | null): StepResult;

  constructor(args: RNNCellArgs, kind: string) {
    super(args);
    if (!args || !Number.isInteger(args.units) || args.units <= 0) {
      throw new Error(`${kind}: units must be a positive integer, got ${args?.units}`);
    }
    this.units = args.units;
    this.activation = canonicalActivation(args.activation === undefined ? 'tanh' : args.activation ?? 'linear');
    this.act = getActivation(this.activation);
    this.useBias = args.useBias ?? true;
    this.kernelInitializer = getInitializer(args.kernelInitializer ?? 'glorotNormal');
    this.recurrentInitializer = getInitializer(args.recurrentInitializer ?? 'orthogonal');
    this.biasInitializer = getInitializer(args.biasInitializer ?? 'zeros');
    this.kernelRegularizer = args.kernelRegularizer ? getRegularizer(args.kernelRegularizer) : undefined;
    this.recurrentRegularizer = args.recurrentRegularizer ? getRegularizer(args.recurrentRegularizer) : undefined;
    this.biasRegularizer = args.biasRegularizer ? getRegularizer(args.biasRegularizer) : undefined;
    this.dropout = clampRate(args.dropout, 'dropout', kind);
    this.recurrentDropout = clampRate(args.recurrentDropout, 'recurrentDropout', kind);
  }

  /** Bias initial value; LSTMCell overrides for unitForgetBias. */
  protected biasInit(): Initializer {
    return this.biasInitializer;
  }

  /** Build from the step input shape [batch, features] (or [x, ...states] shapes). */
  override build(inputShape: Shape | Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const inDim = shape[shape.length - 1];
    if (inDim === null || inDim === undefined) throw new Error(`${this.name}: the feature dimension of the input must be known, got ${fmtShape(shape.map((d) => d ?? -1))}`);
    const k = this.gates * this.units;
    this.kernel = this.addWeight('kernel', [inDim, k], 'float32', this.kernelInitializer, this.kernelRegularizer);
    this.recurrentKernel = this.addWeight('recurrent_kernel', [this.units, k], 'float32', this.recurrentInitializer, this.recurrentRegularizer);
    if (this.useBias) this.bias = this.addWeight('bias', [k], 'float32', this.biasInit(), this.biasRegularizer);
    this.built = true;
  }

  /** Throw unless a sequence x [batch, time, features] has the feature count the kernel was built for. */
  checkSequenceInput(layer: string, xShape: readonly number[]): void {
    const kDim = this.kernel!.shape[0];
    if (xShape[2] !== kDim) throw new Error(`${layer}: expected ${kDim} input features, got input shape ${fmtShape(xShape as number[])}`);
  }

  /** x [n, inputDim] · kernel + bias -> [n, gates*units]. */
  projectInput(x2: Tensor): Tensor {
    return denseMatMul(x2, this.kernel!, this.bias, Activation.linear);
  }

  /** Hooks around a time loop (per-call caches such as GRU's split recurrent kernel). */
  beginSequence(): void {}
  endSequence(): void {}

  /** h · recurrent_kernel with the recurrent-dropout mask applied to h. */
  protected recurrent(h: Tensor, recMask: Tensor | null, kernel: Tensor = this.recurrentKernel!): Tensor {
    return matMul(recMask ? mul(h, recMask) : h, kernel);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape[] {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    return [[s[0], this.units], ...this.stateSize.map((d) => [s[0], d] as Shape)];
  }

  /** One step on its own: inputs [x [batch, features], ...states] -> [output, ...newStates]. */
  call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor[] {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    const x = list[0];
    const states = list.slice(1);
    if (x.rank !== 2 || states.length !== this.stateSize.length || states.some((s) => s.rank !== 2 || s.shape[0] !== x.shape[0] || s.shape[1] !== this.units)) {
      throw new Error(`${this.name}: expects [x [batch, features], ${this.stateSize.length} state(s) [batch, ${this.units}]], got ${list.map((t) => fmtShape(t.shape)).join(', ')}`);
    }
    return composite(() => {
      const training = !!kwargs.training;
      const xin = training && this.dropout > 0 ? mul(x, dropoutMask(x.shape, this.dropout)) : x;
      const rec = training && this.recurrentDropout > 0 ? dropoutMask(states[0].shape, this.recurrentDropout) : null;
      this.beginSequence();
      const r = this.step(this.projectInput(xin), states, rec);
      this.endSequence();
      return [r.output, ...r.states];
    });
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      units: this.units,
      activation: this.activation,
      useBias: this.useBias,
      kernelInitializer: serializeInitializer(this.kernelInitializer),
      recurrentInitializer: serializeInitializer(this.recurrentInitializer),
      biasInitializer: serializeInitializer(this.biasInitializer),
      kernelRegularizer: serializeRegularizer(this.kernelRegularizer),
      recurrentRegularizer: serializeRegularizer(this.recurrentRegularizer),
      biasRegularizer: serializeRegularizer(this.biasRegularizer),
      activityRegularizer: null,
      kernelConstraint: null,
      recurrentConstraint: null,
      biasConstraint: null,
      dropout: this.dropout,
      recurrentDropout: this.recurrentDropout,
    };
  }
}
