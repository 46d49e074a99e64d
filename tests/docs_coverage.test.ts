/**
 * Issue 10 (docs): every public name (src/index.ts and the namespaces it exports) has a doc
 * comment, and every public function's comment carries a short example (@example or a ``` block),
 * which TypeDoc (`npm run docs`) renders into docs/api. Read with the TypeScript compiler API
 * (scripts/doc_coverage.mjs); a failure lists each missing name with its file and line.
 */
import { expect, it } from 'vitest';
// @ts-expect-error plain ESM helper without types
import { docCoverage } from '../scripts/doc_coverage.mjs';

interface Entry { name: string; file: string; isFunction: boolean }
const { entries, missingDoc, missingExample } = docCoverage() as { entries: Entry[]; missingDoc: Entry[]; missingExample: Entry[] };
const show = (list: Entry[]) => list.map((e) => `${e.name} (${e.file})`);

it('walks the whole public API, namespaces included', () => {
  const names = new Set(entries.map((e) => e.name));
  // a few names from different corners, so a broken walk (e.g. namespaces skipped) cannot pass empty
  for (const n of ['tensor', 'matMul', 'Tensor', 'layers.dense', 'io.http', 'train.adam', 'util.sizeFromShape', 'data.csv', 'losses.meanSquaredError']) {
    expect(names.has(n), n).toBe(true);
  }
  expect(entries.length).toBeGreaterThan(600);
  expect(entries.filter((e) => e.isFunction).length).toBeGreaterThan(500);
});

it('every public export has a doc comment', () => {
  expect(show(missingDoc)).toEqual([]);
});

it('every public function has an example in its doc comment', () => {
  expect(show(missingExample)).toEqual([]);
});
