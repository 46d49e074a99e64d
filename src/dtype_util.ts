/**
 * TF.js's public dtype helpers and the Rank enum: `upcastType(a, b)` (bool < int32 < float32 <
 * complex64, string only with string), `sumOutType(dtype)` (what sum() returns: bool sums to
 * int32) and `Rank` ('R0' ... 'R6', the names TF.js's typings use).
 */
import type { DType } from './backends/backend.js';
import { upcastDtype } from './ops/operand.js';

/**
 * Tensor ranks by name (R0 ... R6), as in TF.js.
 */
export enum Rank {
  R0 = 'R0',
  R1 = 'R1',
  R2 = 'R2',
  R3 = 'R3',
  R4 = 'R4',
  R5 = 'R5',
  R6 = 'R6',
}

/**
 * TF.js `upcastType(typeA, typeB)`: the dtype both values fit in; throws `Can not upcast a with b` for string with a number dtype.
 * @example
 * ```js
 * tf.upcastType('int32', 'float32'); // 'float32'
 * ```
 */
export function upcastType(typeA: DType, typeB: DType): DType {
  return upcastDtype(typeA, typeB);
}

/**
 * TF.js `sumOutType(type)`: the dtype of a sum over `type` (bool -> int32, else the same).
 * @example
 * ```js
 * tf.sumOutType('bool'); // 'int32'
 * ```
 */
export function sumOutType(type: DType): DType {
  return upcastDtype(type, 'int32');
}
