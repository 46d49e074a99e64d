/**
 * Shared machinery of the recurrent layers (SimpleRNN, LSTM, GRU), TF.js semantics: inputs
 * [batch, time, features]; the input projection x · kernel (+ bias) runs as one matMul over the
 * whole sequence up front, then each time step adds the recurrent matMul and applies the
 * cell's gates. Options: returnSequences, returnState, goBackwards (outputs come in processing
 * order, as in TF.js), initialState and mask kwargs, dropout / recurrentDropout (one mask per
 * call, shared across time steps, training only). Only stateful = false is supported.
 * Gradients flow through ordinary ops; `unstackTime` and `splitLast` record a single tape node
 * each so that their backward pass is linear in the sequence length.
 */
import { ENGINE } from '../../engine.js';
import type { Tensor } from '../../tensor.js';
import { fmtShape } from '../../util.js';
import { add, mul, sub } from '../../ops/binary.js';
import { fill, randomUniform, zeros } from '../../ops/creation.js';
import { concat, expandDims, reshape, slice, stack, transpose } from '../../ops/layout.js';
import { fusedMatMulWithGrad, matMul } from '../../ops/matmul.js';
import { Activation } from '../../backends/kernels.js';
import { cast, step } from '../../ops/unary.js';
import { Layer, type Kwargs, type LayerArgs, type Shape } from '../layer.js';
import { getInitializer, type Initializer, type InitializerSpec } from '../initializers.js';
import { getRegularizer, type Regularizer, type RegularizerSpec } from '../regularizers.js';
import { canonicalActivation, getActivation, type ActivationIdentifier } from '../activations.js';
import { serializeInitializer, serializeRegularizer } from '../serialization.js';
import type { Variable } from '../../variable.js';

export interface RNNBaseArgs extends LayerArgs {
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
  returnSequences?: boolean;
  returnState?: boolean;
  goBackwards?: boolean;
  stateful?: boolean;
  unroll?: boolean;
  implementation?: number | null;
}

/**
 * Split x along axis 0 into x.shape[0] tensors of shape x.shape.slice(1). The backward pass
 * stacks the cotangents (zeros where absent) instead of padding each slice to full size.
 */
export function unstackTime(x: Tensor): Tensor[] {
  const n = x.shape[0];
  const rest = x.shape.slice(1);
  const parts = ENGINE.noGrad(() => {
    const out: Tensor[] = [];
    for (let t = 0; t < n; t++) {
      const s = slice(x, [t, ...rest.map(() => 0)], [1, ...rest]);
      out.push(reshape(s, rest));
      s.dispose();
    }
    return out;
  });
  ENGINE.record('unstackTime', [x], parts, (dys) => [stack(dys.map((d) => d ?? zeros(rest)), 0)]);
  return parts;
}

/** Split x along its last axis into pieces of the given sizes; backward concatenates. */
export function splitLast(x: Tensor, sizes: number[]): Tensor[] {
  const lead = x.shape.slice(0, -1);
  const parts = ENGINE.noGrad(() => {
    const out: Tensor[] = [];
    let start = 0;
    for (const s of sizes) {
      out.push(slice(x, [...lead.map(() => 0), start], [...lead, s]));
      start += s;
    }
    return out;
  });
  ENGINE.record('splitLast', [x], parts, (dys) => [concat(dys.map((d, i) => d ?? zeros([...lead, sizes[i]])), -1)]);
  return parts;
}

/**
 * Run a layer's forward: while a gradient is taped the intermediates belong to the tape (the
 * autograd scope frees them); otherwise everything but the result is freed right away.
 */
export function composite<T>(fn: () => T): T {
  if (ENGINE.recording) return fn();
  ENGINE.startScope();
  let result: T;
  try {
    result = fn();
  } catch (e) {
    ENGINE.endScope(undefined);
    throw e;
  }
  ENGINE.endScope(result);
  return result;
}

/** Inverted-dropout mask (kept / (1 - rate), dropped 0) of the given shape; a constant. */
export function dropoutMask(shape: number[], rate: number): Tensor {
  return ENGINE.noGrad(() => composite(() => mul(step(sub(randomUniform(shape, 0, 1), rate)), 1 / (1 - rate))));
}

function clampRate(v: unknown, what: string, layer: string): number {
  const r = v == null ? 0 : Number(v);
  if (!Number.isFinite(r) || r < 0 || r >= 1) throw new Error(`${layer}: ${what} must be in [0, 1), got ${String(v)}`);
  return r;
}

/** What a cell step returns: the step output and the new states (output first for LSTM/GRU). */
export interface StepResult {
  output: Tensor;
  states: Tensor[];
}

export abstract class RNNBase extends Layer {
  readonly units: number;
  readonly activation: string;
  readonly useBias: boolean;
  readonly returnSequences: boolean;
  readonly returnState: boolean;
  readonly goBackwards: boolean;
  readonly stateful = false;
  readonly unroll: boolean;
  readonly dropout: number;
  readonly recurrentDropout: number;
  readonly implementation: number | null;
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
  protected abstract readonly gates: number;
  /** Number of state tensors (1, or 2 for LSTM's h and c). */
  protected abstract readonly numStates: number;
  /** One time step: xt = x_t · kernel + bias [batch, gates*units], states from the last step. */
  protected abstract step(xt: Tensor, states: Tensor[], recMask: Tensor | null): StepResult;

