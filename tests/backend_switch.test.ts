/**
 * setBackend's migration is atomic with respect to the program: tensors created while it awaits end up on
 * the new backend, tensors disposed meanwhile are not allocated again (no leak on either backend), and values
 * survive (checked against the literals they were made from). From js and wasm the migration is synchronous
 * after the backend starts; the hook below catches a migration that awaits reads (as it did before).
 */
import { describe, expect, it } from 'vitest';
import * as ts from '../src/index.js';
import type { Backend } from '../src/backends/backend.js';
import { ENGINE } from '../src/engine.js';

/** Runs `meanwhile` inside the first read the migration awaits, i.e. after it took its snapshot. */
function duringFirstRead(backendName: string, meanwhile: () => void): void {
  const backend = (ENGINE as unknown as { instances: Map<string, Backend> }).instances.get(backendName)!;
  const read = backend.read.bind(backend);
  backend.read = async (...args) => {
    backend.read = read;
    const values = await read(...args);
    meanwhile();
    return values;
  };
}

const buffers = (name: string) => (ts.memory().backends[name]?.numBuffers as number | undefined) ?? 0;

describe('setBackend while the program keeps working', () => {
  for (const [from, to] of [['js', 'wasm'], ['wasm', 'js']] as const) {
    it(`${from} -> ${to}: created-meanwhile tensors move, disposed-meanwhile ones do not leak`, async () => {
      await ts.setBackend(from);
      const kept = ts.tensor([1, 2, 3]);
      const doomed = ts.tensor([7, 8, 9]);
      let createdMeanwhile: ts.Tensor | null = null;
      duringFirstRead(from, () => {
        createdMeanwhile = ts.tensor([4, 5]);
        doomed.dispose();
      });
      expect(await ts.setBackend(to)).toBe(true);
      // js and wasm can be read synchronously, so the migration need not await a read at all; then it was
      // atomic by construction and the same steps run right after it
      if (createdMeanwhile === null) {
        createdMeanwhile = ts.tensor([4, 5]);
        doomed.dispose();
      }
      expect(ts.getBackend()).toBe(to);
      expect(buffers(from)).toBe(0);
      expect(buffers(to)).toBe(ts.memory().numDataBuffers);
      expect(Array.from(await kept.data())).toEqual([1, 2, 3]);
      expect(Array.from(await createdMeanwhile!.data())).toEqual([4, 5]);
      expect(Array.from(await ts.add(kept, 1).data())).toEqual([2, 3, 4]);
      ts.dispose([kept, createdMeanwhile!]);
      expect(buffers(to)).toBe(ts.memory().numDataBuffers);
    });
  }
});
