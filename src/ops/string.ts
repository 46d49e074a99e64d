/**
 * The string namespace (TF.js `tf.string`): stringNGrams, stringSplit, stringToHashBucketFast,
 * staticRegexReplace. Host ops, as in TF.js's cpu backend: string tensors live on the host on
 * every backend (src/host_dtypes.ts), so these read and write the UTF-8 bytes directly; their
 * numeric outputs (splits, indices, buckets) are written to the active backend.
 */
import { ENGINE } from '../engine.js';
import { decodeStrings, type Tensor } from '../tensor.js';
import { fmtShape } from '../util.js';
import { fingerprint64 } from './farmhash.js';
import { hostValues, op, toTensor, type Input } from './operand.js';

const utf8 = new TextEncoder();

function stringInput(x: Input, op: string, arg: string): Tensor {
  const t = toTensor(x, op, arg, 'string');
  if (t.dtype !== 'string') throw new Error(`${op}: argument '${arg}' must be a string tensor, got ${t.dtype}`);
  return t;
}

function join(parts: Uint8Array[], sep: Uint8Array): Uint8Array {
  const size = parts.reduce((n, p) => n + p.length, 0) + sep.length * Math.max(parts.length - 1, 0);
  const out = new Uint8Array(size);
  let at = 0;
  parts.forEach((p, i) => {
    if (i > 0) {
      out.set(sep, at);
      at += sep.length;
    }
    out.set(p, at);
    at += p.length;
  });
  return out;
}

/**
 * N-grams of a ragged batch of tokens (`data` split into rows by `dataSplits`). Each row is
 * padded with `padWidth` copies of leftPad / rightPad (padWidth < 0: nGramWidth - 1, never more
 * than nGramWidth - 1) and every window of each width is joined with `separator`.
 */
function stringNGrams_(
  data: Input, dataSplits: Input, separator: string, nGramWidths: number[], leftPad: string, rightPad: string,
  padWidth: number, preserveShortSequences: boolean,
): { nGrams: Tensor; nGramsSplits: Tensor } {
  const d = toTensor(data, 'stringNGrams', 'data', 'string');
  if (d.dtype !== 'string') throw new Error('Data must be of datatype string');
  if (d.rank !== 1) throw new Error(`Data must be a vector, saw: ${d.shape}`);
  const s = toTensor(dataSplits, 'stringNGrams', 'dataSplits', 'int32');
  if (s.dtype !== 'int32') throw new Error('Data splits must be of datatype int32');
  if (nGramWidths.some((w) => !Number.isInteger(w) || w < 1)) throw new Error(`stringNGrams: nGramWidths must be positive integers, got [${nGramWidths}]`);
  const tokens = d.record.strings!;
  const splits = hostValues('stringNGrams', s);
  if (splits.length > 0) {
    if (splits[0] !== 0) throw new Error(`First split value must be 0, got ${splits[0]}`);
    for (let i = 1; i < splits.length; i++) {
      if (splits[i] < splits[i - 1] || splits[i] > tokens.length) {
        throw new Error(`Invalid split value ${splits[i]}, must be in [${splits[i - 1]}, ${tokens.length}]`);
      }
    }
    if (splits[splits.length - 1] !== tokens.length) {
      throw new Error(`Last split value must be data size. Expected ${tokens.length}, got ${splits[splits.length - 1]}`);
    }
  }
  const sep = utf8.encode(separator);
  const left = utf8.encode(leftPad);
  const right = utf8.encode(rightPad);
  const rows = Math.max(splits.length - 1, 0);
  const nGrams: Uint8Array[] = [];
  const outSplits = new Int32Array(splits.length);
  /** Every width-w window over [p x leftPad, ...row, p x rightPad]. */
  const windows = (row: Uint8Array[], w: number, p: number) => {
    const padded = [...new Array<Uint8Array>(p).fill(left), ...row, ...new Array<Uint8Array>(p).fill(right)];
    for (let start = 0; start + w <= padded.length; start++) nGrams.push(join(padded.slice(start, start + w), sep));
  };
  for (let r = 0; r < rows && tokens.length > 0; r++) {
    const row = tokens.slice(splits[r], splits[r + 1]);
    const before = nGrams.length;
    for (const w of nGramWidths) windows(row, w, Math.min(padWidth < 0 ? w - 1 : padWidth, w - 1));
    // a non-empty row too short for every width still gives one n-gram spanning it, when asked
    if (preserveShortSequences && row.length > 0 && nGrams.length === before) windows(row, row.length + 2 * padWidth, padWidth);
    outSplits[r + 1] = nGrams.length;
  }
  return {
    nGrams: ENGINE.makeStringTensor(nGrams, [nGrams.length]),
    nGramsSplits: ENGINE.makeTensor(outSplits, [outSplits.length], 'int32'),
  };
}

