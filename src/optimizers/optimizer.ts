/**
 * The Optimizer base class (TF.js `tf.train.Optimizer` semantics): applyGradients over named
 * gradients, minimize(f), per-variable slot state, iteration count, gradient clipping
 * (Keras-style `clipnorm` per gradient tensor, `globalClipnorm` over all, `clipvalue`
 * elementwise). Updates run without taping and inside tidy: slot variables and the updated
 * weights are the only tensors that outlive a step.
 */
import { ENGINE } from '../engine.js';
import { tidy } from '../globals.js';
import type { Tensor } from '../tensor.js';
import { Variable, variableRegistry } from '../variable.js';
import { variableGrads } from '../autograd.js';
import { clipByValue, sqrt } from '../ops/unary.js';
import { mul, maximum, div, add } from '../ops/binary.js';
import { sum } from '../ops/reduce.js';
import { square } from '../ops/unary.js';
import { scalar, zerosLike, fill } from '../ops/creation.js';
import { fmtShape } from '../util.js';

/** Gradient clipping options, accepted by every optimizer factory as its last argument. */
export interface OptimizerOptions {
  /** Clip each gradient tensor to this L2 norm (Keras `clipnorm`). */
  clipnorm?: number;
  /** Clip the gradients together to this global L2 norm (Keras `global_clipnorm`). */
  globalClipnorm?: number;
  /** Clip every gradient element to [-clipvalue, clipvalue] (Keras `clipvalue`). */
  clipvalue?: number;
}

/**
 * A gradient with the name of the variable it updates.
 */
export interface NamedTensor {
  name: string;
  tensor: Tensor;
}
export type NamedGradients = Record<string, Tensor> | NamedTensor[];

/**
 * The base class of optimizers: `minimize(f)` and `applyGradients(grads)` update variables.
 */
export abstract class Optimizer {
  /** TF.js class name, e.g. 'Adam'. */
  static className = 'Optimizer';
  /** Clips each gradient to this L2 norm before the update (Keras `clipnorm`). */
  clipnorm?: number;
  /** Clips all gradients together to this global L2 norm (Keras `global_clipnorm`). */
  globalClipnorm?: number;
  /** Clips each gradient element to [-clipvalue, clipvalue] (Keras `clipvalue`). */
  clipvalue?: number;
  /** Number of applyGradients calls so far. */
  iterations = 0;
  /**
   * Slot variables per model variable (keyed by the Variable itself, not its name: names are
   * reused once a variable is disposed, and a rebuilt model must not inherit stale moments).
   */
  protected slots = new Map<Variable, Variable[]>();

  constructor(options: OptimizerOptions = {}) {
    this.setClipping(options);
  }

  /** The class name the optimizer is saved under. */
  getClassName(): string {
    return (this.constructor as typeof Optimizer).className;
  }

  /** Set or change gradient clipping (see OptimizerOptions). */
  setClipping(options: OptimizerOptions): void {
    for (const k of ['clipnorm', 'globalClipnorm', 'clipvalue'] as const) {
      const v = options[k];
      if (v !== undefined && !(typeof v === 'number' && v > 0)) {
        throw new Error(`${this.getClassName()}: ${k} must be a positive number, got ${v}`);
      }
    }
    if (options.clipnorm !== undefined) this.clipnorm = options.clipnorm;
    if (options.globalClipnorm !== undefined) this.globalClipnorm = options.globalClipnorm;
    if (options.clipvalue !== undefined) this.clipvalue = options.clipvalue;
  }

  /** Names of the per-variable state this optimizer keeps (e.g. ['m', 'v']). */
  protected abstract slotNames(): string[];
  /** Initial value of slot `i` for variable `v` (default zeros). */
  protected initialSlot(v: Variable, _slot: number): Tensor {
    return zerosLike(v);
  }
  /**
   * Compute new values for `v` and its slots from gradient `g` (already clipped). Called
   * inside tidy and noGrad; `step` is the 1-based iteration number.
   */
  protected abstract update(v: Variable, g: Tensor, slots: Variable[], step: number): { value: Tensor; slots: Tensor[] };

  /**
   * New values for every variable of a step and their slots (as `update`, in the order given);
   * optimizers whose update is one fused kernel over all variables override it.
   */
  protected updateAll(vars: Variable[], grads: Tensor[], slots: Variable[][], step: number): Array<{ value: Tensor; slots: Tensor[] }> {
    return vars.map((v, i) => this.update(v, grads[i], slots[i], step));
  }

  /** The variable's slots, created on first use. */
  protected slotsFor(v: Variable): Variable[] {
    let s = this.slots.get(v);
    if (!s) {
      const names = this.slotNames();
      s = names.map((n, i) => {
        const init = this.initialSlot(v, i);
        const slot = new Variable(init, false, `${v.name}/${n}`, 'float32');
        init.dispose();
        return slot;
      });
      this.slots.set(v, s);
    }
    return s;
  }

