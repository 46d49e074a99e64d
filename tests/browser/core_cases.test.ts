/**
 * Browser suite for the core case tables: every row runs in headless Chromium on 'webgpu' and
 * on 'wasm' and is compared with 'js' computed in the same page. Rows are run in batches (one
 * page.evaluate per table and backend) and asserted one vitest test per row. A backend that
 * cannot start fails every row of it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseTables, compareResults, resultInvariants, type CaseResult } from '../cases/index.js';
import { openHarness, runTableInPage, type Harness } from './harness.js';
import { skippedOnTiled } from './page_entry.js';

let harness: Harness | null = null;
let openError: Error | null = null;
const batches = new Map<string, Promise<Record<string, CaseResult>>>();

beforeAll(async () => {
  try {
    harness = await openHarness();
  } catch (e) {
    // Not rethrown: vitest would mark the rows 'skipped'. Every row fails with this reason instead.
    openError = e as Error;
  }
}, 180_000);

it('harness: Chromium starts, the page is cross-origin isolated and WebGPU has an adapter', () => {
  if (openError || !harness) throw new Error(`browser harness did not start: ${openError?.message ?? 'unknown reason'}`);
  expect(harness.env.crossOriginIsolated).toBe(true);
  expect(harness.env.adapter).toBeTruthy();
});

afterAll(async () => {
  await harness?.close();
});

/** Results of a whole table on one backend, computed once in the page and shared by its rows. */
function batch(table: string, backend: string): Promise<Record<string, CaseResult>> {
  const key = `${table}/${backend}`;
  let p = batches.get(key);
  if (!p) {
    if (!harness) throw new Error(`browser harness did not start: ${openError?.message ?? 'unknown reason'}`);
    p = runTableInPage(harness, table, backend);
    batches.set(key, p);
  }
  return p;
}

// 'webgpu-tiled': the same rows on the workgroup-tiled entry points, the path real GPUs take
// (page_entry.ts; attention rows excepted, see skippedOnTiled).
describe.each(['webgpu', 'webgpu-tiled', 'wasm'])('browser %s vs js', (backend) => {
  describe.each(Object.entries(caseTables))('%s', (table, allRows) => {
    const rows = backend === 'webgpu-tiled' ? allRows.filter((r) => !skippedOnTiled(r.name)) : allRows;
    it.each(rows.map((r) => [r.name, r] as const))('%s', async (_name, row) => {
      const want = (await batch(table, 'js'))[row.name];
      const got = (await batch(table, backend))[row.name];
      const problems = [...resultInvariants(row, want), ...compareResults(row, got, want), ...resultInvariants(row, got)];
      if (problems.length) throw new Error(`${row.name} on ${backend} in Chromium:\n  ${problems.join('\n  ')}`);
    }, 300_000);
  });
});
