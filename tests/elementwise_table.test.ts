/**
 * The elementwise op table (src/ops/elementwise_table): the generated WGSL / AssemblyScript
 * dispatch files are exactly what the table generates now; every op code has one row and every
 * row a gradient or a stated reason; every row's wasm kernel agrees with its js function on a
 * grid of edge values (NaN, +-Inf, +-0, huge, tiny, kinks); and every gradient agrees with a
 * central finite difference of the row's js function (an independent reference).
 * The WGSL side of the grid check is in tests/browser/webgpu_kernels (group 'table').
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as ts from '../src/index.js';
import { Activation, Binary, Unary } from '../src/backends/kernels.js';
import { createWasmBackendSync } from '../src/backends/wasm/index.js';
import * as table from '../src/ops/elementwise_table/index.js';
import { isNoGrad } from '../src/ops/elementwise_table/index.js';
import { BINARY_EXPRS, UNARY_EXPRS } from '../src/ops/elementwise_table/exprs.js';
import { gradOps } from '../src/ops/grad_ops.js';
// @ts-expect-error plain ESM helper without types
import { generateElementwise } from '../scripts/elementwise_codegen.mjs';
import { expectClose, runBoth } from './helpers/wasm_compare.js';
import { EDGE_GRID } from './helpers/edge_grid.js';

const wasm = createWasmBackendSync()!;
const BOOL_OUT = new Set(['predicate', 'bool', 'compare', 'logical']);

describe('elementwise op table', () => {
  it('generated dispatch files are up to date with the table', () => {
    const files: Record<string, string> = generateElementwise({ ...table, UNARY_EXPRS, BINARY_EXPRS });
    expect(Object.keys(files).length).toBe(3);
    for (const [rel, text] of Object.entries(files)) {
      // On mismatch: run `node scripts/gen_elementwise.mjs` (build.mjs runs it too).
      expect(readFileSync(new URL(`../${rel}`, import.meta.url), 'utf8'), rel).toBe(text);
    }
  });

  it('the table is data only: no engine or op imports (type imports aside)', () => {
    const allowed = /^(\.\/|\.\.\/\.\.\/backends\/kernels\.js$|\.\.\/\.\.\/backends\/js\/scalar_math\.js$)/;
    for (const f of ['index.ts', 'types.ts', 'unary.ts', 'binary.ts', 'exprs.ts']) {
      const src = readFileSync(new URL(`../src/ops/elementwise_table/${f}`, import.meta.url), 'utf8');
      const froms = [...src.matchAll(/^(import|export)(?! type)[^;]*from '([^']+)'/gm)].map((m) => m[2]);
      for (const from of froms) expect(from, `${f} imports ${from}`).toMatch(allowed);
    }
  });

  it('every op code has exactly one row; every row has a gradient or a reason', () => {
    for (const [codes, byCode] of [[Unary, table.UNARY_BY_CODE], [Binary, table.BINARY_BY_CODE], [Activation, table.ACTIVATION_BY_CODE]] as const) {
      expect(byCode.length).toBe(Object.keys(codes).length);
      for (const [name, code] of Object.entries(codes)) expect(byCode[code]?.name).toBe(name);
    }
    for (const row of [...table.UNARY_BY_CODE, ...table.BINARY_BY_CODE]) {
      if (isNoGrad(row.grad)) expect(row.grad.reason.length, row.name).toBeGreaterThan(5);
      else expect(typeof row.grad.fn, row.name).toBe('function');
    }
    // every row has its kernel expressions (exprs.ts), and exprs.ts has no row the table lacks
    for (const [rows, exprs] of [[table.UNARY_ROWS, UNARY_EXPRS], [table.BINARY_ROWS, BINARY_EXPRS]] as const) {
      expect(Object.keys(exprs).sort()).toEqual(Object.keys(rows).sort());
      for (const [name, e] of Object.entries(exprs)) {
        expect(e.wgsl.length, name).toBeGreaterThan(0);
        expect(e.as.length, name).toBeGreaterThan(0);
      }
    }
    for (const row of table.ACTIVATION_BY_CODE) {
      if ('unary' in row) expect(table.UNARY_ROWS).toHaveProperty(row.unary);
    }
  });

  it('wasm kernels match every unary row on the edge grid (f32x4 and f64 paths)', () => {
    const x = new Float32Array(EDGE_GRID);
    for (const row of table.UNARY_BY_CODE) {
      const outDtype = BOOL_OUT.has(row.dtype) ? 'bool' : 'float32';
      const attrs = { op: row.code, alpha: row.name === 'clip' ? -1.5 : 0.2, beta: 2 };
      // float32 in/out runs the f32x4 path of the rows that have one; int32 output the f64 path.
      for (const dt of [outDtype, 'int32'] as const) {
        const { want, got } = runBoth(wasm, 'unary', [{ data: x, shape: [x.length], dtype: 'float32' }], [{ shape: [x.length], dtype: dt }], attrs);
        // f32x4 polynomials (exp, tanh, erf) are within a few f32 ulp of the f64 reference; the f64
        // path differs from js only in the last f64 bits of the math library (atol: denormals).
        // f32x4 gelu computes 0.5x(1 + erf) in f32, which cancels to 0 in the far negative tail
        // (gelu(-6) = -5.9e-9): an absolute error of |x| * 2^-24, hence atol 1e-6 there.
        const f32x4 = UNARY_EXPRS[row.name].asSimd && dt === 'float32';
        expectClose(got[0], want[0], f32x4 ? 4e-6 : 1e-6, f32x4 ? 1e-6 : 1e-30, `unary ${row.name} -> ${dt}`);
      }
    }
  });

  it('wasm kernels match every binary row on all pairs of the edge grid (contiguous, broadcast, strided)', () => {
    const n = EDGE_GRID.length;
    const a = new Float32Array(n * n), b = new Float32Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) { a[i * n + j] = EDGE_GRID[i]; b[i * n + j] = EDGE_GRID[j]; }
    const bRow = new Float32Array(EDGE_GRID);
    const bStrided = new Float32Array(2 * n).map((_, i) => (i % 2 ? 12345 : EDGE_GRID[i / 2]));
    for (const row of table.BINARY_BY_CODE) {
      const out = { shape: [n, n], dtype: BOOL_OUT.has(row.dtype) ? 'bool' as const : 'float32' as const };
      const A = { data: a, shape: [n, n], dtype: 'float32' as const };
      // 2 f32 ulp: the f32x4 path rounds each step to f32, the reference once (pow/atan2: libm)
      const tol = (row.name === 'pow' || row.name === 'atan2') ? 1e-6 : 2.4e-7;
      const r1 = runBoth(wasm, 'binary', [A, { data: b, shape: [n, n], dtype: 'float32' }], [out], { op: row.code, outShape: [n * n], aStrides: [1], bStrides: [1] });
      expectClose(r1.got[0], r1.want[0], tol, 0, `binary ${row.name} contiguous`);
      const r2 = runBoth(wasm, 'binary', [A, { data: bRow, shape: [n], dtype: 'float32' }], [out], { op: row.code, outShape: [n, n], aStrides: [n, 1], bStrides: [0, 1] });
      expectClose(r2.got[0], r2.want[0], tol, 0, `binary ${row.name} broadcast`);
      const r3 = runBoth(wasm, 'binary', [A, { data: bStrided, shape: [2 * n], dtype: 'float32' }], [out], { op: row.code, outShape: [n, n], aStrides: [n, 1], bStrides: [0, 2] });
      expectClose(r3.got[0], r3.want[0], tol, 0, `binary ${row.name} strided (f64 path)`);
    }
  });
});

// ---- gradients vs finite differences of the js functions ---------------------------------------

const H = 1e-4;
const POINTS = [-2.3, -1.7, -0.8, -0.35, 0.35, 0.8, 1.3, 1.7, 2.3, 3.1];
const near = (x: number, kinks: number[]) => kinks.some((k) => Math.abs(x - k) < 0.05);
const KINKS = [0, -1.5, 2, 2.5, -2.5, 6];

/** Central difference of f at x; NaN when f is not finite around x. */
function fd(f: (x: number) => number, x: number): number {
  const d = (f(x + H) - f(x - H)) / (2 * H);
  return Number.isFinite(f(x - H)) && Number.isFinite(f(x + H)) ? d : NaN;
}

