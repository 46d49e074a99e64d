/**
 * The recorded plan (tf.jit, issue 9) on webgpu and wasm in headless Chromium: a replay agrees with
 * the plain-JS backend's eager run (the independent reference) on a matMul + bias + relu +
 * elementwise chain (fused into one generated kernel on webgpu, specs/fused_elementwise.ts) and
 * on a transformer-block predict; a replay allocates nothing once its earlier result is disposed;
 * the same chain compiles once; on webgpu the planned predict records fewer dispatches than the
 * eager one. model.trainOnBatch through the recorded training step (Adam: its step count and bias
 * corrections fed per step) agrees with the unplanned step on the same backend. On webgpu the residual
 * adds of a ResNet-ish model (conv2d, depthwise, dense) fuse into the kernels' epilogues in predict and
 * in a jitted training step, matching the unplanned run and eager js. Reduction terminals (a chain's
 * sum / mean / max / min: the fused_rows entry on webgpu) and written-out attention replay as one
 * kernel each; so does attention with a constant mask on webgpu (made inside the call: the trace's host
 * values; made before it: read back, then the plan made again), a causal one as the causal flag.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { openSourcePage } from './source_page.js';
import { expectClose } from '../helpers/close.js';

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
  bcast: { got: number[]; want: number[]; fusedKernels: number; kernels: number; newPipelines: number };
  block: { got: number[]; want: number[]; kernels: number; traced: number; eagerDispatches: number; planDispatches: number };
}

describe.each(['webgpu', 'wasm'])('recorded plan on %s (Chromium)', (backend) => {
  it('replays agree with eager js; a steady replay allocates nothing', async () => {
    const r: PlanResult = await page.evaluate(async (backend: string) => {
      const ts = (window as any).__ts;
      const xv = Array.from({ length: 12 * 8 }, (_, i) => Math.sin(i * 0.7));
      const wv = Array.from({ length: 8 * 16 }, (_, i) => Math.cos(i * 0.3) * 0.5);
      const bv = Array.from({ length: 16 }, (_, i) => (i % 3) - 1);
      const chain = (x: any, w: any, b: any) => ts.tidy(() => ts.sigmoid(ts.mul(ts.sub(ts.relu(ts.add(ts.matMul(x, w), b)), 0.5), 2)));
      // trailing-dims broadcast, a scalar, leakyRelu's alpha and two outputs (one read on after the chain)
      const bcast = (x: any, b: any) => ts.tidy(() => {
        const h = ts.leakyRelu(ts.mul(ts.add(x, b), 1.5), 0.25);
        return [ts.exp(ts.neg(h)), ts.sum(h)];
      });
      const block = () => ts.sequential({ layers: [
        ts.layers.transformerEncoder({ numHeads: 2, intermediateDim: 16, normFirst: true, inputShape: [6, 8],
          kernelInitializer: ts.initializers.glorotUniform({ seed: 5 }) }),
      ] });
      const bx = Array.from({ length: 2 * 6 * 8 }, (_, i) => Math.sin(i * 1.3));
      const run = async (name: string) => {
        await ts.setBackend(name);
        const x = ts.tensor2d(xv, [12, 8]), w = ts.tensor2d(wv, [8, 16]), b = ts.tensor1d(bv);
        const eager = Array.from(await chain(x, w, b).data(), Number);
        const [e0, e1] = bcast(x, b.slice([0], [8]));
        const eagerB = [...Array.from(await e0.data(), Number), ...Array.from(await e1.data(), Number)];
        const m = block();
        const bxT = ts.tensor3d(bx, [2, 6, 8]);
        const y = m.predict(bxT);
        const out = { eager, eagerB, predict: Array.from(await y.data(), Number) };
        ts.dispose([x, w, b, bxT, y, e0, e1]);
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
      const b8 = b.slice([0], [8]);
      const jb = ts.jit(bcast);
      ts.dispose(jb(x, b8)); // trace
      const pipelines = () => ts.memory().backends[backend].pipelines ?? 0;
      ts.dispose(jb(x, b8)); // first replay compiles
      const pipes = pipelines();
      const jb2 = ts.jit(bcast); // the same chain traced again: its kernel is cached by program
      ts.dispose(jb2(x, b8));
      const [b0, b1] = jb2(x, b8);
      const newPipelines = pipelines() - pipes;
      const bgot = [...Array.from(await b0.data(), Number), ...Array.from(await b1.data(), Number)];
      const bsum = ts.debug.plan(jb2, x, b8);
      const m = block();
      const bxT = ts.tensor3d(bx, [2, 6, 8]);
      const dispatches = () => ts.memory().backends[backend].dispatches ?? 0;
      ts.dispose(m.predict(bxT)); // eager warm-up (PREDICT_PLAN is off)
      let d0 = dispatches();
      ts.dispose(m.predict(bxT));
      const eagerDispatches = dispatches() - d0;
      ts.env().set('PREDICT_PLAN', true);
      ts.dispose(m.predict(bxT)); // trace
      ts.dispose(m.predict(bxT)); // first replay
      d0 = dispatches();
      const py = m.predict(bxT);
      const planDispatches = dispatches() - d0;
      const bs = ts.debug.plan(m, bxT);
      const out = {
        chain: { got, want: ref.eager, kernels: s.kernels, epilogueFused: s.plan.stats.epilogueFused, fusedKernels: s.plan.stats.fusedKernels, newBuffers },
        bcast: { got: bgot, want: ref.eagerB, fusedKernels: bsum.plan.stats.fusedKernels, kernels: bsum.kernels, newPipelines },
        block: { got: Array.from(await py.data(), Number), want: ref.predict, kernels: bs.kernels, traced: bs.plan.stats.traced, eagerDispatches, planDispatches },
      };
      ts.dispose([x, w, b, y, bxT, py, b8, b0, b1]);
      jf.dispose();
      jb.dispose();
      jb2.dispose();
      m.dispose();
      return out;
    }, backend);
    expectClose(r.chain.got, r.chain.want, 1e-5, 'chain');
    expect(r.chain.epilogueFused).toBe(2); // + bias, relu
    expect(r.chain.fusedKernels).toBe(1); // sub, mul, sigmoid
    expect(r.chain.kernels).toBe(2); // matMul + bias + relu, the fused chain
    expect(r.chain.newBuffers).toBe(0); // the output takes the storage the disposed earlier result left
    expectClose(r.bcast.got, r.bcast.want, 1e-5, 'broadcast chain');
    expect(r.bcast.fusedKernels).toBe(1); // add, mul, leakyRelu, neg, exp
    expect(r.bcast.kernels).toBe(2); // the fused chain, sum
    if (backend === 'webgpu') expect(r.bcast.newPipelines).toBe(0);
    expectClose(r.block.got, r.block.want, 1e-4, 'transformer block predict');
    // epilogues only: 4 bias adds and the 2 residual adds
    expect(r.block.kernels).toBe(r.block.traced - 6);
    if (backend === 'webgpu') {
      console.log(`transformer block predict on webgpu: ${r.block.eagerDispatches} dispatches eager, ${r.block.planDispatches} planned`);
      expect(r.block.planDispatches).toBeLessThan(r.block.eagerDispatches);
    }
  }, 120_000);

  it('a written-out layer normalization replays as one layerNorm kernel, matching eager js', async () => {
    const r = await page.evaluate(async (backend: string) => {
      const ts = (window as any).__ts;
      const xv = Array.from({ length: 6 * 24 }, (_, i) => Math.sin(i * 0.9) * 2 + (i % 24) * 0.05);
      const gv = Array.from({ length: 24 }, (_, i) => 0.5 + i / 24), bv = Array.from({ length: 24 }, (_, i) => i / 12 - 1);
      const ln = (x: any, g: any, b: any) => ts.tidy(() => {
        const c = ts.sub(x, ts.mean(x, -1, true));
        return ts.add(ts.mul(ts.mul(c, ts.rsqrt(ts.add(ts.mean(ts.square(c), -1, true), 1e-5))), g), b);
      });
      const args = () => [ts.tensor2d(xv, [6, 24]), ts.tensor1d(gv), ts.tensor1d(bv)];
      await ts.setBackend('js');
      const a0 = args();
      const want = Array.from(await ln(a0[0], a0[1], a0[2]).data(), Number);
      ts.dispose(a0);
      await ts.setBackend(backend);
      const a = args();
      const jf = ts.jit(ln);
      ts.dispose(jf(a[0], a[1], a[2])); // trace
      const y = jf(a[0], a[1], a[2]);
      const got = Array.from(await y.data(), Number);
      const s = ts.debug.plan(jf, a[0], a[1], a[2]);
      const out = { got, want, kernels: s.kernels, kernel: s.plan.steps[0].kernel, patterns: s.plan.stats.patterns };
      ts.dispose([...a, y]);
      jf.dispose();
      return out;
    }, backend);
    expectClose(r.got, r.want, 2e-5, 'layerNorm pattern');
    expect([r.kernels, r.kernel, r.patterns]).toEqual([1, 'layerNorm', 1]);
  }, 60_000);

  // Reduction terminals (src/plan/fuse.ts): each chain and its sum / mean / max is one fused kernel
  // (webgpu: the fused_rows entry, f32 sums in a fixed order), and written-out attention is one
  // attention kernel. Reference: eager js. Tolerance 2e-5 relative (webgpu sums in f32 where js
  // sums in f64); the row holding a NaN must be NaN, every other value close.
  it('reduction terminals and the attention pattern replay as one kernel each, matching eager js', async () => {
    const r = await page.evaluate(async (backend: string) => {
      const ts = (window as any).__ts;
      const wave = (n: number, f: number) => Array.from({ length: n }, (_, i) => Math.sin(i * f) * 2);
      const cases: [string, number[][], (...t: any[]) => any][] = [
        ['sub+square+sum', [[37, 23], [37, 23]], (a, b) => ts.sum(ts.square(ts.sub(a, b)))],
        ['squaredDifference+mean', [[300, 7], [300, 7]], (a, b) => ts.mean(ts.squaredDifference(a, b), -1)], // webgpu: rows of 7 stay apart
        ['squaredDifference+mean', [[16, 1], [16, 1]], (a, b) => ts.mean(ts.squaredDifference(a, b))], // a loss: one short row fuses
        ['squaredDifference+mean', [[40, 70], [40, 70]], (a, b) => ts.mean(ts.squaredDifference(a, b), -1)],
        ['add+relu+max', [[5, 600], [600]], (a, b) => ts.max(ts.relu(ts.add(a, b)), -1)],
        ['neg+min', [[4, 300]], (a) => ts.min(ts.neg(a), -1)],
        ['attention', [[2, 3, 5, 4], [2, 3, 7, 4], [2, 3, 7, 4]], (q, k, v) => ts.matMul(ts.softmax(ts.mul(ts.matMul(q, k, false, true), 0.5)), v)],
      ];
      const make = (shapes: number[][], name: string) => shapes.map((shape, j) => {
        const v = wave(shape.reduce((x, y) => x * y, 1), 0.37 + j * 0.11);
        if (name === 'neg+min') v[310] = NaN; // row 1
        return ts.tensor(v, shape);
      });
      // NaN does not survive the trip out of the page as a number: it travels as the string 'NaN'
      const values = async (t: any) => Array.from(await t.data(), (x: number) => (Number.isNaN(x) ? 'NaN' : x));
      const out: { name: string; shape0: number[]; got: (number | string)[]; want: (number | string)[]; fused: string[]; reductionsFused: number; patterns: number }[] = [];
      for (const [name, shapes, fn] of cases) {
        const f = (...t: any[]) => ts.tidy(() => fn(...t));
        await ts.setBackend('js');
        const a0 = make(shapes, name);
        const want = await values(f(...a0));
        ts.dispose(a0);
        await ts.setBackend(backend);
        const a = make(shapes, name);
        const jf = ts.jit(f);
        ts.dispose(jf(...a)); // trace
        const y = jf(...a);
        const got = await values(y);
        const s = ts.debug.plan(jf, ...a);
        out.push({ name, shape0: shapes[0], got, want, fused: s.plan.steps.map((st: any) => st.fused ?? st.kernel), reductionsFused: s.plan.stats.reductionsFused, patterns: s.plan.stats.patterns });
        ts.dispose([...a, y]);
        jf.dispose();
      }
      return out;
    }, backend);
    const num = (v: (number | string)[]) => v.map((x) => (x === 'NaN' ? NaN : Number(x)));
    for (const c of r.map((x) => ({ ...x, got: num(x.got), want: num(x.want) }))) {
      if (backend === 'webgpu' && c.shape0[1] === 7) {
        expect(c.fused).toEqual(['binary', 'reduce']); // many rows of at most 32 reduce better on their own
      } else if (c.name === 'attention') {
        expect(c.fused).toEqual(['attention(4 steps)']);
        expect(c.patterns).toBe(1);
      } else {
        expect(c.fused).toEqual([c.name]);
        expect(c.reductionsFused).toBe(1);
      }
      if (c.name === 'neg+min') {
        expect(c.want.map(Number.isNaN)).toEqual([false, true, false, false]);
        expect(c.got.map(Number.isNaN)).toEqual([false, true, false, false]);
        expectClose(c.got.filter((_, i) => i !== 1), c.want.filter((_, i) => i !== 1), 2e-5, c.name);
      } else expectClose(c.got, c.want, 2e-5, c.name);
    }
  }, 120_000);

  // Attention masks whose values a webgpu plan cannot read synchronously (src/plan/pattern_attention.ts):
  // a constant made inside the call is read from the host values the trace kept (a bottom-right causal one
  // becomes the causal flag); one made before the call is read back asynchronously, and the plan is made
  // again once its values are here. Masks of unknown values (built by ops) or hiding whole rows stay as
  // written. Each replay must match eager js and the plan made with the pattern off, with fewer kernels
  // where it fuses. Tolerance 2e-5 relative; NaN exactly where js has NaN.
  it('constant attention masks: written-out attention and a MultiHeadAttention layer fuse, matching eager js', async () => {
    const r = await page.evaluate(async (backend: string) => {
      const ts = (window as any).__ts;
      const B = 2, H = 2, D = 8;
      const wave = (n: number, f: number) => Array.from({ length: n }, (_, i) => Math.sin(i * f + 0.3) * 1.5);
      const causal = (t: number, s: number) => Array.from({ length: t * s }, (_, i) => (i % s <= Math.floor(i / s) + s - t ? 0 : -Infinity));
      const attend = (q: any, k: any, v: any, mask: any) => ts.tidy(() => ts.matMul(ts.softmax(ts.add(ts.mul(ts.matMul(q, k, false, true), 1 / Math.sqrt(D)), mask)), v));
      type Case = { name: string; t: number; s: number; held?: number[]; fuses: boolean; causal?: boolean; fn: (q: any, k: any, v: any, held: any) => any };
      const odd = wave(30, 0.77).map((x, i) => (x < -1 ? -Infinity : i === 8 ? NaN : i === 13 ? Infinity : x)); // [5, 6]
      const cases: Case[] = [
        { name: 'causal mask made inside', t: 6, s: 6, fuses: true, causal: true, fn: (q, k, v) => attend(q, k, v, ts.tensor2d(causal(6, 6), [6, 6])) },
        { name: 'causal mask made before the call', t: 5, s: 7, held: causal(5, 7), fuses: true, causal: true, fn: (q, k, v, m) => attend(q, k, v, m) },
        { name: 'mask with NaN and +Infinity made inside', t: 5, s: 6, fuses: true, fn: (q, k, v) => attend(q, k, v, ts.tensor2d(odd, [5, 6])) },
        { name: 'mask with NaN and +Infinity made before the call', t: 5, s: 6, held: odd, fuses: true, fn: (q, k, v, m) => attend(q, k, v, m) },
        { name: 'mask built by ops (bandPart: values unknown)', t: 6, s: 6, fuses: false, fn: (q, k, v) => attend(q, k, v, ts.mul(ts.sub(1, ts.linalg.bandPart(ts.ones([6, 6]), -1, 0)), -1e9)) },
        { name: 'mask hiding whole rows (made before the call)', t: 7, s: 5, held: causal(7, 5), fuses: false, fn: (q, k, v, m) => attend(q, k, v, m) },
      ];
      const values = async (t: any) => Array.from(await t.data(), (x: number) => (Number.isNaN(x) ? 'NaN' : x));
      const qkv = (t: number, s: number) => [[B, H, t, D], [B, H, s, D], [B, H, s, D]].map((shape, j) => ts.tensor(wave(shape.reduce((a, b) => a * b, 1), 0.41 + j * 0.13), shape));
      const out: any[] = [];
      for (const c of cases) {
        await ts.setBackend('js');
        const a0 = qkv(c.t, c.s), h0 = c.held ? ts.tensor2d(c.held, [c.t, c.s]) : null;
        const want = await values(c.fn(a0[0], a0[1], a0[2], h0));
        ts.dispose([...a0, h0].filter(Boolean));
        await ts.setBackend(backend);
        const a = qkv(c.t, c.s), held = c.held ? ts.tensor2d(c.held, [c.t, c.s]) : null;
        const planned = async (pattern: boolean) => {
          ts.env().set('PLAN_ATTENTION_PATTERN', pattern);
          const jf = ts.jit((q: any, k: any, v: any) => c.fn(q, k, v, held));
          const args = a;
          ts.dispose(jf(...args)); // trace
          await values(jf(...args)); // on webgpu a mask made before the call is read back meanwhile ...
          ts.dispose(jf(...args)); // ... and this call makes the plan again with its values
          const y = jf(...args);
          const got = await values(y);
          const s = ts.debug.plan(jf, ...args);
          const res = { got, kernels: s.kernels, steps: s.plan.steps.map((st: any) => st.kernel), causal: s.plan.steps.some((st: any) => st.kernel === 'attention' && st.attrs.causal), text: s.text };
          ts.dispose(y);
          jf.dispose();
          ts.env().set('PLAN_ATTENTION_PATTERN', true);
          return res;
        };
        out.push({ name: c.name, fuses: c.fuses, causal: !!c.causal, want, on: await planned(true), off: await planned(false) });
        ts.dispose([...a, held].filter(Boolean));
      }
      // MultiHeadAttention's composed path (top-left causal, seqQ != seqK: where(keep, 0, -1e9) over the scores)
      const mha = async (name: string, pattern: boolean) => {
        await ts.setBackend(name);
        ts.env().set('PLAN_ATTENTION_PATTERN', pattern);
        const layer = ts.layers.multiHeadAttention({ numHeads: 2, keyDim: 4, name: `mha_${name}_${pattern}`, kernelInitializer: ts.initializers.glorotUniform({ seed: 3 }) });
        const x = ts.tensor(wave(2 * 5 * 8, 0.7), [2, 5, 8]), y = ts.tensor(wave(2 * 7 * 8, 0.9), [2, 7, 8]);
        ts.dispose(layer.apply(x, { value: y })); // builds the weights (seeded: the same on every backend)
        const jf = ts.jit((p: any, q: any) => layer.apply(p, { value: q, useCausalMask: true }));
        ts.dispose(jf(x, y));
        const o = jf(x, y);
        const got = await values(o);
        const s = ts.debug.plan(jf, x, y);
        const res = { got, kernels: s.kernels, steps: s.plan.steps.map((st: any) => st.kernel), causal: false, text: s.text };
        ts.dispose([x, y, o]);
        jf.dispose();
        layer.dispose?.();
        ts.env().set('PLAN_ATTENTION_PATTERN', true);
        return res;
      };
      const mhaWant = (await mha('js', false)).got;
      out.push({ name: 'MultiHeadAttention, top-left causal, seqQ 5, seqK 7', fuses: true, causal: false, want: mhaWant, on: await mha(backend, true), off: await mha(backend, false) });
      return out;
    }, backend);
    const num = (v: (number | string)[]) => v.map((x) => (x === 'NaN' ? NaN : Number(x)));
    const expectMatch = (got: number[], want: number[], what: string) => {
      expect(got.map(Number.isNaN), `${what}: NaN places`).toEqual(want.map(Number.isNaN));
      expectClose(got.filter((x) => !Number.isNaN(x)), want.filter((x) => !Number.isNaN(x)), 2e-5, what);
    };
    for (const c of r) {
      const want = num(c.want), on = num(c.on.got), off = num(c.off.got);
      expectMatch(on, want, `${c.name}: fused plan vs js`);
      expectMatch(on, off, `${c.name}: fused vs unfused plan`);
      expect(c.on.steps.filter((k: string) => k === 'attention').length, c.on.text).toBe(c.fuses ? 1 : 0);
      expect(c.off.steps.includes('attention'), c.off.text).toBe(false);
      if (!c.fuses) continue;
      expect(c.on.steps.includes('softmax'), c.on.text).toBe(false);
      expect(c.on.causal, c.on.text).toBe(c.causal);
      expect(c.on.kernels, `${c.name}\n${c.on.text}\n${c.off.text}`).toBeLessThan(c.off.kernels);
      console.log(`${backend} ${c.name}: ${c.off.kernels} kernels unfused, ${c.on.kernels} fused`);
    }
  }, 180_000);

  it('a jitted SGD training step (variables assigned in the plan) replays to the eager js weights', async () => {
    const r = await page.evaluate(async (backend: string) => {
      const ts = (window as any).__ts;
      const train = (jitted: boolean) => {
        const init: [number[], (i: number) => number][] = [
          [[4, 8], (i) => Math.sin(i * 1.7) * 0.5], [[8], (i) => 0.1 * (i - 4)], [[8, 3], (i) => Math.cos(i * 0.8) * 0.5], [[3], (i) => 0.1 * i],
        ];
        const vars = init.map(([shape, f]) => {
          const t = ts.tensor(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => f(i)), shape);
          const v = ts.variable(t);
          t.dispose();
          return v;
        });
        const x = ts.tensor2d(Array.from({ length: 24 }, (_, i) => Math.sin(i * 0.9)), [6, 4]);
        const y = ts.tensor2d(Array.from({ length: 18 }, (_, i) => Math.cos(i * 0.4)), [6, 3]);
        const step = (xs: any, ys: any) => ts.tidy(() => {
          const { value, grads } = ts.variableGrads(() => {
            const h = ts.relu(ts.add(ts.matMul(xs, vars[0]), vars[1]));
            return ts.losses.meanSquaredError(ys, ts.add(ts.matMul(h, vars[2]), vars[3]));
          }, vars);
          for (const v of vars) v.assign(ts.sub(v, ts.mul(grads[v.name], 0.1)));
          return value;
        });
        const run = jitted ? ts.jit(step) : step;
        const dispatches = () => ts.memory().backends[backend]?.dispatches ?? 0;
        let perStep = 0;
        for (let i = 0; i < 4; i++) {
          const d0 = dispatches();
          const loss = run(x, y);
          perStep = dispatches() - d0;
          loss.dispose();
        }
        const plan = jitted ? ts.debug.plan(run, x, y) : null;
        return { vars, x, y, run, perStep, plan };
      };
      const weightsOf = async (t: any) => {
        const out: number[][] = [];
        for (const v of t.vars) out.push(Array.from(await v.data(), Number));
        ts.dispose([...t.vars, t.x, t.y]);
        t.run.dispose?.();
        return out;
      };
      await ts.setBackend('js');
      const want = await weightsOf(train(false));
      await ts.setBackend(backend);
      const eager = train(false);
      const eagerDispatches = eager.perStep;
      await weightsOf(eager);
      const planned = train(true);
      const out = {
        want, got: await weightsOf(planned), reason: planned.plan.reason, assigns: planned.plan.plan?.assigns.length ?? 0,
        fusedKernels: planned.plan.plan?.stats.fusedKernels ?? 0, eagerDispatches, planDispatches: planned.perStep,
      };
      return out;
    }, backend);
    expect(r.reason).toBeNull();
    expect(r.assigns).toBe(4);
    expect(r.fusedKernels).toBeGreaterThan(0);
    r.got.forEach((w: number[], i: number) => expectClose(w, r.want[i], 1e-5, `weight ${i}`));
    if (backend === 'webgpu') {
      console.log(`MLP SGD step on webgpu: ${r.eagerDispatches} dispatches eager, ${r.planDispatches} planned (${r.fusedKernels} fused kernels)`);
      expect(r.planDispatches).toBeLessThan(r.eagerDispatches);
    }
  }, 120_000);
});

// wasm's recorded training steps are checked in Node (tests/plan_train_step.test.ts)
describe('recorded training step on webgpu (Chromium)', () => {
  it('model.trainOnBatch (Adam) through the recorded step agrees with the unplanned step', async () => {
    const backend = 'webgpu';
    const r = await page.evaluate(async (backend: string) => {
      const ts = (window as any).__ts;
      await ts.setBackend(backend);
      const dispatches = () => ts.memory().backends[backend]?.dispatches ?? 0;
      const train = async (planned: boolean) => {
        ts.env().set('TRAIN_PLAN', planned);
        const m = ts.sequential({ layers: [
          ts.layers.dense({ units: 16, activation: 'relu', inputShape: [8], kernelInitializer: ts.initializers.glorotUniform({ seed: 1 }) }),
          ts.layers.dense({ units: 4, activation: 'softmax', kernelInitializer: ts.initializers.glorotUniform({ seed: 2 }) }),
        ] });
        m.compile({ optimizer: ts.train.adam(0.02), loss: 'categoricalCrossentropy' });
        const x = ts.tensor2d(Array.from({ length: 48 }, (_, i) => Math.sin(i * 0.7 + 0.3)), [6, 8]);
        const y = ts.oneHot(ts.tensor1d([0, 3, 1, 2, 0, 1], 'int32'), 4).toFloat();
        const losses: number[] = [];
        let perStep = 0;
        for (let i = 0; i < 5; i++) {
          const d0 = dispatches();
          losses.push(await m.trainOnBatch(x, y));
          perStep = dispatches() - d0;
        }
        const weights: number[][] = [];
        for (const w of m.getWeights()) weights.push(Array.from(await w.data(), Number));
        ts.dispose([x, y]);
        m.dispose();
        return { losses, weights, perStep };
      };
      const want = await train(false);
      const got = await train(true);
      ts.env().set('TRAIN_PLAN', true);
      return { want, got };
    }, backend);
    expectClose(r.got.losses, r.want.losses, 1e-4, 'losses');
    r.got.weights.forEach((w: number[], i: number) => expectClose(w, r.want.weights[i], 1e-4, `weight ${i}`));
    console.log(`MLP Adam trainOnBatch on webgpu: ${r.want.perStep} dispatches eager, ${r.got.perStep} planned`);
    expect(r.got.perStep).toBeLessThan(r.want.perStep);
  }, 120_000);
});

// Residual epilogue fusion on webgpu (the WGSL residual epilogue in matmul_common.wgsl / conv_epilogue.wgsl).
describe('residual epilogue on webgpu (Chromium)', () => {
  it('a ResNet-ish model predicts through conv2d / depthwise / matMul residual epilogues, matching unplanned webgpu and js', async () => {
    const r = await page.evaluate(async () => {
      const ts = (window as any).__ts;
      const build = () => {
        const init = (seed: number) => ts.initializers.glorotUniform({ seed });
        const bi = (seed: number) => ts.initializers.randomUniform({ minval: -0.3, maxval: 0.3, seed });
        const inp = ts.input({ shape: [5, 7, 4] });
        const c1 = ts.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(1), biasInitializer: bi(2) }).apply(inp);
        const c2 = ts.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', kernelInitializer: init(3), biasInitializer: bi(4) }).apply(c1);
        const r1 = ts.layers.activation({ activation: 'relu' }).apply(ts.layers.add().apply([inp, c2])); // relu(conv + b + x)
        const dw = ts.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', activation: 'tanh', depthwiseInitializer: init(5), biasInitializer: bi(6) }).apply(r1);
        const r2 = ts.layers.add().apply([r1, dw]); // x + tanh(dw(x) + b)
        const h = ts.layers.dense({ units: 12, kernelInitializer: init(7) }).apply(ts.layers.flatten().apply(r2));
        const g = ts.layers.dense({ units: 12, activation: 'relu', kernelInitializer: init(8), biasInitializer: bi(9) }).apply(h);
        return ts.model({ inputs: inp, outputs: ts.layers.add().apply([h, g]) }); // h + relu(h W + b)
      };
      const xv = Array.from({ length: 3 * 5 * 7 * 4 }, (_, i) => Math.sin(i * 0.37) * 1.5);
      const predict = async (backend: string, planned: boolean) => {
        await ts.setBackend(backend);
        ts.env().set('PREDICT_PLAN', planned);
        const m = build();
        const x = ts.tensor4d(xv, [3, 5, 7, 4]);
        ts.dispose(m.predict(x)); // trace
        const y = m.predict(x);
        const got = Array.from(await y.data(), Number);
        const s = planned ? ts.debug.plan(m, x) : null;
        const fused = s?.plan ? s.plan.steps.filter((st: any) => st.attrs.residual).map((st: any) => [st.kernel, st.attrs.residual, st.attrs.activation]) : [];
        ts.dispose([x, y]);
        m.dispose();
        ts.env().set('PREDICT_PLAN', true);
        return { got, fused, text: s?.text ?? '' };
      };
      const want = await predict('js', false);
      const eager = await predict('webgpu', false);
      const planned = await predict('webgpu', true);
      return { want: want.got, eager: eager.got, got: planned.got, fused: planned.fused, text: planned.text };
    });
    // relu(conv + b + x) before the activation; x + tanh(dw + b) and h + relu(h W + b) after it
    expect(r.fused, r.text).toEqual([['conv2d', 1, 1], ['depthwiseConv2d', 2, 7], ['matMul', 2, 1]]);
    expect(r.text).toMatch(/conv2d\+residual\+relu/);
    expectClose(r.eager, r.want, 1e-4, 'unplanned webgpu vs js');
    expectClose(r.got, r.want, 1e-4, 'planned webgpu vs js');
    expectClose(r.got, r.eager, 1e-5, 'planned vs unplanned webgpu');
  }, 120_000);

  it('a jitted training step through residual blocks takes the residual epilogues and replays to the eager js weights', async () => {
    const r = await page.evaluate(async () => {
      const ts = (window as any).__ts;
      const train = (jitted: boolean) => {
        const mk = (shape: number[], f: (i: number) => number) => {
          const t = ts.tensor(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => f(i)), shape);
          const v = ts.variable(t);
          t.dispose();
          return v;
        };
        const vars = [mk([3, 3, 4, 4], (i) => Math.sin(i * 1.3) * 0.3), mk([4], (i) => 0.1 * i - 0.1), mk([3, 3, 4, 1], (i) => Math.cos(i * 0.7) * 0.3),
          mk([96, 8], (i) => Math.sin(i * 0.31) * 0.2), mk([8], (i) => 0.05 * i), mk([8, 8], (i) => Math.cos(i * 0.9) * 0.3)];
        const x = ts.tensor4d(Array.from({ length: 2 * 4 * 6 * 4 }, (_, i) => Math.sin(i * 0.37)), [2, 4, 6, 4]);
        const y = ts.tensor2d(Array.from({ length: 16 }, (_, i) => Math.cos(i)), [2, 8]);
        const fwd = (xs: any) => {
          const c = ts.relu(ts.add(ts.add(ts.conv2d(xs, vars[0], 1, 'same'), vars[1]), xs));
          const d = ts.add(c, ts.tanh(ts.depthwiseConv2d(c, vars[2], 1, 'same')));
          const h = ts.relu(ts.add(ts.matMul(ts.reshape(d, [2, 96]), vars[3]), vars[4]));
          return ts.add(h, ts.relu(ts.matMul(h, vars[5])));
        };
        const step = (xs: any, ys: any) => ts.tidy(() => {
          const { value, grads } = ts.variableGrads(() => ts.losses.meanSquaredError(ys, fwd(xs)), vars);
          for (const v of vars) v.assign(ts.sub(v, ts.mul(grads[v.name], 0.05)));
          return value;
        });
        const run = jitted ? ts.jit(step) : step;
        for (let i = 0; i < 4; i++) ts.dispose(run(x, y));
        const plan = jitted ? ts.debug.plan(run, x, y) : null;
        return { vars, x, y, run, plan };
      };
      const weightsOf = async (t: any) => {
        const out: number[][] = [];
        for (const v of t.vars) out.push(Array.from(await v.data(), Number));
        ts.dispose([...t.vars, t.x, t.y]);
        t.run.dispose?.();
        return out;
      };
      await ts.setBackend('js');
      const want = await weightsOf(train(false));
      await ts.setBackend('webgpu');
      const eager = await weightsOf(train(false));
      const planned = train(true);
      const fused = planned.plan.plan.steps.filter((st: any) => st.attrs.residual).map((st: any) => [st.kernel, st.attrs.residual]);
      return { want, eager, got: await weightsOf(planned), fused, text: planned.plan.text };
    });
    expect(r.fused, r.text).toEqual([['conv2d', 1], ['matMul', 1]]);
    r.eager.forEach((w: number[], i: number) => expectClose(w, r.want[i], 1e-4, `unplanned webgpu weight ${i}`));
    r.got.forEach((w: number[], i: number) => expectClose(w, r.want[i], 1e-4, `planned webgpu weight ${i}`));
  }, 120_000);
});
