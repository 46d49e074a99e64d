/**
 * Entry of the case-table bundle loaded by the test page (bundled by harness.ts with esbuild).
 * The page imports tessera from /dist/tessera.js and this module, and vitest calls
 * `runTable(ts, table, backend, names)` through page.evaluate; results come back as plain data.
 * `progress` tells the harness's watchdog which row is running and since when.
 */
import { caseTables, runCase, type CaseResult, type Ts } from '../cases/index.js';

export const progress: { row: string; since: number; results: Record<string, CaseResult> } = { row: '', since: 0, results: {} };

export function tableNames(): Record<string, string[]> {
  return Object.fromEntries(Object.entries(caseTables).map(([t, rows]) => [t, rows.map((r) => r.name)]));
}

/** Run every row of a table (or just `names`) on `backend`, in order. */
export async function runTable(ts: Ts, table: string, backend: string, names?: string[]): Promise<Record<string, CaseResult>> {
  const rows = caseTables[table];
  if (!rows) throw new Error(`no case table '${table}'`);
  const out: Record<string, CaseResult> = {};
  progress.results = out;
  for (const row of names ? rows.filter((r) => names.includes(r.name)) : rows) {
    progress.row = row.name;
    progress.since = performance.now();
    out[row.name] = await runCase(ts, row, backend);
  }
  progress.row = '';
  return out;
}
