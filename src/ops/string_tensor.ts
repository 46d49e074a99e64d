/**
 * Making 'string' tensors from JS values (strings, nested arrays of strings, or UTF-8 bytes as
 * Uint8Array elements, as TF.js takes), and the rule for which ops accept a string tensor at
 * all: the layout ops and equal / notEqual (TF.js's 'string_or_numeric' arguments). Every other
 * op refuses one with TF.js's wording. The values themselves live on the host; see
 * src/host_dtypes.ts.
 */
import { ENGINE } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { fmtShape, sizeOf } from '../util.js';

const utf8 = new TextEncoder();

/** Ops (and their arguments) that take string tensors, as in TF.js. */
const STRING_OPS = new Set([
  'tensor', 'clone', 'identity', 'reshape', 'slice', 'gather', 'concat', 'tile', 'expandDims', 'squeeze', 'unstack',
  'stack', 'reverse', 'transpose', 'broadcastTo', 'split', 'equal', 'notEqual', 'greater', 'greaterEqual', 'less',
  'lessEqual', 'cast', 'print', 'fill', 'unique', 'concat1d', 'concat2d', 'concat3d', 'concat4d', 'grad', 'sparseToDense',
  'stringNGrams', 'stringSplit', 'stringToHashBucketFast', 'staticRegexReplace',
]);

export function acceptsStrings(op: string, arg: string): boolean {
  return STRING_OPS.has(op) && !(op === 'gather' && arg === 'indices');
}

/**
 * What TF.js says an op's argument must be when it is handed a string: ops that parse their
 * input as float32 or bool name that dtype (measured from TF.js's specs), the rest 'numeric'.
 */
const PARSE_AS: Record<string, string> = {
  ceil: 'float32', cos: 'float32', cosh: 'float32', elu: 'float32', floor: 'float32', log: 'float32', rsqrt: 'float32',
  sigmoid: 'float32', sin: 'float32', sqrt: 'float32', tan: 'float32', tanh: 'float32', all: 'bool', any: 'bool',
};

/** TF.js's error for a string tensor given to a numeric argument. */
export function notNumericError(op: string, arg: string): Error {
  return new Error(`Argument '${arg}' passed to '${op}' must be ${PARSE_AS[op] ?? 'numeric'} tensor, but got string tensor`);
}

/** True for a string, or (nested) arrays whose first leaf is a string. */
export function isStringLike(x: unknown): boolean {
  let v = x;
  while (Array.isArray(v)) v = v[0];
  return typeof v === 'string';
}

/** Shape and UTF-8 values of nested strings / Uint8Arrays; throws on ragged or non-string leaves. */
function flattenStrings(op: string, values: unknown): { shape: number[]; bytes: Uint8Array[] } {
  const shape: number[] = [];
  for (let v = values; Array.isArray(v); v = v[0]) shape.push(v.length);
  const bytes: Uint8Array[] = [];
  const walk = (v: unknown, dim: number): void => {
    if (dim < shape.length) {
      if (!Array.isArray(v) || v.length !== shape[dim]) {
        throw new Error(`${op}: ragged nested array of strings: expected length ${shape[dim]} at depth ${dim}`);
      }
      for (const e of v) walk(e, dim + 1);
    } else if (typeof v === 'string') bytes.push(utf8.encode(v));
    else if (v instanceof Uint8Array) bytes.push(v);
    else throw new Error(`${op}: a string tensor takes strings or Uint8Array bytes, got ${v === null ? 'null' : typeof v}`);
  };
  walk(values, 0);
  return { shape, bytes };
}

/** A string tensor from strings / Uint8Array[] bytes; a single value fills `shape` (TF.js). */
export function stringTensor(op: string, values: unknown, shape?: number[]): Tensor {
  const { shape: inferred, bytes } = flattenStrings(op, values);
  if (shape === undefined) return ENGINE.makeStringTensor(bytes, inferred);
  const need = sizeOf(shape);
  if (bytes.length === 1 && need !== 1) return ENGINE.makeStringTensor(new Array<Uint8Array>(need).fill(bytes[0]), shape);
  if (bytes.length !== need) throw new Error(`${op}: ${bytes.length} values do not fit shape ${fmtShape(shape)} (which needs ${need})`);
  // nested values must agree with the shape (TF.js): each nested dim matches, except that the
  // innermost nested dim may hold the remaining dims flattened
  inferred.forEach((d, i) => {
    const flatTail = i === inferred.length - 1 && d === sizeOf(shape.slice(i));
    if (d !== shape[i] && !flatTail) throw new Error(`${op}: values of shape ${fmtShape(inferred)} do not match shape ${fmtShape(shape)}`);
  });
  return ENGINE.makeStringTensor(bytes, shape);
}
