// The peer libraries in the benchmark page, beside tessera and TF.js: onnxruntime-web (wasm EP
// with its thread pool, webgpu EP) and @jax-js/jax (wasm device with its worker pool, webgpu
// device). Each makes runners ({iteration, dispose}) for the cases of bench/peer_cases.mjs that
// bench/measure.mjs times interleaved with tessera's and TF.js's:
// - ORT: a one-op ONNX graph plus a Slice to a one-element corner, the only graph output, read
//   back to a preallocated CPU tensor; on webgpu the inputs are GPU buffers made once (IO binding),
//   on wasm they are ort.Tensors made once that ORT copies into its heap on every run (its public
//   API keeps no input resident), so a second graph that only slices the inputs measures that
//   per-run feed cost separately (`feedMs`, wasm only).
// - jax-js: the case function under jit, inputs made once on the device; each iteration calls it
//   and awaits Array.blockUntilReady() (a zero-byte readback after the whole output is computed).
import * as jax from '@jax-js/jax';
import { model, initializer, node } from './onnx_proto.mjs';
import { peerCases } from './peer_cases.mjs';

// Loaded by URL (not bundled) so ORT finds its .wasm/.mjs runtime files next to itself.
const ORT_URL = '/node_modules/onnxruntime-web/dist/ort.all.min.mjs';
let ortModule;

/** Deterministic pseudo-random floats in [-1, 1) (xorshift32), the same for every peer and case. */
function randomData(size, seed) {
  const out = new Float32Array(size);
  let s = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = ((s >>> 0) / 2 ** 31) - 1;
  }
  return out;
}
const sizeOf = (shape) => shape.reduce((a, b) => a * b, 1);

/** Inputs `x0..`, the case's nodes, then a Slice of its output to a one-element `corner`. */
function cornerModel(spec) {
  const names = spec.inputs.map((_, i) => `x${i}`);
  const g = spec.onnx(names);
  const [outName, outShape] = g.output;
  const rank = outShape.length;
  return model({
    inputs: names.map((n, i) => [n, spec.inputs[i]]),
    outputs: [['corner', new Array(rank).fill(1)]],
    nodes: [...g.nodes, node('Slice', [outName, 'starts', 'ends'], ['corner'])],
    initializers: [...(g.initializers ?? []), initializer('starts', [rank], new Array(rank).fill(0)), initializer('ends', [rank], new Array(rank).fill(1))],
  });
}

/** The feed-cost graph: every input sliced to one element and summed, so a run is the input copy plus a trivial op. */
function feedOnlyModel(spec) {
  const names = spec.inputs.map((_, i) => `x${i}`);
  const rank = Math.max(...spec.inputs.map((s) => s.length));
  const inits = [];
  const nodes = spec.inputs.map((shape, i) => {
    inits.push(initializer(`s${i}`, [shape.length], new Array(shape.length).fill(0)), initializer(`e${i}`, [shape.length], new Array(shape.length).fill(1)));
    return node('Slice', [names[i], `s${i}`, `e${i}`], [`c${i}`]);
  });
  nodes.push(node('Sum', names.map((_, i) => `c${i}`), ['corner']));
  return model({ inputs: names.map((n, i) => [n, spec.inputs[i]]), outputs: [['corner', new Array(rank).fill(1)]], nodes, initializers: inits });
}

async function loadOrt() {
  if (!ortModule) {
    ortModule = await import(/* bundler: keep */ ORT_URL);
    ortModule.env.wasm.numThreads = navigator.hardwareConcurrency; // the same core count TF.js and jax-js use
    ortModule.env.logLevel = 'error';
  }
  return ortModule;
}

