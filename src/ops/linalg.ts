/**
 * Linear-algebra ops composed from existing kernels (TF.js names): norm / euclideanNorm, diag,
 * outerProduct, and the `linalg` namespace's bandPart, gramSchmidt and qr (batched Householder
 * reflections as a few batched matMuls per column). Gradients come from the composed ops.
 */
import type { Tensor } from '../tensor.js';
import { fmtShape, normAxes, sizeOf } from '../util.js';
import { toTensor, type Input, op } from './operand.js';
import { broadcastTo, concat, reshape, slice, stack, unstack } from './layout.js';
import { max, min, sum } from './reduce.js';
import { abs, cast, neg, sqrt, square } from './unary.js';
import { div, greater, greaterEqual, lessEqual, logicalAnd, mul, sub, where } from './binary.js';
import { eye, range, zeros } from './creation.js';
import { matMul } from './matmul.js';

type Ord = number | 'euclidean' | 'fro';

function normOf(x: Tensor, ord: Ord, axis: number | number[] | null): Tensor {
  if (x.rank === 0) return abs(x);
  if (x.rank !== 1 && axis === null) return normOf(reshape(x, [x.size]), ord, null);
  const axes = axis === null ? null : Array.isArray(axis) ? axis : [axis];
  if (axes === null || axes.length === 1) {
    const ax = axes ?? undefined;
    if (ord === 1) return sum(abs(x), ax);
    if (ord === Infinity) return max(abs(x), ax);
    if (ord === -Infinity) return min(abs(x), ax);
    if (ord === 'euclidean' || ord === 2) return sqrt(sum(square(abs(x)), ax));
    throw new Error(`Error in norm: invalid ord value: ${ord}`);
  }
  if (axes.length === 2) {
    const [a0, a1] = axes;
    if (ord === 1) return max(sum(abs(x), a0), a1 - 1);
    if (ord === Infinity) return max(sum(abs(x), a1), a0);
    if (ord === -Infinity) return min(sum(abs(x), a1), a0);
    if (ord === 'fro' || ord === 'euclidean') return sqrt(sum(square(x), axes));
    throw new Error(`Error in norm: invalid ord value: ${ord}`);
  }
  throw new Error(`Error in norm: invalid axis: ${axis}`);
}

/**
 * Vector or matrix norm (TF.js `norm`): ord 1, 2/'euclidean', Infinity, -Infinity, 'fro'.
 * @example
 * ```js
 * tf.norm(tf.tensor([3, 4])).print(); // 5
 * ```
 */
export const norm = op('norm', function norm(x: Input, ord: Ord = 'euclidean', axis: number | number[] | null = null, keepDims = false): Tensor {
  const t = toTensor(x, 'norm', 'x');
  const n = normOf(t, ord, axis);
  if (!keepDims) return n;
  const axes = normAxes('norm', axis, t.rank);
  return reshape(n, t.shape.map((d, i) => (axes.includes(i) ? 1 : d)));
});

/**
 * The Euclidean (L2) norm over `axis` (all elements by default).
 * @example
 * ```js
 * tf.euclideanNorm(tf.tensor([3, 4])).print(); // 5
 * ```
 */
export const euclideanNorm = op('euclideanNorm', function euclideanNorm(x: Input, axis: number | number[] | null = null, keepDims = false): Tensor {
  return norm(x, 'euclidean', axis, keepDims);
});

/**
 * x.shape + x.shape with x's values on the diagonal and zeros elsewhere (TF.js `diag`).
 * @example
 * ```js
 * tf.diag(tf.tensor([1, 2])).print(); // [[1, 0], [0, 2]]
 * ```
 */
export const diag = op('diag', function diag(x: Input): Tensor {
  const t = toTensor(x, 'diag', 'x');
  const n = t.size;
  const picked = where(cast(eye(n), 'bool'), reshape(t, [n, 1]), zeros([], t.dtype));
  return reshape(picked, [...t.shape, ...t.shape]);
});

/**
 * v1 [m] x v2 [n] -> [m, n] (TF.js `outerProduct`).
 * @example
 * ```js
 * tf.outerProduct(tf.tensor([1, 2]), tf.tensor([3, 4])).print(); // [[3, 4], [6, 8]]
 * ```
 */
export const outerProduct = op('outerProduct', function outerProduct(v1: Input, v2: Input): Tensor {
  const a = toTensor(v1, 'outerProduct', 'v1');
  const b = toTensor(v2, 'outerProduct', 'v2');
  if (a.rank !== 1 || b.rank !== 1) {
    throw new Error(`Error in outerProduct: inputs must be rank 1, but got ranks ${a.rank} and ${b.rank}.`);
  }
  return matMul(reshape(a, [a.size, 1]), reshape(b, [1, b.size]));
});

function bandLimit(v: number | Tensor, name: 'numLower' | 'numUpper', dim: number): Tensor {
  if (typeof v === 'number') {
    if (v % 1 !== 0) throw new Error(`bandPart(): ${name} must be an integer, got ${v}.`);
    if (v > dim) throw new Error(`bandPart(): ${name} (${v}) must not be greater than the number of ${name === 'numLower' ? 'rows' : 'columns'} (${dim}).`);
    return toTensor(v < 0 ? dim : v, 'bandPart', name, 'int32');
  }
  const t = toTensor(v, 'bandPart', name);
  if (t.dtype !== 'int32') throw new Error(`bandPart(): ${name}'s dtype must be an int32.`);
  // A negative tensor bound keeps the whole triangle, as a negative number does.
  return where(greaterEqual(t, 0), t, dim);
}

