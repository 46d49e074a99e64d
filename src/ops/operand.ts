/**
 * Helpers every op file uses: turning user input (Tensor, number, nested array) into a live
 * Tensor, running one kernel into a freshly allocated output, dtype upcasting, and reducing a
 * broadcast gradient back to its input's shape.
 */
import type { DType, StorageArray } from '../backends/backend.js';
import type { KernelAttrs, KernelName } from '../backends/kernels.js';
import { ENGINE } from '../engine.js';
import { Tensor } from '../tensor.js';
import { assertDtype, flatten, fmtShape, inferDtype, inferShape, sizeOf, type TensorLike } from '../util.js';
import { acceptsStrings, isStringLike, notNumericError, stringTensor } from './string_tensor.js';

export type Input = Tensor | TensorLike;

/** Storage array for `dtype` from plain numbers. */
export function storageFor(values: ArrayLike<number>, dtype: DType): StorageArray {
  if (dtype === 'float32') return values instanceof Float32Array ? values : Float32Array.from(values);
  if (dtype === 'int32') return values instanceof Int32Array ? values : Int32Array.from(values as ArrayLike<number>, (v) => Math.trunc(v) | 0);
  // bool: TF.js rounds, so 0.4 is false and NaN is true
  return Int32Array.from(values as ArrayLike<number>, (v) => (Math.round(v) !== 0 ? 1 : 0));
}

/**
 * What an argument may hold, as TF.js's convertToTensor `parseAsDtype`: 'numeric' (any dtype but
 * string), 'any', or one exact dtype. A number or array given for an exact dtype is parsed as it.
 */
export type Accept = 'numeric' | 'any' | DType;

function typeName(x: unknown): string {
  if (x === null || x === undefined) return String(x);
  return typeof x === 'object' ? (x as object).constructor?.name ?? 'Object' : typeof x;
}

/** Throws TF.js's error when a tensor's dtype does not fit what the argument accepts. */
export function assertAccepts(t: { dtype: string }, accept: Accept, op: string, arg: string): void {
  if (accept === 'any' || accept === t.dtype) return;
  if (accept === 'numeric') {
    if (t.dtype === 'string') throw new Error(`Argument '${arg}' passed to '${op}' must be numeric tensor, but got string tensor`);
    return;
  }
  throw new Error(`Argument '${arg}' passed to '${op}' must be ${accept} tensor, but got ${t.dtype} tensor`);
}

/**
 * A live Tensor from user input (TF.js convertToTensor): a Tensor is checked against `accept`
 * and returned; numbers, booleans and (typed) arrays become new tensors of `dtype`, else of
 * the exact dtype `accept` names, else of the inferred dtype.
 */
export function toTensor(x: Input, op: string, arg: string, dtype?: DType, accept: Accept = 'numeric'): Tensor {
  if (x instanceof Tensor) {
    x.assertAlive(`${op} (argument '${arg}')`);
    // string tensors only go where TF.js takes them (layout ops, equal, string.*)
    if (x.dtype === 'string' && !acceptsStrings(op, arg)) throw notNumericError(op, arg);
    if (x.dtype !== 'string') assertAccepts(x, accept, op, arg);
    return x;
  }
  if (isStringLike(x) || (dtype === 'string' && Array.isArray(x))) {
    if (!acceptsStrings(op, arg)) throw notNumericError(op, arg);
    return stringTensor(op, x);
  }
  if (dtype === 'complex64') {
    // a number/array operand meeting a complex64 tensor: real values, zero imaginary part
    const values = Float32Array.from(flatten(x));
    return ENGINE.makeComplexTensor(values, new Float32Array(values.length), inferShape(op, x));
  }
  if (x === null || x === undefined || (typeof x !== 'number' && typeof x !== 'boolean' && !Array.isArray(x) && !ArrayBuffer.isView(x))) {
    throw new Error(`Argument '${arg}' passed to '${op}' must be a Tensor or TensorLike, but got '${typeName(x)}'`);
  }
  const shape = inferShape(op, x);
  const dt = dtype ?? (accept === 'numeric' || accept === 'any' ? inferDtype(x) : accept);
  return ENGINE.makeTensor(storageFor(flatten(x), dt), shape, dt);
}

