/**
 * LayerVariable (TF.js name): the weight a layer creates with `addWeight`. It is a tessera Variable (so it
 * is a Tensor, trains and saves like one) plus the TF.js Layers surface that custom layers use:
 * `read()` for the current value, `write(value)` to replace it (applying the weight's constraint),
 * `originalName` (the name inside the layer, e.g. 'kernel') and `constraint`.
 */
import type { DType } from '../backends/backend.js';
import type { Tensor } from '../tensor.js';
import { Variable } from '../variable.js';
import { fmtShape, shapesEqual } from '../util.js';

/** A constraint as TF.js layers take it: a function or an object with `apply(w)`. */
export type ConstraintSpec = ((t: Tensor) => Tensor) | { apply(t: Tensor): Tensor };

export function constraintFn(c: ConstraintSpec | null | undefined): ((t: Tensor) => Tensor) | undefined {
  if (c == null) return undefined;
  if (typeof c === 'function') return c;
  if (typeof c.apply === 'function') return (t) => c.apply(t);
  throw new Error('addWeight: a constraint must be a function or an object with an apply(tensor) method');
}

/**
 * A layer's weight: a variable with the layer's constraint applied after each update.
 */
export class LayerVariable extends Variable {
  /** The weight name the layer gave (before it was made unique). */
  readonly originalName: string;
  /** The projection applied after each optimizer step, if any. */
  readonly constraint?: (t: Tensor) => Tensor;

  constructor(initial: Tensor, trainable: boolean, name: string, originalName: string, dtype: DType, constraint?: (t: Tensor) => Tensor) {
    super(initial, trainable, name, dtype);
    this.originalName = originalName;
    this.constraint = constraint;
  }

  /** The current value (the variable itself, so ops on it are differentiated w.r.t. this weight). */
  read(): Variable {
    this.assertAlive(`LayerVariable.read ('${this.name}')`);
    return this;
  }

  /** Replace the value; the shape must match. Applies the weight's constraint, as TF.js does. */
  write(newValue: Tensor): this {
    this.assertAlive(`LayerVariable.write ('${this.name}')`);
    if (!shapesEqual(newValue.shape, this.shape)) {
      throw new Error(`LayerVariable.write: shape of the new value ${fmtShape(newValue.shape)} does not match the shape of LayerVariable '${this.name}' ${fmtShape(this.shape)}`);
    }
    if (this.constraint) {
      const c = this.constraint(newValue);
      this.assign(c);
      if (c !== newValue) c.dispose();
    } else {
      this.assign(newValue);
    }
    return this;
  }
}
