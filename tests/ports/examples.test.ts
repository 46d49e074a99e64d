/**
 * Programs in the manner of the tfjs-examples (tests/ports/programs, written here): date conversion with
 * attention, addition RNN, LSTM text generation, MNIST on the core API, iris classification, polynomial
 * regression, save/load + transfer learning, a text CNN, a custom training loop with clipped gradients,
 * a conditional GAN, GRU / simpleRNN forecasting from datasets, an image pipeline with a MobileNet-like
 * block, a cart-pole style policy gradient and a bidirectional LSTM with the smaller model APIs. Each program takes the `tf` namespace; the test runs the same source on TF.js
 * (@tensorflow/tfjs-core + tfjs-layers on the cpu backend, the reference) and on the BUILT package
 * (dist/tessera.js) on its js and wasm backends, and compares everything the program returns.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { execFileSync } from 'node:child_process';
import * as tfc from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import * as tfl from '@tensorflow/tfjs-layers';
import { expectNear, maxDiff } from './near.js';
import { run as dateAttention } from './programs/date_attention.js';
import { run as additionRnn } from './programs/addition_rnn.js';
import { run as textGeneration } from './programs/text_generation.js';
import { run as mnistCore } from './programs/mnist_core.js';
import { run as iris } from './programs/iris.js';
import { run as polynomialCore } from './programs/polynomial_core.js';
import { run as saveTransfer } from './programs/save_transfer.js';
import { run as textCnn } from './programs/text_cnn.js';
import { run as customLoop } from './programs/custom_loop.js';
import { run as acgan } from './programs/acgan.js';
import { run as weatherRnn } from './programs/weather_rnn.js';
import { run as imagePipeline } from './programs/image_pipeline.js';
import { run as policyGradient } from './programs/policy_gradient.js';
import { run as miscApi } from './programs/misc_api.js';

const tfjs = { ...tfc, ...tfl } as any;
const root = join(__dirname, '../..');
let ts: any;

beforeAll(async () => {
  // PORTS_FROM_SRC=1 runs the programs on src/ instead of the bundle (quicker while developing)
  if (process.env.PORTS_FROM_SRC) ts = await import('../../src/index.js');
  else {
    execFileSync(process.execPath, [join(root, 'scripts/build.mjs'), '--if-stale'], { cwd: root, stdio: 'inherit' });
    ts = await import(pathToFileURL(join(root, 'dist/tessera.js')).href);
  }
  await tfc.setBackend('cpu');
}, 240_000);

/**
 * Tolerances are relative (scale max(1, |want|)). Float32 training drifts from the reference by rounding
 * order alone (sums in matMul, conv and reductions run in different orders), and each optimizer step
 * carries the drift forward; each bound is about 5x the largest difference measured on js and wasm
 * (in the comment beside it), and far below what a wrong kernel, gradient or weight order gives
 * (differences of 1e-2 to 1e-1 in the first epoch's loss).
 */
const programs: Array<{ name: string; run: (tf: any) => Promise<Record<string, unknown>>; tol: number }> = [
  { name: 'date conversion with attention', run: dateAttention, tol: 1e-5 }, // measured 1.6e-6
  { name: 'addition RNN', run: additionRnn, tol: 1e-5 }, // measured 1.8e-6
  { name: 'LSTM text generation', run: textGeneration, tol: 1e-5 }, // measured 6e-8
  { name: 'MNIST on the core API', run: mnistCore, tol: 4e-4 }, // measured 8.2e-5: 12 Adam steps drive the loss to 4e-3, logits to ~18
  { name: 'iris classification', run: iris, tol: 6e-5 }, // measured 1.1e-5
  { name: 'polynomial regression on the core API', run: polynomialCore, tol: 1e-5 }, // measured 0: elementwise ops and 50-term means only
  { name: 'save/load round trip and transfer learning', run: saveTransfer, tol: 2e-5 }, // measured 3.4e-6
  { name: 'sentiment text CNN', run: textCnn, tol: 1e-5 }, // measured 1.2e-6
  { name: 'custom training loop with clipped gradients', run: customLoop, tol: 1e-5 }, // measured 1e-7
  { name: 'conditional GAN with a frozen discriminator', run: acgan, tol: 5e-6 }, // measured 9.4e-7
  { name: 'weather GRU / simpleRNN from datasets', run: weatherRnn, tol: 1e-5 }, // measured 9e-8
  { name: 'image preprocessing and a MobileNet-like block', run: imagePipeline, tol: 1e-5 }, // measured 1.1e-6
  { name: 'policy gradient with predict inside variableGrads', run: policyGradient, tol: 1e-5 }, // measured 1.3e-6
  { name: 'bidirectional LSTM, classWeight, metric names, print', run: miscApi, tol: 1e-5 }, // measured 4.2e-7
];

/** TF.js's results, computed once per program and shared by both backends' tests. */
const references = new Map<string, Promise<Record<string, unknown>>>();
function reference(p: (typeof programs)[number]): Promise<Record<string, unknown>> {
  if (!references.has(p.name)) references.set(p.name, p.run(tfjs));
  return references.get(p.name)!;
}

for (const backend of ['js', 'wasm']) {
  describe(`tfjs-examples style programs on the built package, ${backend}`, () => {
    beforeAll(async () => {
      expect(await ts.setBackend(backend)).toBe(true);
    });
    for (const p of programs) {
      it(p.name, async () => {
        const t0 = performance.now();
        const want = await reference(p);
        const t1 = performance.now();
        const got = await p.run(ts);
        if (process.env.PORTS_TIMING) console.log(`[ports] ${p.name} on ${backend}: tfjs ${(t1 - t0).toFixed(0)} ms, tessera ${(performance.now() - t1).toFixed(0)} ms`);
        if (process.env.PORTS_VERBOSE) console.log(p.name, backend, JSON.stringify({ want, got }));
        console.log(`[ports] ${p.name} on ${backend}: max scaled difference ${maxDiff(got, want).toExponential(2)}`);
        expect(Object.values(want).every((v) => v !== undefined && v !== null)).toBe(true);
        expectNear(got, want, p.tol);
      });
    }
  });
}
