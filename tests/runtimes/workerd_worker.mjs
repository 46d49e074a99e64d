// The Cloudflare workerd worker of tests/runtimes.test.ts: each request runs smoke.mjs and answers
// its report as JSON, with the console warnings tessera gave. The config serves this module twice,
// as two services (two isolates, two engines): `?module=1` first hands tessera the kernel module
// that workerd compiled from the .wasm import (workerd forbids compiling Wasm from bytes), the other
// service does not, so tessera must fall back to js, say why in backendInfo() and warn.
import * as tf from './tessera.js';
import { smoke } from './smoke.mjs';
import kernels from './tessera-simd.wasm';

export default {
  async fetch(request) {
    const warnings = [];
    const warn = console.warn;
    console.warn = (...args) => warnings.push(args.map(String).join(' '));
    try {
      if (new URL(request.url).searchParams.get('module') === '1') tf.wasm.setWasmModule(kernels);
      const report = await smoke(tf, {});
      return Response.json({ ...report, reason: tf.backendInfo().reason, warnings });
    } catch (e) {
      return Response.json({ error: String((e && e.stack) || e), warnings });
    } finally {
      console.warn = warn;
    }
  },
};
