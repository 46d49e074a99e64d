// The demo's browser code, shared by `npm start` (headless, examples/demo.mjs drives it) and
// `npm run serve` (examples/index.html with buttons): kernel families and two model forward
// passes (a small CNN, one transformer block) on every backend that starts here (webgpu, wasm,
// js), each checked against js; and the training workflows of examples/workflows (served
// bundled as ./workflows.js) on one backend, reporting every epoch to a callback.
import * as tf from '/dist/tessera.js';
import { workflows } from './workflows.js';

export const BACKENDS = ['js', 'wasm', 'webgpu'];
export const WORKFLOW_NAMES = Object.keys(workflows);
/** Workflows run on one backend: the language model's target is set on wasm; compression trains fast there (and times its int8 model there once wasm has int8 kernels, on js until then). */
export const WORKFLOW_BACKENDS = { charLanguageModel: 'wasm', compression: 'wasm' };

const rand = (shape, seed, std = 1) => tf.randomNormal(shape, 0, std, 'float32', seed);

const FAMILIES = [
  { name: 'matMul 512x512 @ 512x512', flops: 2 * 512 ** 3, setup: () => [rand([512, 512], 1), rand([512, 512], 2)], run: ([a, b]) => tf.matMul(a, b) },
  { name: 'add 1M', bytes: 3 * 4 * 2 ** 20, setup: () => [rand([2 ** 20], 3), rand([2 ** 20], 4)], run: ([a, b]) => tf.add(a, b) },
  { name: 'softmax [256,1000]', bytes: 2 * 4 * 256 * 1000, setup: () => [rand([256, 1000], 5)], run: ([x]) => tf.softmax(x) },
  { name: 'sum [1024,1024] axis 1', bytes: 4 * 2 ** 20, setup: () => [rand([1024, 1024], 6)], run: ([x]) => tf.sum(x, 1) },
  { name: 'conv2d [1,28,28,16]*[3,3,16,32]', flops: 2 * 28 * 28 * 32 * 9 * 16, setup: () => [rand([1, 28, 28, 16], 7), rand([3, 3, 16, 32], 8, 0.1)], run: ([x, f]) => tf.conv2d(x, f, 1, 'same') },
  { name: 'attention b1 h4 s128 d32 causal', flops: 4 * 4 * 128 * 128 * 32, setup: () => [9, 10, 11].map((s) => rand([1, 4, 128, 32], s)), run: ([q, k, v]) => tf.attention(q, k, v, { causal: true }) },
];

/** Seeded initializers so every backend builds the same weights. */
const init = (k) => tf.initializers.glorotUniform({ seed: 7000 + k });

const MODELS = [
  {
    name: 'CNN forward [8,28,28,1]',
    input: () => rand([8, 28, 28, 1], 20),
    build: () => tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 16, kernelSize: 3, activation: 'relu', kernelInitializer: init(0) }),
        tf.layers.maxPooling2d({ poolSize: 2 }),
        tf.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu', kernelInitializer: init(1) }),
        tf.layers.flatten({}),
        tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: init(2) }),
      ],
    }),
  },
  {
    name: 'transformerEncoder forward [1,64,128]',
    input: () => rand([1, 64, 128], 21),
    build: () => tf.sequential({
      layers: [tf.layers.transformerEncoder({ inputShape: [64, 128], numHeads: 4, intermediateDim: 256, normFirst: true, kernelInitializer: init(3) })],
    }),
  },
];

/** Median wall time (ms) of `runs` iterations after one warm-up; each iteration reads the result. */
async function time(fn, runs) {
  const first = await fn();
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    (await fn()).dispose();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)], first };
}

/** A checksum read from the output (mean of |x|), to compare backends with each other. */
async function checksum(t) {
  const v = await t.data();
  let s = 0;
  for (let i = 0; i < v.length; i++) s += Math.abs(v[i]);
  return s / Math.max(v.length, 1);
}

async function useBackend(backend, log) {
  try {
    if (await tf.setBackend(backend)) return true;
  } catch (e) {
    log(`${backend}: ${e.message}`);
  }
  log(`${backend}: unavailable`);
  return false;
}