/** Convert `x`, matching a number/array to the other operand's dtype (as TF.js does). */
export function toTensorLike(x: Input, other: Input, op: string, arg: string): Tensor {
  if (x instanceof Tensor || !(other instanceof Tensor)) return toTensor(x, op, arg);
  const dt = other.dtype === 'bool' && typeof x === 'number' ? 'float32' : other.dtype;
  return toTensor(x, op, arg, dt);
}

/**
 * Run fn in its own scope: every tensor it creates but does not return (number operands turned
 * into tensors, internal transposes, ...) is disposed when it returns. While a gradient is
 * being taped the intermediates are left to the enclosing gradient scope, which needs them.
 */
export function scoped<T>(fn: () => T): T {
  if (ENGINE.recording) return fn();
  return runInScope(fn);
}

/**
 * Run fn inside a fresh engine scope and end it keeping only the tensors in its result (while a
 * gradient is being taped, the intermediates move to the enclosing scope instead: the tape's
 * vjps still need them). If fn or `check(result)` throws, the scope ends keeping nothing and the
 * error propagates.
 */
export function runInScope<T>(fn: () => T, check?: (result: T) => void): T {
  ENGINE.startScope();
  let result: T;
  try {
    result = fn();
    check?.(result);
  } catch (e) {
    ENGINE.endScope(undefined);
    throw e;
  }
  ENGINE.endScope(result, ENGINE.recording);
  return result;
}

/**
 * Wrap an op so its temporaries are disposed (see `scoped`). The op's name is pushed for the
 * engine, whose allocation errors then name the call the user made. The name is given, not read
 * from `fn.name`: bundlers rename and minifiers shorten functions (esbuild made `tile` `tile2`).
 */
/* @__NO_SIDE_EFFECTS__ */ export function op<F extends (...args: any[]) => any>(name: string, fn: F): F {
  return ((...args: unknown[]) => {
    ENGINE.opNames.push(name);
    try {
      return scoped(() => fn(...args));
    } finally {
      ENGINE.opNames.pop();
    }
  }) as F;
}

/** Run one kernel into a new output tensor. */
export function runOp<K extends KernelName>(kernel: K, inputs: Tensor[], outShape: number[], outDtype: DType, attrs: KernelAttrs[K]): Tensor {
  const out = ENGINE.makeOutput(outShape, outDtype);
  if (out.size > 0) ENGINE.runKernel(kernel, inputs, [out], attrs);
  ENGINE.recordKernel(kernel, inputs, [out]);
  return out;
}

const RANK: Record<DType, number> = { bool: 0, int32: 1, float32: 2, complex64: 3, string: 4 };
/** TF.js upcastType: bool < int32 < float32 < complex64; string only with string. */
export function upcastDtype(a: DType, b: DType): DType {
  if ((a === 'string') !== (b === 'string')) throw new Error(`Can not upcast ${a} with ${b}`);
  return RANK[a] >= RANK[b] ? a : b;
}

export function assertFloat(op: string, t: Tensor, arg = 'x'): void {
  assertAccepts(t, 'float32', op, arg);
}

/** Validate an optional dtype argument; null means "the default" (undefined), as in TF.js. */
export function checkDtype(op: string, dtype: DType | undefined | null): DType | undefined {
  return dtype == null ? undefined : assertDtype(op, dtype);
}

export function describe(t: Tensor): string {
  return `${fmtShape(t.shape)} ${t.dtype}`;
}

export { sizeOf };

/**
 * The values of `t` read synchronously on the host, for ops whose output shape depends on them
 * (as TF.js's cpu backend does). webgpu has no synchronous read: there this works for tensors
 * written from the host (up to a size), and otherwise the error names the op and the way out.
 */
export function hostValues(op: string, t: Tensor): number[] {
  const values = ENGINE.readHostSync(t);
  if (!values) {
    throw new Error(`${op} runs on the host and needs a synchronous read of ${describe(t)}, which the ${ENGINE.getBackend()} backend cannot do for a computed tensor; call it on the wasm or js backend, or pass values created from host data`);
  }
  return Array.from(values);
}
