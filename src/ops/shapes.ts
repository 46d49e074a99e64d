/**
 * Shape-level ops (TF.js names): ensureShape (a checked identity), broadcastArgs (the broadcast
 * of two int32 shape vectors, computed on the host from their values) and meshgrid.
 */
import { ENGINE } from '../engine.js';
import { Tensor } from '../tensor.js';
import { fmtShape } from '../util.js';
import { hostValues, toTensor, type Input, op } from './operand.js';
import { broadcastTo, reshape } from './layout.js';

/**
 * Returns x when its shape matches `shape` (null entries match anything), else throws.
 * @example
 * ```js
 * tf.ensureShape(tf.ones([2, 3]), [null, 3]); // passes; [null, 4] would throw
 * ```
 */
export function ensureShape(x: Tensor, shape: Array<number | null>): Tensor {
  const t = toTensor(x, 'ensureShape', 'x');
  if (!Array.isArray(shape) || t.rank !== shape.length || shape.some((d, i) => d != null && d !== t.shape[i])) {
    if (t !== x) t.dispose();
    throw new Error(`EnsureShape: Shape of tensor ${fmtShape(t.shape)} is not compatible with expected shape [${shape}].`);
  }
  return t;
}

/**
 * Broadcast shape of two int32 shape vectors s0, s1 (TF.js broadcastArgs).
 * @example
 * ```js
 * tf.broadcastArgs(tf.tensor1d([2, 1], 'int32'), tf.tensor1d([3], 'int32')).print(); // [2, 3]
 * ```
 */
export const broadcastArgs = op('broadcastArgs', function broadcastArgs(s0: Input, s1: Input): Tensor {
  const a = toTensor(s0, 'broadcastArgs', 's0', 'int32');
  const b = toTensor(s1, 'broadcastArgs', 's1', 'int32');
  for (const [t, name] of [[a, 's0'], [b, 's1']] as const) {
    if (t.rank !== 1) throw new Error(`broadcastArgs(): first input must be a vector (rank=1). Has rank ${t.rank}`);
    if (t.dtype !== 'int32') throw new Error(`broadcastArgs(): ${name} must be int32, got ${t.dtype}`);
  }
  const av = hostValues('broadcastArgs', a);
  const bv = hostValues('broadcastArgs', b);
  const rank = Math.max(av.length, bv.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = av[av.length - rank + i] ?? 1;
    const db = bv[bv.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new Error(`Operands could not be broadcast together with shapes [${av}] and [${bv}].`);
    }
    out.push(da === 1 ? db : da);
  }
  return ENGINE.makeTensor(Int32Array.from(out), [rank], 'int32');
});

/**
 * Coordinate grids from 1-D inputs (higher-rank inputs are flattened). indexing 'xy' (default)
 * swaps the first two output dims, as NumPy does; 'ij' keeps input order.
 * @example
 * ```js
 * const [X, Y] = tf.meshgrid(tf.tensor([1, 2, 3]), tf.tensor([4, 5]));
 * X.shape; // [2, 3]
 * ```
 */
export function meshgrid(...args: unknown[]): Tensor[] {
  let opts: { indexing?: string } = {};
  const last = args[args.length - 1];
  if (args.length > 0 && last != null && typeof last === 'object' && !(last instanceof Tensor) && !Array.isArray(last) && !ArrayBuffer.isView(last)) {
    opts = args.pop() as { indexing?: string };
  }
  const indexing = opts.indexing ?? 'xy';
  if (indexing !== 'xy' && indexing !== 'ij') throw new Error(`meshgrid: indexing must be 'xy' or 'ij', got ${indexing}`);
  if (args.length === 0) return [];
  return op('meshgrid', () => {
    const flat = args.map((x, i) => {
      const t = toTensor(x as Input, 'meshgrid', `tensors[${i}]`);
      return reshape(t, [t.size]);
    });
    if (flat.length === 1) return flat;
    const sizes = flat.map((t) => t.size);
    const outShape = sizes.slice();
    if (indexing === 'xy') [outShape[0], outShape[1]] = [outShape[1], outShape[0]];
    const position = (i: number) => (indexing === 'xy' && i < 2 ? 1 - i : i);
    return flat.map((t, i) => broadcastTo(reshape(t, outShape.map((d, k) => (k === position(i) ? d : 1))), outShape));
  })();
}