describe('elementwise op table gradients', () => {
  it('every differentiable unary row: grad(x) = d js(x) / dx', () => {
    for (const row of table.UNARY_BY_CODE) {
      const grad = row.grad;
      if (isNoGrad(grad)) continue;
      const alpha = row.name === 'clip' ? -1.5 : 0.2, beta = 2;
      const pts = POINTS.filter((p) => !near(p, KINKS) && Number.isFinite(fd((v) => row.js(v, alpha, beta), p)));
      expect(pts.length, row.name).toBeGreaterThan(1);
      const want = pts.map((p) => fd((v) => row.js(v, alpha, beta), p));
      const g = ts.tidy(() => {
        const x = ts.tensor1d(pts);
        const y = ts.tensor1d(pts.map((p) => row.js(p, alpha, beta)));
        const dy = ts.tensor1d(pts.map(() => 1));
        return grad.fn(gradOps(), x, y, dy, alpha, beta).dataSync();
      });
      expectClose(Float32Array.from(g), Float32Array.from(want), 2e-3, 2e-3, `grad ${row.name}`);
    }
  });

  it('every differentiable binary row: grads = partial derivatives of js(a, b)', () => {
    // floorDiv's gradient is real division's by TF.js convention (its true derivative is 0).
    const conventional = new Set(['floorDiv']);
    const A = [-1.3, -0.6, 0.7, 1.9], B = [-1.1, 0.4, 1.7];
    for (const row of table.BINARY_BY_CODE) {
      const grad = row.grad;
      if (isNoGrad(grad) || conventional.has(row.name)) continue;
      const pairs = A.flatMap((a) => B.map((b) => [a, b])).filter(([a, b]) =>
        Math.abs(a - b) > 0.05 && Number.isFinite(fd((v) => row.js(v, b), a)) && Number.isFinite(fd((v) => row.js(a, v), b)) &&
        !(row.name === 'mod' && Math.abs(a / b - Math.round(a / b)) < 0.05));
      expect(pairs.length, row.name).toBeGreaterThan(3);
      const [ga, gb] = ts.tidy(() => {
        const a = ts.tensor1d(pairs.map((p) => p[0])), b = ts.tensor1d(pairs.map((p) => p[1]));
        const y = ts.tensor1d(pairs.map(([p, q]) => row.js(p, q)));
        const [da, db] = grad.fn(gradOps(), a, b, y, ts.onesLike(y));
        return [da!.dataSync(), db!.dataSync()];
      });
      expectClose(Float32Array.from(ga), Float32Array.from(pairs.map(([a, b]) => fd((v) => row.js(v, b), a))), 2e-3, 2e-3, `grad ${row.name} da`);
      // pow: TF.js takes db = 0 where a <= 0 (the real power is undefined there)
      const wantB = pairs.map(([a, b]) => (row.name === 'pow' && a <= 0 ? 0 : fd((v) => row.js(a, v), b)));
      expectClose(Float32Array.from(gb), Float32Array.from(wantB), 2e-3, 2e-3, `grad ${row.name} db`);
    }
  });
});
