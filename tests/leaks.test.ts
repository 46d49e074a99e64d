/**
 * No public call leaves a tensor it did not return. Walks the exports (every function of the
 * top-level API that can be called with simple tensor arguments, `losses.*`, `metrics.*`,
 * `fused.*`) outside tidy with a table of argument patterns, and asserts that
 * tf.memory().numTensors grows by exactly the number of new tensors in the result. Calls that
 * throw (an argument pattern that does not fit) must not leak either. Runs on js and wasm. The
 * layers and models are walked in leaks_layers.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as ts from '../src/index.js';
import { collectTensors } from '../src/engine.js';

type Fn = (...args: unknown[]) => unknown;

/** Not callable with tensor arguments (take functions, configs or names) or not ops. */
const SKIP = new Set([
  'tidy', 'dispose', 'keep', 'memory', 'setBackend', 'getBackend', 'ready', 'sync', 'grad', 'grads', 'valueAndGrad',
  'valueAndGrads', 'variableGrads', 'customGrad', 'model', 'sequential', 'input', 'loadLayersModel', 'seededRandom',
  'normalSampler', 'time', 'rand', 'multiRNNCell', 'Tensor', 'Variable', 'Layer', 'SymbolicTensor', 'LayersModel', 'Sequential', 'Optimizer', 'Callback',
  // take functions, platforms or dtype names, or dispose every variable
  'profile', 'op', 'setPlatform', 'disposeVariables', 'upcastType', 'sumOutType', 'enclosingPowerOfTwo', 'registerCallbackConstructor',
]);

