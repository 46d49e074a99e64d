/**
 * Node suite for the core case tables: every row runs on 'wasm' and is compared with the js
 * reference computed in the same process; plus the errors table. wasm being unavailable is a
 * failure of every row, never a skip.
 */
import { beforeAll, describe, expect, it } from 'vitest';
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
  expect(problems, `${row.name} on ${backend}`).toEqual([]);
}

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
    const message = await runErrorRow(ts, row.run);
    expect(message, `${row.name}: expected an Error matching ${row.match}`).not.toBeNull();
    expect(message).toMatch(row.match);
  });
});