/**
 * Keeps the band numLower below / numUpper above each inner matrix's diagonal (negative: all).
 * @example
 * ```js
 * tf.linalg.bandPart(tf.ones([3, 3]), 0, -1).print(); // upper triangle of ones
 * ```
 */
export const bandPart = op('bandPart', function bandPart(a: Input, numLower: number | Tensor, numUpper: number | Tensor): Tensor {
  const t = toTensor(a, 'bandPart', 'a');
  if (t.rank < 2) throw new Error(`bandPart(): Rank must be at least 2, got ${t.rank}.`);
  const [M, N] = t.shape.slice(-2);
  const lower = bandLimit(numLower, 'numLower', M);
  const upper = bandLimit(numUpper, 'numUpper', N);
  const offset = sub(reshape(range(0, M, 1, 'int32'), [M, 1]), range(0, N, 1, 'int32')); // i - j
  const inBand = logicalAnd(lessEqual(offset, lower), lessEqual(neg(offset), upper));
  return where(broadcastTo(inBand, t.shape), t, zeros([], t.dtype));
});

/**
 * Orthonormalises a list of vectors (or a matrix's rows) in order (TF.js linalg.gramSchmidt).
 * @example
 * ```js
 * tf.linalg.gramSchmidt(tf.tensor2d([[1, 1], [1, 0]])).print(); // orthonormal rows
 * ```
 */
export function gramSchmidt(xs: Tensor[] | Tensor): Tensor[] | Tensor {
  const isList = Array.isArray(xs);
  if (isList) {
    if (xs.length === 0) throw new Error('Gram-Schmidt process: input must not be null, undefined, or empty');
    const dim = xs[0].shape[0];
    for (let i = 1; i < xs.length; i++) {
      if (xs[i].shape[0] !== dim) {
        throw new Error(`Gram-Schmidt: Non-unique lengths found in the input vectors: (${xs[i].shape[0]} vs. ${dim})`);
      }
    }
  } else if (xs == null || xs.rank !== 2) {
    throw new Error(`Gram-Schmidt process: input must be a non-empty list of 1-D tensors or a 2-D tensor, got ${xs == null ? xs : fmtShape(xs.shape)}`);
  }
  const vs = isList ? xs : null;
  const count = vs ? vs.length : (xs as Tensor).shape[0];
  const dim = vs ? vs[0].shape[0] : (xs as Tensor).shape[1];
  if (count > dim) throw new Error(`Gram-Schmidt: Number of vectors (${count}) exceeds number of dimensions (${dim}).`);
  return op('gramSchmidt', () => {
    const inputs = vs ?? unstack(xs as Tensor, 0);
    const ys: Tensor[] = [];
    for (const x0 of inputs) {
      let x = x0;
      for (const y of ys) x = sub(x, mul(sum(mul(y, x)), y));
      ys.push(div(x, norm(x, 'euclidean')));
    }
    return isList ? ys : stack(ys, 0);
  })();
}

/**
 * QR decomposition of every inner [m, n] matrix by Householder reflections (TF.js linalg.qr):
 * q [.., m, m] and r [.., m, n] with fullMatrices, else q [.., m, k] and r [.., k, n], k = min(m, n).
 * Each reflection sends column j's tail v to alpha * e1 with alpha = -sign(v0) * |v| (0 counts as +).
 * @example
 * ```js
 * const [q, r] = tf.linalg.qr(tf.tensor2d([[1, 2], [3, 4]]));
 * ```
 */
export const qr = op('qr', function qr(x: Input, fullMatrices = false): [Tensor, Tensor] {
  const t = toTensor(x, 'qr', 'x');
  if (t.rank < 2) throw new Error(`qr() requires input tensor to have a rank >= 2, but got rank ${t.rank}`);
  const batchShape = t.shape.slice(0, -2);
  const [m, n] = t.shape.slice(-2);
  const B = sizeOf(batchShape);
  let r = reshape(t.dtype === 'float32' ? t : cast(t, 'float32'), [B, m, n]);
  let q = broadcastTo(eye(m), [B, m, m]);
  for (let j = 0; j < Math.min(m, n); j++) {
    const v = slice(r, [0, j, j], [B, m - j, 1]);
    const v0 = slice(v, [0, 0, 0], [B, 1, 1]);
    const alpha = mul(where(greater(v0, 0), -1, 1), sqrt(sum(square(v), 1, true)));
    const u = m - j > 1 ? concat([sub(v0, alpha), slice(v, [0, 1, 0], [B, m - j - 1, 1])], 1) : sub(v0, alpha);
    const uu = sum(square(u), 1, true);
    const nonZero = greater(uu, 0);
    const f = where(nonZero, div(2, where(nonZero, uu, 1)), 0); // H = I - f u u^T (identity when u = 0)
    const rTail = slice(r, [0, j, 0], [B, m - j, n]);
    const rNew = sub(rTail, mul(mul(u, f), matMul(u, rTail, true, false)));
    r = j === 0 ? rNew : concat([slice(r, [0, 0, 0], [B, j, n]), rNew], 1);
    const qTail = slice(q, [0, 0, j], [B, m, m - j]);
    const qNew = sub(qTail, mul(matMul(qTail, u), mul(reshape(u, [B, 1, m - j]), f)));
    q = j === 0 ? qNew : concat([slice(q, [0, 0, 0], [B, m, j]), qNew], 2);
  }
  r = bandPart(r, 0, -1);
  if (!fullMatrices && m > n) {
    q = slice(q, [0, 0, 0], [B, m, n]);
    r = slice(r, [0, 0, 0], [B, n, n]);
  }
  return [reshape(q, [...batchShape, ...q.shape.slice(1)]), reshape(r, [...batchShape, ...r.shape.slice(1)])];
});
