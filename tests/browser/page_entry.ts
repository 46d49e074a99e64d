/**
 * Entry of the case-table bundle loaded by the test page (bundled by harness.ts with esbuild).
 * The page imports tessera from /dist/tessera.js and this module, and vitest calls
 * `runTable(ts, table, backend)` through page.evaluate; results come back as plain data.
 */
import { caseTables, runCases, type Ts } from '../cases/index.js';

export function tableNames(): Record<string, string[]> {
  return Object.fromEntries(Object.entries(caseTables).map(([t, rows]) => [t, rows.map((r) => r.name)]));
}

/** Run every row of a table (or just `names`) on `backend`, in order. */
export function runTable(ts: Ts, table: string, backend: string, names?: string[]) {
  const rows = caseTables[table];
  if (!rows) throw new Error(`no case table '${table}'`);
  return runCases(ts, names ? rows.filter((r) => names.includes(r.name)) : rows, backend);
}
