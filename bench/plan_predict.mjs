// The recorded plan's effect on model.predict (issue 9): kernels per predict traced vs replayed
// (after dead-code removal and fusion) and ms per predict with PREDICT_PLAN off (eager) and on
// (replay), on the bench's transformer block and CNN plus a small MLP. Runs the built bundle in
// Node: `node scripts/build.mjs && node bench/plan_predict.mjs [backend]` (default wasm).
import * as tf from '../dist/tessera.js';
import { buildTransformerBlock } from './first_prediction_models.mjs';
import { buildCnn } from './training_cases.mjs';

const backend = process.argv[2] ?? 'wasm';
await tf.setBackend(backend);

const buildMlp = (lib) => lib.sequential({ layers: [
  lib.layers.dense({ inputShape: [64], units: 128, activation: 'relu' }),
  lib.layers.dense({ units: 128, activation: 'relu' }),
  lib.layers.dense({ units: 10, activation: 'softmax' }),
] });
const models = { transformer: [buildTransformerBlock, [1, 16, 32]], cnn: [buildCnn, [1, 28, 28, 1]], mlp: [buildMlp, [8, 64]] };

function msPerPredict(model, x, runs) {
  for (let i = 0; i < 5; i++) tf.dispose(model.predict(x));
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const y = model.predict(x);
    y.dataSync();
    times.push(performance.now() - t0);
    y.dispose();
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(runs / 2)];
}

for (const [name, [build, shape]] of Object.entries(models)) {
  const model = build(tf);
  const x = tf.randomNormal(shape, 0, 1, 'float32', 1);
  tf.env().set('PREDICT_PLAN', false);
  const eager = msPerPredict(model, x, 200);
  tf.env().set('PREDICT_PLAN', true);
  const planned = msPerPredict(model, x, 200);
  const s = tf.debug.plan(model, x);
  const st = s.plan?.stats;
  console.log(`${backend} ${name} [${shape}]: kernels ${st ? `${st.traced} traced -> ${s.kernels} replayed` : `eager (${s.reason})`}; ` +
    `ms/predict eager ${eager.toFixed(3)}, plan ${planned.toFixed(3)} (x${(eager / planned).toFixed(2)}); plan buffers ${s.bufferBytes} B`);
  if (process.argv.includes('--print')) console.log(s.text);
  model.dispose();
  x.dispose();
}

// An elementwise chain (gelu-like MLP epilogue and a residual) through tf.jit: one fused kernel.
{
  const x = tf.randomNormal([256, 1024], 0, 1, 'float32', 2);
  const row = tf.randomNormal([1024], 0, 1, 'float32', 3);
  const chain = (t) => tf.tidy(() => tf.add(tf.mul(tf.tanh(tf.mul(tf.add(t, row), 0.8)), 0.5), t));
  const jf = tf.jit(chain);
  const time = (f) => {
    for (let i = 0; i < 5; i++) tf.dispose(f(x));
    const times = [];
    for (let i = 0; i < 50; i++) {
      const t0 = performance.now();
      const y = f(x);
      y.dataSync();
      times.push(performance.now() - t0);
      y.dispose();
    }
    return times.sort((a, b) => a - b)[25];
  };
  const eager = time(chain), planned = time(jf);
  const s = tf.debug.plan(jf, x);
  console.log(`${backend} elementwise chain [256,1024]: kernels ${s.plan.stats.traced} -> ${s.kernels}; ms eager ${eager.toFixed(3)}, jit ${planned.toFixed(3)} (x${(eager / planned).toFixed(2)})`);
  tf.dispose([x, row]);
  jf.dispose();
}