/** Argument patterns tried in order; every call of every pattern is checked for leaks. */
function patterns(): unknown[][] {
  const a = () => ts.tensor([[0.2, 0.7, 0.1], [0.6, 0.3, 0.1]]);
  const b = () => ts.tensor([[0, 1, 0], [1, 0, 0]]);
  const i = () => ts.tensor([1, 0], [2], 'int32');
  const img = () => ts.tensor(Array.from({ length: 2 * 4 * 4 * 3 }, (_, k) => (k % 7) / 7), [2, 4, 4, 3]);
  const bool = () => ts.tensor([[true, false, true], [false, false, true]]);
  const vec = () => ts.tensor([1, 2, 3]);
  const seq = () => ts.tensor(Array.from({ length: 2 * 5 * 3 }, (_, k) => (k % 4) / 4), [2, 5, 3]);
  const dy = () => ts.tensor(Array.from({ length: 2 * 4 * 4 * 2 }, (_, k) => (k % 3) / 3), [2, 4, 4, 2]);
  const qkv = () => ts.tensor(Array.from({ length: 1 * 2 * 4 * 8 }, (_, k) => Math.sin(k)), [1, 2, 4, 8]);
  const flt = () => ts.tensor(Array.from({ length: 2 * 2 * 3 * 2 }, (_, k) => (k % 5) / 5 - 0.4), [2, 2, 3, 2]);
  return [
    [a()],
    [ts.complex([[1, 2], [3, 4]], [[0, 1], [1, 0]])], // fft, ifft, irfft take complex64
    [b(), a()],
    [a(), b(), a()],
    [a(), 1],
    [a(), -1],
    [a(), [1, 0]],
    [i(), 3],
    [a(), i()],
    [a(), i(), 1],
    [[a(), a()]],
    [[a(), a()], 1],
    [img(), flt(), 1, 'same'],
    [img(), [2, 2], 2, 'valid'],
    [img(), flt(), [2, 2, 2, 2], 'same'],
    [[3, 3, 2, 2]],
    [a(), a(), a(), 1],
    [a(), [[0, 1], [1, 0]]],
    [{ a: a(), b: b(), x: a(), bias: a() }],
    [{ a: a(), b: ts.tensor([[1, 2], [3, 4], [5, 6]]), bias: ts.tensor([1, 2]) }],
    [{ x: img(), filter: flt(), strides: 1, pad: 'same' }],
    [bool(), bool()],
    [bool(), a(), b()],
    [vec(), vec()],
    [2.5],
    [3],
    [[[1, 2], [3, 4]]],
    [[[[1, 2], [3, 4]]]],
    [[[[[1, 2]], [[3, 4]]]]],
    [a(), 'int32'],
    [a(), [3, 2]],
    [a(), [2, 2, 3]],
    [i(), a()],
    [seq(), ts.tensor(Array.from({ length: 12 }, (_, k) => k / 12 - 0.5), [2, 3, 2]), 1, 'same'],
    [[2, 4, 4, 3], dy(), flt(), 1, 'same'],
    [dy(), flt(), [2, 4, 4, 3], 1, 'same'],
    [img(), dy(), [2, 2, 3, 2], 1, 'same'],
    [img(), ts.tensor(Array.from({ length: 12 }, (_, k) => k / 12), [2, 2, 3, 1]), ts.tensor([0.5, -1, 2, 1, 0, 3], [1, 1, 3, 2]), 1, 'same'],
    [img(), [2, 2], 'max', 'valid'],
    [qkv(), qkv(), qkv()],
    [vec(), 1],
    [vec(), [1, 0]],
    [seq(), [0, 1, 0]],
    [seq(), [[0, 0], [1, 1], [0, 0]]],
    [img(), [0, 1, 1, 0]],
    [img(), [[0, 0], [1, 0], [0, 1], [0, 0]]],
    [[img(), img()], 3],
    [ts.tensor(Array.from({ length: 16 }, (_, k) => k), [1, 2, 2, 4]), 2],
    [[[[[[1, 2]]]]]],
    [[[[[[[1, 2]]]]]]],
    [ts.tensor(Array.from({ length: 16 }, (_, k) => k), [4, 2, 2, 1]), [2, 2], [[0, 0], [0, 0]]],
    [a(), [[1, 1], [1, 1]], 'reflect'],
    ['ij,jk->ik', a(), ts.tensor([1, 2, 3, 4, 5, 6], [3, 2])],
    [i(), ts.tensor([], [0]), 3],
    [i(), i()],
    [a(), [2, 3]],
    [ts.tensor([0, 1], [2], 'int32'), ts.tensor([3, 4], [2], 'int32'), ts.tensor([1, 1], [2], 'int32')],
    [[ts.tensor([0, 2, 3], [3], 'int32')], ts.tensor([1, 2, 3]), ts.tensor([1, 0], [2], 'int32'), 1],
    [[2, 3], 2],
    [1, ts.tensor([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8], [2, 4]), ts.tensor([0, 0, 0, 0]), [[1]], [[0.5]], [[0.2]]],
    [[2, 3], 0, 5],
    [a(), 0.5],
    [ts.tensor([[0], [1]], [2, 1], 'int32'), ts.tensor([1, 2]), [3]],
    [ts.tensor(Array.from({ length: 8 }, (_, k) => k / 8), [1, 2, 2, 2, 1]), ts.tensor([0.5], [1, 1, 1, 1, 1]), 1, 'same'],
    [ts.tensor(Array.from({ length: 8 }, (_, k) => k / 8), [1, 2, 2, 2, 1]), ts.tensor([0.5], [1, 1, 1, 1, 1]), [1, 2, 2, 2, 1], 1, 'same'],
    [ts.tensor(Array.from({ length: 8 }, (_, k) => k / 8), [1, 2, 2, 2, 1]), 1, 1, 'valid'],
    [img(), ts.tensor(Array.from({ length: 12 }, (_, k) => k / 12), [2, 2, 3]), 1, 'same'],
    [ts.tensor([2, 2], [2], 'int32'), ts.tensor([1, 2, 3]), ts.scalar(0), [ts.scalar(2, 'int32'), ts.tensor([0, 0, 1], [3], 'int32')], ['FIRST_DIM_SIZE', 'VALUE_ROWIDS']],
  ];
}

