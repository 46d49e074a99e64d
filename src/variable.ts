/**
 * Variables: mutable tensors that training updates in place with `assign`. Trainable variables
 * are registered by name so `variableGrads` can differentiate a loss w.r.t. all of them.
 */
import type { DType } from './backends/backend.js';
import { ENGINE } from './engine.js';
import { Tensor } from './tensor.js';
import { fmtShape, shapesEqual } from './util.js';
import { toTensor, type Input } from './ops/operand.js';

let nextVariableId = 0;
/** All live variables by name (TF.js keeps a registry too). */
export const variableRegistry = new Map<string, Variable>();

/**
 * A mutable tensor (`tf.variable`): `assign()` replaces its value; optimizers update trainable variables.
 */
export class Variable<D extends DType = DType> extends Tensor<D> {
  /** Whether optimizers update this variable. */
  trainable: boolean;
  /** The variable's unique name (the key of `tf.variableGrads`' gradients). */
  override name: string;

  constructor(initial: Tensor, trainable: boolean, name: string | undefined, dtype: D) {
    initial.record.refCount++;
    super(initial.shape, dtype, initial.record);
    this.trainable = trainable;
    this.kept = true;
    // Names are unique in the registry: a repeated name (two models loaded from the same
    // artifacts) gets a numeric suffix, as TF.js does.
    let unique = name ?? `Variable_${nextVariableId++}`;
    if (variableRegistry.has(unique)) unique = `${unique}_${nextVariableId++}`;
    this.name = unique;
    variableRegistry.set(this.name, this as Variable);
  }

  /** Replace the value (same shape and dtype). The new value's data is shared, not copied. */
  assign(newValue: Tensor): void {
    const t = toTensor(newValue, 'Variable.assign', 'newValue');
    if (!shapesEqual(t.shape, this.shape) || t.dtype !== this.dtype) {
      throw new Error(`Variable.assign: '${this.name}' is ${fmtShape(this.shape)} ${this.dtype}, new value is ${fmtShape(t.shape)} ${t.dtype}`);
    }
    this.assertAlive('Variable.assign');
    if (t.record === this.record) return;
    ENGINE.tracer?.assigned(this as unknown as Tensor, this.record, t.record);
    t.record.refCount++;
    ENGINE.releaseRecord(this.record);
    this.record = t.record;
  }

  /** Frees the variable and removes it from the registry. */
  override dispose(): void {
    if (this.isDisposed) return;
    variableRegistry.delete(this.name);
    super.dispose();
  }
}

/**
 * TF.js `variable(initialValue, trainable = true, name?, dtype?)`.
 * @example
 * ```js
 * const v = tf.variable(tf.zeros([2]));
 * v.assign(tf.tensor([1, 2]));
 * ```
 */
export function variable(initialValue: Input, trainable = true, name?: string, dtype?: DType): Variable {
  const t = toTensor(initialValue, 'variable', 'initialValue');
  // Layers and optimizer slots make their own names unique; a user's name must be new (TF.js).
  const created = !(initialValue instanceof Tensor); // a temporary made from numbers: the variable shares its data
  try {
    if (name != null && variableRegistry.has(name)) throw new Error(`Variable with name ${name} was already registered`);
    if (dtype && dtype !== t.dtype) throw new Error(`variable: initial value is ${t.dtype}, requested dtype ${dtype}`);
    return new Variable(t, trainable, name, t.dtype);
  } finally {
    if (created) t.dispose();
  }
}