/** Bytes of `str` split at `delimiters` (each byte a delimiter; empty: every byte apart). */
function splitBytes(str: Uint8Array, delimiters: Uint8Array, skipEmpty: boolean, out: Uint8Array[]): void {
  if (str.length === 0) return;
  if (delimiters.length === 0) {
    for (let i = 0; i < str.length; i++) out.push(str.subarray(i, i + 1));
    return;
  }
  let start = 0;
  for (let i = 0; i <= str.length; i++) {
    if (i === str.length || delimiters.includes(str[i])) {
      if (!skipEmpty || i > start) out.push(str.slice(start, i));
      start = i + 1;
    }
  }
}

/**
 * Split each string of a 1-D tensor at any byte of `delimiter`; a sparse result as TF.js:
 * indices [n, 2] int32 (row, position), values [n] string, shape [rows, longest row] int32.
 */
function stringSplit_(input: Input, delimiter: Input, skipEmpty = true): { indices: Tensor; values: Tensor; shape: Tensor } {
  const x = stringInput(input, 'stringSplit', 'input');
  const delim = stringInput(delimiter, 'stringSplit', 'delimiter');
  if (x.rank !== 1) throw new Error(`Input should be Tensor1D but received shape ${x.shape}`);
  if (delim.rank !== 0) throw new Error(`Delimiter should be a scalar but received shape ${delim.shape}`);
  const delimiters = delim.record.strings![0];
  const values: Uint8Array[] = [];
  const indices: number[] = [];
  let longest = 0;
  x.record.strings!.forEach((str, row) => {
    const before = values.length;
    splitBytes(str, delimiters, skipEmpty, values);
    for (let j = 0; j < values.length - before; j++) indices.push(row, j);
    longest = Math.max(longest, values.length - before);
  });
  return {
    indices: ENGINE.makeTensor(Int32Array.from(indices), [values.length, 2], 'int32'),
    values: ENGINE.makeStringTensor(values, [values.length]),
    shape: ENGINE.makeTensor(Int32Array.from([x.size, longest]), [2], 'int32'),
  };
}

/** Fingerprint64(string) mod numBuckets, int32, same shape (TF.js / TensorFlow's fast string hash). */
function stringToHashBucketFast_(input: Input, numBuckets: number): Tensor {
  const x = stringInput(input, 'stringToHashBucketFast', 'input');
  if (!(numBuckets >= 1)) throw new Error('Number of buckets must be at least 1');
  const buckets = BigInt(Math.floor(numBuckets));
  const out = Int32Array.from(x.record.strings!, (b) => Number(fingerprint64(b) % buckets));
  return ENGINE.makeTensor(out, x.shape, 'int32');
}

/** JS RegExp replace on every element (`replaceGlobal`: all matches, else the first). */
function staticRegexReplace_(input: Input, pattern: string, rewrite: string, replaceGlobal = true): Tensor {
  const x = stringInput(input, 'staticRegexReplace', 'input');
  const re = new RegExp(pattern, replaceGlobal ? 'g' : '');
  const out = decodeStrings(x.record.strings!).map((v) => utf8.encode(v.replace(re, rewrite)));
  if (out.length !== x.size) throw new Error(`staticRegexReplace: internal size mismatch for ${fmtShape(x.shape)}`);
  return ENGINE.makeStringTensor(out, x.shape);
}

// op(): operands made from JS arrays inside are disposed when each returns
/**
 * Builds n-grams from ragged string sequences (`data` split by `dataSplits`), joined by `separator`.
 * @example
 * ```js
 * const { nGrams } = tf.string.stringNGrams(tf.tensor(['a', 'b', 'c']), tf.tensor([0, 3], [2], 'int32'), '|', [2], '', '', 0, false);
 * ```
 */
export const stringNGrams = op('stringNGrams', stringNGrams_);
/**
 * Splits each string by `delimiter`, as a sparse result {indices, values, shape}.
 * @example
 * ```js
 * const { values } = tf.string.stringSplit(tf.tensor(['a b', 'c']), ' ');
 * values.print(); // ['a', 'b', 'c']
 * ```
 */
export const stringSplit = op('stringSplit', stringSplit_);
/**
 * Hashes each string to an int32 bucket in [0, numBuckets).
 * @example
 * ```js
 * tf.string.stringToHashBucketFast(tf.tensor(['cat', 'dog']), 10).print();
 * ```
 */
export const stringToHashBucketFast = op('stringToHashBucketFast', stringToHashBucketFast_);
/**
 * Replaces `pattern` matches in each string with `rewrite`.
 * @example
 * ```js
 * tf.string.staticRegexReplace(tf.tensor(['a-b-c']), '-', '+').print(); // ['a+b+c']
 * ```
 */
export const staticRegexReplace = op('staticRegexReplace', staticRegexReplace_);
