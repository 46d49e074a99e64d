/**
 * Bad input gives an Error naming the call and the problem, never a bare RangeError or a stack
 * overflow, leaks nothing, and leaves the library working: after every row of the table in
 * bad_input_cases.ts a normal op still gives a correct result. Runs on js and wasm. NaN weights
 * load with a console warning.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as ts from '../src/index.js';
import { BAD_CALLS, denseArtifacts } from './bad_input_cases.js';

async function outcome(call: () => unknown): Promise<unknown> {
  try {
    const r = call();
    if (r instanceof Promise) await r;
    return null;
  } catch (e) {
    return e;
  }
}

for (const backend of ['js', 'wasm']) {
  describe(`bad input (${backend})`, () => {
    beforeAll(async () => {
      expect(await ts.setBackend(backend)).toBe(true);
    });
    afterAll(async () => {
      await ts.setBackend('js');
    });

    it(`has at least 60 rows`, () => {
      expect(BAD_CALLS.length).toBeGreaterThanOrEqual(60);
    });

    for (const [label, call, message] of BAD_CALLS) {
      it(label, async () => {
        const before = ts.memory().numTensors;
        const e = await outcome(call);
        expect(e, 'the call must throw').toBeInstanceOf(Error);
        expect((e as Error).constructor, `a plain Error, not ${(e as Error).name}: ${(e as Error).message}`).toBe(Error);
        expect((e as Error).message).toMatch(message);
        // Nothing leaked (the inputs the row made are its own, so allow those) and the library works.
        expect(ts.memory().numTensors - before).toBeLessThanOrEqual(3);
        const y = ts.add(ts.tensor([1, 2, 3]), ts.tensor([10, 20, 30]));
        expect(Array.from(y.dataSync())).toEqual([11, 22, 33]);
        const z = ts.matMul(ts.tensor([[1, 2]]), ts.tensor([[3], [4]]));
        expect(Array.from(z.dataSync())).toEqual([11]); // 1*3 + 2*4
      });
    }

    it('NaN weights load with a console warning naming the weight', async () => {
      const a = denseArtifacts();
      const data = new Float32Array(a.weightData as ArrayBuffer);
      data[1] = NaN;
      data[7] = Infinity;
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
      const m = await ts.loadLayersModel(ts.io.fromMemory(a));
      expect(warn).toHaveBeenCalledTimes(2);
      expect(String(warn.mock.calls[0][0])).toMatch(/loadLayersModel: weight 'kernel' of layer 'd' has 1 NaN value/);
      expect(String(warn.mock.calls[1][0])).toMatch(/loadLayersModel: weight 'bias' of layer 'd' has 1 infinite value/);
      warn.mockRestore();
      m.dispose();
    });
  });
}
