/**
 * Runs case rows on a backend and returns plain data (for Node and for the page alike), and
 * compares a backend's result with the js reference's result. No test framework here: the
 * vitest files call these and assert.
 */
import type { Tensor } from '../../src/tensor.js';
import { generateValues, specDtype } from './inputs.js';
import type { CaseResult, CaseRow, Encoded, OutputData, Tolerance, Ts } from './types.js';

export const DEFAULT_TOL: Tolerance = { atol: 1e-5, rtol: 1e-4 };

export function encode(v: number): Encoded {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  return v;
}
export function decode(v: Encoded): number {
  return typeof v === 'number' ? v : Number(v);
}

function liveTensors(ts: Ts): number {
  return (ts.memory() as { numTensors: number }).numTensors;
}

/** Create the row's inputs on `backend`, run the op, read and dispose everything. Never throws. */
export async function runCase(ts: Ts, row: CaseRow, backend: string): Promise<CaseResult> {
  const result: CaseResult = { backend };
  let ok: boolean;
  try {
    ok = await ts.setBackend(backend);
  } catch (e) {
    return { backend, error: `setBackend('${backend}') threw: ${(e as Error).message}` };
  }
  if (!ok) return { backend, error: `backend '${backend}' is unavailable: setBackend('${backend}') resolved false` };
  let outs: Tensor[] = [];
  try {
    // Everything the row creates lives in one tidy, so a throwing op cannot leave tensors behind
    // (that would poison the next setBackend's migration). Leaks are counted inside it.
    outs = ts.tidy(() => {
      const before = liveTensors(ts);
      const inputs = row.inputs.map((spec, i) => {
        const dtype = specDtype(spec);
        const values = generateValues(spec, `${row.name}#${i}`);
        const data = dtype === 'float32' ? Float32Array.from(values) : Int32Array.from(values);
        return ts.tensor(data, spec.shape, dtype);
      });
      const out = row.tidy ? ts.tidy(() => row.op(ts, inputs)) : row.op(ts, inputs);
      const list = Array.isArray(out) ? out : [out];
      result.leaked = liveTensors(ts) - before - new Set([...inputs, ...list]).size;
      return list;
    });
    result.outputs = [];
    for (const t of outs) {
      const values = Array.from(await t.data(), encode);
      result.outputs.push({ shape: t.shape.slice(), dtype: t.dtype, values });
    }
  } catch (e) {
    result.error = (e as Error)?.message ?? String(e);
    delete result.outputs;
  } finally {
    for (const t of outs) {
      try {
        t.dispose();
      } catch {
        /* already disposed */
      }
    }
  }
  return result;
}

/** Run many rows on one backend, in order (one page.evaluate in the browser suite). */
export async function runCases(ts: Ts, rows: CaseRow[], backend: string): Promise<Record<string, CaseResult>> {
  const out: Record<string, CaseResult> = {};
  for (const row of rows) out[row.name] = await runCase(ts, row, backend);
  return out;
}

function tolOf(row: CaseRow): Tolerance {
  if (row.tol === undefined) return DEFAULT_TOL;
  return typeof row.tol === 'number' ? { atol: row.tol, rtol: row.tol } : row.tol;
}

/**
 * Problems of `got` (a backend) against `want` (js), as human-readable lines; empty when equal
 * within the row's tolerance. NaN must meet NaN, ±Infinity the same infinity; integer and bool
 * outputs compare exactly.
 */
export function compareResults(row: CaseRow, got: CaseResult, want: CaseResult): string[] {
  const problems: string[] = [];
  if (want.error) return [`js reference threw: ${want.error}`];
  if (got.error) return [`${got.backend} threw: ${got.error}`];
  const g = got.outputs!;
  const w = want.outputs!;
  if (g.length !== w.length) return [`${got.backend} gave ${g.length} outputs, js ${w.length}`];
  const tol = tolOf(row);
  for (let k = 0; k < w.length; k++) {
    const pre = w.length > 1 ? `output ${k}: ` : '';
    if (g[k].dtype !== w[k].dtype) problems.push(`${pre}dtype ${g[k].dtype}, js ${w[k].dtype}`);
    if (g[k].shape.join(',') !== w[k].shape.join(',')) {
      problems.push(`${pre}shape [${g[k].shape}], js [${w[k].shape}]`);
      continue;
    }
    const exact = w[k].dtype !== 'float32';
    let bad = 0;
    for (let i = 0; i < w[k].values.length; i++) {
      const a = decode(g[k].values[i]);
      const b = decode(w[k].values[i]);
      let same: boolean;
      if (Number.isNaN(b) || Number.isNaN(a)) same = Number.isNaN(a) && Number.isNaN(b);
      else if (!Number.isFinite(b) || !Number.isFinite(a)) same = a === b;
      else same = exact ? a === b : Math.abs(a - b) <= tol.atol + tol.rtol * Math.abs(b);
      if (!same && bad++ < 5) problems.push(`${pre}[${i}] ${got.backend} ${a}, js ${b}`);
    }
    if (bad > 5) problems.push(`${pre}... ${bad} mismatches of ${w[k].values.length} (atol ${tol.atol}, rtol ${tol.rtol})`);
  }
  return problems;
}

/** Checks that hold on any backend's result on its own: finiteness, the row's invariant, no leaks. */
export function resultInvariants(row: CaseRow, r: CaseResult): string[] {
  if (r.error || !r.outputs) return [];
  const problems: string[] = [];
  if (row.finite) {
    for (const o of r.outputs) {
      const i = o.values.findIndex((v) => typeof v !== 'number');
      if (i >= 0) problems.push(`${r.backend}: non-finite value ${o.values[i]} at [${i}]`);
    }
  }
  if (row.check) {
    try {
      row.check(r.outputs);
    } catch (e) {
      problems.push(`${r.backend}: invariant failed: ${(e as Error).message}`);
    }
  }
  if (r.leaked) problems.push(`${r.backend}: ${r.leaked} tensor(s) leaked by the op`);
  return problems;
}

/**
 * Runs one errors-table row. `message` is the thrown message (null when nothing was thrown).
 * `engineError` is set when the JS engine threw a TypeError/ReferenceError (a missing op, a
 * null dereference): that is not a validation error even if its text happens to match.
 */
export async function runErrorRow(ts: Ts, run: (ts: Ts) => unknown): Promise<{ message: string | null; engineError?: string }> {
  try {
    await run(ts);
  } catch (e) {
    if (e instanceof TypeError || e instanceof ReferenceError) return { message: e.message, engineError: `${e.name}: ${e.message}` };
    return { message: (e as Error)?.message ?? String(e) };
  }
  return { message: null };
}
