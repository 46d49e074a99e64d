/**
 * Fused ops, exported as the `fused` namespace (TF.js tf.fused.*): matMul, conv2d and
 * depthwiseConv2d with a bias add and an activation run inside the kernel's epilogue.
 * The kernels take a bias / prelu weights of one value per output channel (or a single value);
 * any other broadcastable shape, and NCHW convs, fall back to separate ops with the same result.
 * Gradients (one per fused op, in the gradient registry): the activation's derivative (its row's
 * gradient in the elementwise op table) is applied to dy first (dz), then dz goes through the
 * plain matMul's / conv's registered gradient, and the bias gradient is dz summed to the bias
 * shape. The layers' dense projection uses the same path.
 */
import { Activation, type ActivationName, type ConvGeometry, type UnaryOp } from '../backends/kernels.js';
import type { Tensor } from '../tensor.js';
import { broadcastShapes, fmtShape } from '../util.js';
import { toTensor, type Input } from './operand.js';
import { add, prelu, reduceTo } from './binary.js';
import { reshape } from './layout.js';
import { matMul as plainMatMul, runMatMul } from './matmul.js';
import { gradientOf, recordGradient, registerGradient } from './gradients.js';
import { elu, gelu, leakyRelu, relu, relu6, sigmoid, tanh } from './unary.js';
import { ACTIVATION_BY_CODE, BINARY_ROWS, UNARY_ROWS, isNoGrad, type BinaryGrad } from './elementwise_table/index.js';
import { gradOps } from './grad_ops.js';
import { conv2d as plainConv2d, depthwiseConv2d as plainDepthwise } from './conv.js';
import { runConv2d, runDepthwise, type ConvEpilogue } from './conv_core.js';
import {
  assertFloat32, checkDataFormat, composite, conv2dGeometry, nhwcShape, toNhwc,
  type ConvDataFormat, type Pair, type PadSpec, type RoundingMode,
} from './conv_util.js';

/**
 * The activation a fused op applies after its bias (the names of `tf.layers` activations, e.g. 'relu').
 */
export type FusedActivation = ActivationName;

interface Epi {
  act: number;
  alpha: number;
  bias: Tensor | null;
  prelu: Tensor | null;
}

function parseEpilogue(op: string, activation: string, bias: Input | undefined | null, preluW: Input | undefined | null, alpha: number): Epi {
  if (!(activation in Activation)) {
    throw new Error(`${op}: unknown activation '${activation}'; expected one of ${Object.keys(Activation).join(', ')}`);
  }
  const act = Activation[activation as ActivationName];
  const b = bias == null ? null : toTensor(bias, op, 'bias');
  const p = preluW == null ? null : toTensor(preluW, op, 'preluActivationWeights');
  if (b) assertFloat32(op, b, 'bias');
  if (act === Activation.prelu && !p) throw new Error(`${op}: activation 'prelu' needs preluActivationWeights`);
  if (p) assertFloat32(op, p, 'preluActivationWeights');
  return { act, alpha, bias: b, prelu: act === Activation.prelu ? p : null };
}

/** Can the kernel epilogue read t as one value per last-axis channel (n) or a single value? */
function perChannel(t: Tensor | null, n: number, outRank: number): boolean {
  if (!t) return true;
  if (t.rank > outRank) return false;
  if (t.size === 1) return true;
  return t.shape[t.rank - 1] === n && t.size === n;
}

function checkBroadcast(op: string, name: string, t: Tensor | null, outShape: number[]): void {
  if (!t) return;
  const b = broadcastShapes(op, outShape, t.shape);
  if (b.length !== outShape.length || b.some((d, i) => d !== outShape[i])) {
    throw new Error(`${op}: ${name} ${fmtShape(t.shape)} does not broadcast to the output shape ${fmtShape(outShape)}`);
  }
}

