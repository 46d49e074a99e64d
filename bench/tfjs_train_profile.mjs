// Where tfjs-layers' time goes in one training step of a bench training case: tf.profile of one
// awaited trainOnBatch (after two warm-up steps) on @tensorflow/tfjs-backend-wasm in Node, the
// kernels grouped by name and input shapes, most time first. Tells a slow TF.js cell apart from a
// fast tessera one (e.g. the transformer block: tfjs-layers' LayerNormalization broadcasts gamma
// and beta with tile, whose gradient is one slice + add per tile).
// `node bench/tfjs_train_profile.mjs [case-name substring] [out.json]` (default 'transformer block').
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import * as tfc from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-wasm';
import { trainingCases } from './training_cases.mjs';

const tf = { ...tfc, layers: tfl.layers, sequential: tfl.sequential, input: tfl.input, model: tfl.model };
await tfc.setBackend('wasm');
const c = trainingCases.find((t) => t.name.includes(process.argv[2] ?? 'transformer block'));
const state = c.setup(tf);
try {
  for (let i = 0; i < 2; i++) await c.step(tf, state);
  const t0 = performance.now();
  await c.step(tf, state);
  const stepMs = performance.now() - t0;
  const info = await tfc.profile(() => c.step(tf, state));
  const groups = {};
  for (const k of info.kernels) {
    const key = `${k.name} ${JSON.stringify(k.inputShapes)}`;
    groups[key] ??= { kernel: k.name, inputShapes: k.inputShapes, calls: 0, ms: 0 };
    groups[key].calls++;
    groups[key].ms += k.kernelTimeMs;
  }
  const top = Object.values(groups).sort((a, b) => b.ms - a.ms);
  const byName = {};
  for (const k of info.kernels) byName[k.name] = (byName[k.name] ?? 0) + 1;
  console.log(`${c.name}: tfjs-layers on wasm (Node): step ${stepMs.toFixed(1)} ms unprofiled, ${info.kernels.length} kernel calls`);
  for (const g of top.slice(0, 12)) console.log(`${g.ms.toFixed(1).padStart(8)} ms ${String(g.calls).padStart(5)}x ${g.kernel} ${JSON.stringify(g.inputShapes)}`);
  const out = process.argv[3];
  if (out) writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), case: c.name, node: process.version, loadavg: loadavg(), stepMs, kernelCalls: info.kernels.length, callsByKernel: byName, top: top.slice(0, 30) }, null, 1));
} finally {
  c.teardown(state);
}
