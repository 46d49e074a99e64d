/**
 * Issue-4 acceptance workflows in headless Chromium: the examples/workflows modules (bundled
 * with esbuild, tessera not inside — the page's `window.__tessera`, the built dist bundle, is
 * passed in) train on 'wasm' and on 'webgpu' (SwiftShader on CPU-only machines) and must meet
 * the same thresholds as in Node: linear regression predict(5) within 0.5 of 17, LSTM text
 * classifier >= 95%, transformer classifier >= 90%, CNN >= 95%, leaving no tensors behind.
 * backendsAgree runs on js, wasm and webgpu in the page; the loss trajectories must agree
 * within 1e-3 relative.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
// @ts-expect-error plain ESM helper without types
import { repoRoot } from '../../scripts/server.mjs';
import type { AgreeResult, WorkflowResult } from '../../examples/workflows/index.js';
import { openHarness, type Harness } from './harness.js';

/** Seconds one workflow may run in the page before the test fails as hung. */
const WORKFLOW_TIMEOUT_MS = Number(process.env.TESSERA_WORKFLOW_TIMEOUT_S ?? 240) * 1000;

let harness: Harness | null = null;
let openError: Error | null = null;

/**
 * examples/workflows as one classic script for the page, defining `window.__workflows` (no
 * tessera inside: the workflows take it as a parameter).
 */
async function bundleWorkflows(): Promise<string> {
  const esbuild = await import('esbuild');
  const out = await esbuild.build({
    entryPoints: [join(repoRoot, 'examples/workflows/index.ts')],
    bundle: true,
    format: 'iife',
    globalName: '__workflows',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'warning',
  });
  return out.outputFiles[0].text;
}

/** Put the workflows into the (freshly loaded) harness page as `window.__workflows`. */
async function injectWorkflows(h: Harness, code: string): Promise<void> {
  await h.page.addScriptTag({ content: code });
  const ok = await h.page.evaluate(() => !!(window as any).__workflows?.workflows);
  if (!ok) throw new Error('the workflows bundle did not load in the page: window.__workflows.workflows is missing');
}

let workflowsCode = '';

beforeAll(async () => {
  try {
    workflowsCode = await bundleWorkflows();
    harness = await openHarness();
    await injectWorkflows(harness, workflowsCode);
  } catch (e) {
    openError = e as Error;
    throw e;
  }
}, 240_000);

/**
 * After a hung workflow: a fresh document (and GPU device) so later tests start clean — the
 * harness's freshPage() where it has one (it also replaces a stuck browser), else a reload.
 */
async function reloadPage(h: Harness): Promise<void> {
  const fresh = (h as { freshPage?: () => Promise<void> }).freshPage;
  if (fresh) await fresh.call(h);
  else {
    await h.page.reload({ waitUntil: 'load', timeout: 60_000 });
    await h.page.waitForFunction('window.__harness || window.__harnessError', { timeout: 60_000 });
  }
  await injectWorkflows(h, workflowsCode);
}

afterAll(async () => {
  await harness?.close();
});

type PageRun<T> = T & { backend: string; leaked: number };

