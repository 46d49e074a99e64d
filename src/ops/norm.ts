/**
 * Normalization ops: batchNorm and moments with TF.js names and argument orders (composed from
 * core ops, so their gradients come from those ops), and layerNorm over the last axis, which
 * runs the fused layerNorm kernel. The layerNorm gradient is one layerNormBackprop kernel call:
 * dx and, with the paramGrads attr, dgamma = sum over rows of dy * xhat, dbeta = sum over rows of dy.
 */
import { ENGINE } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { broadcastShapes, fmtShape, normAxes } from '../util.js';
import { runOp, toTensor, type Input } from './operand.js';
import { add, mul, sub } from './binary.js';
import { ones, zeros } from './creation.js';
import { reshape } from './layout.js';
import { mean } from './reduce.js';
import { rsqrt, square } from './unary.js';
import { assertFloat32, composite } from './conv_util.js';

/** Longest row the fused layerNorm kernel takes; longer rows use composed ops. */
const LAYER_NORM_MAX_COLS = 8192;

/**
 * TF.js batchNorm(x, mean, variance, offset?, scale?, varianceEpsilon = 0.001):
 * (x - mean) * scale / sqrt(variance + eps) + offset, all broadcast against x.
 * @example
 * ```js
 * tf.batchNorm(tf.tensor([1, 3]), tf.tensor([2]), tf.tensor([1])).print(); // [-1, 1] (epsilon aside)
 * ```
 */
export function batchNorm(
  x: Input, mean: Input, variance: Input, offset?: Input | null, scale?: Input | null, varianceEpsilon = 0.001,
): Tensor {
  return composite(() => {
    const op = 'batchNorm';
    const tx = toTensor(x, op, 'x');
    const tm = toTensor(mean, op, 'mean');
    const tv = toTensor(variance, op, 'variance');
    const to = offset == null ? null : toTensor(offset, op, 'offset');
    const ts = scale == null ? null : toTensor(scale, op, 'scale');
    assertFloat32(op, tx, 'x');
    if (!(varianceEpsilon >= 0)) throw new Error(`${op}: varianceEpsilon must be >= 0, got ${varianceEpsilon}`);
    const named: [string, Tensor | null][] = [['mean', tm], ['variance', tv], ['offset', to], ['scale', ts]];
    for (const [name, t] of named) {
      if (!t) continue;
      if (t.rank > tx.rank) throw new Error(`${op}: ${name} ${fmtShape(t.shape)} has a higher rank than x ${fmtShape(tx.shape)}`);
      const b = broadcastShapes(op, tx.shape, t.shape);
      if (b.some((d, i) => d !== tx.shape[i])) {
        throw new Error(`${op}: ${name} ${fmtShape(t.shape)} does not broadcast to x ${fmtShape(tx.shape)}`);
      }
    }
    return composite(() => {
      let inv = rsqrt(add(tv, varianceEpsilon));
      if (ts) inv = mul(inv, ts);
      const y = mul(sub(tx, tm), inv);
      return to ? add(y, to) : y;
    });
  });
}
/**
 * `batchNorm` for rank-2 inputs.
 * @example
 * ```js
 * tf.batchNorm2d(tf.tensor2d([[1, 3]]), tf.tensor1d([1, 3]), tf.tensor1d([1, 1])).print(); // [[0, 0]]
 * ```
 */
export const batchNorm2d = batchNorm;
/**
 * `batchNorm` for rank-3 inputs.
 * @example
 * ```js
 * tf.batchNorm3d(tf.ones([1, 2, 2]), tf.tensor1d([1, 1]), tf.tensor1d([1, 1])).shape; // [1, 2, 2]
 * ```
 */
export const batchNorm3d = batchNorm;
/**
 * `batchNorm` for rank-4 inputs.
 * @example
 * ```js
 * tf.batchNorm4d(tf.ones([1, 2, 2, 2]), tf.tensor1d([1, 1]), tf.tensor1d([1, 1])).shape; // [1, 2, 2, 2]
 * ```
 */
export const batchNorm4d = batchNorm;

/**
 * TF.js moments(x, axes?, keepDims = false) -> {mean, variance} (biased variance).
 * @example
 * ```js
 * const { mean, variance } = tf.moments(tf.tensor([1, 2, 3, 4])); // 2.5 and 1.25
 * ```
 */