/** A runner for one ORT session built from `bytes` on `ep` ('wasm' | 'webgpu'): {iteration, dispose}. */
async function ortRunner(ort, bytes, spec, ep, spin = true) {
  // spin false asks ORT not to spin-wait (session configs "session.intra_op.allow_spinning" = "0",
  // "session.force_spinning_stop" = "1"). In onnxruntime-web 1.30 neither stops it: its sessions
  // share the global intra-op pool made at init, spinning on (bench/slowdown.mjs --cpu --ort-spin=0
  // still measures ~22 ms of worker CPU after each run); kept so that experiment can be repeated.
  const extra = spin ? undefined : { session: { intra_op: { allow_spinning: '0' }, force_spinning_stop: '1' } };
  const session = await ort.InferenceSession.create(bytes, { executionProviders: [ep], graphOptimizationLevel: 'all', logSeverityLevel: 3, extra });
  const buffers = [];
  const feeds = {};
  const device = ep === 'webgpu' ? await ort.env.webgpu.device : null;
  spec.inputs.forEach((shape, i) => {
    const data = randomData(sizeOf(shape), 100 + i);
    if (device) {
      const buffer = device.createBuffer({ size: data.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
      device.queue.writeBuffer(buffer, 0, data);
      buffers.push(buffer);
      feeds[`x${i}`] = ort.Tensor.fromGpuBuffer(buffer, { dataType: 'float32', dims: shape });
    } else {
      feeds[`x${i}`] = new ort.Tensor('float32', data, shape);
    }
  });
  const outRank = session.outputMetadata?.[0]?.shape?.length ?? 1;
  const fetches = { corner: new ort.Tensor('float32', new Float32Array(1), new Array(outRank).fill(1)) };
  return {
    iteration: async () => {
      await session.run(feeds, fetches);
    },
    dispose: async () => {
      await session.release();
      for (const b of buffers) b.destroy();
    },
  };
}

/**
 * ORT runners for one case: {ort} and, on wasm, {ortFeed} (the feed-cost graph); each a runner
 * or {error}; {} when the case has no ONNX graph.
 */
export async function ortRunners(caseName, backend, { spin = true } = {}) {
  const spec = peerCases.get(caseName);
  if (!spec) return {};
  const out = {};
  try {
    const ort = await loadOrt();
    out.ort = await ortRunner(ort, cornerModel(spec), spec, backend, spin);
    if (backend === 'wasm') out.ortFeed = await ortRunner(ort, feedOnlyModel(spec), spec, backend, spin);
  } catch (e) {
    out.ort = { error: String(e.message ?? e).split('\n')[0] };
  }
  return out;
}

const jaxReady = new Map();
/** Start jax-js's `device` once; resolves to an error string or null. */
function initJax(device) {
  if (!jaxReady.has(device)) {
    jaxReady.set(device, jax.init(device).then((ok) => (ok.includes(device) ? null : `jax.init('${device}') did not start it`), (e) => `jax.init('${device}') threw: ${e.message}`));
  }
  return jaxReady.get(device);
}

/** The jax-js runner for one case: {jax: runner | {error}}; {} when the case has no jax-js function. */
export async function jaxRunners(caseName, backend) {
  const spec = peerCases.get(caseName);
  if (!spec) return {};
  const err = await initJax(backend);
  if (err) return { jax: { error: err } };
  const shapes = spec.jaxInputs ?? spec.inputs;
  let inputs = [];
  let fn;
  const dispose = () => {
    for (const a of inputs) a.dispose();
    fn?.dispose();
  };
  try {
    inputs = shapes.map((shape, i) => jax.numpy.array(randomData(sizeOf(shape), 100 + i), { shape, device: backend }));
    await jax.blockUntilReady(inputs);
    fn = jax.jit(spec.jax(jax));
    const iteration = async () => {
      const y = fn(...inputs.map((a) => a.ref));
      await y.blockUntilReady();
      y.dispose();
    };
    return { jax: { iteration, dispose } };
  } catch (e) {
    dispose();
    return { jax: { error: String(e.message ?? e).split('\n')[0] } };
  }
}

/** Threads each peer computes with on the wasm path (jax-js sizes its worker pool by navigator.hardwareConcurrency when SharedArrayBuffer exists). */
export function peerThreads() {
  return {
    ort: ortModule?.env.wasm.numThreads ?? null,
    jax: typeof SharedArrayBuffer !== 'undefined' && self.crossOriginIsolated ? navigator.hardwareConcurrency : 1,
  };
}

export { peerCases };
