/**
 * Soak: repeated fit steps and predicts leave tf.memory() flat (tensors, bytes, and on wasm the
 * arena's reserved/in-use/buffer bytes), the process RSS outside the V8 heap and the V8 heap in
 * use flat within 10% (see helpers/soak.ts), on js and wasm.
 * Reduced sizes here (CI); `npm run soak` (scripts/soak.mjs, plain Node on the built bundle) runs
 * 1000 fit steps and 10,000 predicts with the same checks; SOAK=full runs those sizes here.
 */
import { describe, expect, it } from 'vitest';
import * as ts from '../src/index.js';
import { CI_SOAK, FULL_SOAK, describeSoak, runSoak, soakProblems } from './helpers/soak.js';

const full = process.env.SOAK === 'full';
const sizes = full ? FULL_SOAK : CI_SOAK;

describe(`soak (${full ? 'full' : 'reduced'}: ${sizes.fitSteps} fit steps and ${sizes.predicts} predicts after a warm-up)`, () => {
  for (const backend of ['js', 'wasm']) {
    it(`${backend}: memory and RSS stay flat`, async () => {
      const r = await runSoak(ts, backend, sizes);
      console.log(describeSoak(r));
      // tensors, bytes and (wasm) arena unchanged; RSS outside the V8 heap and the V8 heap in use
      // within 10% (see helpers/soak.ts); and the model really trained.
      expect(soakProblems(r)).toEqual([]);
    }, full ? 3_600_000 : 60_000);
  }
});