interface Found {
  name: string;
  pattern: number;
  leaked: number;
  threw: boolean;
}

async function walk(label: string, ns: Record<string, unknown>, names = Object.keys(ns)): Promise<{ calls: number; ok: number; leaks: Found[]; uncovered: string[] }> {
  const leaks: Found[] = [];
  const uncovered: string[] = [];
  let calls = 0;
  let ok = 0;
  const warn = console.warn;
  console.warn = () => {};
  try {
    for (const name of names) {
      const fn = ns[name];
      if (typeof fn !== 'function' || SKIP.has(name) || /^[A-Z]/.test(name)) continue;
      let covered = false;
      for (const [p, args] of patterns().entries()) {
        const inputs = new Set<ts.Tensor>();
        collectTensors(args, inputs);
        const before = ts.memory().numTensors;
        let result: unknown;
        let threw = false;
        try {
          result = (fn as Fn)(...args);
        } catch {
          threw = true;
        }
        calls++;
        // async ops (whereAsync, ...) free their temporaries when they settle: count after that
        if (result instanceof Promise) {
          try {
            result = await result;
          } catch {
            threw = true;
          }
        }
        const out = new Set<ts.Tensor>();
        collectTensors(result, out);
        const fresh = [...out].filter((t) => !inputs.has(t) && !t.isDisposed);
        const leaked = ts.memory().numTensors - before - fresh.length;
        if (leaked !== 0) leaks.push({ name: `${label}${name}`, pattern: p, leaked, threw });
        else if (!threw) {
          ok++;
          covered = true;
        }
        ts.dispose(fresh);
        ts.dispose([...inputs]);
      }
      if (!covered) uncovered.push(name);
    }
  } finally {
    console.warn = warn;
  }
  return { calls, ok, leaks, uncovered };
}

for (const backend of ['js', 'wasm']) {
  describe(`no public call leaks (${backend})`, () => {
    beforeAll(async () => {
      expect(await ts.setBackend(backend)).toBe(true);
    });
    afterAll(async () => {
      await ts.setBackend('js');
    });

    const namespaces: [string, Record<string, unknown>][] = [
      ['', ts as unknown as Record<string, unknown>],
      ['losses.', ts.losses as unknown as Record<string, unknown>],
      ['metrics.', ts.metrics as unknown as Record<string, unknown>],
      ['fused.', ts.fused as unknown as Record<string, unknown>],
      // op namespaces added for TF.js parity: walked for leaks; patterns may not fit every function there
      ...(['linalg', 'sparse', 'spectral', 'signal', 'string', 'math', 'image'] as const)
        .filter((n) => (ts as unknown as Record<string, unknown>)[n])
        .map((n) => [`${n}.`, (ts as unknown as Record<string, Record<string, unknown>>)[n]] as [string, Record<string, unknown>]),
    ];
    const mustCoverAll = new Set(['', 'losses.', 'metrics.', 'fused.']);
    for (const [label, ns] of namespaces) {
      it(`${label || 'top-level '}functions, every argument pattern`, async () => {
        const start = ts.memory().numTensors;
        const { calls, ok, leaks, uncovered } = await walk(label, ns);
        console.log(`[leaks] ${backend} ${label || 'top-level'}: ${calls} calls, ${ok} returned normally, ${leaks.length} leaked; no pattern fits: ${uncovered.join(', ')}`);
        expect(leaks.map((l) => `${l.name} (pattern ${l.pattern}${l.threw ? ', threw' : ''}): ${l.leaked}`)).toEqual([]);
        expect(ok).toBeGreaterThanOrEqual(label === '' ? 100 : mustCoverAll.has(label) ? 2 : 0);
        if (mustCoverAll.has(label)) expect(uncovered).toEqual([]);
        expect(ts.memory().numTensors).toBe(start);
      });
    }
  });
}