  /** Apply gradients given as {varName: grad} or [{name, tensor}] (TF.js signature). */
  applyGradients(variableGradients: NamedGradients): void {
    const list: NamedTensor[] = Array.isArray(variableGradients)
      ? variableGradients
      : Object.keys(variableGradients).map((name) => ({ name, tensor: variableGradients[name] }));
    const what = this.getClassName();
    const pairs = list.map(({ name, tensor }) => {
      const v = variableRegistry.get(name);
      if (!v) throw new Error(`${what}.applyGradients: no variable named '${name}'`);
      if (tensor.shape.join() !== v.shape.join()) {
        throw new Error(`${what}.applyGradients: gradient for '${name}' has shape ${fmtShape(tensor.shape)}, variable is ${fmtShape(v.shape)}`);
      }
      return { v, g: tensor };
    });
    const tracer = ENGINE.tracer;
    if (tracer) {
      // A recorded plan repeats the host-side count at each replay, and what depends on it or on the
      // learning rate is fed per step (live scalars and attrs); the state must exist before recording.
      if (!this.recordable()) tracer.untraceable(`${what}.applyGradients computes its update from host state a recorded plan would not refresh`);
      if (this.slotNames().length && pairs.some(({ v }) => v.trainable && !this.slots.has(v))) {
        tracer.retryLater(`${what} makes its state (slot variables) on the first step`);
      }
      const hyper = this.hyperparameterKey();
      tracer.precondition(() => (this.hyperparameterKey() !== hyper ? `${what}'s hyperparameters changed since the step was recorded` : undefined));
      tracer.hostEffect(() => {
        this.iterations++;
      });
    }
    this.dropDisposedSlots();
    this.iterations++;
    const step = this.iterations;
    ENGINE.noGrad(() =>
      tidy(() => {
        const grads = this.clip(pairs.map((p) => p.g));
        const live = pairs.map(({ v }, i) => ({ v, g: grads[i] })).filter(({ v }) => v.trainable);
        const slots = live.map(({ v }) => this.slotsFor(v));
        const outs = this.updateAll(live.map(({ v }) => v), live.map(({ g }) => g), slots, step);
        live.forEach(({ v }, i) => {
          v.assign(outs[i].value);
          outs[i].slots.forEach((t, k) => slots[i][k].assign(t));
        });
      }),
    );
  }

  /**
   * Whether update() reads everything that may change between steps through live() / liveAttrs
   * (so a recorded training step can replay it); subclasses that do say so.
   */
  protected recordable(): boolean {
    return false;
  }

  /** The configuration a recorded step bakes in: everything but the learning rate (fed per step). */
  private hyperparameterKey(): string {
    const { learningRate: _, ...rest } = this.getConfig();
    return JSON.stringify(rest);
  }

  /**
   * A per-step number as an update operand: the number itself when eager; inside a recorded plan a
   * float32 scalar whose value is read again at each replay (the learning rate, which a schedule or
   * setLearningRate may change, or anything computed from the step count).
   */
  protected live(value: () => number): number | Tensor {
    const tracer = ENGINE.tracer;
    if (!tracer) return value();
    const t = scalar(value(), 'float32');
    tracer.liveValues(t.record, () => Float32Array.of(value()));
    return t;
  }

  private clip(grads: Tensor[]): Tensor[] {
    let gs = grads;
    if (this.clipvalue !== undefined) {
      const c = this.clipvalue;
      gs = gs.map((g) => clipByValue(g, -c, c));
    }
    if (this.clipnorm !== undefined) {
      const c = this.clipnorm;
      gs = gs.map((g) => mul(g, div(c, maximum(sqrt(sum(square(g))), c))));
    }
    if (this.globalClipnorm !== undefined && gs.length) {
      const c = this.globalClipnorm;
      const norm = sqrt(gs.map((g) => sum(square(g))).reduce((a, b) => add(a, b)));
      const factor = div(c, maximum(norm, c));
      gs = gs.map((g) => mul(g, factor));
    }
    return gs;
  }

  /** Minimize f() over varList (default: all trainable variables); TF.js `minimize`. */
  minimize(f: () => Tensor, returnCost = false, varList?: Variable[]): Tensor | null {
    const vars = (varList ?? [...variableRegistry.values()]).filter((v) => v.trainable);
    if (vars.length === 0) {
      throw new Error(`${this.getClassName()}.minimize: expects at least one of the input variables to be trainable, but none of the ${varList?.length ?? 0} variables is trainable.`);
    }
    const { value, grads } = variableGrads(f, vars);
    if (Object.keys(grads).length === 0) {
      value.dispose();
      throw new Error('Cannot find a connection between any variable and the result of the loss function y=f(x). Please make sure the operations that use variables are inside the function f passed to minimize().');
    }
    this.applyGradients(grads);
    for (const k of Object.keys(grads)) grads[k].dispose();
    if (returnCost) return value;
    value.dispose();
    return null;
  }

