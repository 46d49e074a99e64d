/**
 * Soak: repeated fit steps and predicts leave tf.memory() flat (tensors, bytes, and on wasm the
 * arena's reserved/in-use/buffer bytes) and the process RSS flat within 10%, on js and wasm.
 * Reduced sizes here (CI); `npm run soak` (SOAK=full) runs 1000 fit steps and 10,000 predicts.
 */
import { describe, expect, it } from 'vitest';
import * as ts from '../src/index.js';
import { CI_SOAK, FULL_SOAK, describeSoak, runSoak } from './helpers/soak.js';

const full = process.env.SOAK === 'full';
const sizes = full ? FULL_SOAK : CI_SOAK;

describe(`soak (${full ? 'full' : 'reduced'}: ${sizes.fitSteps} fit steps, ${sizes.predicts} predicts)`, () => {
  for (const backend of ['js', 'wasm']) {
    it(`${backend}: memory and RSS stay flat`, async () => {
      const r = await runSoak(ts, backend, sizes);
      console.log(describeSoak(r));
      expect(r.finalLoss).toBeLessThan(1.0); // it really trained (4 classes: chance is ln 4 = 1.39)
      expect(r.end.numTensors).toBe(r.warm.numTensors);
      expect(r.end.numBytes).toBe(r.warm.numBytes);
      if (backend === 'wasm') {
        expect(r.end.arenaInUse).toBe(r.warm.arenaInUse);
        expect(r.end.arenaReserved!).toBeLessThanOrEqual(r.warm.arenaReserved!);
        expect(r.end.arenaBytes).toBe(r.warm.arenaBytes);
      }
      expect(r.end.rss).toBeLessThanOrEqual(r.warm.rss * 1.1);
    }, full ? 3_600_000 : 60_000);
  }
});
