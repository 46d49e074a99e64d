/**
 * Browser test harness. As vitest globalSetup (`setup`): rebuild dist/tessera.js if stale. Per
 * test file (`openHarness`): bundle the case tables for the page, serve the repo with COOP/COEP,
 * launch headless Chromium with WebGPU (SwiftShader on CPU machines), open the test page and
 * verify cross-origin isolation and a WebGPU adapter. Anything missing throws with the reason:
 * the suite fails loudly, it never skips.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import type { CaseResult } from '../cases/index.js';
// @ts-expect-error plain ESM helper without types
import { launchChromium } from '../../scripts/chromium.mjs';
// @ts-expect-error plain ESM helper without types
import { repoRoot, startServer } from '../../scripts/server.mjs';

const PAGE = `<!doctype html><meta charset="utf-8"><title>tessera tests</title>
<script type="module">
try {
  const [ts, harness] = await Promise.all([import('/dist/tessera.js'), import('/__harness/cases.js')]);
  window.__tessera = ts;
  window.__harness = harness;
} catch (e) {
  window.__harnessError = String((e && e.stack) || e);
}
</script>`;

/** vitest globalSetup: make sure the bundle the page loads is current. */
export function setup(): void {
  execFileSync(process.execPath, [join(repoRoot, 'scripts/build.mjs'), '--if-stale'], { cwd: repoRoot, stdio: 'inherit' });
}

/** The case tables (tests/cases) as one ESM file for the page; tessera itself is not inside. */
export async function bundleCases(): Promise<string> {
  const esbuild = await import('esbuild');
  const out = await esbuild.build({
    entryPoints: [join(repoRoot, 'tests/browser/page_entry.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'warning',
  });
  return out.outputFiles[0].text;
}

export interface PageEnv {
  crossOriginIsolated: boolean;
  userAgent: string;
  adapter: string | null;
  gpuError?: string;
}

export interface Harness {
  page: Page;
  browser: Browser;
  url: string;
  env: PageEnv;
  /** Console errors and page errors seen so far (for failure messages). */
  logs: string[];
  /** Replace a hung page with a new one (new document, new GPU device); relaunches Chromium if needed. */
  freshPage(): Promise<void>;
  close(): Promise<void>;
}

/** Open the test page in a fresh headless Chromium; throws (with the reason) if anything is missing. */
export async function openHarness(): Promise<Harness> {
  const cases = await bundleCases();
  const server = await startServer({
    routes: {
      '/__harness/index.html': { body: PAGE },
      '/__harness/cases.js': { type: 'text/javascript; charset=utf-8', body: cases },
    },
  });
  let browser: Browser | null = null;
  const close = async () => {
    await browser?.close().catch(() => {});
    await server.close();
  };
  try {
    try {
      browser = (await launchChromium()) as Browser;
    } catch (e) {
      throw new Error(`Chromium could not start: ${(e as Error).message}`);
    }
    const logs: string[] = [];
    const openPage = async (b: Browser): Promise<Page> => {
      const p = await b.newPage();
      p.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warn') logs.push(`console.${m.type()}: ${m.text()}`);
      });
      p.on('pageerror', (e) => logs.push(`pageerror: ${(e as Error).message ?? e}`));
      await p.goto(`${server.url}/__harness/index.html`, { waitUntil: 'load' });
      await waitForPage(p);
      return p;
    };
    const page = await openPage(browser);
    const env: PageEnv = await page.evaluate(async () => {
      const info: PageEnv = { crossOriginIsolated: self.crossOriginIsolated, userAgent: navigator.userAgent, adapter: null };
      try {
        if (!navigator.gpu) info.gpuError = 'navigator.gpu is undefined (WebGPU disabled or not a secure context)';
        else {
          const a = await navigator.gpu.requestAdapter();
          if (!a) info.gpuError = 'navigator.gpu.requestAdapter() returned null';
          else info.adapter = `${a.info?.vendor ?? ''} ${a.info?.architecture ?? ''} ${a.info?.description ?? ''}`.trim() || 'unknown adapter';
        }
      } catch (e) {
        info.gpuError = `requestAdapter threw: ${(e as Error).message}`;
      }
      return info;
    });
    if (!env.crossOriginIsolated) throw new Error('test page is not crossOriginIsolated: COOP/COEP headers missing');
    if (!env.adapter) throw new Error(`WebGPU unavailable in Chromium: ${env.gpuError} (${env.userAgent})`);
    const h: Harness = {
      page,
      browser,
      url: server.url,
      env,
      logs,
      close,
      async freshPage() {
        const old = h.page;
        try {
          h.page = await withTimeout(openPage(h.browser), 60_000);
          await withTimeout(old.close(), 10_000).catch(() => {});
        } catch {
          // the browser itself is stuck: start another one
          h.browser.process()?.kill('SIGKILL');
          browser = (await launchChromium()) as Browser;
          h.browser = browser;
          h.page = await openPage(browser);
        }
      },
    };
    return h;
  } catch (e) {
    await close();
    throw e;
  }
}

