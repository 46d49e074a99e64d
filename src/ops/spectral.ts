/**
 * The spectral namespace (TF.js `tf.spectral`): fft, ifft, rfft, irfft over the innermost axis.
 * Composite ops, so they run on every backend (webgpu included) with no readback: a row of up to
 * 128 points is one matMul against cosine / sine matrices built in float64 on the host; longer
 * composite lengths split recursively (four-step Cooley-Tukey) into such blocks, about
 * O(n log n) for smooth lengths; a long prime length stays one O(n^2) matMul.
 */
import type { Tensor } from '../tensor.js';
import { ENGINE } from '../engine.js';
import { fmtShape } from '../util.js';
import { add, sub, mul } from './binary.js';
import { complex, imag, real } from './complex.js';
import { concat, reshape, reverse, slice, transpose } from './layout.js';
import { neg } from './unary.js';
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

/** Rows up to this length take one matMul against the full DFT matrix. */
const DIRECT_MAX = 128;

/** Rows [B, n] complex64: X[k] = sum_j x[j] e^(sign 2 pi i j k / n), by one matMul (O(n^2)). */
function directDft(x: Tensor, sign: 1 | -1): Tensor {
  const n = x.shape[1];
  const xr = real(x);
  const xi = imag(x);
  const c = trigMatrix(n, n, n, Math.cos);
  const s = trigMatrix(n, n, n, Math.sin);
  // e^(sign i a) = cos a + sign i sin a
  const re = sign < 0 ? add(matMul(xr, c), matMul(xi, s)) : sub(matMul(xr, c), matMul(xi, s));
  const im = sign < 0 ? sub(matMul(xi, c), matMul(xr, s)) : add(matMul(xi, c), matMul(xr, s));
  return complex(re, im);
}

/** The largest divisor of n that is at most sqrt(n) (1 for primes). */
function splitFactor(n: number): number {
  for (let f = Math.floor(Math.sqrt(n)); f > 1; f--) if (n % f === 0) return f;
  return 1;
}

/**
 * Rows [B, n] complex64, unscaled DFT. Long composite rows use the four-step split n = n1 n2
 * (Cooley-Tukey): DFTs of length n1 down the columns of x viewed [n1, n2], twiddles
 * e^(sign 2 pi i j2 k1 / n), DFTs of length n2 along the rows, recursively; so the cost is
 * about n (n1 + n2) per row instead of n^2, and no matrix is larger than DIRECT_MAX^2.
 */
function dftRows(x: Tensor, sign: 1 | -1): Tensor {
  const [batch, n] = x.shape;
  const n1 = splitFactor(n);
  if (n <= DIRECT_MAX || n1 === 1) return directDft(x, sign);
  const n2 = n / n1;
  // y[b, j2, j1] = x[b, n2 j1 + j2]
  const cols = reshape(transpose(reshape(x, [batch, n1, n2]), [0, 2, 1]), [batch * n2, n1]);
  const inner = reshape(dftRows(cols, sign), [batch, n2, n1]);
  const twisted = mul(inner, twiddles(n2, n1, n, sign));
  const rows = reshape(transpose(twisted, [0, 2, 1]), [batch * n1, n2]);
  const outer = reshape(dftRows(rows, sign), [batch, n1, n2]);
  // outer[b, k1, k2] is X[k1 + n1 k2]: lay it out as [k2, k1]
  return reshape(transpose(outer, [0, 2, 1]), [batch, n]);
}

/** [rows, cols] complex64 e^(sign 2 pi i r c / n). */
function twiddles(rows: number, cols: number, n: number, sign: 1 | -1): Tensor {
  return complex(trigMatrix(rows, cols, n, Math.cos), trigMatrix(rows, cols, n, (a) => sign * Math.sin(a)));
}

/** DFT over the innermost axis of a complex64 tensor, times `scale`. */
function dft(x: Tensor, sign: 1 | -1, scale: number): Tensor {
  const { x2, back } = rows2d(x);
  const y = dftRows(x2, sign);
  return back(scale === 1 ? y : mul(y, scale));
}

/**
 * Fast Fourier transform over the innermost axis of a complex64 tensor.
 * @example
 * ```js
 * tf.spectral.fft(tf.complex([1, 0, 0, 0], [0, 0, 0, 0])).print(); // all 1 + 0j
 * ```
 */
export const fft = op('fft', function fft(input: Input): Tensor {
  return dft(complexInput('fft', input), -1, 1);
});

/**
 * Inverse FFT over the innermost axis (scaled by 1/n).
 * @example
 * ```js
 * tf.spectral.ifft(tf.complex([1, 1, 1, 1], [0, 0, 0, 0])).print(); // [1, 0, 0, 0]
 * ```
 */
export const ifft = op('ifft', function ifft(input: Input): Tensor {
  const t = complexInput('ifft', input);
  return dft(t, 1, 1 / t.shape[t.rank - 1]);
});

/**
 * Real-input FFT: [..., n] float32 -> [..., fftLength / 2 + 1] complex64 (n cropped / zero-padded to fftLength).
 * @example
 * ```js
 * tf.spectral.rfft(tf.tensor([1, 0, 0, 0])).print(); // 3 values, all 1 + 0j
 * ```
 */
export const rfft = op('rfft', function rfft(input: Input, fftLength?: number): Tensor {
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
  if (n > DIRECT_MAX) {
    // long rows: the complex transform of (x, 0), first m bins
    const spectrum = dftRows(complex(x2, mul(x2, 0)), -1);
    return back(slice(spectrum, [0, 0], [x2.shape[0], m]));
  }
  const re = matMul(x2, trigMatrix(n, m, n, Math.cos));
  const im = mul(matMul(x2, trigMatrix(n, m, n, Math.sin)), -1);
  return back(complex(re, im));
});

/**
 * Inverse of rfft: [..., m] complex64 -> [..., 2 (m - 1)] float32, treating the input as the
 * non-negative half of a Hermitian spectrum (the other half is its conjugate mirror).
 * @example
 * ```js
 * tf.spectral.irfft(tf.complex([1, 1, 1], [0, 0, 0])).print(); // [1, 0, 0, 0]
 * ```
 */
export const irfft = op('irfft', function irfft(input: Input): Tensor {
  const t = complexInput('irfft', input);
  const m = t.shape[t.rank - 1];
  const n = 2 * (m - 1);
  if (n < 1) throw new Error(`tf.spectral.irfft(): innermost dimension must be at least 2, got shape ${fmtShape(t.shape)}`);
  // out[j] = (1/n) sum_k w_k (Xr[k] cos(2 pi j k / n) - Xi[k] sin(2 pi j k / n)),
  // w_k = 1 for k = 0 and k = m - 1, 2 for the mirrored middle frequencies
  const w = (k: number) => (k === 0 || k === m - 1 ? 1 : 2) / n;
  const { x2, back } = rows2d(t);
  if (n > DIRECT_MAX) {
    // long rows: complete the Hermitian spectrum X[n - k] = conj(X[k]), inverse transform, real part
    const rows = x2.shape[0];
    const mirror = reverse(slice(x2, [0, 1], [rows, m - 2]), 1);
    const full = concat([x2, complex(real(mirror), neg(imag(mirror)))], 1);
    return back(real(mul(dftRows(full, 1), 1 / n)));
  }
  const out = sub(matMul(real(x2), trigMatrix(m, n, n, Math.cos, w, true)), matMul(imag(x2), trigMatrix(m, n, n, Math.sin, w, true)));
  return back(out);
});
