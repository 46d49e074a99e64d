/**
 * 'string' and 'complex64' tensors, the string.* ops, the spectral FFT family and signal.* ops,
 * each checked against @tensorflow/tfjs-core + tfjs-backend-cpu 4.22 run on the same inputs
 * (an independent implementation), on tessera's js and wasm backends.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tfc from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as ts from '../src/index.js';

beforeAll(async () => {
  await tfc.setBackend('cpu');
});

/** Deterministic pseudo-random floats in [-1, 1). */
function values(n: number, seed: number): number[] {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

/** Every element within `tol * (1 + |want|)`; NaN anywhere fails. */
function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: number): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const ok = Math.abs(got[i] - want[i]) <= tol * (1 + Math.abs(want[i]));
    if (!ok) throw new Error(`element ${i}: got ${got[i]}, want ${want[i]} (tol ${tol})`);
  }
}

const words = [['a', 'bb', 'ccc'], ['', 'é', '日本'], ['x y', 'z', 'a']];

describe.each(['js', 'wasm'] as const)('string and complex64 dtypes (%s)', (backend) => {
  beforeAll(async () => {
    await ts.setBackend(backend);
  });

  it('string tensors: creation, data, array, bytes, dtype inference', async () => {
    const t = ts.tensor(words);
    const want = tfc.tensor(words);
    expect(t.dtype).toBe('string');
    expect(t.shape).toEqual(want.shape);
    expect(t.dataSync()).toEqual(want.dataSync());
    expect(await t.array()).toEqual(await want.array());
    expect(await t.bytes()).toEqual(await want.bytes());
    expect(ts.scalar('hi').dataSync()).toEqual(['hi']);
    const enc = [new TextEncoder().encode('héllo'), new Uint8Array([0x61])];
    expect(ts.tensor(enc, [2], 'string').dataSync()).toEqual(tfc.tensor(enc, [2], 'string').dataSync());
    expect(() => ts.tensor2d([['a', 'b', 'c'], ['d', 'e', 'f']], [3, 2])).toThrow();
    ts.dispose([t]);
  });

  it('string tensors through layout ops match TF.js', () => {
    const t = ts.tensor(words);
    const w = tfc.tensor(words);
    const pairs: Array<[ts.Tensor, tfc.Tensor]> = [
      [ts.slice(t, [1, 0], [2, 2]), tfc.slice(w, [1, 0], [2, 2])],
      [ts.concat([t, t], 0), tfc.concat([w, w], 0)],
      [ts.concat([t, ts.slice(t, [0, 1], [3, 1])], 1), tfc.concat([w, tfc.slice(w, [0, 1], [3, 1])], 1)],
      [ts.tile(t, [2, 2]), tfc.tile(w, [2, 2])],
      [ts.expandDims(t, 1), tfc.expandDims(w, 1)],
      [ts.squeeze(ts.reshape(t, [1, 3, 3])), tfc.squeeze(tfc.reshape(w, [1, 3, 3]))],
      [ts.stack([t, t], 2), tfc.stack([w, w], 2)],
      [ts.unstack(t, 1)[2], tfc.unstack(w, 1)[2]],
      [ts.clone(t), tfc.clone(w)],
      [ts.equal(t, 'a'), tfc.equal(w, 'a')],
      [ts.notEqual(t, ts.slice(ts.concat([t, t], 0), [1, 0], [3, 3])), tfc.notEqual(w, tfc.slice(tfc.concat([w, w], 0), [1, 0], [3, 3]))],
      [ts.greater(t, 'b'), tfc.greater(w, 'b')],
      [ts.lessEqual(t, 'bb'), tfc.lessEqual(w, 'bb')],
    ];
    for (const [mine, theirs] of pairs) {
      expect(mine.dtype).toBe(theirs.dtype);
      expect(mine.shape).toEqual(theirs.shape);
      expect(Array.from(mine.dataSync() as ArrayLike<unknown>)).toEqual(Array.from(theirs.dataSync() as ArrayLike<unknown>));
    }
  });

  it('gather / reverse / transpose take strings (TF.js refuses them there; tessera is a superset)', () => {
    const t = ts.tensor(words);
    // hand-worked: columns 2, 0, 2 of each row
    expect(ts.gather(t, [2, 0, 2], 1).arraySync()).toEqual([['ccc', 'a', 'ccc'], ['日本', '', '日本'], ['a', 'x y', 'a']]);
    expect(ts.gather(t, ts.tensor2d([[1], [0]], [2, 1], 'int32')).shape).toEqual([2, 1, 3]);
    // TF.js refuses strings in reverse too; hand-worked: each row reversed
    expect(ts.reverse(t, 1).arraySync()).toEqual([['ccc', 'bb', 'a'], ['日本', 'é', ''], ['a', 'z', 'x y']]);
    expect(ts.transpose(t).arraySync()).toEqual([['a', '', 'x y'], ['bb', 'é', 'z'], ['ccc', '日本', 'a']]);
  });

  it('numeric ops refuse strings with TF.js wording', () => {
    expect(() => ts.abs('q' as unknown as number)).toThrow("Argument 'x' passed to 'abs' must be numeric tensor, but got string tensor");
    expect(() => ts.add(ts.tensor(['a']), 1)).toThrow(/must be numeric tensor, but got string tensor/);
    expect(() => ts.tanh(ts.tensor(['a']))).toThrow(/'tanh' must be float32 tensor/);
    expect(() => ts.cast(ts.tensor(['1']), 'float32')).toThrow('Only strings can be casted to strings');
    expect(() => ts.cast(ts.tensor([1]), 'string')).toThrow('Only strings can be casted to strings');
    expect(ts.cast(ts.tensor(['x']), 'string').dataSync()).toEqual(['x']);
  });

  it('memory() counts string bytes as TF.js does, and dispose frees them', () => {
    const before = ts.memory();
    const beforeTf = tfc.memory().numBytes;
    const t = ts.tensor(words);
    const w = tfc.tensor(words);
    expect(ts.memory().numBytes - before.numBytes).toBe(tfc.memory().numBytes - beforeTf);
    expect(ts.memory().numTensors).toBe(before.numTensors + 1);
    t.dispose();
    w.dispose();
    expect(ts.memory().numBytes).toBe(before.numBytes);
    expect(ts.memory().numTensors).toBe(before.numTensors);
  });

  it('ops leave only their outputs behind (no leaked intermediates)', () => {
    const c = ts.complex(ts.tensor2d(values(2 * 300, 1), [2, 300]), ts.tensor2d(values(2 * 300, 2), [2, 300]));
    const r = ts.tensor1d(values(300, 3));
    const s = ts.tensor(['a b', 'c']);
    const short = ts.slice(c, [0, 0], [2, 8]);
    const calls: Array<() => unknown> = [
      () => ts.spectral.fft(c), () => ts.spectral.ifft(short), () => ts.spectral.rfft(r),
      () => ts.spectral.irfft(c), () => ts.signal.stft(r, 64, 32), () => ts.signal.frame(r, 7, 5, true),
      () => ts.abs(c), () => ts.mul(c, 2), () => ts.div(c, c),
      () => ts.string.stringSplit(s, ' '), () => ts.string.stringNGrams(s, [0, 2], '-', [1, 2], '', '', -1, false),
      () => ts.string.stringToHashBucketFast(s, 5), () => ts.string.staticRegexReplace(s, 'a', 'b'),
    ];
    for (const call of calls) {
      const before = ts.memory();
      const out = call();
      const outs = out instanceof ts.Tensor ? [out] : Object.values(out as Record<string, ts.Tensor>);
      expect(ts.memory().numTensors).toBe(before.numTensors + outs.length);
      ts.dispose(outs);
      expect(ts.memory().numTensors).toBe(before.numTensors);
      expect(ts.memory().numBytes).toBe(before.numBytes);
    }
    ts.dispose([c, r, s, short]);
  });

  it('complex64: complex / real / imag and elementwise ops match TF.js', () => {
    const [ar, ai, br, bi] = [values(6, 1), values(6, 2), values(3, 3), values(3, 4)];
    const a = ts.complex(ts.tensor2d(ar, [2, 3]), ts.tensor2d(ai, [2, 3]));
    const b = ts.complex(br, bi);
    const ta = tfc.complex(tfc.tensor2d(ar, [2, 3]), tfc.tensor2d(ai, [2, 3]));
    expect(a.dtype).toBe('complex64');
    // TF.js's cpu backend has no complex slice / concat / transpose: the reference applies the
    // op to the real and imaginary parts separately
    const byParts = (f: (x: tfc.Tensor) => tfc.Tensor, conj = false) =>
      tfc.complex(f(tfc.real(ta)), conj ? tfc.neg(f(tfc.imag(ta))) : f(tfc.imag(ta)));
    const pairs: Array<[ts.Tensor, tfc.Tensor]> = [
      [a, ta],
      [ts.real(a), tfc.real(ta)],
      [ts.imag(a), tfc.imag(ta)],
      [ts.add(a, a), tfc.add(ta, ta)],
      [ts.mul(a, ts.reverse(a, 1)), tfc.mul(ta, byParts((x) => tfc.reverse(x, 1)))],
      // TF.js's cpu backend gives NaN when complex operands broadcast, so broadcasting is checked
      // against the same arithmetic written out on the float parts
      [ts.add(a, b), tfc.complex(tfc.add(tfc.real(ta), br), tfc.add(tfc.imag(ta), bi))],
      [ts.sub(b, a), tfc.complex(tfc.sub(br, tfc.real(ta)), tfc.sub(bi, tfc.imag(ta)))],
      [ts.mul(a, b), tfc.complex(
        tfc.sub(tfc.mul(tfc.real(ta), br), tfc.mul(tfc.imag(ta), bi)),
        tfc.add(tfc.mul(tfc.real(ta), bi), tfc.mul(tfc.imag(ta), br)))],
      [ts.abs(a), tfc.abs(ta)],
      [ts.slice(a, [0, 1], [2, 2]), byParts((x) => tfc.slice(x, [0, 1], [2, 2]))],
      [ts.concat([a, a], 1), byParts((x) => tfc.concat([x, x], 1))],
      [ts.reshape(a, [3, 2]), byParts((x) => tfc.reshape(x, [3, 2]))],
      [ts.transpose(a), byParts((x) => tfc.transpose(x))],
      [ts.transpose(a, [1, 0], true), byParts((x) => tfc.transpose(x), true)],
      [ts.gather(a, [1, 1, 0]), byParts((x) => tfc.gather(x, [1, 1, 0]))],
      [ts.tile(a, [2, 1]), byParts((x) => tfc.tile(x, [2, 1]))],
      [ts.clone(a), tfc.clone(ta)],
      [ts.cast(a, 'float32'), tfc.cast(ta, 'float32')],
    ];
    for (const [mine, theirs] of pairs) {
      expect(mine.dtype).toBe(theirs.dtype);
      expect(mine.shape).toEqual(theirs.shape);
      expectClose(mine.dataSync() as Float32Array, theirs.dataSync() as Float32Array, 1e-6);
    }
    // |z| without underflow or overflow of the squares (reference: Math.hypot in float64)
    const tiny = ts.abs(ts.complex([1e-30, 0, 1e-30, 1e30, 0], [1e-30, 1e-30, 0, 1e30, 0])).dataSync() as Float32Array;
    const hyp = [Math.hypot(1e-30, 1e-30), 1e-30, 1e-30, Math.hypot(1e30, 1e30)];
    hyp.forEach((want, i) => expect(Math.abs(tiny[i] / want - 1)).toBeLessThan(1e-6)); // relative: the values are tiny
    expect(tiny[4]).toBe(0);
    // complex division, checked by hand: (1 + 2i) / (3 - 4i) = (-5 + 10i) / 25 = -0.2 + 0.4i
    expectClose(ts.div(ts.complex([1], [2]), ts.complex([3], [-4])).dataSync() as Float32Array, [-0.2, 0.4], 1e-6);
    expect(ts.complex([1, 2], [3, 4]).arraySync()).toEqual(tfc.complex([1, 2], [3, 4]).arraySync());
    expect(() => ts.complex([1, 2], [1, 2, 3])).toThrow('real and imag shapes, 2 and 3, must match in call to tf.complex().');
  });

  it('spectral fft / ifft / rfft / irfft match TF.js across lengths and batch shapes', () => {
    for (const n of [1, 2, 3, 4, 5, 7, 8, 12, 16, 17, 32, 64]) {
      const shape = [3, n];
      const re = values(3 * n, n);
      const im = values(3 * n, n + 100);
      const x = ts.complex(ts.tensor2d(re, shape as [number, number]), ts.tensor2d(im, shape as [number, number]));
      const tx = tfc.complex(tfc.tensor2d(re, shape as [number, number]), tfc.tensor2d(im, shape as [number, number]));
      const tol = 2e-6 * n;
      expectClose(ts.spectral.fft(x).dataSync() as Float32Array, tfc.spectral.fft(tx).dataSync() as Float32Array, tol);
      expectClose(ts.spectral.ifft(x).dataSync() as Float32Array, tfc.spectral.ifft(tx).dataSync() as Float32Array, tol);
      const r = ts.tensor2d(re, shape as [number, number]);
      const tr = tfc.tensor2d(re, shape as [number, number]);
      const spec = ts.spectral.rfft(r);
      expect(spec.shape).toEqual([3, Math.floor(n / 2) + 1]);
      expectClose(spec.dataSync() as Float32Array, tfc.spectral.rfft(tr).dataSync() as Float32Array, tol);
      if (n >= 2) {
        // an arbitrary (non-Hermitian) half spectrum of m = n / 2 + 1 bins
        const m = Math.floor(n / 2) + 1;
        const half = ts.complex(ts.slice(r, [0, 0], [3, m]), ts.slice(ts.tensor2d(im, shape as [number, number]), [0, 0], [3, m]));
        const thalf = tfc.complex(tfc.slice(tr, [0, 0], [3, m]), tfc.slice(tfc.tensor2d(im, shape as [number, number]), [0, 0], [3, m]));
        expectClose(ts.spectral.irfft(half).dataSync() as Float32Array, tfc.spectral.irfft(thalf).dataSync() as Float32Array, tol);
      }
    }
    // long rows (four-step split above 128 points; 997 is prime and stays one matMul): within
    // 2e-5 of the largest magnitude, the accuracy of a float32 FFT at these lengths
    for (const n of [129, 200, 256, 997, 1000, 1024]) {
      const re = values(2 * n, n + 7);
      const im = values(2 * n, n + 8);
      const pair = <T>(f: (r: number[], i: number[]) => T) => f(re, im);
      const x = pair((r, i) => ts.complex(ts.tensor2d(r, [2, n]), ts.tensor2d(i, [2, n])));
      const tx = pair((r, i) => tfc.complex(tfc.tensor2d(r, [2, n]), tfc.tensor2d(i, [2, n])));
      const checks: Array<[ts.Tensor, tfc.Tensor]> = [
        [ts.spectral.fft(x), tfc.spectral.fft(tx)],
        [ts.spectral.ifft(x), tfc.spectral.ifft(tx)],
        [ts.spectral.rfft(ts.real(x)), tfc.spectral.rfft(tfc.real(tx))],
      ];
      if (n % 2 === 0) {
        const m = n / 2 + 1;
        checks.push([ts.spectral.irfft(ts.slice(x, [0, 0], [2, m])), tfc.spectral.irfft(tfc.complex(tfc.slice(tfc.real(tx), [0, 0], [2, m]), tfc.slice(tfc.imag(tx), [0, 0], [2, m])))]);
      }
      for (const [mine, theirs] of checks) {
        expect(mine.shape).toEqual(theirs.shape);
        const got = mine.dataSync() as Float32Array;
        const want = theirs.dataSync() as Float32Array;
        const scale = want.reduce((mx, v) => Math.max(mx, Math.abs(v)), 0);
        expectClose(Array.from(got, (v) => v / scale), Array.from(want, (v) => v / scale), 2e-5);
      }
    }
    // rank 3, cropped and zero-padded rfft lengths
    const v = values(2 * 2 * 6, 9);
    for (const len of [4, 6, 9]) {
      expectClose(
        ts.spectral.rfft(ts.tensor3d(v, [2, 2, 6]), len).dataSync() as Float32Array,
        tfc.spectral.rfft(tfc.tensor3d(v, [2, 2, 6]), len).dataSync() as Float32Array, 1e-5,
      );
    }
    // round trip: irfft(rfft(x)) = x for even lengths
    const x = ts.tensor1d(values(10, 5));
    expectClose(ts.spectral.irfft(ts.spectral.rfft(x)).dataSync() as Float32Array, x.dataSync() as Float32Array, 1e-5);
    expect(() => ts.spectral.fft(ts.tensor1d([1, 2]))).toThrow('The dtype for tf.spectral.fft() must be complex64 but got float32.');
  });

  it('signal.frame / hannWindow / hammingWindow / stft match TF.js', () => {
    const sig = values(23, 11);
    const cases: Array<[number, number, boolean, number]> = [[5, 3, false, 0], [5, 3, true, 7], [4, 4, true, 0], [30, 2, false, 0], [8, 1, false, 0]];
    for (const [len, step, padEnd, padValue] of cases) {
      const mine = ts.signal.frame(ts.tensor1d(sig), len, step, padEnd, padValue);
      const theirs = tfc.signal.frame(tfc.tensor1d(sig), len, step, padEnd, padValue);
      expect(mine.shape).toEqual(theirs.shape);
      expectClose(mine.dataSync() as Float32Array, theirs.dataSync() as Float32Array, 0);
    }
    // (length 1: TF.js divides 0 by 0 and returns NaN; tessera returns [1] as TensorFlow does)
    expect(Array.from(ts.signal.hannWindow(1).dataSync())).toEqual([1]);
    for (const n of [2, 5, 8, 11]) {
      expectClose(ts.signal.hannWindow(n).dataSync() as Float32Array, tfc.signal.hannWindow(n).dataSync() as Float32Array, 1e-7);
      expectClose(ts.signal.hammingWindow(n).dataSync() as Float32Array, tfc.signal.hammingWindow(n).dataSync() as Float32Array, 1e-7);
    }
    for (const [len, step, fftLen] of [[8, 4, undefined], [5, 2, undefined], [6, 3, 16]] as const) {
      const mine = ts.signal.stft(ts.tensor1d(sig), len, step, fftLen);
      const theirs = tfc.signal.stft(tfc.tensor1d(sig), len, step, fftLen);
      expect(mine.shape).toEqual(theirs.shape);
      expectClose(mine.dataSync() as Float32Array, theirs.dataSync() as Float32Array, 1e-5);
    }
  });

  it('string.stringToHashBucketFast matches TF.js for every FarmHash length branch', () => {
    // lengths 0..130 bytes cover the 0-16, 17-32, 33-64 and > 64 byte paths (and multi-block inputs)
    const strs = Array.from({ length: 131 }, (_, n) => Array.from({ length: n }, (_, i) => String.fromCharCode(33 + ((i * 7 + n) % 90))).join(''));
    strs.push('日本語のテキスト', 'ça va?');
    for (const buckets of [1, 7, 1000, 2 ** 31 - 1]) {
      const mine = ts.string.stringToHashBucketFast(strs, buckets).dataSync();
      const theirs = tfc.string.stringToHashBucketFast(strs, buckets).dataSync();
      expect(Array.from(mine)).toEqual(Array.from(theirs));
    }
    expect(() => ts.string.stringToHashBucketFast(['a'], 0)).toThrow('Number of buckets must be at least 1');
  });

  it('string.stringNGrams / stringSplit / staticRegexReplace match TF.js', () => {
    const data = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    const settings: Array<[number[], number[], string, string, number, boolean]> = [
      [[0, 3, 7], [1, 2], '|', '|', -1, false],
      [[0, 2, 7], [3], 'LP', 'RP', 1, false],
      [[0, 1, 7], [4], '<', '>', 0, true],
      [[0, 0, 7], [2, 5], '', '', 2, true],
    ];
    for (const [splits, widths, lp, rp, pad, preserve] of settings) {
      const mine = ts.string.stringNGrams(data, ts.tensor1d(splits, 'int32'), '+', widths, lp, rp, pad, preserve);
      const theirs = tfc.string.stringNGrams(data, tfc.tensor1d(splits, 'int32'), '+', widths, lp, rp, pad, preserve);
      expect(mine.nGrams.dataSync()).toEqual(theirs.nGrams.dataSync());
      expect(Array.from(mine.nGramsSplits.dataSync())).toEqual(Array.from(theirs.nGramsSplits.dataSync()));
    }
    expect(() => ts.string.stringNGrams(data, ts.tensor1d([1, 7], 'int32'), '+', [1], '', '', 0, false)).toThrow('First split value must be 0');

    const lines = ['hello world', '  a  b ', '', 'x,y;;z'];
    for (const [delim, skip] of [[' ', true], [' ', false], [',;', true], ['', false]] as const) {
      const mine = ts.string.stringSplit(lines, delim, skip);
      const theirs = tfc.string.stringSplit(lines, delim, skip);
      expect(Array.from(mine.indices.dataSync())).toEqual(Array.from(theirs.indices.dataSync()));
      expect(mine.indices.shape).toEqual(theirs.indices.shape);
      expect(mine.values.dataSync()).toEqual(theirs.values.dataSync());
      expect(Array.from(mine.shape.dataSync())).toEqual(Array.from(theirs.shape.dataSync()));
    }

    const text = ['aabbcc', 'abcabc', 'xyz'];
    for (const global of [true, false]) {
      expect(ts.string.staticRegexReplace(text, 'b+', '<$&>', global).dataSync())
        .toEqual(tfc.string.staticRegexReplace(text, 'b+', '<$&>', global).dataSync());
    }
  });
});

describe('setBackend keeps string and complex64 tensors valid', () => {
  it('js -> wasm -> js', async () => {
    await ts.setBackend('js');
    const s = ts.tensor(['p', 'q', 'r']);
    const c = ts.complex([1, 2, 3], [4, 5, 6]);
    await ts.setBackend('wasm');
    expect(s.dataSync()).toEqual(['p', 'q', 'r']);
    expect(Array.from(c.dataSync() as Float32Array)).toEqual([1, 4, 2, 5, 3, 6]);
    expect(ts.gather(s, [2, 0]).dataSync()).toEqual(['r', 'p']);
    expect(Array.from(ts.mul(c, c).dataSync() as Float32Array)).toEqual([1 - 16, 8, 4 - 25, 20, 9 - 36, 36]);
    await ts.setBackend('js');
    expect(Array.from(ts.real(c).dataSync())).toEqual([1, 2, 3]);
    ts.dispose([s, c]);
  });
});
