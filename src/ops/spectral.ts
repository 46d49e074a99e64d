/**
 * The spectral namespace (TF.js `tf.spectral`): fft, ifft, rfft, irfft over the innermost axis.
 * Composite ops: the DFT is a matMul with cosine / sine matrices built in float64 on the host
 * (O(n^2) per row, exact for any length, no radix-2 restriction), so it runs on every backend's
 * matMul kernel (webgpu included) with no readback. A dedicated FFT kernel would be O(n log n).
 */
import type { Tensor } from '../tensor.js';
import { ENGINE } from '../engine.js';
import { fmtShape } from '../util.js';
import { add, sub, mul } from './binary.js';
import { complex, imag, real } from './complex.js';
import { concat, reshape, slice } from './layout.js';
import { matMul } from './matmul.js';
import { op, toTensor, type Input } from './operand.js';

/**
 * [rows, cols] float32 matrix M[j][k] = scale_k * f(2 pi j k / n) for f = cos or sin, with
 * `rows` input positions and `cols` output frequencies (or the reverse for irfft).
 */
function trigMatrix(rows: number, cols: number, n: number, f: (a: number) => number, scale: (k: number) => number = () => 1, kOnRows = false): Tensor {
  const m = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      // reduce j*k mod n first so the angle stays small and exact in float64
      const jk = (r * c) % n;
      m[r * cols + c] = scale(kOnRows ? r : c) * f((2 * Math.PI * jk) / n);
    }
  }
  return ENGINE.makeTensor(m, [rows, cols], 'float32');
}

/** x [..., n] as [rows, n]; `back` restores [..., cols]. */
function rows2d(x: Tensor): { x2: Tensor; back: (y: Tensor) => Tensor } {
  const n = x.shape[x.rank - 1];
  const lead = x.shape.slice(0, -1);
  const x2 = reshape(x, [x.size / Math.max(n, 1) || 0, n]);
  return { x2, back: (y) => reshape(y, [...lead, y.shape[1]]) };
}

function complexInput(opName: string, input: Input): Tensor {
  const t = toTensor(input, opName, 'input');
  if (t.dtype !== 'complex64') throw new Error(`The dtype for tf.spectral.${opName}() must be complex64 but got ${t.dtype}.`);
  if (t.rank < 1) throw new Error(`tf.spectral.${opName}(): input must have rank >= 1, got shape ${fmtShape(t.shape)}`);
  return t;
}

/** (xr + i xi) times sum_j e^(sign * 2 pi i j k / n), scaled by `scale`. */
function dft(x: Tensor, sign: 1 | -1, scale: number): Tensor {
  const n = x.shape[x.rank - 1];
  const { x2, back } = rows2d(x);
  const xr = real(x2);
  const xi = imag(x2);
  const c = trigMatrix(n, n, n, Math.cos, () => scale);
  const s = trigMatrix(n, n, n, Math.sin, () => scale);
  // e^(sign i a) = cos a + sign i sin a
  const re = sign < 0 ? add(matMul(xr, c), matMul(xi, s)) : sub(matMul(xr, c), matMul(xi, s));
  const im = sign < 0 ? sub(matMul(xi, c), matMul(xr, s)) : add(matMul(xi, c), matMul(xr, s));
  return back(complex(re, im));
}

/** Fast Fourier transform over the innermost axis of a complex64 tensor. */
export const fft = op(function fft(input: Input): Tensor {
  return dft(complexInput('fft', input), -1, 1);
});

/** Inverse FFT over the innermost axis (scaled by 1/n). */
export const ifft = op(function ifft(input: Input): Tensor {
  const t = complexInput('ifft', input);
  return dft(t, 1, 1 / t.shape[t.rank - 1]);
});

/** Real-input FFT: [..., n] float32 -> [..., fftLength / 2 + 1] complex64 (n cropped / zero-padded to fftLength). */
export const rfft = op(function rfft(input: Input, fftLength?: number): Tensor {
  let x = toTensor(input, 'rfft', 'input');
  if (x.dtype !== 'float32') throw new Error(`The dtype for tf.spectral.rfft() must be float32 but got ${x.dtype}.`);
  if (x.rank < 1) throw new Error(`tf.spectral.rfft(): input must have rank >= 1, got shape ${fmtShape(x.shape)}`);
  const inner = x.shape[x.rank - 1];
  const n = fftLength ?? inner;
  if (!Number.isInteger(n) || n < 1) throw new Error(`tf.spectral.rfft(): fftLength must be a positive integer, got ${fftLength}`);
  if (n < inner) x = slice(x, x.shape.map(() => 0), [...x.shape.slice(0, -1), n]);
  else if (n > inner) x = concat([x, ENGINE.makeTensor(new Float32Array((x.size / Math.max(inner, 1)) * (n - inner)), [...x.shape.slice(0, -1), n - inner], 'float32')], -1);
  const m = Math.floor(n / 2) + 1;
  const { x2, back } = rows2d(x);
  const re = matMul(x2, trigMatrix(n, m, n, Math.cos));
  const im = mul(matMul(x2, trigMatrix(n, m, n, Math.sin)), -1);
  return back(complex(re, im));
});

/**
 * Inverse of rfft: [..., m] complex64 -> [..., 2 (m - 1)] float32, treating the input as the
 * non-negative half of a Hermitian spectrum (the other half is its conjugate mirror).
 */
export const irfft = op(function irfft(input: Input): Tensor {
  const t = complexInput('irfft', input);
  const m = t.shape[t.rank - 1];
  const n = 2 * (m - 1);
  if (n < 1) throw new Error(`tf.spectral.irfft(): innermost dimension must be at least 2, got shape ${fmtShape(t.shape)}`);
  // out[j] = (1/n) sum_k w_k (Xr[k] cos(2 pi j k / n) - Xi[k] sin(2 pi j k / n)),
  // w_k = 1 for k = 0 and k = m - 1, 2 for the mirrored middle frequencies
  const w = (k: number) => (k === 0 || k === m - 1 ? 1 : 2) / n;
  const { x2, back } = rows2d(t);
  const out = sub(matMul(real(x2), trigMatrix(m, n, n, Math.cos, w, true)), matMul(imag(x2), trigMatrix(m, n, n, Math.sin, w, true)));
  return back(out);
});