async function waitForPage(page: Page): Promise<void> {
  await page.waitForFunction('window.__harness || window.__harnessError', { timeout: 60_000 });
  const loadError = await page.evaluate(() => (window as any).__harnessError as string | undefined);
  if (loadError) throw new Error(`test page failed to load tessera or the case tables: ${loadError}`);
}

/** Seconds a single row may run before the page counts as hung (TESSERA_ROW_TIMEOUT_S). */
const ROW_TIMEOUT_MS = Number(process.env.TESSERA_ROW_TIMEOUT_S ?? 30) * 1000;
/** Hung rows tolerated per backend before its remaining rows fail without running. */
const MAX_HANGS = 3;
const hangs = new Map<string, string[]>();

/**
 * Run a table's rows on `backend` in the page, in one page.evaluate, under a watchdog: a row
 * that runs longer than ROW_TIMEOUT_MS gets a 'hung' error, the page is reloaded (a fresh
 * document and GPU device) and the rest of the table continues. After MAX_HANGS hangs on one
 * backend, its remaining rows fail at once so a broken backend cannot stall the suite.
 */
export async function runTableInPage(h: Harness, table: string, backend: string): Promise<Record<string, CaseResult>> {
  const started = Date.now();
  const names: string[] = await h.page.evaluate((t) => (window as any).__harness.tableNames()[t], table);
  const results: Record<string, CaseResult> = {};
  let remaining = names;
  while (remaining.length) {
    const seen = hangs.get(backend) ?? [];
    if (seen.length >= MAX_HANGS) {
      for (const n of remaining) results[n] = { backend, error: `not run: ${backend} hung ${seen.length} times already (${seen.join('; ')})` };
      break;
    }
    const page = h.page;
    let settled = false;
    const run = page
      .evaluate((t, b, ns) => (window as any).__harness.runTable((window as any).__tessera, t, b, ns), table, backend, remaining)
      .then((r) => ((settled = true), r as Record<string, CaseResult>))
      .catch((e: Error) => ((settled = true), e));
    let hungRow: string | null = null;
    while (!settled) {
      await Promise.race([run, new Promise((r) => setTimeout(r, 1000))]);
      if (settled) break;
      // The probe itself gets a deadline: a blocked page main thread never answers it.
      const p = await withTimeout(
        page.evaluate(() => {
          const g = (window as any).__harness.progress;
          return { row: g.row as string, ms: performance.now() - g.since };
        }),
        ROW_TIMEOUT_MS,
      ).catch(() => ({ row: '(page unresponsive)', ms: Infinity }));
      if (p.row && p.ms > ROW_TIMEOUT_MS) {
        hungRow = p.row;
        break;
      }
    }
    if (!hungRow) {
      const r = await run;
      if (r instanceof Error) throw new Error(`page.evaluate failed on ${table}/${backend}: ${r.message}\n${h.logs.slice(-5).join('\n')}`);
      Object.assign(results, r);
      break;
    }
    // Keep the rows that finished before the hang, mark the hung row, open a fresh page, go on.
    const finished = await withTimeout(page.evaluate(() => (window as any).__harness.progress.results), 5_000).catch(() => ({}));
    Object.assign(results, finished as Record<string, CaseResult>);
    if (hungRow === '(page unresponsive)') hungRow = remaining.find((n) => !(n in results)) ?? remaining[0];
    results[hungRow] = { backend, error: `hung: no result after ${ROW_TIMEOUT_MS / 1000}s (the page was replaced)` };
    hangs.set(backend, [...seen, `${table}: ${hungRow}`]);
    console.error(`[browser] ${table}/${backend}: row '${hungRow}' hung; opening a fresh page`);
    await h.freshPage();
    remaining = remaining.filter((n) => !(n in results));
  }
  console.error(`[browser] ${table}/${backend}: ${names.length} rows in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  return results;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms))]);
}

/** Run the body `fn` (source text, `ts` bound to the page's tessera) as an async function in the page. */
export function inPage<T>(h: Harness, fn: string): Promise<T> {
  return h.page.evaluate(`(async () => { const ts = window.__tessera; ${fn} })()`) as Promise<T>;
}

/** Page-side helper source: the message of what `f` throws or rejects with, or 'no error'. */
export const PAGE_ERR = `const err = async (f) => { try { await f(); return 'no error'; } catch (e) { return String(e && e.message || e); } };`;
