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

/**
 * Rows not run on 'webgpu-tiled': the attention rows, whose tiled pipelines take ~10 s each to
 * compile on SwiftShader (~100 s for the table); webgpu_conv_kernels.test.ts runs attention on
 * the tiled entry (and with small workgroup storage) instead.
 */
export function skippedOnTiled(rowName: string): boolean {
  return /^attention/.test(rowName);
}

/**
 * Run every row of a table (or just `names`) on `backend`, in order. 'webgpu-tiled' is the
 * webgpu backend with its register-only kernels forbidden (the backend's preferDirectOverride
 * test hook): the workgroup-tiled entry points real GPUs take, here on SwiftShader.
 */
export async function runTable(ts: Ts, table: string, backend: string, names?: string[]): Promise<Record<string, CaseResult>> {
  const rows = caseTables[table];
  if (!rows) throw new Error(`no case table '${table}'`);
  const out: Record<string, CaseResult> = {};
  progress.results = out;
  const tiled = backend === 'webgpu-tiled';
  const runOn = tiled ? 'webgpu' : backend;
  const webgpu = async () => {
    if (!(await ts.setBackend('webgpu'))) return null;
    return (ts as any).engine().backend as { preferDirectOverride: boolean | null; tieredCompile: boolean };
  };
  // The rows test the kernels' own entry points: no quick-to-compile matMul stands in while they compile
  // (tiered compilation has its own tests: webgpu_tiered and the matMulSimple group of webgpu_kernels).
  const onWebgpu = runOn === 'webgpu';
  if (onWebgpu) { const be = await webgpu(); if (be) { be.tieredCompile = false; if (tiled) be.preferDirectOverride = false; } }
  try {
    for (const row of names ? rows.filter((r) => names.includes(r.name)) : rows) {
      if (tiled && skippedOnTiled(row.name)) continue;
      progress.row = row.name;
      progress.since = performance.now();
      out[row.name] = await runCase(ts, row, runOn);
      if (tiled && out[row.name].error) out[row.name].error = `(tiled entry points) ${out[row.name].error}`;
    }
  } finally {
    if (onWebgpu) { const be = await webgpu(); if (be) { be.tieredCompile = true; if (tiled) be.preferDirectOverride = null; } }
  }
  progress.row = '';
  return out;
}
