/**
 * tensor.toString() / print() in TF.js's layout: "Tensor" then the values nested in brackets,
 * one row of the last dimension per line, the columns of a matrix padded to a common width,
 * and dimensions longer than 20 shown as their first and last three entries around "...".
 * `verbose` adds dtype, rank and shape lines.
 */
const MAX_SHOWN = 20;
const EDGE = 3;
const DIGITS = 7;

type Values = ArrayLike<number> | readonly string[];

function num(v: number): string {
  return String(parseFloat(v.toFixed(DIGITS)));
}

/** complex64 data is interleaved [re0, im0, re1, im1, ...]; each element prints as "re + imj". */
function complexCells(vals: ArrayLike<number>): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < vals.length; i += 2) out.push(`${num(vals[i])} + ${num(vals[i + 1])}j`);
  return out;
}

function cell(v: number | string, dtype: string): string {
  if (dtype === 'complex64') return v as string; // already "re + imj" (see complexCells)
  if (typeof v === 'string') return `'${v}'`;
  if (dtype === 'bool') return v === 0 ? 'false' : 'true';
  return num(v);
}

/** Width of each column of the last dimension over every row (matrices and up only). */
function columnWidths(vals: Values, shape: number[], dtype: string): number[] {
  if (shape.length < 2) return [];
  const cols = shape[shape.length - 1];
  const widths = new Array<number>(cols).fill(0);
  for (let i = 0; i < vals.length; i++) widths[i % cols] = Math.max(widths[i % cols], cell(vals[i], dtype).length);
  return widths;
}

/** Indices shown along a dimension of size n, with -1 standing for the "..." gap. */
function shown(n: number): number[] {
  if (n <= MAX_SHOWN) return Array.from({ length: n }, (_, i) => i);
  return [...Array.from({ length: EDGE }, (_, i) => i), -1, ...Array.from({ length: EDGE }, (_, i) => n - EDGE + i)];
}

function lines(vals: Values, shape: number[], dtype: string, widths: number[], isLast: boolean): string[] {
  const rank = shape.length;
  if (rank === 0) return [dtype === 'bool' || dtype === 'complex64' ? cell(vals[0], dtype) : String(vals[0])];
  const n = shape[0];
  if (rank === 1) {
    const parts = shown(n).map((i) => (i < 0 ? '...' : cell(vals[i], dtype).padEnd(widths[i] ?? 0)));
    return [`[${parts.join(', ')}]`];
  }
  const rowSize = vals.length / Math.max(n, 1);
  const out: string[] = [];
  for (const i of shown(n)) {
    if (i < 0) {
      out.push('...');
      continue;
    }
    const sub = (vals as ArrayLike<unknown> & { slice(a: number, b: number): Values }).slice(i * rowSize, (i + 1) * rowSize);
    out.push(...lines(sub, shape.slice(1), dtype, widths, i === n - 1));
  }
  const sep = rank === 2 ? ',' : '';
  if (n === 0) out.push('[');
  else out[0] = '[' + out[0] + sep;
  for (let k = 1; k < out.length - 1; k++) out[k] = ' ' + out[k] + sep;
  // The closing line is indented like the others, even when it is also the opening one.
  const end = isLast ? '' : ',\n' + '\n'.repeat(rank - 2);
  out[out.length - 1] = ' ' + out[out.length - 1] + ']' + end;
  return out;
}

export function formatTensor(data: Values, shape: number[], dtype: string, verbose = false): string {
  const vals: Values = dtype === 'complex64' ? complexCells(data as ArrayLike<number>) : data;
  const head = ['Tensor'];
  if (verbose) head.push(`  dtype: ${dtype}`, `  rank: ${shape.length}`, `  shape: [${shape}]`, '  values:');
  const body = lines(vals, shape, dtype, columnWidths(vals, shape, dtype), true).map((l) => '    ' + l).join('\n');
  return [...head, body].join('\n');
}

/**
 * TF.js `tf.print(x, verbose?)`: console.log of x's formatted values.
 * @example
 * ```js
 * tf.print(tf.tensor([1, 2, 3]));
 * ```
 */
export function print(x: { toString(verbose?: boolean): string }, verbose = false): void {
  console.log(x.toString(verbose));
}
