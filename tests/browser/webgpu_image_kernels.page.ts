/**
 * Page side of tests/browser/webgpu_image_kernels.test.ts (bundled by esbuild, run in headless
 * Chromium): runs the image kernels (resize bilinear / nearest on float32 and int32, the gathered
 * resizeBackprop, cropAndResize) on the webgpu backend and on the js reference kernels with the
 * same inputs and the op layer's real source tables, and reports mismatches per case.
 */
import type { DType, StorageArray, TensorInfo } from '../../src/backends/backend.js';
import { jsKernels, type JsKernel } from '../../src/backends/js/backend.js';
import type { KernelName } from '../../src/backends/kernels.js';
import { createWebGPUBackend } from '../../src/backends/webgpu/index.js';
import { resizeTableData } from '../../src/ops/image_util.js';
import { close, Lcg, sizeOf, type CaseResult } from './kernel_compare.js';

interface TensorSpec { shape: number[]; dtype?: DType; values?: StorageArray }
interface Case { name: string; kernel: KernelName; inputs: TensorSpec[]; outputs: TensorSpec[]; attrs: any; rtol?: number; atol?: number }

const prng = new Lcg(2468);
const floats = (n: number, lo = -2, hi = 3) => Float32Array.from({ length: n }, () => lo + (hi - lo) * prng.next());
const ints = (n: number, lo: number, hi: number) => Int32Array.from({ length: n }, () => lo + Math.floor((hi - lo + 1) * prng.next()));
const storage = (t: TensorSpec) => (t.dtype ?? 'float32') === 'float32' ? new Float32Array(sizeOf(t.shape)) : new Int32Array(sizeOf(t.shape));

// [batch, inH, inW, C, outH, outW]
const RESIZES: number[][] = [
  [1, 2, 2, 1, 3, 3], [2, 5, 7, 3, 11, 4], [1, 6, 4, 5, 3, 9], [1, 1, 1, 4, 3, 2], [1, 9, 1, 2, 1, 5],
  [3, 17, 13, 1, 17, 13], [1, 4, 4, 17, 7, 1], [1, 33, 40, 3, 8, 5], [1, 7, 6, 2, 64, 70],
];

function resizeCases(): Case[] {
  const cases: Case[] = [];
  for (const [batch, inH, inW, C, outH, outW] of RESIZES) {
    for (const [align, half] of [[false, false], [true, false], [false, true]]) {
      for (const nearest of [false, true]) {
        const table = resizeTableData(inH, inW, outH, outW, align, half, nearest);
        const tIn = { shape: [table.length], values: table };
        const attrs = { batch, inH, inW, channels: C, outH, outW };
        const xShape = [batch, inH, inW, C], yShape = [batch, outH, outW, C];
        const tag = `${nearest ? 'nearest' : 'bilinear'} [${xShape}] -> [${outH},${outW}] align=${align} half=${half}`;
        cases.push({ name: `resize ${tag}`, kernel: 'resize', inputs: [{ shape: xShape }, tIn], outputs: [{ shape: yShape }], attrs: { ...attrs, nearest } });
        if (nearest) {
          cases.push({
            name: `resize int32 ${tag}`, kernel: 'resize', inputs: [{ shape: xShape, dtype: 'int32', values: ints(sizeOf(xShape), -2e9, 2e9) }, tIn],
            outputs: [{ shape: yShape, dtype: 'int32' }], attrs: { ...attrs, nearest }, rtol: 0, atol: 0,
          });
        }
        cases.push({ name: `resizeBackprop ${tag}`, kernel: 'resizeBackprop', inputs: [{ shape: yShape }, tIn], outputs: [{ shape: xShape }], attrs, rtol: 1e-5, atol: 1e-5 });
      }
    }
  }
  return cases;
}

function cropCases(): Case[] {
  const cases: Case[] = [];
  const [batch, inH, inW, C] = [2, 7, 9, 3];
  // whole image, inner, flipped, partly and wholly outside, a point; box indices in and out of range.
  // Coordinates are irregular so that no nearest sample falls exactly halfway between two pixels,
  // where float32 (webgpu) and float64 (js) may legitimately round to different neighbours.
  const boxes = Float32Array.from([0, 0, 1, 1, 0.11, 0.23, 0.71, 0.93, 0.83, 0.91, 0.07, 0.04, -0.31, 0.27, 0.61, 1.37,
    0.52, 0.47, 0.52, 0.47, 0.29, -1, 0.87, -0.2, 0.17, 0.19, 0.79, 0.83]);
  const boxInd = Int32Array.from([0, 1, 1, 0, 1, 0, 5]);
  const numBoxes = 7;
  for (const nearest of [false, true]) {
    for (const [cropH, cropW] of [[5, 4], [1, 1], [1, 6], [13, 2], [64, 48]]) {
      cases.push({
        name: `cropAndResize ${nearest ? 'nearest' : 'bilinear'} crop [${cropH},${cropW}]`, kernel: 'cropAndResize',
        inputs: [{ shape: [batch, inH, inW, C] }, { shape: [numBoxes, 4], values: boxes }, { shape: [numBoxes], dtype: 'int32', values: boxInd }],
        outputs: [{ shape: [numBoxes, cropH, cropW, C] }],
        attrs: { numBoxes, batch, inH, inW, channels: C, cropH, cropW, nearest, extrapolationValue: -7.5 }, rtol: 1e-5, atol: 1e-5,
      });
    }
  }
  return cases;
}

async function runGroup(group: 'resize' | 'crop'): Promise<CaseResult[]> {
  prng.reset();
  const be = await createWebGPUBackend();
  if (!be) throw new Error('webgpu backend did not start');
  const results: CaseResult[] = [];
  try {
    for (const c of group === 'resize' ? resizeCases() : cropCases()) {
      const ins = c.inputs.map((t) => t.values ?? floats(sizeOf(t.shape)));
      const info = (t: TensorSpec, dataId: any): TensorInfo => ({ dataId, shape: t.shape, dtype: t.dtype ?? 'float32', size: sizeOf(t.shape) });
      const jsOuts = c.outputs.map((t) => storage(t).fill(-7));
      (jsKernels[c.kernel] as JsKernel<any>)(ins, jsOuts, c.attrs, c.inputs.map((t) => info(t, null)), c.outputs.map((t) => info(t, null)));
      const inIds = c.inputs.map((t, i) => { const id = be.allocate(sizeOf(t.shape), t.dtype ?? 'float32'); be.write(id, ins[i]); return id; });
      const outIds = c.outputs.map((t) => { const id = be.allocate(sizeOf(t.shape), t.dtype ?? 'float32'); be.write(id, storage(t).fill(-7)); return id; });
      be.run(c.kernel, c.inputs.map((t, i) => info(t, inIds[i])), c.outputs.map((t, i) => info(t, outIds[i])), c.attrs);
      const got = await be.read(outIds[0], c.outputs[0].dtype ?? 'float32', sizeOf(c.outputs[0].shape));
      for (const id of [...inIds, ...outIds]) be.free(id);
      let bad = 0, first = '';
      const want = jsOuts[0];
      for (let i = 0; i < want.length; i++) {
        if (!close(got[i], want[i], c.rtol ?? 1e-5, c.atol ?? 1e-5)) {
          bad++;
          if (!first) first = `out[${i}] = ${got[i]}, want ${want[i]}`;
        }
      }
      results.push({ group, name: c.name, bad, total: want.length, first });
    }
  } finally {
    be.dispose();
  }
  return results;
}

(globalThis as any).tesseraWebgpuImageKernels = { runGroup };
