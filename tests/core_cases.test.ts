/**
 * Node suite for the core case tables: every row runs on 'wasm' and is compared with the js
 * reference computed in the same process; plus the errors table. wasm being unavailable is a
 * failure of every row, never a skip.
 */
import { beforeAll, describe, expect, it } from "vitest";
import * as ts from '../src/index.js';
import { caseTables, compareResults, errorCases, resultInvariants, runCase, runErrorRow, type CaseRow } from './cases/index.js';

let wasmProblem: string | null = null;
beforeAll(async () => {
  try {
    if (!(await ts.setBackend('wasm'))) wasmProblem = "setBackend('wasm') resolved false: the wasm backend cannot start in Node";
  } catch (e) {
    wasmProblem = `setBackend('wasm') threw: ${(e as Error).message}`;
  }
  await ts.setBackend('js');
});

async function check(row: CaseRow, backend: string): Promise<void> {
  const want = await runCase(ts, row, 'js');
  const got = await runCase(ts, row, backend);
  const problems = [...resultInvariants(row, want), ...compareResults(row, got, want), ...resultInvariants(row, got)];
  if (problems.length) throw new Error(`${row.name} on ${backend}:\n  ${problems.join('\n  ')}`);
}

// The reference itself: every row must run on js and satisfy the row's own invariants
// (softmax rows sum to 1, finiteness, no leaked tensors). Catches missing ops and table mistakes.
describe.each(Object.entries(caseTables))('%s cases: js reference runs', (_table, rows) => {
  it.each(rows.map((r) => [r.name, r] as const))('%s', async (_name, row) => {
    const r = await runCase(ts, row, 'js');
    if (r.error) throw new Error(`${row.name} threw on js: ${r.error}`);
    const problems = resultInvariants(row, r);
    if (problems.length) throw new Error(`${row.name} on js:\n  ${problems.join('\n  ')}`);
  });
});

describe.each(Object.entries(caseTables))('%s cases: wasm vs js', (_table, rows) => {
  it.each(rows.map((r) => [r.name, r] as const))('%s', async (_name, row) => {
    if (wasmProblem) throw new Error(`wasm backend unavailable: ${wasmProblem}`);
    await check(row, 'wasm');
  });
});

describe.each(['js', 'wasm'])('errors table on %s', (backend) => {
  it.each(errorCases.map((r) => [r.name, r] as const))('%s', async (_name, row) => {
    if (backend === 'wasm' && wasmProblem) throw new Error(`wasm backend unavailable: ${wasmProblem}`);
    expect(await ts.setBackend(backend)).toBe(true);
    const { message, engineError } = await runErrorRow(ts, row.run);
    expect(engineError, `${row.name}: the JS engine threw instead of the op's validation`).toBeUndefined();
    expect(message, `${row.name}: expected an Error matching ${row.match}`).not.toBeNull();
    expect(message).toMatch(row.match);
  });
});
