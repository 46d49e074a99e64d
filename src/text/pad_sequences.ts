/**
 * `tf.text.padSequences`: Keras's `pad_sequences`. Pads (or truncates) integer sequences to one
 * length and returns them as a [sequences, maxlen] tensor, int32 unless asked otherwise.
 * Defaults follow Keras: padding and truncating both 'pre', value 0, maxlen the longest sequence.
 */
import { tensor2d } from '../ops/creation.js';
import type { Tensor } from '../tensor.js';

/**
 * Options of `tf.text.padSequences`: maxlen, dtype, padding and truncating ('pre' | 'post'), value.
 */
export interface PadSequencesArgs {
  /** Length of every output row; the longest sequence when omitted. */
  maxlen?: number | null;
  dtype?: 'int32' | 'float32';
  /** Where the padding goes: before ('pre', the default) or after ('post') each sequence. */
  padding?: 'pre' | 'post';
  /** Which end of a longer sequence is cut: its start ('pre', the default) or its end ('post'). */
  truncating?: 'pre' | 'post';
  /** The padding value. */
  value?: number;
}

/**
 * Pads sequences to the same length, as Keras's `pad_sequences`.
 *
 * ```js
 * tf.text.padSequences([[1], [2, 3], [4, 5, 6]]).print();
 * // [[0, 0, 1], [0, 2, 3], [4, 5, 6]]
 * ```
 */
export function padSequences(sequences: ArrayLike<number>[], args: PadSequencesArgs = {}): Tensor {
  if (!Array.isArray(sequences)) throw new Error(`padSequences: sequences must be an array of number arrays, got ${typeof sequences}`);
  const known = new Set(['maxlen', 'dtype', 'padding', 'truncating', 'value']);
  for (const k of Object.keys(args ?? {})) if (!known.has(k)) throw new Error(`padSequences: unrecognized option '${k}'`);
  const { padding = 'pre', truncating = 'pre', value = 0, dtype = 'int32' } = args;
  if (padding !== 'pre' && padding !== 'post') throw new Error(`padSequences: padding type '${padding}' not understood; expected 'pre' or 'post'`);
  if (truncating !== 'pre' && truncating !== 'post') throw new Error(`padSequences: truncating type '${truncating}' not understood; expected 'pre' or 'post'`);
  if (dtype !== 'int32' && dtype !== 'float32') throw new Error(`padSequences: dtype must be 'int32' or 'float32', got '${dtype}'`);
  if (typeof value !== 'number' || (Number.isNaN(value) && dtype === 'int32')) throw new Error(`padSequences: value must be a number${dtype === 'int32' ? ' (not NaN for int32)' : ''}, got ${value}`);
  sequences.forEach((s, i) => {
    if (s == null || typeof s.length !== 'number' || typeof s === 'string') throw new Error(`padSequences: sequences[${i}] must be an array of numbers, got ${JSON.stringify(s)}`);
    for (let j = 0; j < s.length; j++)
      if (typeof s[j] !== 'number') throw new Error(`padSequences: sequences[${i}][${j}] must be a number, got ${JSON.stringify(s[j])}`);
  });
  let maxlen = args.maxlen ?? null;
  if (maxlen === null) maxlen = sequences.reduce((m, s) => Math.max(m, s.length), 0);
  else if (!Number.isInteger(maxlen) || maxlen < 0) throw new Error(`padSequences: maxlen must be a non-negative integer, got ${maxlen}`);
  const rows = sequences.length;
  const out = dtype === 'int32' ? new Int32Array(rows * maxlen) : new Float32Array(rows * maxlen);
  out.fill(value);
  sequences.forEach((s, r) => {
    const n = Math.min(s.length, maxlen!);
    const from = truncating === 'pre' ? s.length - n : 0; // keep the last n, or the first n
    const to = padding === 'pre' ? maxlen! - n : 0;
    for (let j = 0; j < n; j++) out[r * maxlen! + to + j] = s[from + j];
  });
  return tensor2d(out, [rows, maxlen], dtype);
}