  /** TF.js `computeGradients(f, varList?)`: f's value and its gradients for the variables, without applying them. */
  computeGradients(f: () => Tensor, varList?: Variable[]): { value: Tensor; grads: Record<string, Tensor> } {
    return variableGrads(f, varList);
  }
  /** TF.js's hook for optimizer subclasses: count one more applyGradients step. */
  protected incrementIterations(): void {
    this.iterations++;
  }
  /** TF.js `saveIterations()`: the step count as the int32 scalar named 'iter' that getWeights starts with. */
  async saveIterations(): Promise<NamedTensor> {
    return { name: 'iter', tensor: scalar(this.iterations, 'int32') };
  }
  /** TF.js's hook for subclasses' setWeights: read the step count from the first entry, return the rest. */
  protected async extractIterations(weightValues: NamedTensor[]): Promise<NamedTensor[]> {
    this.iterations = (await weightValues[0].tensor.data())[0];
    return weightValues.slice(1);
  }

  /** Optimizer state as named tensors: 'iter' first, then every slot (copies). */
  async getWeights(): Promise<NamedTensor[]> {
    const out: NamedTensor[] = [await this.saveIterations()];
    const names = this.slotNames();
    this.dropDisposedSlots();
    for (const [v, slots] of this.slots) {
      slots.forEach((s, k) => out.push({ name: `${v.name}/${names[k]}`, tensor: ENGINE.makeView(s, s.shape) }));
    }
    return out;
  }

  /** Restore state saved by getWeights (slot names `${variableName}/${slotName}`). */
  async setWeights(weights: NamedTensor[]): Promise<void> {
    const names = this.slotNames();
    for (const { name, tensor } of weights) {
      if (name === 'iter' || name === 'iterations') {
        this.iterations = (await tensor.data())[0];
        continue;
      }
      const cut = name.lastIndexOf('/');
      const varName = name.slice(0, cut);
      const k = names.indexOf(name.slice(cut + 1));
      const v = variableRegistry.get(varName);
      if (k < 0 || !v) throw new Error(`${this.getClassName()}.setWeights: unknown optimizer weight '${name}'`);
      const slot = this.slotsFor(v)[k];
      if (tensor.shape.join() !== slot.shape.join()) {
        throw new Error(`${this.getClassName()}.setWeights: '${name}' has shape ${fmtShape(tensor.shape)}, expected ${fmtShape(slot.shape)}`);
      }
      slot.assign(tensor);
    }
  }

  /**
   * Constructor arguments in order, as getConfig names them (TF.js fromConfig rebuilds an
   * optimizer from its config); clipping options follow them.
   */
  static configArgs: string[] = [];
  /** TF.js `Optimizer.fromConfig(cls, config)`. */
  static fromConfig<T extends Optimizer>(cls: (new (...args: any[]) => T) & { configArgs: string[] }, config: Record<string, unknown>): T {
    const clipping: OptimizerOptions = {};
    for (const k of ['clipnorm', 'globalClipnorm', 'clipvalue'] as const) if (config[k] !== undefined) clipping[k] = config[k] as number;
    return new cls(...cls.configArgs.map((k) => config[k]), clipping);
  }

  /** Config (TF.js getConfig): hyperparameters plus clipping. */
  getConfig(): Record<string, unknown> {
    const c: Record<string, unknown> = {};
    if (this.clipnorm !== undefined) c.clipnorm = this.clipnorm;
    if (this.globalClipnorm !== undefined) c.globalClipnorm = this.globalClipnorm;
    if (this.clipvalue !== undefined) c.clipvalue = this.clipvalue;
    return c;
  }

  /** Free the state of variables that were disposed since (their model was rebuilt or dropped). */
  private dropDisposedSlots(): void {
    for (const [v, slots] of this.slots) {
      if (!v.isDisposed) continue;
      for (const s of slots) s.dispose();
      this.slots.delete(v);
    }
  }

  /** Slot variables per model variable (fit snapshots them to survive a device loss). */
  slotEntries(): [Variable, Variable[]][] {
    return [...this.slots];
  }

  /** Forget (and dispose) the slots of one variable; they are made again on its next update. */
  dropSlots(variable: Variable): void {
    for (const s of this.slots.get(variable) ?? []) s.dispose();
    this.slots.delete(variable);
  }

  /** Dispose the slot variables. */
  dispose(): void {
    for (const slots of this.slots.values()) for (const s of slots) s.dispose();
    this.slots.clear();
  }
}

/** A float32 tensor of `v`'s shape filled with `value`. */
export function filledLike(v: Tensor, value: number): Tensor {
  return fill(v.shape, value, 'float32');
}
