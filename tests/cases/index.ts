/**
 * Every case table, by name. The Node and browser suites iterate `caseTables`; the page bundle
 * (tests/browser/page_entry.ts) re-exports this module so rows are looked up by table and name.
 */
import { binaryCases, unaryCases } from './elementwise.js';
import { convCases } from './conv_cases.js';
import { layoutCases } from './layout.js';
import { matMulCases } from './matmul.js';
import { reduceCases, softmaxCases } from './reduce.js';
import { specialCases } from './special.js';
import type { CaseRow } from './types.js';

export const caseTables: Record<string, CaseRow[]> = {
  unary: unaryCases,
  binary: binaryCases,
  reduce: reduceCases,
  softmax: softmaxCases,
  matMul: matMulCases,
  layout: layoutCases,
  special: specialCases,
  conv: convCases,
};

for (const [table, rows] of Object.entries(caseTables)) {
  const seen = new Set<string>();
  for (const r of rows) {
    if (seen.has(r.name)) throw new Error(`case table '${table}': duplicate row name '${r.name}'`);
    seen.add(r.name);
  }
}

export { errorCases } from './errors.js';
export { compareResults, resultInvariants, runCase, runCases, runErrorRow } from './runner.js';
export type { CaseResult, CaseRow, ErrorRow, Ts } from './types.js';
