// Runs smoke.mjs in the runtime that executes this file (node, deno or bun) and prints its report
// as one JSON line. Argument 1: the backend to set ('wasm', 'webgpu'), or 'ready' to let tf.ready()
// choose; argument 2 (Node only):
// 'useDevice' or 'navigator' to get a GPUDevice from the `webgpu` package (Dawn) one way or the other.
import * as tf from '../../dist/tessera.js';
import { smoke } from './smoke.mjs';

const args = globalThis.Deno ? globalThis.Deno.args : process.argv.slice(2);
const [backend, dawn] = args;
const problems = [];
let gpuSetup = null;
if (dawn) {
  const { create, globals } = await import('webgpu');
  Object.assign(globalThis, globals);
  // Dawn frees its instance when this object is garbage-collected, and devices made from it then
  // crash the process: keep it reachable for as long as the device is used.
  const gpu = create([]);
  globalThis.__dawnInstance = gpu;
  if (dawn === 'useDevice') {
    const adapter = await gpu.requestAdapter();
    if (!adapter) throw new Error('Dawn: requestAdapter() found no adapter (is VK_ICD_FILENAMES set?)');
    tf.webgpu.useDevice(await adapter.requestDevice());
  } else if (typeof navigator === 'object') {
    Object.defineProperty(navigator, 'gpu', { value: gpu, configurable: true });
  } else {
    globalThis.navigator = { gpu };
  }
  gpuSetup = dawn;
}
// Deno and Bun: record what WebGPU the runtime itself offers, so the test asserts what is really there
let runtimeAdapter = null;
if (!dawn && globalThis.navigator?.gpu) {
  const a = await navigator.gpu.requestAdapter();
  runtimeAdapter = a ? (a.info?.description || a.info?.vendor || 'unnamed adapter') : 'none';
}
const report = await smoke(tf, { backend: backend === 'ready' ? undefined : backend, problems });
console.log(JSON.stringify({ ...report, gpuSetup, runtimeAdapter }));