/** Bias then activation as separate (differentiable) ops. */
function unfusedEpilogue(z: Tensor, e: Epi): Tensor {
  const x = e.bias ? add(z, e.bias) : z;
  switch (e.act) {
    case Activation.linear: return x;
    case Activation.relu: return relu(x);
    case Activation.relu6: return relu6(x);
    case Activation.elu: return elu(x);
    case Activation.leakyrelu: return leakyRelu(x, e.alpha);
    case Activation.prelu: return prelu(x, e.prelu!);
    case Activation.sigmoid: return sigmoid(x);
    case Activation.tanh: return tanh(x);
    case Activation.gelu: return gelu(x);
    default: throw new Error(`fused: unknown activation code ${e.act}`);
  }
}

/**
 * dz = dy * act'(z) for y = act(z), from the gradient of the activation's row in the elementwise
 * op table. `preAct` recomputes z (bias included) for the rows whose gradient reads x, not only
 * y. Also returns the prelu weights' cotangent.
 */
function activationGrad(dy: Tensor, y: Tensor, e: Epi, preAct: () => Tensor): { dz: Tensor; dPrelu: Tensor | null } {
  const row = ACTIVATION_BY_CODE[e.act];
  if (!row) throw new Error(`fused: unknown activation code ${e.act}`);
  if ('binary' in row) {
    const g = BINARY_ROWS[row.binary].grad as BinaryGrad;
    const [dz, dw] = g.fn(gradOps(), preAct(), e.prelu!, y, dy);
    return { dz: dz!, dPrelu: reduceTo(dw!, e.prelu!.shape) };
  }
  const g = UNARY_ROWS[row.unary as UnaryOp].grad;
  if (isNoGrad(g)) throw new Error(`fused: activation '${row.name}' has no gradient (${g.reason})`);
  // A y-only gradient never reads x, so y stands in for it and z is not recomputed.
  const z = g.uses === 'y' ? y : preAct();
  return { dz: g.fn(gradOps(), z, y, dy, e.alpha, 0), dPrelu: null };
}

/** What a fused op's registered gradient reads: its epilogue, z recomputed on demand, and the plain op's attrs. */
interface FusedGradAttrs {
  e: Epi;
  /** z = the plain op + bias (no activation), for the activation rows whose gradient reads x. */
  preAct: () => Tensor;
  /** The attrs of the plain op's registered gradient (matMul's transposes, a conv's geometry). */
  main: unknown;
}

/**
 * The one gradient of each fused op (inputs [a, b, bias?, prelu?]): dz = dy * act'(z), then the
 * plain op's registered gradient for its two operands, dz summed to the bias shape, and the prelu
 * weights' cotangent.
 */
for (const [fused, plain] of [['fusedMatMul', 'matMul'], ['fusedConv2d', 'conv2d'], ['fusedDepthwiseConv2d', 'depthwiseConv2d']]) {
  registerGradient<FusedGradAttrs>(fused, (dy, inputs, y, { e, preAct, main }, wanted) => {
    const { dz, dPrelu } = activationGrad(dy, y, e, preAct);
    // an operand nothing needs (a model's data input) gets no cotangent: wanted goes to the plain op
    const grads = gradientOf<unknown>(plain)!(dz, inputs.slice(0, 2), y, main, wanted?.slice(0, 2));
    if (e.bias) grads.push(wanted?.[2] === false ? null : reduceTo(dz, e.bias.shape));
    if (e.prelu) grads.push(dPrelu!);
    return grads;
  });
}

/** Records a fused op (inputs [main operands..., bias?, prelu?]) with its registered gradient. */
function recordFused(name: string, operands: Tensor[], y: Tensor, e: Epi, preAct: () => Tensor, main: unknown): void {
  const inputs = [...operands, ...(e.bias ? [e.bias] : []), ...(e.prelu ? [e.prelu] : [])];
  recordGradient<FusedGradAttrs>(name, inputs, y, { e, preAct, main });
}

/**
 * Arguments of `tf.fused.matMul`: the operands, transposes, optional bias and activation.
 */
export interface FusedMatMulConfig {
  a: Input;
  b: Input;
  transposeA?: boolean;
  transposeB?: boolean;
  bias?: Input | null;
  activation?: FusedActivation;
  preluActivationWeights?: Input | null;
  leakyreluAlpha?: number;
}

