/**
 * Fake quantization (TensorFlow's FakeQuantWithMinMaxVars and its PerChannel form) for
 * quantization-aware training: values are snapped to the grid of `numBits`-bit integers spanning a
 * "nudged" [min, max] (moved so that real 0 lands exactly on the grid), and stay float32. The
 * gradient is the straight-through estimator: dy passes where min <= x <= max (nudged), and the
 * parts of dy outside the range go to min (below) and max (above), as TensorFlow defines them.
 *
 * The nudge, for quantMin = narrowRange ? 1 : 0 and quantMax = 2^numBits - 1:
 *   scale = (max - min) / (quantMax - quantMin)
 *   zeroPoint = clamp(quantMin - min / scale, quantMin, quantMax) rounded half away from zero
 *   nudgedMin = (quantMin - zeroPoint) * scale, nudgedMax = (quantMax - zeroPoint) * scale
 *   y = floor((clamp(x, nudgedMin, nudgedMax) - nudgedMin) / scale + 0.5) * scale + nudgedMin
 * For 8 bits this is the grid of quantization.chooseQuantParams(min, max) shifted by 128, so a
 * model trained with fake quantization converts to int8 on the same grid.
 */
import type { Tensor } from '../tensor.js';
import { tidy } from '../globals.js';
import { customGrad } from '../autograd.js';
import { toTensor } from '../ops/operand.js';
import { add, div, greater, less, maximum, minimum, mul, sub } from '../ops/binary.js';
import { scalar, tensor1d } from '../ops/creation.js';
import { cast } from '../ops/unary.js';
import { floor } from '../ops/unary.js';
import { sum } from '../ops/reduce.js';
import { reshape } from '../ops/layout.js';
import { fmtShape } from '../util.js';

/** numBits (2..16, default 8) and narrowRange (default false: the grid starts at 0, not 1). */
export interface FakeQuantOptions {
  numBits?: number;
  narrowRange?: boolean;
}

type Range = Tensor | number | number[];

function quantBounds(op: string, opts: FakeQuantOptions = {}): [number, number] {
  const numBits = opts.numBits ?? 8;
  if (!Number.isInteger(numBits) || numBits < 2 || numBits > 16) {
    throw new Error(`${op}: numBits should be between 2 and 16, inclusive; got ${numBits}`);
  }
  return [opts.narrowRange ? 1 : 0, 2 ** numBits - 1];
}

/** The nudged range and grid step as tensors (shaped like min / max), from min and max tensors. */
export function nudge(min: Tensor, max: Tensor, quantMin: number, quantMax: number): { nudgedMin: Tensor; nudgedMax: Tensor; scale: Tensor } {
  return tidy(() => {
    const scale = div(sub(max, min), quantMax - quantMin);
    const zeroFromMin = sub(scalar(quantMin), div(min, scale));
    // zeroFromMin is clamped into [quantMin, quantMax] (>= 0), so round-half-away-from-zero is floor(v + 0.5)
    const zeroPoint = floor(add(minimum(maximum(zeroFromMin, quantMin), quantMax), 0.5));
    const nudgedMin = mul(sub(scalar(quantMin), zeroPoint), scale);
    const nudgedMax = mul(sub(scalar(quantMax), zeroPoint), scale);
    return { nudgedMin, nudgedMax, scale };
  });
}

function rangeTensor(op: string, name: string, v: Range, channels: number | null): Tensor {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`${op}: ${name} must be a finite number, got ${v}`);
    return scalar(v);
  }
  const t = Array.isArray(v) ? tensor1d(v) : toTensor(v, op, name);
  if (t.dtype !== 'float32') throw new Error(`${op}: ${name} must be float32, got ${t.dtype}`);
  if (channels === null ? t.rank !== 0 : t.rank !== 1 || t.shape[0] !== channels) {
    throw new Error(`${op}: ${name} must have shape ${channels === null ? '[]' : `[${channels}]`} (the last dimension of x), got ${fmtShape(t.shape)}`);
  }
  return t;
}

function checkNumbers(op: string, min: Range, max: Range): void {
  const lo = typeof min === 'number' ? [min] : Array.isArray(min) ? min : null;
  const hi = typeof max === 'number' ? [max] : Array.isArray(max) ? max : null;
  if (!lo || !hi) return;
  lo.forEach((m, i) => {
    if (!(m < hi[i])) throw new Error(`${op}: min has to be smaller than max, got min ${m} and max ${hi[i]}${lo.length > 1 ? ` (channel ${i})` : ''}`);
  });
}

