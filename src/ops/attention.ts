/**
 * attention(q, k, v, {causal, mask, scale}): scaled dot-product attention over
 * q [batch, heads, seqQ, headDim] and k, v [batch, heads, seqK, headDim], run as the single
 * fused `attention` kernel (the backends stream K/V with an online softmax; only the output and
 * the per-row log-sum-exp leave the kernel). A boolean mask (true = keep) becomes an additive
 * 0 / -Infinity mask here; a float mask is added to the scores as it is.
 *
 * The gradient is composed from core ops, recomputing the probabilities from the saved lse:
 *   S = scale * Q K^T + mask (+ causal -Infinity),  P = exp(S - lse)
 *   dV = P^T dO,  dP = dO V^T,  dS = P * (dP - rowsum(dO * O)),
 *   dQ = scale * dS K,  dK = scale * dS^T Q,  dMask = sum over batch and heads of dS.
 * This materialises [batch, heads, seqQ, seqK] scores in the backward pass only. Without a mask
 * (causal or not) and with headDim <= 128, where env ATTENTION_FUSED_GRAD says so (webgpu by
 * default), the gradient is the single `attentionGrad` kernel call instead, which computes the same
 * formulas a row at a time and stores no scores.
 */
import { ATTENTION_GRAD_MAX_HEAD_DIM } from '../backends/kernels.js';
import { ENGINE } from '../engine.js';
import { env } from '../environment.js';
import type { Tensor } from '../tensor.js';
import { fmtShape } from '../util.js';
import { toTensor, type Input } from './operand.js';
import { add, maximum, mul, sub, where } from './binary.js';
import { fill } from './creation.js';
import { broadcastTo, concat, expandDims, reshape, slice, transpose } from './layout.js';
import { matMul } from './matmul.js';
import { sum } from './reduce.js';
import { exp } from './unary.js';
import { composite } from './conv_util.js';

/**
 * Options of `tf.attention`: causal masking, an additive mask and the scale.
 */
export interface AttentionConfig {
  /** Query i sees key j only when j <= i + (seqK - seqQ). */
  causal?: boolean;
  /**
   * Float32 additive, or bool with true = keep. Broadcasts to [batch, heads, seqQ, seqK]; a mask
   * shared by all batches and heads ([seqQ, seqK] or [1, seqK]) is fastest (one kernel call).
   */
  mask?: Input | null;
  /** Score scale; default 1 / sqrt(headDim). */
  scale?: number;
}

/** Whether attention's gradient runs as the attentionGrad kernel here (env ATTENTION_FUSED_GRAD: true, false, or a backend's name). */
function fusedGradOn(): boolean {
  const v = env().get('ATTENTION_FUSED_GRAD');
  return v === true || v === ENGINE.backend.name;
}

/** Additive [seqQ, seqK] causal mask: 0 where visible, -Infinity elsewhere. */
function causalMask(seqQ: number, seqK: number): Tensor {
  const m = new Float32Array(seqQ * seqK);
  const offset = seqK - seqQ;
  for (let i = 0; i < seqQ; i++) for (let j = 0; j < seqK; j++) if (j > i + offset) m[i * seqK + j] = -Infinity;
  return ENGINE.makeTensor(m, [seqQ, seqK], 'float32');
}

/**
 * A mask that differs per batch and/or head (e.g. a key padding mask [batch, 1, 1, seqK]) is
 * handled by running the fused kernel once per group that shares one mask, then concatenating.
 */
function perGroupMask(q: Tensor, k: Tensor, v: Tensor, mask4: Tensor, causal: boolean, scale: number): Tensor {
  const [batch, heads, seqQ, headDim] = q.shape;
  const seqK = k.shape[2];
  const bSplit = mask4.shape[0] > 1;
  const hSplit = mask4.shape[1] > 1;
  const rows: Tensor[] = [];
  for (let b = 0; b < (bSplit ? batch : 1); b++) {
    const cols: Tensor[] = [];
    for (let h = 0; h < (hSplit ? heads : 1); h++) {
      const size = (n: number) => [bSplit ? 1 : batch, hSplit ? 1 : heads, n, headDim];
      const m = reshape(slice(mask4, [b, h, 0, 0], [1, 1, mask4.shape[2], seqK]), [mask4.shape[2], seqK]);
      cols.push(attention(slice(q, [b, h, 0, 0], size(seqQ)), slice(k, [b, h, 0, 0], size(seqK)), slice(v, [b, h, 0, 0], size(seqK)), { causal, scale, mask: m }));
    }
    rows.push(cols.length > 1 ? concat(cols, 1) : cols[0]);
  }
  return rows.length > 1 ? concat(rows, 0) : rows[0];
}

