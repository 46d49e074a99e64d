/**
 * Page of webgpu_tiered.test.ts: tiered compilation of matMul and attention (DispatchDesc.fallback,
 * shaders/matmul_simple.wgsl, shaders/attention_simple.wgsl). On a backend with a cold pipeline cache, a first small matMul records
 * the simple pipeline and queues its own; after `await sync()` the same call records its own pipeline;
 * with the option tieredCompile false the first call records its own. Every result is compared with the
 * plain-JS matMul kernel; which pipeline a call recorded is read from the backend's pending queue.
 */
import type { TensorInfo } from '../../src/backends/backend.js';
import { jsKernels, type JsKernel } from '../../src/backends/js/backend.js';
import { Activation, type KernelAttrs } from '../../src/backends/kernels.js';
import { createWebGPUBackend, type WebGPUBackend } from '../../src/backends/webgpu/index.js';
import { close, Lcg, type CaseResult } from './kernel_compare.js';

interface Internals {
  pending: Array<{ pipeline?: unknown }>;
  pipelines: { pipelines: Map<string, { pipeline?: unknown }> };
}

const prng = new Lcg(7);
const floats = (n: number) => Float32Array.from({ length: n }, () => prng.next() * 2 - 1);

/** A dense layer with bias, relu and a residual: [2, 9, 11] x [11, 13] (A's batch broadcast off). */
const attrs: KernelAttrs['matMul'] = {
  batch: 2, M: 9, N: 13, K: 11, transposeA: false, transposeB: true, aBatchStride: 99, bBatchStride: 0,
  hasBias: true, biasSize: 13, activation: Activation.relu, alpha: 0, preluSize: 0, residual: 2,
};

const info = (size: number, dataId: unknown): TensorInfo => ({ dataId: dataId as TensorInfo['dataId'], shape: [size], dtype: 'float32', size });

/**
 * Run `kernel` once on float32 `ins`; returns which pipeline family it recorded and how far each output
 * (named `outNames`, sized `outSizes`) is from the js kernel's, within close(got, want, tol[0], tol[1]).
 */
async function runOnceAgainstJs<K extends 'matMul' | 'attention'>(be: WebGPUBackend, name: string, kernel: K, a: KernelAttrs[K],
  ins: Float32Array[], outSizes: number[], outNames: string[], tol: [number, number]): Promise<{ family: string; result: CaseResult }> {
  const want = outSizes.map((k) => new Float32Array(k));
  (jsKernels[kernel] as JsKernel<K>)(ins, want, a, ins.map((x) => info(x.length, null)), outSizes.map((k) => info(k, null)));
  const inIds = ins.map((x) => { const id = be.allocate(x.length, 'float32'); be.write(id, x); return id; });
  const outIds = outSizes.map((k) => be.allocate(k, 'float32'));
  be.run(kernel, ins.map((x, i) => info(x.length, inIds[i])), outSizes.map((k, i) => info(k, outIds[i])), a);
  const internals = be as unknown as Internals;
  const recorded = internals.pending.at(-1)?.pipeline;
  const family = [...internals.pipelines.pipelines].find(([, e]) => e === recorded)?.[0].split(':')[0] ?? 'none';
  let bad = 0, first = '', total = 0;
  for (let o = 0; o < outSizes.length; o++) {
    const got = await be.read(outIds[o], 'float32', outSizes[o]) as Float32Array;
    for (let i = 0; i < outSizes[o]; i++, total++) {
      if (!close(got[i], want[o][i], tol[0], tol[1])) { bad++; first ||= `${outNames[o]}[${i}] = ${got[i]}, want ${want[o][i]}`; }
    }
  }
  for (const id of [...inIds, ...outIds]) be.free(id);
  return { family, result: { group: 'tiered', name, bad, total, first } };
}

/** Run the matMul once (see runOnceAgainstJs). */
function runOnce(be: WebGPUBackend, name: string): Promise<{ family: string; result: CaseResult }> {
  const a = attrs;
  const ins = [floats(a.batch * a.M * a.K), floats(a.N * a.K), floats(a.N), floats(a.batch * a.M * a.N)];
  return runOnceAgainstJs(be, name, 'matMul', a, ins, [a.batch * a.M * a.N], ['out'], [1e-5, 1e-5 * (a.K + 1)]);
}

/** Causal attention over 2 heads packed in the last axis with a mask: bh 4, seq 6, headDim 5 (not a multiple of 4). */
const attnAttrs: KernelAttrs['attention'] = { bh: 4, seqQ: 6, seqK: 6, headDim: 5, scale: 0.4, causal: true, hasMask: true, heads: 2 };

/** Run the attention once (see runOnceAgainstJs): out and lse. */
function runAttentionOnce(be: WebGPUBackend, name: string): Promise<{ family: string; result: CaseResult }> {
  const a = attnAttrs;
  const n = a.bh * a.seqQ * a.headDim;
  const mask = floats(a.seqQ * a.seqK);
  mask[7] = -Infinity;
  return runOnceAgainstJs(be, name, 'attention', a, [floats(n), floats(n), floats(n), mask], [n, a.bh * a.seqQ], ['out', 'lse'], [1e-5, 1e-5]);
}

async function run(): Promise<CaseResult[]> {
  const out: CaseResult[] = [];
  const expectFamily = (name: string, family: string, want: RegExp) =>
    out.push({ group: 'tiered', name, bad: want.test(family) ? 0 : 1, total: 1, first: `recorded ${family}` });
  const be = await createWebGPUBackend();
  if (!be) throw new Error('webgpu backend unavailable in this page');
  try {
    const cold = await runOnce(be, 'first call (cold cache) matches js');
    out.push(cold.result);
    expectFamily('first call records the simple pipeline', cold.family, /^matmul_simple$/);
    await be.sync();
    const warm = await runOnce(be, 'call after sync matches js');
    out.push(warm.result);
    expectFamily('call after sync records its own pipeline', warm.family, /^matmul(_subgroup)?$/);
    const internals = be as unknown as Internals;
    const compiled = [...internals.pipelines.pipelines].filter(([k, e]) => /^matmul(_subgroup)?:/.test(k) && !e.pipeline).map(([k]) => k);
    out.push({ group: 'tiered', name: 'sync waited for the queued pipelines', bad: compiled.length, total: 1, first: `not compiled: ${compiled.join(' ')}` });
    const coldAttention = await runAttentionOnce(be, 'attention: first call (cold cache) matches js');
    out.push(coldAttention.result);
    expectFamily('attention: first call records the simple pipeline', coldAttention.family, /^attention_simple$/);
    await be.sync();
    const warmAttention = await runAttentionOnce(be, 'attention: call after sync matches js');
    out.push(warmAttention.result);
    expectFamily('attention: call after sync records its own pipeline', warmAttention.family, /^attention(_subgroup)?$/);
  } finally {
    be.dispose();
  }
  const off = await createWebGPUBackend({ tieredCompile: false });
  if (!off) throw new Error('webgpu backend unavailable in this page');
  try {
    const r = await runOnce(off, 'option off: first call matches js');
    out.push(r.result);
    expectFamily('option off: first call records its own pipeline', r.family, /^matmul(_subgroup)?$/);
    const keys = [...(off as unknown as Internals).pipelines.pipelines.keys()];
    out.push({ group: 'tiered', name: 'option off: the simple pipeline is never created', bad: keys.some((k) => k.startsWith('matmul_simple')) ? 1 : 0, total: 1, first: keys.join(' ') });
  } finally {
    off.dispose();
  }
  return out;
}

(globalThis as any).tesseraWebgpuTiered = { run };