/** The fake-quant forward pass and its straight-through gradient; perChannel: min / max are [C]. */
function fakeQuant(op: string, x: Tensor, min: Tensor, max: Tensor, quantMin: number, quantMax: number, perChannel: boolean): Tensor {
  const f = customGrad((xs: Tensor, lo: Tensor, hi: Tensor, save: (t: Tensor[]) => void) => {
    const { nudgedMin, nudgedMax, scale } = nudge(lo, hi, quantMin, quantMax);
    const value = tidy(() => {
      const clamped = minimum(maximum(xs, nudgedMin), nudgedMax);
      const steps = floor(add(mul(sub(clamped, nudgedMin), div(1, scale)), 0.5));
      return add(mul(steps, scale), nudgedMin);
    });
    scale.dispose();
    save([xs, nudgedMin, nudgedMax]);
    return {
      value,
      gradFunc: (dy: Tensor, [xv, nMin, nMax]: Tensor[]) => tidy(() => {
        const below = cast(less(xv, nMin), 'float32');
        const above = cast(greater(xv, nMax), 'float32');
        const inside = sub(sub(scalar(1), below), above);
        const axes = perChannel ? xv.shape.slice(0, -1).map((_, i) => i) : undefined;
        const dMin = sum(mul(dy, below), axes);
        const dMax = sum(mul(dy, above), axes);
        return [mul(dy, inside), reshape(dMin, lo.shape), reshape(dMax, hi.shape)];
      }),
    };
  });
  try {
    return f(x, min, max);
  } catch (e) {
    throw e instanceof Error && !e.message.startsWith(op) ? new Error(`${op}: ${e.message}`) : e;
  }
}

/**
 * TensorFlow's fake_quant_with_min_max_vars: x snapped to the numBits grid over the nudged
 * [min, max] (min, max: numbers or scalar tensors, e.g. non-trainable variables), float32 out.
 * Gradient: straight-through inside the range; outside, dy goes to min / max.
 * @example
 * ```js
 * tf.quantization.fakeQuantWithMinMaxVars(tf.tensor([-0.2, 0.5, 1.5]), -0.1, 1.0).print();
 * // [-0.0992157, 0.5003922, 1.0007843]
 * ```
 */
export function fakeQuantWithMinMaxVars(x: Tensor, min: Tensor | number, max: Tensor | number, options: FakeQuantOptions = {}): Tensor {
  const op = 'fakeQuantWithMinMaxVars';
  const [quantMin, quantMax] = quantBounds(op, options);
  const xt = toTensor(x, op, 'x');
  if (xt.dtype !== 'float32') throw new Error(`${op}: x must be float32, got ${xt.dtype}`);
  checkNumbers(op, min, max);
  const lo = rangeTensor(op, 'min', min, null);
  const hi = rangeTensor(op, 'max', max, null);
  try {
    return fakeQuant(op, xt, lo, hi, quantMin, quantMax, false);
  } finally {
    if (lo !== min) lo.dispose();
    if (hi !== max) hi.dispose();
  }
}

/**
 * TensorFlow's fake_quant_with_min_max_vars_per_channel: as fakeQuantWithMinMaxVars with one
 * [min, max] per entry of x's last dimension (min, max: arrays or [C] tensors).
 * @example
 * ```js
 * tf.quantization.fakeQuantWithMinMaxVarsPerChannel(tf.tensor2d([[0.3, 0.3]]), [-1, -2], [1, 2], { numBits: 2, narrowRange: true }).print();
 * // [[0, 0]]
 * ```
 */
export function fakeQuantWithMinMaxVarsPerChannel(x: Tensor, min: Tensor | number[], max: Tensor | number[], options: FakeQuantOptions = {}): Tensor {
  const op = 'fakeQuantWithMinMaxVarsPerChannel';
  const [quantMin, quantMax] = quantBounds(op, options);
  const xt = toTensor(x, op, 'x');
  if (xt.dtype !== 'float32') throw new Error(`${op}: x must be float32, got ${xt.dtype}`);
  if (xt.rank < 1) throw new Error(`${op}: x must have rank >= 1 (channels last), got a scalar`);
  const channels = xt.shape[xt.rank - 1];
  checkNumbers(op, min, max);
  const lo = rangeTensor(op, 'min', min, channels);
  const hi = rangeTensor(op, 'max', max, channels);
  try {
    return fakeQuant(op, xt, lo, hi, quantMin, quantMax, true);
  } finally {
    if (lo !== min) lo.dispose();
    if (hi !== max) hi.dispose();
  }
}