  constructor(args: RNNBaseArgs, layerKind: string) {
    super(args);
    if (!args || !Number.isInteger(args.units) || args.units <= 0) {
      throw new Error(`${layerKind}: units must be a positive integer, got ${args?.units}`);
    }
    if (args.stateful) throw new Error(`${layerKind}: stateful = true is not supported by tessera`);
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
    this.dropout = clampRate(args.dropout, 'dropout', layerKind);
    this.recurrentDropout = clampRate(args.recurrentDropout, 'recurrentDropout', layerKind);
    this.returnSequences = args.returnSequences ?? false;
    this.returnState = args.returnState ?? false;
    this.goBackwards = args.goBackwards ?? false;
    this.unroll = args.unroll ?? false;
    this.implementation = args.implementation ?? null;
    this.supportsMasking = true;
  }

  /** Bias initial value; LSTM overrides for unitForgetBias. */
  protected biasInit(): Initializer {
    return this.biasInitializer;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    if (shape.length !== 3) {
      throw new Error(`${this.name}: expected input of rank 3 [batch, time, features], got shape ${fmtShape(shape.map((d) => d ?? -1))}`);
    }
    const inDim = shape[2];
    if (inDim === null) throw new Error(`${this.name}: the feature dimension of the input must be known`);
    const k = this.gates * this.units;
    this.kernel = this.addWeight('kernel', [inDim, k], 'float32', this.kernelInitializer, this.kernelRegularizer);
    this.recurrentKernel = this.addWeight('recurrent_kernel', [this.units, k], 'float32', this.recurrentInitializer, this.recurrentRegularizer);
    if (this.useBias) this.bias = this.addWeight('bias', [k], 'float32', this.biasInit(), this.biasRegularizer);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const out: Shape = this.returnSequences ? [s[0], s[1], this.units] : [s[0], this.units];
    if (!this.returnState) return out;
    return [out, ...new Array(this.numStates).fill(0).map(() => [s[0], this.units] as Shape)];
  }

  call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor | Tensor[] {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    const x = list[0];
    let initial: Tensor[] | null = list.length > 1 ? list.slice(1) : null;
    if (kwargs.initialState) initial = (Array.isArray(kwargs.initialState) ? kwargs.initialState : [kwargs.initialState]) as Tensor[];
    const mask = Array.isArray(kwargs.mask) ? kwargs.mask[0] : kwargs.mask;
    return composite(() => this.run(x, initial, mask ?? null, !!kwargs.training));
  }

  private run(x: Tensor, initial: Tensor[] | null, mask: Tensor | null, training: boolean): Tensor | Tensor[] {
    if (x.rank !== 3) throw new Error(`${this.name}: expected input of rank 3 [batch, time, features], got shape ${fmtShape(x.shape)}`);
    const [batch, time, inDim] = x.shape;
    const kDim = this.kernel!.shape[0];
    if (inDim !== kDim) throw new Error(`${this.name}: expected ${kDim} input features, got input shape ${fmtShape(x.shape)}`);
    if (time === 0) throw new Error(`${this.name}: the input has no time steps (shape ${fmtShape(x.shape)})`);
    let states: Tensor[];
    if (initial) {
      if (initial.length !== this.numStates) {
        throw new Error(`${this.name}: expects ${this.numStates} initial state(s), got ${initial.length}`);
      }
      initial.forEach((s, i) => {
        if (s.rank !== 2 || s.shape[0] !== batch || s.shape[1] !== this.units) {
          throw new Error(`${this.name}: initial state ${i} must be [${batch},${this.units}], got ${fmtShape(s.shape)}`);
        }
      });
      states = initial.slice();
    } else {
      states = new Array(this.numStates).fill(0).map(() => fill([batch, this.units], 0));
    }

    let xin = x;
    if (training && this.dropout > 0) xin = mul(x, expandDims(dropoutMask([batch, inDim], this.dropout), 1));
    const recMask = training && this.recurrentDropout > 0 ? dropoutMask([batch, this.units], this.recurrentDropout) : null;

    // Time-major projection of the whole sequence: [time, batch, gates*units].
    const k = this.gates * this.units;
    const xt = transpose(xin, [1, 0, 2]);
    const proj = fusedMatMulWithGrad(reshape(xt, [time * batch, inDim]), this.kernel!, this.bias, Activation.linear);
    let perStep = unstackTime(reshape(proj, [time, batch, k]));
    let masks: Tensor[] | null = null;
    if (mask) {
      if (mask.rank !== 2 || mask.shape[0] !== batch || mask.shape[1] !== time) {
        throw new Error(`${this.name}: mask must be [batch, time] = [${batch},${time}], got ${fmtShape(mask.shape)}`);
      }
      const m = ENGINE.noGrad(() => composite(() => expandDims(cast(transpose(cast(mask, 'bool'), [1, 0]), 'float32'), -1)));
      masks = ENGINE.noGrad(() => unstackTime(m));
    }
    if (this.goBackwards) {
      perStep = perStep.reverse();
      if (masks) masks.reverse();
    }

    this.beginSequence();
    const outputs: Tensor[] = [];
    let last: Tensor | null = null;
    for (let t = 0; t < time; t++) {
      const r = this.step(perStep[t], states, recMask);
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
    this.endSequence();
    const output = this.returnSequences ? stack(outputs, 1) : last!;
    return this.returnState ? [output, ...states] : output;
  }

  /** Hooks around the time loop (per-call caches such as GRU's split recurrent kernel). */
  protected beginSequence(): void {}
  protected endSequence(): void {}

  /** h · recurrent_kernel with the recurrent-dropout mask applied to h. */
  protected recurrent(h: Tensor, recMask: Tensor | null, kernel: Tensor = this.recurrentKernel!): Tensor {
    return matMul(recMask ? mul(h, recMask) : h, kernel);
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
      returnSequences: this.returnSequences,
      returnState: this.returnState,
      goBackwards: this.goBackwards,
      stateful: false,
      unroll: this.unroll,
    };
  }
}