/** Run workflow `name` (or 'backendsAgree') on `backend` in the page, under a watchdog. */
async function runInPage<T>(name: string, backend: string): Promise<PageRun<T>> {
  if (!harness) throw new Error(`browser harness did not start: ${openError?.message ?? 'unknown reason'}`);
  const h = harness;
  const run = h.page.evaluate(
    async (n, b) => {
      const ts = (window as any).__tessera;
      const wf = (window as any).__workflows;
      if (!(await ts.setBackend(b))) throw new Error(`backend '${b}' is unavailable in this page`);
      const before = ts.memory().numTensors;
      const r = n === 'backendsAgree' ? await wf.backendsAgree(ts, { seed: 1 }) : await wf.workflows[n](ts, { seed: 1 });
      return { ...r, backend: ts.getBackend(), leaked: ts.memory().numTensors - before };
    },
    name,
    backend,
  );
  let timer: ReturnType<typeof setTimeout> | undefined;
  const watchdog = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${name} on ${backend} did not finish within ${WORKFLOW_TIMEOUT_MS / 1000}s`)), WORKFLOW_TIMEOUT_MS);
  });
  try {
    return (await Promise.race([run, watchdog])) as PageRun<T>;
  } catch (e) {
    const hung = (e as Error).message.includes('did not finish within');
    if (hung) await reloadPage(h).catch(() => {});
    throw new Error(`${name} on ${backend} in Chromium failed: ${(e as Error).message}\n${h.logs.slice(-5).join('\n')}`);
  } finally {
    clearTimeout(timer);
  }
}

function report(r: PageRun<WorkflowResult>): void {
  const m = Object.entries(r.metrics).map(([k, v]) => `${k}=${v.toFixed(4)}`).join(' ');
  console.log(`[acceptance] ${r.name} on ${r.backend}: ${m}, ${r.epochs} epochs, train ${(r.trainMs / 1000).toFixed(1)}s`);
}

/** Per-epoch History for every key, finite values, loss going down, nothing leaked. */
function checkRun(r: PageRun<WorkflowResult>, backend: string, keys: string[]): void {
  expect(r.backend).toBe(backend);
  expect(r.leaked, `${r.name} on ${backend} left tensors behind`).toBe(0);
  for (const k of keys) {
    expect(r.history[k], `${r.name}: history.${k}`).toHaveLength(r.epochs);
    for (const v of r.history[k]) expect(Number.isFinite(v), `${r.name}: history.${k} has ${v}`).toBe(true);
  }
  expect(r.history.loss[r.epochs - 1]).toBeLessThan(r.history.loss[0]);
}

const CLASSIFIER_KEYS = ['loss', 'acc', 'val_loss', 'val_acc'];

describe.each(['wasm', 'webgpu'])('acceptance workflows on %s in Chromium', (backend) => {
  it('linear regression: predict(5) within 0.5 of 17', async () => {
    const r = await runInPage<WorkflowResult>('linearRegression', backend);
    report(r);
    checkRun(r, backend, ['loss']);
    expect(r.epochs).toBe(100);
    expect(Math.abs(r.metrics.predict5 - 17)).toBeLessThan(0.5);
  });

  it('text classification (Embedding -> LSTM -> Dense): >= 95% held out', async () => {
    const r = await runInPage<WorkflowResult>('textClassification', backend);
    report(r);
    checkRun(r, backend, CLASSIFIER_KEYS);
    expect(r.metrics.accuracy).toBeGreaterThanOrEqual(0.95);
  });

  it('transformer classifier: >= 90% held out', async () => {
    const r = await runInPage<WorkflowResult>('transformerClassification', backend);
    report(r);
    checkRun(r, backend, CLASSIFIER_KEYS);
    expect(r.metrics.accuracy).toBeGreaterThanOrEqual(0.9);
  });

  it('CNN on 16x16 bars: >= 95% held out', async () => {
    const r = await runInPage<WorkflowResult>('cnn', backend);
    report(r);
    checkRun(r, backend, CLASSIFIER_KEYS);
    expect(r.metrics.accuracy).toBeGreaterThanOrEqual(0.95);
  });
});

describe('backends agree in Chromium', () => {
  it('ten SGD steps of an MLP and a CNN give the same losses on js, wasm and webgpu (1e-3 relative)', async () => {
    const runs: Record<string, PageRun<AgreeResult>> = {};
    for (const b of ['js', 'wasm', 'webgpu']) runs[b] = await runInPage<AgreeResult>('backendsAgree', b);
    const problems: string[] = [];
    let worst = 0;
    for (const b of ['wasm', 'webgpu']) {
      expect(runs[b].backend).toBe(b);
      expect(runs[b].leaked, `backendsAgree on ${b} left tensors behind`).toBe(0);
      for (const k of ['mlp', 'cnn'] as const) {
        const want = runs.js.losses[k];
        const got = runs[b].losses[k];
        expect(got).toHaveLength(10);
        got.forEach((v, i) => {
          const rel = Math.abs(v - want[i]) / Math.max(Math.abs(want[i]), 1e-6);
          worst = Math.max(worst, rel);
          if (!(rel <= 1e-3)) problems.push(`${k} step ${i + 1}: ${b} ${v} vs js ${want[i]} (rel ${rel.toExponential(2)})`);
        });
      }
    }
    console.log(`[acceptance] backendsAgree max relative difference vs js: ${worst.toExponential(2)}`);
    if (problems.length) throw new Error(`loss trajectories disagree:\n  ${problems.join('\n  ')}`);
  });
});