export function moments(x: Input, axes?: number | number[] | null, keepDims = false): { mean: Tensor; variance: Tensor } {
  return composite(() => {
    const tx = toTensor(x, 'moments', 'x');
    const ax = normAxes('moments', axes, tx.rank);
    return composite(() => {
      const m = mean(tx, ax, true);
      const variance = mean(square(sub(tx, m)), ax, keepDims);
      return { mean: keepDims ? m : reshape(m, tx.shape.filter((_, i) => !ax.includes(i))), variance };
    });
  });
}

function checkAffine(op: string, t: Tensor | null, name: string, cols: number, x: Tensor): void {
  if (!t) return;
  assertFloat32(op, t, name);
  if (t.size !== cols || (t.rank > 0 && t.shape[t.rank - 1] !== cols) || t.rank > x.rank) {
    throw new Error(`${op}: ${name} ${fmtShape(t.shape)} must have ${cols} elements along the last axis of x ${fmtShape(x.shape)}`);
  }
}

/**
 * Layer normalization over the last axis: (x - mean) / sqrt(var + epsilon) * gamma + beta, with
 * gamma and beta of the last axis' size (default 1 and 0).
 * @example
 * ```js
 * tf.layerNorm(tf.tensor2d([[1, 3]])).print(); // [[-1, 1]] (epsilon aside)
 * ```
 */
export function layerNorm(x: Input, gamma?: Input | null, beta?: Input | null, epsilon = 1e-5): Tensor {
  return composite(() => {
    const op = 'layerNorm';
    const tx = toTensor(x, op, 'x');
    const tg = gamma == null ? null : toTensor(gamma, op, 'gamma');
    const tb = beta == null ? null : toTensor(beta, op, 'beta');
    assertFloat32(op, tx, 'x');
    if (tx.rank < 1) throw new Error(`${op}: x must have rank >= 1, got a scalar`);
    const cols = tx.shape[tx.rank - 1];
    if (cols < 1) throw new Error(`${op}: the last axis of x ${fmtShape(tx.shape)} must not be empty`);
    if (!(epsilon >= 0)) throw new Error(`${op}: epsilon must be >= 0, got ${epsilon}`);
    checkAffine(op, tg, 'gamma', cols, tx);
    checkAffine(op, tb, 'beta', cols, tx);
    const rows = tx.size / cols;

    if (cols > LAYER_NORM_MAX_COLS) {
      return composite(() => {
        const m = mean(tx, -1, true);
        const c = sub(tx, m);
        let y = mul(c, rsqrt(add(mean(square(c), -1, true), epsilon)));
        if (tg) y = mul(y, reshape(tg, [cols]));
        return tb ? add(y, reshape(tb, [cols])) : y;
      });
    }

    const g = tg ?? ones([cols]);
    const b = tb ?? zeros([cols]);
    const attrs = { rows, cols, epsilon };
    const y = runOp('layerNorm', [tx, g, b], tx.shape, 'float32', attrs);
    if (!ENGINE.recording) {
      if (!tg) g.dispose();
      if (!tb) b.dispose();
      return y;
    }
    const inputs = [tx, ...(tg ? [tg] : []), ...(tb ? [tb] : [])];
    ENGINE.record(op, inputs, [y], ([dy]) => {
      if (!dy) return inputs.map(() => null);
      if (!tg && !tb) return [runOp('layerNormBackprop', [dy, tx, g], tx.shape, 'float32', attrs)];
      // one kernel call gives dx and the parameter gradients (it shares the row statistics)
      const [dx, dg, db] = [tx.shape, [cols], [cols]].map((s) => ENGINE.makeOutput(s, 'float32'));
      ENGINE.runKernel('layerNormBackprop', [dy, tx, g], [dx, dg, db], { ...attrs, paramGrads: true });
      ENGINE.recordKernel('layerNormBackprop', [dy, tx, g], [dx, dg, db]);
      const grads: Tensor[] = [dx];
      if (tg) grads.push(reshape(dg, tg.shape));
      else dg.dispose();
      if (tb) grads.push(reshape(db, tb.shape));
      else db.dispose();
      return grads;
    });
    return y;
  });
}
