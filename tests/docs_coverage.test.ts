/**
 * Issue 10 (docs), read with the TypeScript compiler API (scripts/doc_coverage.mjs), which TypeDoc
 * (`npm run docs`) renders into docs/api:
 * 1. every public name (src/index.ts and the namespaces it exports) has a doc comment, and every
 *    public function's comment carries a short example (@example or a ``` block), and every public
 *    member of an exported class has a doc comment; a failure lists each missing name with its file
 *    and line;
 * 2. the examples run. Each ```js block of every public function's comment runs against tessera on
 *    the wasm backend, `tf` bound to the public API. Where a line states its result, it is checked:
 *    - `expr.print(); // [1, 2, 3]`: the printed numbers (or booleans) must equal the comment's;
 *    - `expr.shape; // [2, 3]`: the shape must equal the comment's;
 *    - `expr; // 5` (a number, boolean, 'string' or array of numbers): the value must equal it.
 *    The comments round to 3 decimals, so numbers compare within 6e-4 (+1e-4 relative): the rounding
 *    error, nothing looser. An example may only fail for a stated reason: it uses a variable the
 *    reader supplies (a `model`, `artifacts`, a DOM element: CONTEXT below), or it needs the network
 *    or browser storage (NEEDS_BROWSER_OR_NETWORK). The five examples that reconfigure how backends
 *    start (NOT_RUN) are not run: they would change the process for every example after them.
 */
import { beforeAll, expect, it } from 'vitest';
import * as tf from '../src/index.js';
// @ts-expect-error plain ESM helper without types
import { docCoverage, exampleCode } from '../scripts/doc_coverage.mjs';

interface Entry { name: string; file: string; doc: string | null; isFunction: boolean }
const { entries, missingDoc, missingExample, members, missingMemberDoc } = docCoverage() as {
  entries: Entry[]; missingDoc: Entry[]; missingExample: Entry[]; members: Entry[]; missingMemberDoc: Entry[];
};
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

it('every public member of an exported class has a doc comment', () => {
  expect(members.length).toBeGreaterThan(300);
  expect(show(missingMemberDoc)).toEqual([]);
});

/** Names an example may use without defining: what the reader has at hand (a model, a DOM, ...). */
const CONTEXT = new Set([
  'model', 'artifacts', 'modelJson', 'jsonFile', 'weightsFile', 'response', 'specs', 'weightData', 'json', 'xs', 'ys',
  'MyProgressLogger', 'MyLayer', 'myHandler', 'myFetch', 'ready', 'done', 'video', 'blob', 'kernel', 'bias', 'data',
  'cPrev', 'hPrev', 'cell1', 'cell2', 'c1', 'c2', 'h1', 'h2', 'loadWeights', 'document', 'createImageBitmap', 'jsonString', 'gpt', 'kernels', 'navigator',
]);
/** Examples that change how backends start for the rest of the process (they would break the examples after them). */
const NOT_RUN = new Set(['wasm.setWasmPaths', 'wasm.setWasmModule', 'wasm.setThreadsCount', 'webgpu.useDevice', 'setPlatform']);
/** Examples that fetch from example.com, or use localStorage / IndexedDB (absent in Node). */
const NEEDS_BROWSER_OR_NETWORK = new Set([
  'io.http', 'io.browserHTTPRequest', 'io.removeModel', 'io.copyModel', 'io.moveModel', 'loadLayersModel', 'util.fetch',
]);

const AsyncFunction = (async () => {}).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<void>;

const NUMBER = /-?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?|true|false|NaN|-?Infinity/gi;
const close = (got: string, want: string) => {
  if (got === want) return true;
  const g = Number(got);
  const w = Number(want);
  return Number.isFinite(g) && Number.isFinite(w) && Math.abs(g - w) <= 6e-4 + 1e-4 * Math.abs(w);
};

/**
 * The example as a function body: `expr.shape; // [..]` lines become checks; every
 * `.print(); // values` line pushes what the comment expects for the next print.
 */