/**
 * TF.js fused.matMul: act(op(a) @ op(b) + bias).
 * @example
 * ```js
 * tf.fused.matMul({ a: tf.ones([2, 3]), b: tf.ones([3, 4]), bias: tf.ones([4]), activation: 'relu' }).print();
 * ```
 */
export function matMul(config: FusedMatMulConfig): Tensor {
  return composite(() => {
    const op = 'fused.matMul';
    const { transposeA = false, transposeB = false, activation = 'linear', leakyreluAlpha = 0.2 } = config;
    const ta = toTensor(config.a, op, 'a');
    const tb = toTensor(config.b, op, 'b');
    const e = parseEpilogue(op, activation, config.bias, config.preluActivationWeights, leakyreluAlpha);
    if (ta.rank < 2 || tb.rank < 2) throw new Error(`${op}: both inputs must have rank >= 2, got a ${fmtShape(ta.shape)} and b ${fmtShape(tb.shape)}`);
    assertFloat32(op, ta, 'a');
    assertFloat32(op, tb, 'b');
    return matMulWithEpilogue(ta, tb, transposeA, transposeB, e);
  });
}

/**
 * act(op(a) @ op(b) + bias) for validated operands, with its gradient: the kernel epilogue when
 * bias / prelu weights are per-column (or single values), else separate ops.
 */
function matMulWithEpilogue(ta: Tensor, tb: Tensor, transposeA: boolean, transposeB: boolean, e: Epi): Tensor {
  const op = 'fused.matMul';
  const M = transposeA ? ta.shape[ta.rank - 1] : ta.shape[ta.rank - 2];
  const N = transposeB ? tb.shape[tb.rank - 2] : tb.shape[tb.rank - 1];
  const outShape = [...broadcastShapes(op, ta.shape.slice(0, -2), tb.shape.slice(0, -2)), M, N];
  checkBroadcast(op, 'bias', e.bias, outShape);
  checkBroadcast(op, 'preluActivationWeights', e.prelu, outShape);
  if (!perChannel(e.bias, N, outShape.length) || !perChannel(e.prelu, N, outShape.length)) {
    return composite(() => unfusedEpilogue(plainMatMul(ta, tb, transposeA, transposeB), e));
  }
  const epi = (withAct: boolean) => ({
    bias: e.bias ?? undefined,
    prelu: withAct ? e.prelu ?? undefined : undefined,
    activation: withAct ? e.act : Activation.linear,
    alpha: e.alpha,
  });
  const y = runMatMul(op, ta, tb, transposeA, transposeB, epi(true));
  recordFused('fusedMatMul', [ta, tb], y, e, () => runMatMul(op, ta, tb, transposeA, transposeB, epi(false)), { transposeA, transposeB });
  return y;
}

/**
 * The layers' dense projection: x @ w + bias, then an epilogue activation code (no prelu),
 * with fused.matMul's gradient. Inputs are the layer's own tensors, so no validation here.
 * @example
 * ```js
 * const y = tf.fused.denseMatMul(tf.ones([2, 3]), tf.ones([3, 4]), tf.zeros([4]), 0); // activation code 0: linear
 * y.shape; // [2, 4]
 * ```
 */
export function denseMatMul(x: Tensor, w: Tensor, bias: Tensor | null | undefined, activation: number, alpha = 0.2): Tensor {
  return matMulWithEpilogue(x, w, false, false, { act: activation, alpha, bias: bias ?? null, prelu: null });
}

/**
 * Arguments of `tf.fused.conv2d` / `tf.fused.depthwiseConv2d`: input, filter, strides, padding, optional bias and activation.
 */
export interface FusedConv2DConfig {
  x: Input;
  filter: Input;
  strides: Pair;
  pad: PadSpec;
  dataFormat?: ConvDataFormat;
  dilations?: Pair;
  dimRoundingMode?: RoundingMode;
  bias?: Input | null;
  activation?: FusedActivation;
  preluActivationWeights?: Input | null;
  leakyreluAlpha?: number;
}

type ConvKind = 'conv2d' | 'depthwiseConv2d';