/**
 * Scaled dot-product attention `softmax(q kᵀ / sqrt(d) + mask) v` over [batch, heads, seq, dim] inputs, optionally causal.
 * @example
 * ```js
 * const q = tf.randomNormal([1, 2, 4, 8]);
 * tf.attention(q, q, q, { causal: true }).shape; // [1, 2, 4, 8]
 * ```
 */
export function attention(q: Input, k: Input, v: Input, config: AttentionConfig = {}): Tensor {
  return composite(() => {
    const op = 'attention';
    const tq = toTensor(q, op, 'q');
    const tk = toTensor(k, op, 'k');
    const tv = toTensor(v, op, 'v');
    const what = `q ${fmtShape(tq.shape)}, k ${fmtShape(tk.shape)}, v ${fmtShape(tv.shape)}`;
    for (const [name, t] of [['q', tq], ['k', tk], ['v', tv]] as const) {
      if (t.rank !== 4) throw new Error(`${op}: ${name} must be rank 4 [batch, heads, seq, headDim] (${what})`);
      if (t.dtype !== 'float32') throw new Error(`${op}: ${name} must be float32, got ${t.dtype} (${what})`);
    }
    const [batch, heads, seqQ, headDim] = tq.shape;
    const seqK = tk.shape[2];
    if (tk.shape[0] !== batch || tk.shape[1] !== heads || tv.shape[0] !== batch || tv.shape[1] !== heads) {
      throw new Error(`${op}: batch and heads of q, k and v must match (${what})`);
    }
    if (tk.shape[3] !== headDim || tv.shape[3] !== headDim) {
      throw new Error(`${op}: headDim mismatch: q has ${headDim}, k ${tk.shape[3]}, v ${tv.shape[3]} (${what})`);
    }
    if (tv.shape[2] !== seqK) throw new Error(`${op}: k and v sequence lengths differ: ${seqK} vs ${tv.shape[2]} (${what})`);
    if (headDim < 1) throw new Error(`${op}: headDim must be >= 1 (${what})`);
    const { causal = false } = config;
    const scale = config.scale ?? 1 / Math.sqrt(headDim);
    if (typeof scale !== 'number' || !Number.isFinite(scale)) throw new Error(`${op}: scale must be a finite number, got ${String(scale)}`);

    let userMask: Tensor | null = null;
    let additive: Tensor | null = null;
    if (config.mask != null) {
      userMask = toTensor(config.mask, op, 'mask');
      const m = userMask.shape;
      const m4 = [...new Array(Math.max(0, 4 - m.length)).fill(1), ...m];
      const fits = m.length >= 2 && m.length <= 4 && m4[3] === seqK && (m4[2] === seqQ || m4[2] === 1) &&
        (m4[1] === heads || m4[1] === 1) && (m4[0] === batch || m4[0] === 1);
      if (!fits) {
        throw new Error(`${op}: mask ${fmtShape(m)} must broadcast to [batch, heads, seqQ, seqK] = [${batch},${heads},${seqQ},${seqK}] with seqK in full (${what})`);
      }
      if (userMask.dtype === 'int32') throw new Error(`${op}: mask must be float32 (additive) or bool (true = keep), got int32`);
      if (m4[0] > 1 || m4[1] > 1) return perGroupMask(tq, tk, tv, reshape(userMask, m4), causal, scale);
      // The kernel takes one [seqQ, seqK] mask shared by every batch and head.
      additive = userMask.dtype === 'bool' ? ENGINE.noGrad(() => composite(() => where(userMask!, 0, -Infinity))) : userMask;
      if (m4[2] !== seqQ) additive = broadcastTo(reshape(additive, [1, seqK]), [seqQ, seqK]);
    }

    const bh = batch * heads;
    let out: Tensor, lse: Tensor;
    if (seqK === 0) {
      // No keys: every row is fully masked.
      out = fill([batch, heads, seqQ, headDim], 0);
      lse = fill([batch, heads, seqQ], -Infinity);
    } else {
      out = ENGINE.makeOutput([batch, heads, seqQ, headDim], 'float32');
      lse = ENGINE.makeOutput([batch, heads, seqQ], 'float32');
      if (bh * seqQ > 0) {
        ENGINE.runKernel('attention', additive ? [tq, tk, tv, additive] : [tq, tk, tv], [out, lse], {
          bh, seqQ, seqK, headDim, scale, causal, hasMask: !!additive,
        });
      }
    }
    if (!ENGINE.recording) {
      lse.dispose();
      return out;
    }
    const floatMask = userMask && userMask.dtype === 'float32' ? userMask : null;
    const inputs = floatMask ? [tq, tk, tv, floatMask] : [tq, tk, tv];
    ENGINE.record(op, inputs, [out], ([dO]) => {
      if (!dO) return inputs.map(() => null);
      // (not under a tape of its own: a gradient of this gradient takes the composed ops)
      if (!additive && headDim <= ATTENTION_GRAD_MAX_HEAD_DIM && bh * seqQ * seqK > 0 && fusedGradOn() && !ENGINE.recording) {
        const grads = [tq, tk, tv].map((t) => ENGINE.makeOutput(t.shape, 'float32'));
        ENGINE.runKernel('attentionGrad', [tq, tk, tv, out, lse, dO], grads, { bh, seqQ, seqK, headDim, scale, causal, heads: 0 });
        return grads;
      }
      let s = mul(matMul(tq, tk, false, true), scale);
      if (additive) s = add(s, reshape(additive, [seqQ, seqK]));
      if (causal) s = add(s, causalMask(seqQ, seqK));
      // A fully masked row has lse = -Infinity and scores -Infinity: clamp so P is 0, not NaN.
      const p = exp(sub(s, expandDims(maximum(lse, fill([], -1e30)), -1)));
      const dV = matMul(p, dO, true, false);
      const dP = matMul(dO, tv, false, true);
      const rowDot = sum(mul(dO, out), -1, true);
      const dS = mul(p, sub(dP, rowDot));
      const dQ = mul(matMul(dS, tk), scale);
      const dK = mul(matMul(dS, tq, true, false), scale);
      const grads: Tensor[] = [dQ, dK, dV];
      if (floatMask) {
        const dMask = sum(dS, [0, 1]);
        grads.push(reshape(floatMask.size === seqK && seqQ > 1 ? sum(dMask, 0) : dMask, floatMask.shape));
      }
      return grads;
    });
    return out;
  });
}

