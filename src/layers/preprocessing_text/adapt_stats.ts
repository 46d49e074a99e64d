/**
 * The statistics the preprocessing layers' async `adapt(data)` learns, read batch by batch on the host
 * (adapt_data.ts): the tokenized documents of TextVectorization, token counts for StringLookup /
 * IntegerLookup (index_lookup.ts) and per-feature mean and variance for Normalization (feature_normalization.ts). The layers keep their state; this code loads
 * on the first adapt() with the other async-only modules (src/async_parts.ts).
 */
import { forEachAdaptBatch, type AdaptInput } from './adapt_data.js';

/** Every batch's documents, as `tokenize(values, shape)` splits them (TextVectorization). */
export async function adaptDocuments(
  op: string, data: AdaptInput, tokenize: (values: ArrayLike<number> | string[], shape: number[]) => string[][],
): Promise<string[][]> {
  const docs: string[][] = [];
  await forEachAdaptBatch(op, data, ({ values, shape }) => {
    for (const d of tokenize(values, shape)) docs.push(d);
  });
  return docs;
}

/**
 * Occurrences of each token in `data` (`special` ones, the mask and OOV tokens, left out) and, with
 * `perDocument`, the number of documents (rows) and how many of them hold each token (for tfIdf).
 */
export async function countAdaptTokens<T>(
  op: string, data: AdaptInput, check: (t: unknown) => void, special: (t: T) => boolean, perDocument: boolean,
): Promise<{ counts: Map<T, number>; docCounts: Map<T, number>; documents: number }> {
  const counts = new Map<T, number>();
  const docCounts = new Map<T, number>();
  let documents = 0;
  await forEachAdaptBatch(op, data, ({ values, shape }) => {
    const n = values.length;
    const perDoc = shape.length <= 1 ? 1 : n / Math.max(1, shape[0]);
    for (let i = 0; i < n; i++) {
      const t = values[i] as T;
      check(t);
      if (!special(t)) counts.set(t, (counts.get(t) ?? 0) + 1);
    }
    if (perDocument) {
      for (let d = 0; d * perDoc < n; d++) {
        documents++;
        const uniq = new Set<T>();
        for (let i = d * perDoc; i < (d + 1) * perDoc; i++) uniq.add(values[i] as T);
        for (const t of uniq) if (!special(t)) docCounts.set(t, (docCounts.get(t) ?? 0) + 1);
      }
    }
  });
  return { counts, docCounts, documents };
}

/**
 * Mean and variance of `data` over every axis but the kept ones (float64 sums of each value less the
 * first value of its group, so they stay well conditioned), with the number of values per group.
 * `layout(firstShape)` sets the layer up for the first batch's shape and gives the kept axes and the
 * statistics' shape; `name` is the layer's, for the errors.
 */
export async function adaptMoments(
  name: string, data: AdaptInput, layout: (shape: number[]) => { keptAxes: number[]; statShape: number[] },
): Promise<{ mean: number[]; variance: number[]; count: number }> {
  let sum: Float64Array | null = null;
  let sumSq: Float64Array | null = null;
  let shift: Float64Array | null = null;
  let count = 0;
  let first: number[] | null = null;
  let keptAxes: number[] = [];
  let statShape: number[] = [];
  await forEachAdaptBatch('normalization', data, ({ values, shape }) => {
    if (values.length > 0 && typeof values[0] === 'string') throw new Error(`${name}: normalization adapts to numbers, got strings`);
    if (!first) {
      first = shape;
      ({ keptAxes, statShape } = layout(shape));
    }
    if (shape.length !== first.length || keptAxes.some((a) => shape[a] !== first![a]))
      throw new Error(`${name}: normalization adapt batches must agree on the kept axes; got shapes [${first}] and [${shape}]`);
    const groups = statShape.reduce((a, b) => a * b, 1);
    sum ??= new Float64Array(groups);
    sumSq ??= new Float64Array(groups);
    shift ??= new Float64Array(groups).fill(NaN);
    const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
    const keptStrides = keptAxes.map((_, k) => statShape.slice(k + 1).reduce((a, b) => a * b, 1));
    for (let i = 0; i < values.length; i++) {
      let g = 0;
      keptAxes.forEach((a, k) => {
        g += (Math.floor(i / strides[a]) % shape[a]) * keptStrides[k];
      });
      if (Number.isNaN(shift[g])) shift[g] = values[i] as number;
      const v = (values[i] as number) - shift[g];
      sum[g] += v;
      sumSq[g] += v * v;
    }
    count += groups === 0 ? 0 : values.length / groups;
  });
  if (!sum || count === 0) throw new Error(`${name}: normalization adapt got no data`);
  const sums = sum as Float64Array;
  const squares = sumSq as unknown as Float64Array;
  const shifts = shift as unknown as Float64Array;
  const mean = Array.from(sums, (s, g) => shifts[g] + s / count);
  const variance = Array.from(squares, (s, g) => Math.max(0, s / count - (sums[g] / count) ** 2));
  return { mean, variance, count };
}
