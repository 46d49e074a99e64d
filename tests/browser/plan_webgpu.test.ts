/**
 * The recorded plan (tf.jit, issue 9) on webgpu and wasm in headless Chromium: a replay agrees with
 * the plain-JS backend's eager run (the independent reference) on a matMul + bias + relu +
 * elementwise chain and on a transformer-block predict; a replay allocates only its output.
 * webgpu has no fusedElementwise kernel yet, so there the plan fuses epilogues only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { openSourcePage } from './source_page.js';

let page: Page;
let closePage: (() => Promise<void>) | undefined;

beforeAll(async () => {
  ({ page, close: closePage } = await openSourcePage('__plan', 'tessera plan'));
}, 180_000);

afterAll(async () => {
  await closePage?.();
});

interface PlanResult {
  chain: { got: number[]; want: number[]; kernels: number; epilogueFused: number; fusedKernels: number; newBuffers: number };
  block: { got: number[]; want: number[]; kernels: number; traced: number };
}

function expectClose(got: number[], want: number[], tol: number, what: string): void {
  expect(got.length, what).toBe(want.length);
  want.forEach((w, i) => {
    if (!(Math.abs(got[i] - w) <= tol * Math.max(1, Math.abs(w)))) expect.fail(`${what}[${i}]: ${got[i]} vs ${w}`);
  });
}

describe.each(['webgpu', 'wasm'])('recorded plan on %s (Chromium)', (backend) => {
  it('replays agree with eager js; a replay allocates only its output', async () => {
    const r: PlanResult = await page.evaluate(async (backend: string) => {
      const ts = (window as any).__ts;
      const xv = Array.from({ length: 12 * 8 }, (_, i) => Math.sin(i * 0.7));
      const wv = Array.from({ length: 8 * 16 }, (_, i) => Math.cos(i * 0.3) * 0.5);
      const bv = Array.from({ length: 16 }, (_, i) => (i % 3) - 1);
      const chain = (x: any, w: any, b: any) => ts.tidy(() => ts.sigmoid(ts.mul(ts.sub(ts.relu(ts.add(ts.matMul(x, w), b)), 0.5), 2)));
      const block = () => ts.sequential({ layers: [
        ts.layers.transformerEncoder({ numHeads: 2, intermediateDim: 16, normFirst: true, inputShape: [6, 8],
          kernelInitializer: ts.initializers.glorotUniform({ seed: 5 }) }),
      ] });
      const bx = Array.from({ length: 2 * 6 * 8 }, (_, i) => Math.sin(i * 1.3));
      const run = async (name: string) => {
        await ts.setBackend(name);
        const x = ts.tensor2d(xv, [12, 8]), w = ts.tensor2d(wv, [8, 16]), b = ts.tensor1d(bv);
        const eager = Array.from(await chain(x, w, b).data(), Number);
        const m = block();
        const bxT = ts.tensor3d(bx, [2, 6, 8]);
        const y = m.predict(bxT);
        const out = { eager, predict: Array.from(await y.data(), Number) };
        ts.dispose([x, w, b, bxT, y]);
        m.dispose();
        return out;
      };
      const ref = await run('js');
      ts.env().set('PREDICT_PLAN', false);
      await ts.setBackend(backend);
      const x = ts.tensor2d(xv, [12, 8]), w = ts.tensor2d(wv, [8, 16]), b = ts.tensor1d(bv);
      const jf = ts.jit(chain);
      ts.dispose(jf(x, w, b)); // trace
      ts.dispose(jf(x, w, b)); // first replay makes the plan's buffers
      const buffers = () => ts.memory().backends[backend].numBuffers;
      const before = buffers();
      const y = jf(x, w, b);
      const newBuffers = buffers() - before;
      const got = Array.from(await y.data(), Number);
      const s = ts.debug.plan(jf, x, w, b);
      ts.env().set('PREDICT_PLAN', true);
      const m = block();
      const bxT = ts.tensor3d(bx, [2, 6, 8]);
      ts.dispose(m.predict(bxT)); // trace
      const py = m.predict(bxT);
      const bs = ts.debug.plan(m, bxT);
      const out = {
        chain: { got, want: ref.eager, kernels: s.kernels, epilogueFused: s.plan.stats.epilogueFused, fusedKernels: s.plan.stats.fusedKernels, newBuffers },
        block: { got: Array.from(await py.data(), Number), want: ref.predict, kernels: bs.kernels, traced: bs.plan.stats.traced },
      };
      ts.dispose([x, w, b, y, bxT, py]);
      jf.dispose();
      m.dispose();
      return out;
    }, backend);
    expectClose(r.chain.got, r.chain.want, 1e-5, 'chain');
    expect(r.chain.epilogueFused).toBe(2); // + bias, relu
    expect(r.chain.fusedKernels).toBe(backend === 'webgpu' ? 0 : 1); // sub, mul, sigmoid
    expect(r.chain.kernels).toBe(backend === 'webgpu' ? 4 : 2);
    expect(r.chain.newBuffers).toBe(1);
    expectClose(r.block.got, r.block.want, 1e-4, 'transformer block predict');
    expect(r.block.kernels).toBe(r.block.traced - 4);
  }, 120_000);
});