/**
 * Attention over heads packed in the last axis, as a multi-head attention layer's projections
 * make them: q [batch, seqQ, heads * headDim], k and v [batch, seqK, heads * headDim] ->
 * [batch, seqQ, heads * headDim]; the same values as splitting the heads ([batch, heads, seq,
 * headDim]), `attention` and merging them back. Where the gradient runs as the attentionGrad kernel
 * (no mask, see `attention`), the forward is one `attention` kernel call with `heads` (whether
 * recording or not) and the gradient one attentionGrad call, both reading and writing the packed
 * layout, so neither pass needs head split or merge copies.
 */
export function attentionPackedHeads(q: Tensor, k: Tensor, v: Tensor, heads: number, config: AttentionConfig = {}): Tensor {
  return composite(() => {
    const [batch, seqQ, width] = q.shape;
    const seqK = k.shape[1];
    const headDim = width / heads;
    const split = (t: Tensor, n: number) => transpose(reshape(t, [batch, n, heads, headDim]), [0, 2, 1, 3]);
    const merge = (t: Tensor) => reshape(transpose(t, [0, 2, 1, 3]), [batch, seqQ, width]);
    const fits = q.rank === 3 && k.rank === 3 && v.rank === 3 && [q, k, v].every((t) => t.dtype === 'float32')
      && Number.isInteger(headDim) && headDim >= 1 && headDim <= ATTENTION_GRAD_MAX_HEAD_DIM
      && [k, v].every((t) => t.shape[0] === batch && t.shape[1] === seqK && t.shape[2] === width) && batch * seqQ * seqK > 0;
    const scale = config.scale ?? 1 / Math.sqrt(headDim);
    if (!fits || config.mask != null || !fusedGradOn() || typeof scale !== 'number' || !Number.isFinite(scale)) {
      return merge(attention(split(q, seqQ), split(k, seqK), split(v, seqK), config));
    }
    // One kernel call over the packed layout: no head split or merge copies (predict as well as training).
    const causal = !!config.causal;
    const attrs = { bh: batch * heads, seqQ, seqK, headDim, scale, causal };
    const y = ENGINE.makeOutput([batch, seqQ, width], 'float32');
    const lse = ENGINE.makeOutput([batch, heads, seqQ], 'float32');
    ENGINE.runKernel('attention', [q, k, v], [y, lse], { ...attrs, hasMask: false, heads });
    if (!ENGINE.recording) {
      lse.dispose();
      return y;
    }
    ENGINE.record('attention', [q, k, v], [y], ([dy]) => {
      if (!dy) return [null, null, null];
      const grads = [q, k, v].map((t) => ENGINE.makeOutput(t.shape, 'float32'));
      const ins = [q, k, v, y, lse, dy];
      ENGINE.runKernel('attentionGrad', ins, grads, { ...attrs, heads });
      ENGINE.recordKernel('attentionGrad', ins, grads);
      return grads;
    });
    return y;
  });
}
