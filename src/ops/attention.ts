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
 * This materialises [batch, heads, seqQ, seqK] scores in the backward pass only.
 */
import { ENGINE } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { fmtShape, shapesEqual } from '../util.js';
import { toTensor, type Input } from './operand.js';
import { add, maximum, mul, sub, where } from './binary.js';
import { fill } from './creation.js';
import { expandDims, reshape } from './layout.js';
import { matMul } from './matmul.js';
import { sum } from './reduce.js';
import { exp } from './unary.js';
import { composite } from './conv_util.js';

export interface AttentionConfig {
  /** Query i sees key j only when j <= i + (seqK - seqQ). */
  causal?: boolean;
  /** [seqQ, seqK] (leading 1s allowed): float32 additive, or bool with true = keep. */
  mask?: Input | null;
  /** Score scale; default 1 / sqrt(headDim). */
  scale?: number;
}

/** Additive [seqQ, seqK] causal mask: 0 where visible, -Infinity elsewhere. */
function causalMask(seqQ: number, seqK: number): Tensor {
  const m = new Float32Array(seqQ * seqK);
  const offset = seqK - seqQ;
  for (let i = 0; i < seqQ; i++) for (let j = 0; j < seqK; j++) if (j > i + offset) m[i * seqK + j] = -Infinity;
  return ENGINE.makeTensor(m, [seqQ, seqK], 'float32');
}

export function attention(q: Input, k: Input, v: Input, config: AttentionConfig = {}): Tensor {
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
    const core = userMask.shape.slice(userMask.shape.findIndex((d, i) => d !== 1 || i >= userMask!.rank - 2));
    if (userMask.rank < 2 || userMask.rank > 4 || !shapesEqual(core, [seqQ, seqK])) {
      throw new Error(`${op}: mask ${fmtShape(userMask.shape)} must be [seqQ, seqK] = [${seqQ},${seqK}] (leading 1s allowed) (${what})`);
    }
    if (userMask.dtype === 'int32') throw new Error(`${op}: mask must be float32 (additive) or bool (true = keep), got int32`);
    additive = userMask.dtype === 'bool' ? ENGINE.noGrad(() => composite(() => where(userMask!, 0, -Infinity))) : userMask;
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
    if (additive && additive !== userMask) additive.dispose();
    return out;
  }
  const floatMask = userMask && userMask.dtype === 'float32' ? userMask : null;
  const inputs = floatMask ? [tq, tk, tv, floatMask] : [tq, tk, tv];
  ENGINE.record(op, inputs, [out], ([dO]) => {
    if (!dO) return inputs.map(() => null);
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
    if (floatMask) grads.push(reshape(sum(dS, [0, 1]), floatMask.shape));
    return grads;
  });
  return out;
}