/** Time `items` ({name, setup() -> state, run(state) -> Tensor, free(state), flops?|bytes?}) per backend. */
async function timeOnBackends(items, log, runsFor) {
  const rows = [];
  const reference = {};
  for (const backend of BACKENDS) {
    if (!(await useBackend(backend, log))) {
      rows.push({ backend, family: '(all)', error: 'backend unavailable here' });
      continue;
    }
    for (const f of items) {
      let state;
      try {
        state = f.setup();
        const { ms, first } = await time(async () => {
          const out = f.run(state);
          await out.data();
          return out;
        }, runsFor(backend, f));
        const sum = await checksum(first);
        first.dispose();
        if (backend === 'js') reference[f.name] = sum;
        const ref = reference[f.name];
        const agrees = ref === undefined ? null : Math.abs(sum - ref) <= 1e-3 * Math.max(1, Math.abs(ref));
        const rate = f.flops ? `${(f.flops / ms / 1e6).toFixed(2)} GFLOP/s` : f.bytes ? `${(f.bytes / ms / 1e6).toFixed(2)} GB/s` : '';
        rows.push({ backend, family: f.name, ms, rate, agrees });
        log(`${backend.padEnd(6)} ${f.name.padEnd(38)} ${ms.toFixed(2).padStart(9)} ms  ${rate}${agrees === false ? '  (DIFFERS from js!)' : ''}`);
      } catch (e) {
        rows.push({ backend, family: f.name, error: e.message });
        log(`${backend} ${f.name}: error ${e.message}`);
      } finally {
        if (state) f.free(state);
      }
    }
  }
  return rows;
}

/** Kernel families on every backend (`npm start`'s first table). */
export async function runDemo(log = () => {}) {
  const items = FAMILIES.map((f) => ({ ...f, free: (ts) => ts.forEach((t) => t.dispose()) }));
  const rows = await timeOnBackends(items, log, (backend, f) => (backend === 'js' && f.flops ? 2 : 5));
  return { userAgent: navigator.userAgent, crossOriginIsolated: self.crossOriginIsolated, rows };
}

/** Model forward passes (predict) on every backend, weights seeded identically. */
export async function runModels(log = () => {}) {
  const items = MODELS.map((m) => ({
    name: m.name,
    setup: () => ({ model: m.build(), x: m.input() }),
    run: ({ model, x }) => model.predict(x),
    free: ({ model, x }) => {
      model.dispose();
      x.dispose();
    },
  }));
  return { rows: await timeOnBackends(items, log, (backend) => (backend === 'js' ? 2 : 5)) };
}

/** webgpu when it starts here, else wasm, else js. */
export async function bestBackend() {
  for (const b of ['webgpu', 'wasm', 'js']) {
    try {
      if (await tf.setBackend(b)) return b;
    } catch {
      // try the next one
    }
  }
  throw new Error('no tessera backend starts in this browser');
}

/**
 * Train one workflow on `backend`; `onEpoch({epoch, epochs, logs, history})` after every epoch
 * (history so far, for live charts). Resolves to the workflow's result plus backend and leak count.
 */
export async function runWorkflow(name, { backend, onEpoch = () => {} } = {}) {
  const wf = workflows[name];
  if (!wf) throw new Error(`unknown workflow ${name}; known: ${WORKFLOW_NAMES.join(', ')}`);
  if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend} does not start here`);
  const before = tf.memory().numTensors;
  const history = {};
  let epochs = null;
  const progress = {
    setParams(p) {
      epochs = p.epochs;
    },
    async onEpochEnd(epoch, logs = {}) {
      for (const [k, v] of Object.entries(logs)) (history[k] ??= []).push(v);
      await onEpoch({ epoch: epoch + 1, epochs, logs, history });
    },
  };
  const result = await wf(tf, { callbacks: [progress] });
  return { ...result, backend, leaked: tf.memory().numTensors - before };
}

/** Pass/fail of a workflow result against the acceptance thresholds. */
export function checkWorkflow(r) {
  const m = r.metrics;
  switch (r.name) {
    case 'linearRegression':
      return { ok: Math.abs(m.predict5 - 17) <= 0.5, goal: 'predict(5) within 0.5 of 17' };
    case 'charLanguageModel':
      return { ok: m.valLoss <= 0.6 * m.unigramBaseline, goal: `val loss <= 60% of the unigram baseline (${(0.6 * m.unigramBaseline).toFixed(3)} nats)` };
    case 'compression':
      return { ok: r.targets.ok, goal: `${r.targets.target}: accuracy drop <= 1 point, weight file <= 30% of float32` };
    case 'transformerClassification':
      return { ok: m.accuracy >= 0.9, goal: 'accuracy >= 90%' };
    default:
      return { ok: m.accuracy >= 0.95, goal: 'accuracy >= 95%' };
  }
}
