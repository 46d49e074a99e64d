/**
 * complex64 construction and parts (TF.js names): complex(real, imag), real(x), imag(x).
 * A complex64 tensor is a pair of float32 records (see src/host_dtypes.ts); complex() shares its
 * inputs' data and real() / imag() share the parts, so none of them copies.
 */
import { ENGINE } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { shapesEqual } from '../util.js';
import { op, toTensor, type Input } from './operand.js';
import { cast } from './unary.js';

/** A float32 operand (int32 / bool are converted as TF.js does). */
function floatInput(x: Input, opName: string, arg: string): Tensor {
  const t = toTensor(x, opName, arg);
  if (t.dtype === 'complex64') throw new Error(`${opName}: argument '${arg}' must be real (float32), got complex64`);
  return t.dtype === 'float32' ? t : cast(t, 'float32');
}

/**
 * Builds a complex64 tensor from its real and imaginary parts.
 * @example
 * ```js
 * tf.complex(tf.tensor([1, 2]), tf.tensor([3, 4])).print(); // [1 + 3j, 2 + 4j]
 * ```
 */
export const complex = op('complex', function complex(real: Input, imag: Input): Tensor {
  const re = floatInput(real, 'complex', 'real');
  const im = floatInput(imag, 'complex', 'imag');
  if (!shapesEqual(re.shape, im.shape)) {
    throw new Error(`real and imag shapes, ${re.shape} and ${im.shape}, must match in call to tf.complex().`);
  }
  return ENGINE.makeComplexFromParts(re, im);
});

function part(which: 'real' | 'imag') {
  return op(which, (input: Input): Tensor => {
    const t = toTensor(input, which, 'input');
    if (t.dtype !== 'complex64') {
      // the real part of a real tensor is itself (as float32), its imaginary part zeros
      if (which === 'imag') return ENGINE.makeTensor(new Float32Array(t.size), t.shape, 'float32');
      return t.dtype === 'float32' ? ENGINE.makeView(t, t.shape) : cast(t, 'float32');
    }
    return ENGINE.makePartView(t, which);
  });
}
/**
 * The real part of a complex64 tensor (float32).
 * @example
 * ```js
 * tf.real(tf.complex([1, 2], [3, 4])).print(); // [1, 2]
 * ```
 */
export const real = part('real');
/**
 * The imaginary part of a complex64 tensor (float32).
 * @example
 * ```js
 * tf.imag(tf.complex([1, 2], [3, 4])).print(); // [3, 4]
 * ```
 */
export const imag = part('imag');
