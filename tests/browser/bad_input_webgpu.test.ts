/**
 * The bad-input table of tests/bad_input_cases.ts (the same module, bundled for the page with its
 * tessera import pointed at the page's tessera) on webgpu in headless Chromium (SwiftShader): every
 * row throws a plain Error whose message matches the row's pattern, leaks at most the row's own
 * inputs, and afterwards add and matMul still give the right values. webgpu reads are async, so the
 * runner checks results with `await data()` where the Node runner uses dataSync().
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { bundleForPage, openSourcePage } from './source_page.js';
import { BAD_CALLS } from '../bad_input_cases.js';

const PREFIX = '__badinput';

interface RowResult {
  threw: boolean;
  isPlainError: boolean;
  name: string;
  message: string;
  leaked: number;
  add: number[] | string;
  matMul: number[] | string;
}

let page: Page;
let closePage: (() => Promise<void>) | undefined;
let backend = '';
let results: Record<string, RowResult> = {};

beforeAll(async () => {
  ({ page, close: closePage } = await openSourcePage(PREFIX, 'tessera bad input', { __badCases: await bundleForPage(PREFIX, 'tests/bad_input_cases.ts') }));
  const r = await page.evaluate(async () => {
    const w = window as any;
    const ts = w.__ts;
    const { BAD_CALLS: calls } = w.__badCases;
    const ok = await ts.setBackend('webgpu');
    const out: Record<string, RowResult> = {};
    const read = async (f: () => any): Promise<number[] | string> => {
      try {
        return Array.from(await f().data(), Number);
      } catch (e) {
        return `threw: ${(e as Error).message}`;
      }
    };
    for (const [label, call] of calls) {
      const before = ts.memory().numTensors;
      let err: unknown = null;
      try {
        const v = call();
        if (v instanceof Promise) {
          let timer: ReturnType<typeof setTimeout> | undefined;
          const hang = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`hung: no answer in 60 s`)), 60_000); });
          await Promise.race([v, hang]).finally(() => clearTimeout(timer));
        }
      } catch (e) {
        err = e;
      }
      const leaked = ts.memory().numTensors - before;
      const e = err as Error | null;
      out[label] = {
        threw: e !== null,
        isPlainError: e !== null && e.constructor === Error,
        name: e?.name ?? '',
        message: e === null ? '' : String(e.message ?? e),
        leaked,
        add: await read(() => ts.add(ts.tensor([1, 2, 3]), ts.tensor([10, 20, 30]))),
        matMul: await read(() => ts.matMul(ts.tensor([[1, 2]]), ts.tensor([[3], [4]]))),
      };
    }
    return { ok, backend: ts.getBackend(), out };
  });
  expect(r.ok, 'setBackend(webgpu)').toBe(true);
  backend = r.backend;
  results = r.out;
}, 600_000);

afterAll(async () => {
  await closePage?.();
});

describe('bad input (webgpu, Chromium)', () => {
  it('runs on webgpu, with at least 60 rows, one result per row', () => {
    expect(backend).toBe('webgpu');
    expect(BAD_CALLS.length).toBeGreaterThanOrEqual(60);
    expect(Object.keys(results).sort()).toEqual(BAD_CALLS.map(([label]) => label).sort());
  });

  for (const [label, , message] of BAD_CALLS) {
    it(label, () => {
      const r = results[label];
      expect(r, 'the page ran this row').toBeDefined();
      expect(r.threw, 'the call must throw').toBe(true);
      expect(r.isPlainError, `a plain Error, not ${r.name}: ${r.message}`).toBe(true);
      expect(r.message).toMatch(message);
      // Nothing leaked beyond the row's own inputs, and the library still works afterwards.
      expect(r.leaked).toBeLessThanOrEqual(3);
      expect(r.add).toEqual([11, 22, 33]);
      expect(r.matMul).toEqual([11]); // 1*3 + 2*4
    });
  }
});
