// The generation benchmark's page code (bundled by bench/generation.mjs): greedy tokens/s of the
// GPT of bench/generation_models.mjs with tessera's KV cache, tessera without it, and TF.js
// (tfjs-layers, no cache), and tessera's prefill (a 255-token prompt through the cache, then one
// token) on one backend. Each figure is the median of `reps` timed runs after one warm-up run.
import * as tessera from '/dist/tessera.js';
import * as tfc from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-webgpu';
import { GPT, tesseraGpt, tfjsGpt, tfjsGenerate } from './generation_models.mjs';

setWasmPaths('/node_modules/@tensorflow/tfjs-backend-wasm/dist/');

const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const promptOf = (n) => Array.from({ length: n }, (_, i) => (i * 7 + 3) % GPT.vocab);

async function timed(reps, fn) {
  await fn(); // warm-up: shaders, kernels, caches
  const ms = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  return median(ms);
}

/** {backend, promptLength, newTokens, rows: [{what, ms, tokensPerS}], tokens: {...}} for one backend. */
export async function runGeneration({ backend, promptLength, newTokens, reps }) {
  const out = { backend, promptLength, newTokens, reps, rows: [], tokens: {} };
  const prompt = promptOf(promptLength);
  if (!(await tessera.setBackend(backend))) throw new Error(`tessera: ${backend} does not start`);
  const model = tesseraGpt(tessera);
  for (const useCache of [true, false]) {
    let tokens;
    const ms = await timed(reps, async () => {
      tokens = await tessera.text.generate(model, prompt, { maxNewTokens: newTokens, temperature: 0, useCache });
    });
    out.tokens[`tessera ${useCache ? 'cached' : 'uncached'}`] = tokens;
    out.rows.push({ what: `tessera ${useCache ? 'cached' : 'uncached'}`, ms, tokensPerS: (1000 * newTokens) / ms });
  }
  const long = promptOf(GPT.context - 1);
  const prefillMs = await timed(reps, () => tessera.text.generate(model, long, { maxNewTokens: 1, temperature: 0, useCache: true }));
  out.rows.push({ what: `tessera prefill ${GPT.context - 1} tokens + 1 new (cached)`, ms: prefillMs });
  model.dispose();
  if (!(await tfc.setBackend(backend))) throw new Error(`tfjs: ${backend} does not start`);
  await tfc.ready();
  const tmodel = tfjsGpt(tfc, tfl);
  let tokens;
  const ms = await timed(reps, async () => {
    tokens = await tfjsGenerate(tfc, tmodel, prompt, newTokens);
  });
  out.tokens['tfjs uncached'] = tokens;
  out.rows.push({ what: 'tfjs-layers (no cache)', ms, tokensPerS: (1000 * newTokens) / ms });
  tmodel.dispose();
  return out;
}

export const describe = () => ({ userAgent: navigator.userAgent, crossOriginIsolated: self.crossOriginIsolated, hardwareConcurrency: navigator.hardwareConcurrency });
