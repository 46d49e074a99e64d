/**
 * Strict Content-Security-Policy pages. With `script-src 'self'` (no 'wasm-unsafe-eval') Wasm cannot be
 * compiled: tessera must still work, synchronously on first use and after ready(), on js (or webgpu), and
 * say why with a console warning. With 'wasm-unsafe-eval' the wasm backend runs. Values are checked against
 * hand-computed results ([1,2,3] + 1 and [4,5] * 2).
 */
import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM helper without types
import { launchChromium } from '../../scripts/chromium.mjs';
// @ts-expect-error plain ESM helper without types
import { startServer } from '../../scripts/server.mjs';

const probeOf = (entry: string) => `import * as tf from '${entry}';
const warnings = [];
const warn = console.warn;
console.warn = (...a) => { warnings.push(a.map(String).join(' ')); warn(...a); };
const out = {};
try {
  const t = tf.tensor([1, 2, 3]).add(1);
  out.syncValues = Array.from(t.dataSync());
  out.syncBackend = tf.getBackend();
  await tf.ready();
  out.readyBackend = tf.getBackend();
  out.afterReady = Array.from(await tf.tensor([4, 5]).mul(2).data());
  out.wasmStarts = await tf.setBackend('wasm');
  if (out.wasmStarts) out.wasmValues = Array.from(await tf.tensor([4, 5]).mul(2).data());
} catch (e) {
  out.error = String((e && e.stack) || e);
}
out.warnings = warnings;
window.__csp = out;`;

interface ProbeResult {
  syncValues?: number[]; syncBackend?: string; readyBackend?: string; afterReady?: number[];
  wasmStarts?: boolean; wasmValues?: number[]; error?: string; warnings: string[];
}

let browser: Browser;
let server: { url: string; close(): Promise<void> };
beforeAll(async () => {
  const page = (csp: string, probe = 'probe.js') => ({
    body: `<!doctype html><meta charset="utf-8"><script type="module" src="/__csp/${probe}"></script>`,
    headers: { 'Content-Security-Policy': csp },
  });
  server = await startServer({
    routes: {
      '/__csp/strict.html': page("script-src 'self'"),
      '/__csp/wasm.html': page("script-src 'self' 'wasm-unsafe-eval'"),
      '/__csp/inline.html': page("script-src 'self' 'wasm-unsafe-eval'", 'probe-inline.js'),
      '/__csp/probe.js': { type: 'text/javascript; charset=utf-8', body: probeOf('/dist/tessera.js') },
      '/__csp/probe-inline.js': { type: 'text/javascript; charset=utf-8', body: probeOf('/dist/tessera.inline.js') },
    },
  });
  browser = (await launchChromium()) as Browser;
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function probe(path: string): Promise<ProbeResult> {
  const tab = await browser.newPage();
  try {
    await tab.goto(`${server.url}${path}`, { waitUntil: 'load' });
    await tab.waitForFunction(() => (window as unknown as { __csp?: unknown }).__csp !== undefined, { timeout: 60_000 });
    return (await tab.evaluate(() => (window as unknown as { __csp: ProbeResult }).__csp));
  } finally {
    await tab.close();
  }
}

describe('strict CSP', () => {
  it("script-src 'self': no Wasm, tessera runs on js (or webgpu) with a warning", async () => {
    const r = await probe('/__csp/strict.html');
    expect(r.error).toBeUndefined();
    expect(r.syncValues).toEqual([2, 3, 4]);
    expect(r.syncBackend).toBe('js');
    expect(['js', 'webgpu']).toContain(r.readyBackend);
    expect(r.afterReady).toEqual([8, 10]);
    expect(r.wasmStarts).toBe(false);
    expect(r.warnings.some((w) => /wasm/i.test(w) && /js/.test(w))).toBe(true);
  });
  it("script-src 'self' 'wasm-unsafe-eval': the wasm backend runs", async () => {
    const r = await probe('/__csp/wasm.html');
    expect(r.error).toBeUndefined();
    expect(r.syncValues).toEqual([2, 3, 4]);
    // dist/tessera.js fetches the sibling .wasm file, so an op before ready() runs on js; ready() moves to wasm
    expect(r.syncBackend).toBe('js');
    expect(r.readyBackend).toBe('wasm');
    expect(r.afterReady).toEqual([8, 10]);
    expect(r.wasmStarts).toBe(true);
    expect(r.wasmValues).toEqual([8, 10]);
    expect(r.warnings).toEqual([]);
  });
  it("script-src 'self' 'wasm-unsafe-eval', tessera/inline: wasm starts synchronously from the embedded bytes", async () => {
    const r = await probe('/__csp/inline.html');
    expect(r.error).toBeUndefined();
    expect(r.syncValues).toEqual([2, 3, 4]);
    expect(r.syncBackend).toBe('wasm');
    expect(r.wasmStarts).toBe(true);
    expect(r.wasmValues).toEqual([8, 10]);
  });
});
