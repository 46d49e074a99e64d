/**
 * matMul(a, b, transposeA, transposeB) for rank >= 2 with broadcast batch dims, and the shared
 * `runMatMul` that fused.matMul uses to put bias + activation into the kernel's epilogue.
 * Batch broadcasting that a single batch stride cannot express is materialised first.
 */
import { Activation } from '../backends/kernels.js';
import { ENGINE } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { broadcastShapes, fmtShape, shapesEqual, sizeOf } from '../util.js';
import { runOp, toTensor, upcastDtype, type Input, op } from './operand.js';
import { broadcastTo, reshape } from './layout.js';
import { reduceTo } from './binary.js';
import { recordGradient, registerGradient } from './gradients.js';

export interface MatMulEpilogue {
  bias?: Tensor;
  activation?: number;
  alpha?: number;
  prelu?: Tensor;
}

/** Validate, plan batch strides and run the matMul kernel. Records no gradient. */
export function runMatMul(op: string, a: Tensor, b: Tensor, transposeA: boolean, transposeB: boolean, epi: MatMulEpilogue = {}): Tensor {
  if (a.rank < 2 || b.rank < 2) {
    throw new Error(`${op}: both inputs must have rank >= 2, got a ${fmtShape(a.shape)} and b ${fmtShape(b.shape)}`);
  }
  const M = transposeA ? a.shape[a.rank - 1] : a.shape[a.rank - 2];
  const Ka = transposeA ? a.shape[a.rank - 2] : a.shape[a.rank - 1];
  const Kb = transposeB ? b.shape[b.rank - 1] : b.shape[b.rank - 2];
  const N = transposeB ? b.shape[b.rank - 2] : b.shape[b.rank - 1];
  if (Ka !== Kb) {
    throw new Error(`${op}: inner dimensions must match: a ${fmtShape(a.shape)}${transposeA ? ' (transposed)' : ''} has ${Ka}, b ${fmtShape(b.shape)}${transposeB ? ' (transposed)' : ''} has ${Kb}`);
  }
  let batchShape: number[];
  try {
    batchShape = broadcastShapes(op, a.shape.slice(0, -2), b.shape.slice(0, -2));
  } catch {
    throw new Error(`${op}: batch dimensions of a ${fmtShape(a.shape)} and b ${fmtShape(b.shape)} cannot be broadcast together`);
  }
  const batch = sizeOf(batchShape);
  const operand = (t: Tensor): { t: Tensor; stride: number } => {
    const tb = t.shape.slice(0, -2);
    const mat = t.shape[t.rank - 2] * t.shape[t.rank - 1];
    if (sizeOf(tb) === 1) return { t, stride: 0 };
    const padded = [...new Array(batchShape.length - tb.length).fill(1), ...tb];
    if (shapesEqual(padded, batchShape)) return { t, stride: mat };
    return { t: ENGINE.noGrad(() => broadcastTo(t, [...batchShape, ...t.shape.slice(-2)])), stride: mat };
  };
  const A = operand(a);
  const B = operand(b);
  const inputs = [A.t, B.t];
  if (epi.bias) inputs.push(epi.bias);
  if (epi.prelu) inputs.push(epi.prelu);
  const out = runOp('matMul', inputs, [...batchShape, M, N], upcastDtype(a.dtype, b.dtype) === 'float32' ? 'float32' : 'int32', {
    batch, M, N, K: Ka, transposeA, transposeB,
    aBatchStride: A.stride, bBatchStride: B.stride,
    hasBias: !!epi.bias, biasSize: epi.bias ? epi.bias.size : 0,
    activation: epi.activation ?? Activation.linear, alpha: epi.alpha ?? 0,
    preluSize: epi.prelu ? epi.prelu.size : 0,
  });
  if (A.t !== a) A.t.dispose();
  if (B.t !== b) B.t.dispose();
  return out;
}

/**
 * Gradients of y = op(a) @ op(b) w.r.t. a and b, summed over broadcast batch dims; one that
 * `wanted` marks false is skipped (null).
 */
function matMulGrads(a: Tensor, b: Tensor, transposeA: boolean, transposeB: boolean, dy: Tensor,
  wanted: boolean[] = [true, true]): [Tensor | null, Tensor | null] {
  const da = () => {
    if (!transposeA) return transposeB ? matMul(dy, b, false, false) : matMul(dy, b, false, true);
    return transposeB ? matMul(b, dy, true, true) : matMul(b, dy, false, true);
  };
  const db = () => {
    if (!transposeB) return transposeA ? matMul(a, dy, false, false) : matMul(a, dy, true, false);
    return transposeA ? matMul(dy, a, true, true) : matMul(dy, a, true, false);
  };
  return [wanted[0] === false ? null : reduceTo(da(), a.shape), wanted[1] === false ? null : reduceTo(db(), b.shape)];
}

/** matMul's transposes: the attrs its registered gradient reads. */
export interface MatMulGradAttrs {
  transposeA: boolean;
  transposeB: boolean;
}
registerGradient<MatMulGradAttrs>('matMul', (dy, [a, b], _y, { transposeA, transposeB }, wanted) => matMulGrads(a, b, transposeA, transposeB, dy, wanted));

/**
 * Matrix product of `a` and `b` (batched over leading dims), optionally transposing either.
 * @example
 * ```js
 * tf.matMul(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor2d([[5], [6]])).print(); // [[17], [39]]
 * ```
 */
export const matMul = op('matMul', function matMul(a: Input, b: Input, transposeA = false, transposeB = false): Tensor {
  const ta = toTensor(a, 'matMul', 'a');
  const tb = toTensor(b, 'matMul', 'b');
  const y = runMatMul('matMul', ta, tb, transposeA, transposeB);
  if (y.dtype === 'float32') {
    recordGradient<MatMulGradAttrs>('matMul', [ta, tb], y, { transposeA, transposeB });
  }
  return y;
});

/**
 * Dot product of vectors / matrix-vector / matrix-matrix (TF.js `dot`).
 * @example
 * ```js
 * tf.dot(tf.tensor([1, 2, 3]), tf.tensor([4, 5, 6])).print(); // 32
 * ```
 */
export const dot = op('dot', function dot(a: Input, b: Input): Tensor {
  const ta = toTensor(a, 'dot', 't1');
  const tb = toTensor(b, 'dot', 't2');
  if (ta.rank > 2 || tb.rank > 2 || ta.rank === 0 || tb.rank === 0) {
    throw new Error(`dot: inputs must be rank 1 or 2, got ${fmtShape(ta.shape)} and ${fmtShape(tb.shape)}`);
  }
  const a2 = ta.rank === 1 ? reshape(ta, [1, ta.size]) : ta;
  const b2 = tb.rank === 1 ? reshape(tb, [tb.size, 1]) : tb;
  const y = matMul(a2, b2);
  const outShape = [...(ta.rank === 2 ? [ta.shape[0]] : []), ...(tb.rank === 2 ? [tb.shape[1]] : [])];
  return reshape(y, outShape);
});