function fusedConv(kind: ConvKind, config: FusedConv2DConfig): Tensor {
  return composite(() => {
    const op = `fused.${kind}`;
    const { dataFormat = 'NHWC', dilations = [1, 1], activation = 'linear', leakyreluAlpha = 0.2 } = config;
    // TF.js converts the fused inputs under the plain op's name, float32 only.
    const tx = toTensor(config.x, kind, 'x', undefined, 'float32');
    const tf = toTensor(config.filter, kind, 'filter', undefined, 'float32');
    const fmt = checkDataFormat(op, dataFormat, ['NHWC', 'NCHW'] as const);
    const e = parseEpilogue(op, activation, config.bias, config.preluActivationWeights, leakyreluAlpha);
    assertFloat32(op, tx, 'x');
    const what = `x ${fmtShape(tx.shape)} ${fmt}, filter ${fmtShape(tf.shape)}`;
    const depthwise = kind === 'depthwiseConv2d';
    const g: ConvGeometry = conv2dGeometry(op, nhwcShape(op, tx, fmt), tf, config.strides, config.pad, dilations, fmt, config.dimRoundingMode, what, depthwise);
    const C = g.outC;
    const outShape = tx.rank === 3 ? [g.outH, g.outW, C] : [g.batch, g.outH, g.outW, C];
    if (fmt === 'NCHW') {
      // Per-channel operands of rank 1 broadcast along C, which is axis -3 in NCHW.
      const toChw = (t: Tensor | null) => (t && t.rank === 1 && t.size > 1 ? reshape(t, [t.size, 1, 1]) : t);
      return composite(() => {
        const plain = depthwise
          ? plainDepthwise(tx, tf, config.strides, config.pad, fmt, dilations, config.dimRoundingMode)
          : plainConv2d(tx, tf, config.strides, config.pad, fmt, dilations, config.dimRoundingMode);
        return unfusedEpilogue(plain, { ...e, bias: toChw(e.bias), prelu: toChw(e.prelu) });
      });
    }
    checkBroadcast(op, 'bias', e.bias, outShape);
    checkBroadcast(op, 'preluActivationWeights', e.prelu, outShape);
    if (!perChannel(e.bias, C, outShape.length) || !perChannel(e.prelu, C, outShape.length)) {
      return composite(() => {
        const plain = depthwise
          ? plainDepthwise(tx, tf, config.strides, config.pad, fmt, dilations, config.dimRoundingMode)
          : plainConv2d(tx, tf, config.strides, config.pad, fmt, dilations, config.dimRoundingMode);
        return unfusedEpilogue(plain, e);
      });
    }
    const run = depthwise ? runDepthwise : runConv2d;
    return composite(() => {
      const { xh, finish } = toNhwc(tx, fmt);
      const epi = (withAct: boolean): ConvEpilogue => ({
        bias: e.bias ?? undefined,
        prelu: withAct ? e.prelu ?? undefined : undefined,
        activation: withAct ? e.act : Activation.linear,
        alpha: e.alpha,
      });
      const y = run(xh, tf, g, epi(true));
      recordFused(depthwise ? 'fusedDepthwiseConv2d' : 'fusedConv2d', [xh, tf], y, e, () => run(xh, tf, g, epi(false)), g);
      return finish(y);
    });
  });
}

/**
 * TF.js fused.conv2d: act(conv2d(x, filter) + bias).
 * @example
 * ```js
 * tf.fused.conv2d({ x: tf.ones([1, 4, 4, 1]), filter: tf.ones([2, 2, 1, 1]), strides: 1, pad: 'same', activation: 'relu' }).print();
 * ```
 */
export function conv2d(config: FusedConv2DConfig): Tensor {
  return fusedConv('conv2d', config);
}

/**
 * TF.js fused.depthwiseConv2d: act(depthwiseConv2d(x, filter) + bias).
 * @example
 * ```js
 * tf.fused.depthwiseConv2d({ x: tf.ones([1, 4, 4, 2]), filter: tf.ones([3, 3, 2, 1]), strides: 1, pad: 'same' }).print();
 * ```
 */
export function depthwiseConv2d(config: FusedConv2DConfig): Tensor {
  return fusedConv('depthwiseConv2d', config);
}
