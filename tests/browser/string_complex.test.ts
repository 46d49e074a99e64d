/**
 * 'string' and 'complex64' tensors on webgpu in Chromium: strings stay on the host through
 * layout ops and comparisons, complex64 pairs run through the ordinary float32 kernels (mul,
 * div, abs, slice, concat), the FFT family's matMul DFT matches a float64 DFT written here, and
 * setBackend moves both between webgpu and wasm intact. (The same ops are checked against
 * TF.js's cpu backend in Node: tests/string_complex.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await openHarness();
}, 180_000);
afterAll(async () => {
  await h?.close();
});

/** Float64 DFT of (re, im) along one row: sum_j x_j e^(sign 2 pi i j k / n), times scale. */
function dft(re: number[], im: number[], sign: number, scale: number): number[] {
  const n = re.length;
  const out: number[] = [];
  for (let k = 0; k < n; k++) {
    let sr = 0;
    let si = 0;
    for (let j = 0; j < n; j++) {
      const a = (sign * 2 * Math.PI * ((j * k) % n)) / n;
      sr += re[j] * Math.cos(a) - im[j] * Math.sin(a);
      si += re[j] * Math.sin(a) + im[j] * Math.cos(a);
    }
    out.push(sr * scale, si * scale);
  }
  return out;
}

function expectClose(got: number[], want: number[], tol: number): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => {
    if (!(Math.abs(g - want[i]) <= tol * (1 + Math.abs(want[i])))) throw new Error(`element ${i}: got ${g}, want ${want[i]}`);
  });
}

describe('string and complex64 on webgpu', () => {
  it('string tensors: layout ops, comparisons, migration', async () => {
    const r = await h.page.evaluate(async () => {
      const ts = (window as any).__tessera;
      await ts.setBackend('webgpu');
      const t = ts.tensor([['a', 'bb'], ['c', 'dd']]);
      const out = {
        backend: ts.getBackend(),
        slice: await ts.slice(t, [0, 1], [2, 1]).data(),
        concat: await ts.concat([t, t], 1).array(),
        tile: await ts.tile(t, [1, 2]).data(),
        stack: (await ts.stack([t, t])).shape,
        unstack: await ts.unstack(t, 1)[1].data(),
        equal: Array.from(await ts.equal(t, 'c').data()),
        less: Array.from(await ts.less(t, 'bc').data()),
        bytes: (await t.bytes()).map((b: Uint8Array) => Array.from(b)),
        error: '',
        migrated: [] as unknown[],
      };
      try {
        ts.abs(t);
      } catch (e) {
        out.error = (e as Error).message;
      }
      await ts.setBackend('wasm');
      out.migrated.push(await t.data(), await ts.reverse(t, 0).data());
      await ts.setBackend('webgpu');
      out.migrated.push(await t.data());
      return out;
    });
    expect(r.backend).toBe('webgpu');
    expect(r.slice).toEqual(['bb', 'dd']);
    expect(r.concat).toEqual([['a', 'bb', 'a', 'bb'], ['c', 'dd', 'c', 'dd']]);
    expect(r.tile).toEqual(['a', 'bb', 'a', 'bb', 'c', 'dd', 'c', 'dd']);
    expect(r.stack).toEqual([2, 2, 2]);
    expect(r.unstack).toEqual(['bb', 'dd']);
    expect(r.equal).toEqual([0, 0, 1, 0]);
    expect(r.less).toEqual([1, 1, 0, 0]); // byte order: 'a' < 'bb' < 'bc' < 'c' < 'dd'
    expect(r.bytes).toEqual([[97], [98, 98], [99], [100, 100]]);
    expect(r.error).toBe("Argument 'x' passed to 'abs' must be numeric tensor, but got string tensor");
    expect(r.migrated).toEqual([['a', 'bb', 'c', 'dd'], ['c', 'dd', 'a', 'bb'], ['a', 'bb', 'c', 'dd']]);
  }, 120_000);

  it('complex64 arithmetic and the FFT family', async () => {
    const re = [0.5, -1, 2, 0.25, 3, -0.75, 1.5, -2];
    const im = [1, 0.5, -0.5, 2, -1, 0.25, 0, 1];
    const r = await h.page.evaluate(async (re: number[], im: number[]) => {
      const ts = (window as any).__tessera;
      await ts.setBackend('webgpu');
      const a = ts.complex([1, 2], [3, 4]);
      const b = ts.complex([5, -1], [-2, 0.5]);
      const x = ts.complex(re, im);
      const real = ts.tensor1d(re);
      const out = {
        backend: ts.getBackend(),
        mul: Array.from(await ts.mul(a, b).data()),
        div: Array.from(await ts.div(a, b).data()),
        abs: Array.from(await ts.abs(a).data()),
        concat: Array.from(await ts.concat([a, b]).data()),
        slice: Array.from(await ts.slice(x, [2], [3]).data()),
        fft: Array.from(await ts.spectral.fft(x).data()),
        ifft: Array.from(await ts.spectral.ifft(x).data()),
        rfft: Array.from(await ts.spectral.rfft(real).data()),
        roundTrip: Array.from(await ts.spectral.irfft(ts.spectral.rfft(real)).data()),
        stft: ts.signal.stft(real, 4, 2).shape,
        migrated: [] as unknown[],
      };
      await ts.setBackend('wasm');
      out.migrated.push(Array.from(await ts.mul(a, b).data()));
      await ts.setBackend('webgpu');
      return out;
    }, re, im);
    expect(r.backend).toBe('webgpu');
    // (1 + 3i)(5 - 2i) = 11 + 13i; (2 + 4i)(-1 + 0.5i) = -4 - 3i
    expectClose(r.mul as number[], [11, 13, -4, -3], 1e-6);
    // (1 + 3i) / (5 - 2i) = (-1 + 17i) / 29; (2 + 4i) / (-1 + 0.5i) = (0 - 5i) / 1.25
    expectClose(r.div as number[], [-1 / 29, 17 / 29, 0, -4], 1e-6);
    expectClose(r.abs as number[], [Math.hypot(1, 3), Math.hypot(2, 4)], 1e-6);
    expectClose(r.concat as number[], [1, 3, 2, 4, 5, -2, -1, 0.5], 0);
    expectClose(r.slice as number[], [2, -0.5, 0.25, 2, 3, -1], 0);
    expectClose(r.fft as number[], dft(re, im, -1, 1), 1e-5);
    expectClose(r.ifft as number[], dft(re, im, 1, 1 / re.length), 1e-5);
    expectClose(r.rfft as number[], dft(re, re.map(() => 0), -1, 1).slice(0, 2 * (re.length / 2 + 1)), 1e-5);
    expectClose(r.roundTrip as number[], re, 1e-5);
    expect(r.stft).toEqual([3, 3]);
    expectClose(r.migrated[0] as number[], [11, 13, -4, -3], 1e-6);
  }, 120_000);
});