function instrument(code: string): string {
  return code.split('\n').map((line) => {
    const shape = line.match(/^(.*)\.shape;\s*\/\/\s*(\[[\d,\s]*\])\s*$/);
    if (shape) return `__checkShape(${shape[1]}.shape, ${JSON.stringify(shape[2])});`;
    const value = line.match(/^(?!\s*(?:const|let|await)\b)(.+?);\s*\/\/\s*(-?\d[\d.]*|true|false|'[^']*'|\[[-\d.,\s[\]]*\])\s*$/);
    if (value && !/\.print\(\)$/.test(value[1])) return `__checkValue(${value[1]}, ${JSON.stringify(value[2])});`;
    const printed = line.match(/\.print\(\);\s*\/\/\s*([-\d.,\s[\]]+|(?:\[?\s*(?:true|false)\s*,?\s*\]?)+)\s*$/);
    if (printed) return `__expectPrint(${JSON.stringify(printed[1])}); ${line}`;
    return line;
  }).join('\n');
}

beforeAll(async () => {
  await tf.setBackend('wasm');
});

it('every example runs, and every result it states is what tessera computes', async () => {
  const seen = new Set<string>();
  const failures: string[] = [];
  let ran = 0;
  let checkedValues = 0;
  let checkedShapes = 0;
  const log = console.log;
  const warn = console.warn;
  try {
    for (const e of entries) {
      if (!e.isFunction || !e.doc || NOT_RUN.has(e.name)) continue;
      for (const code of exampleCode(e.doc) as string[]) {
        if (seen.has(code)) continue; // aliases share one comment
        seen.add(code);
        const expected: string[] = [];
        let printed: string[] = [];
        console.log = (...a: unknown[]) => printed.push(a.map(String).join(' '));
        console.warn = () => {};
        const checkPrint = () => {
          const want = expected.shift();
          if (want === undefined) return;
          const text = printed.join('\n');
          printed = [];
          if (/\dj|'/.test(text)) return; // complex or string values: printed in another notation
          const got = text.replace(/dtype:[\s\S]*$/, '').match(NUMBER) ?? [];
          const wanted = want.match(NUMBER) ?? [];
          checkedValues++;
          if (got.length !== wanted.length || !got.every((g, i) => close(g, wanted[i]))) {
            failures.push(`${e.name}: printed ${got.join(', ')}, the comment says ${wanted.join(', ')}`);
          }
        };
        const expectPrint = (want: string) => {
          checkPrint();
          expected.push(want);
        };
        const checkValue = (got: unknown, want: string) => {
          checkedValues++;
          const plain = (v: unknown): unknown => (ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : Array.isArray(v) ? v.map(plain) : v);
          const same = (g: unknown, w: unknown): boolean => (Array.isArray(w)
            ? Array.isArray(g) && g.length === w.length && w.every((x, i) => same(g[i], x))
            : typeof w === 'number' ? typeof g === 'number' && close(String(g), String(w)) : g === w);
          const wanted = JSON.parse(want.replace(/'/g, '"'));
          if (!same(plain(got), wanted)) failures.push(`${e.name}: got ${JSON.stringify(plain(got))}, the comment says ${want}`);
        };
        const checkShape = (shape: number[], want: string) => {
          checkedShapes++;
          if (JSON.stringify(shape) !== JSON.stringify(JSON.parse(want))) failures.push(`${e.name}: shape [${shape}], the comment says ${want}`);
        };
        try {
          await new AsyncFunction('tf', '__expectPrint', '__checkShape', '__checkValue', instrument(code))(tf, expectPrint, checkShape, checkValue);
          checkPrint();
          ran++;
        } catch (err) {
          const msg = String((err as Error)?.message ?? err).split('\n')[0];
          const free = err instanceof ReferenceError ? msg.match(/^(\w+) is not defined/)?.[1] : undefined;
          if (!(free && CONTEXT.has(free)) && !NEEDS_BROWSER_OR_NETWORK.has(e.name)) failures.push(`${e.name}: ${msg}`);
        } finally {
          tf.env().set('DEBUG', false); // enableDebugMode's example turns it on
        }
      }
    }
  } finally {
    console.log = log;
    console.warn = warn;
  }
  expect(failures).toEqual([]);
  // most examples are self-contained, and many state their result
  expect(ran).toBeGreaterThan(480);
  expect(checkedValues).toBeGreaterThan(220);
  expect(checkedShapes).toBeGreaterThan(80);
});
