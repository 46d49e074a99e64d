// The attention pattern of the recorded plan on webgpu with constant masks, in headless Chromium (SwiftShader on
// CPU machines): ms per call (readback included, median) of one tf.jit written-out attention with the pattern
// off and on (PLAN_ATTENTION_PATTERN, read when a plan is made), timed in turns in the same page, plus kernel
// calls per replay. Masks: a causal one made inside the call (values kept by the trace: the causal flag), the same
// made before the call (read back after the first plan, which the next call makes again: the causal flag), none.
// Usage: node bench/plan_attention_webgpu.mjs [--reps=N] [--out=name]  (writes bench/results/<name>.json)
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { SOURCE_API, withSourceTab } from './source_tab.mjs';

const args = process.argv.slice(2);
const reps = Number(args.find((a) => a.startsWith('--reps='))?.slice(7) ?? 20);
const out = args.find((a) => a.startsWith('--out='))?.slice(6);
let rows;
await withSourceTab('plan_attention', SOURCE_API, '__ts', async (page) => {
  rows = await page.evaluate(async (reps) => {
    const ts = globalThis.__ts;
    await ts.setBackend('webgpu');
    const [B, H, T, D] = [1, 4, 128, 32];
    const causal = () => {
      const m = new Float32Array(T * T);
      for (let i = 0; i < T; i++) for (let j = i + 1; j < T; j++) m[i * T + j] = -Infinity;
      return ts.tensor(m, [T, T]);
    };
    const attend = (q, k, v, m) => ts.tidy(() => ts.matMul(ts.softmax(ts.add(ts.mul(ts.matMul(q, k, false, true), 1 / Math.sqrt(D)), m)), v));
    const [q, k, v] = [1, 2, 3].map((s) => ts.randomNormal([B, H, T, D], 0, 1, 'float32', s));
    const before = causal();
    const cases = [
      ['causal mask made inside the call', (a, b, c) => attend(a, b, c, causal())],
      ['causal mask made before the call', (a, b, c) => attend(a, b, c, before)],
      ['no mask (for comparison)', (a, b, c) => ts.tidy(() => ts.matMul(ts.softmax(ts.mul(ts.matMul(a, b, false, true), 1 / Math.sqrt(D))), c))],
    ];
    const median = (t) => t.slice().sort((x, y) => x - y)[Math.floor(t.length / 2)];
    const result = [];
    for (const [name, fn] of cases) {
      const fs = [ts.jit(fn), ts.jit(fn)];
      const once = async (f) => {
        const t0 = performance.now();
        const y = f(q, k, v);
        await y.data();
        y.dispose();
        return performance.now() - t0;
      };
      const kernels = [];
      for (const [j, f] of fs.entries()) {
        ts.env().set('PLAN_ATTENTION_PATTERN', j === 1); // read when the plan is made (the first call)
        for (let i = 0; i < 3; i++) await once(f);
        ts.env().set('PLAN_ATTENTION_PATTERN', true);
        kernels.push(ts.debug.plan(f, q, k, v).kernels);
      }
      const times = [[], []];
      for (let i = 0; i < reps; i++) for (const j of i % 2 ? [1, 0] : [0, 1]) times[j].push(await once(fs[j]));
      const [off, on] = times.map(median);
      result.push({ name, shape: [B, H, T, D], kernelsOff: kernels[0], kernelsOn: kernels[1], offMs: +off.toFixed(3), onMs: +on.toFixed(3), speedUp: +(off / on).toFixed(2),
        planOn: ts.debug.plan(fs[1], q, k, v).text });
      fs.forEach((f) => f.dispose());
    }
    ts.dispose([q, k, v, before]);
    return result;
  }, reps);
  for (const r of rows) console.log(JSON.stringify({ ...r, planOn: undefined }));
});
const meta = { bench: 'plan_attention_webgpu', date: new Date().toISOString(), reps, loadavg: loadavg().map((v) => +v.toFixed(2)) };
console.log(JSON.stringify(meta));
if (out) writeFileSync(new URL(`./results/${out}.json`, import.meta.url), JSON.stringify({ ...meta, rows }, null, 2) + '\n');
