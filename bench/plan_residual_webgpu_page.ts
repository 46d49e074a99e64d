/**
 * Page side of bench/plan_residual_webgpu.mjs: ms per model.predict on webgpu of a ResNet-ish
 * model (conv2d residual blocks, a depthwise residual and a dense residual), three ways in the same
 * page: eager (PREDICT_PLAN off), planned without the residual epilogue (webgpu taken out of the
 * plan pass's RESIDUAL_BACKENDS), and planned with it. Runs are interleaved; each timing is the
 * median of `reps` predicts, readback included.
 */
import * as ts from '../src/index.js';
import type { TensorInfo } from '../src/backends/backend.js';
import { Activation, Binary, Unary } from '../src/backends/kernels.js';
import { createWebGPUBackend } from '../src/backends/webgpu/index.js';
import { RESIDUAL_BACKENDS } from '../src/plan/passes.js';

type Variant = 'eager' | 'planNoResidual' | 'planResidual';

/** x -> [relu(x + conv(relu(conv(x) + b)) + b)] x blocks -> x + tanh(dw(x) + b) -> h + relu(h W + b). */
function build(size: number, channels: number, blocks: number): ts.LayersModel {
  let seed = 1;
  const init = () => ts.initializers.glorotUniform({ seed: seed++ });
  const bias = () => ts.initializers.randomUniform({ minval: -0.1, maxval: 0.1, seed: seed++ });
  const inp = ts.input({ shape: [size, size, channels] });
  let x: any = inp;
  for (let b = 0; b < blocks; b++) {
    const c1 = ts.layers.conv2d({ filters: channels, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(), biasInitializer: bias() }).apply(x);
    const c2 = ts.layers.conv2d({ filters: channels, kernelSize: 3, padding: 'same', kernelInitializer: init(), biasInitializer: bias() }).apply(c1);
    x = ts.layers.activation({ activation: 'relu' }).apply(ts.layers.add().apply([x, c2]));
  }
  const dw = ts.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', activation: 'tanh', depthwiseInitializer: init(), biasInitializer: bias() }).apply(x);
  x = ts.layers.add().apply([x, dw]);
  const pooled = ts.layers.globalAveragePooling2d({}).apply(x);
  const h = ts.layers.dense({ units: 64, kernelInitializer: init() }).apply(pooled);
  const g = ts.layers.dense({ units: 64, activation: 'relu', kernelInitializer: init(), biasInitializer: bias() }).apply(h);
  return ts.model({ inputs: inp, outputs: ts.layers.add().apply([h, g]) as any });
}

async function bench(cfg: { batch: number; size: number; channels: number; blocks: number; reps: number }) {
  await ts.setBackend('webgpu');
  const x = ts.randomNormal([cfg.batch, cfg.size, cfg.size, cfg.channels], 0, 1, 'float32', 7);
  const models: Record<Variant, ts.LayersModel> = { eager: build(cfg.size, cfg.channels, cfg.blocks), planNoResidual: build(cfg.size, cfg.channels, cfg.blocks), planResidual: build(cfg.size, cfg.channels, cfg.blocks) };
  const setVariant = (v: Variant) => {
    ts.env().set('PREDICT_PLAN', v !== 'eager');
    if (v === 'planResidual') RESIDUAL_BACKENDS.add('webgpu'); else RESIDUAL_BACKENDS.delete('webgpu');
  };
  const once = async (v: Variant) => {
    setVariant(v);
    const t0 = performance.now();
    const y = models[v].predict(x) as ts.Tensor;
    const data = await y.data();
    const ms = performance.now() - t0;
    y.dispose();
    return { ms, data };
  };
  const variants: Variant[] = ['eager', 'planNoResidual', 'planResidual'];
  const outs: Record<string, Float32Array> = {};
  for (let i = 0; i < 3; i++) for (const v of variants) outs[v] = (await once(v)).data as Float32Array; // trace, compile, warm
  const times: Record<Variant, number[]> = { eager: [], planNoResidual: [], planResidual: [] };
  for (let r = 0; r < cfg.reps; r++) for (const v of variants) times[v].push((await once(v)).ms);
  const median = (a: number[]) => a.slice().sort((p, q) => p - q)[a.length >> 1];
  const kernels: Record<string, number> = {};
  const fusedResidual: Record<string, number> = {};
  for (const v of ['planNoResidual', 'planResidual'] as const) {
    setVariant(v);
    const s = ts.debug.plan(models[v], x);
    kernels[v] = s.kernels;
    fusedResidual[v] = s.plan ? s.plan.steps.filter((st) => st.attrs.residual).length : 0;
  }
  const maxDiff = Math.max(...Array.from(outs.planResidual, (w, i) => Math.abs(w - outs.eager[i])));
  RESIDUAL_BACKENDS.add('webgpu');
  ts.env().set('PREDICT_PLAN', true);
  const row = {
    ...cfg,
    msEager: median(times.eager), msPlanNoResidual: median(times.planNoResidual), msPlanResidual: median(times.planResidual),
    ratioNoResidualOverResidual: median(times.planNoResidual) / median(times.planResidual),
    ratioEagerOverResidual: median(times.eager) / median(times.planResidual),
    kernels, fusedResidual, maxAbsDiffPlannedVsEager: maxDiff,
  };
  for (const m of Object.values(models)) m.dispose();
  x.dispose();
  return row;
}

/**
 * One 3x3 'same' conv2d [batch, size, size, channels] -> channels at the kernel level, three ways:
 * relu(conv + b + r) in one dispatch (residual epilogue), conv + b then add r then relu (three
 * dispatches, what runs without the fusion), and relu(conv + b) alone (the conv's own cost).
 * Median ms of `reps` interleaved runs, each recorded then read back.
 */
async function convKernels(cfg: { batch: number; size: number; channels: number; reps: number }) {
  const be = await createWebGPUBackend();
  if (!be) throw new Error('no webgpu');
  const { batch, size: H, channels: C } = cfg;
  const n = batch * H * H * C;
  const info = (shape: number[], dataId: unknown): TensorInfo => ({ dataId, shape, dtype: 'float32', size: shape.reduce((a, b) => a * b, 1) } as TensorInfo);
  const tensor = (shape: number[]) => {
    const t = info(shape, be.allocate(shape.reduce((a, b) => a * b, 1), 'float32'));
    be.write(t.dataId as never, Float32Array.from({ length: t.size }, (_, i) => Math.sin(i * 0.37) * 0.5));
    return t;
  };
  const img = [batch, H, H, C];
  const x = tensor(img), f = tensor([3, 3, C, C]), b = tensor([C]), r = tensor(img), t1 = tensor(img), t2 = tensor(img), out = tensor(img);
  const geom = { batch, inH: H, inW: H, inC: C, outH: H, outW: H, outC: C, filterH: 3, filterW: 3, strideH: 1, strideW: 1, dilationH: 1, dilationW: 1, padTop: 1, padLeft: 1 };
  const epi = { hasBias: true, biasSize: C, alpha: 0, preluSize: C };
  const runs: Record<string, () => TensorInfo> = {
    fused: () => { be.run('conv2d', [x, f, b, r], [out], { ...geom, ...epi, activation: Activation.relu, residual: 1 }); return out; },
    unfused: () => {
      be.run('conv2d', [x, f, b], [t1], { ...geom, ...epi, activation: Activation.linear });
      be.run('binary', [t1, r], [t2], { op: Binary.add, outShape: [n], aStrides: [1], bStrides: [1] });
      be.run('unary', [t2], [out], { op: Unary.relu, alpha: 0, beta: 0 });
      return out;
    },
    convOnly: () => { be.run('conv2d', [x, f, b], [out], { ...geom, ...epi, activation: Activation.relu }); return out; },
  };
  const once = async (k: string) => {
    const t0 = performance.now();
    const o = runs[k]();
    await be.read(o.dataId as never, 'float32', n);
    return performance.now() - t0;
  };
  const times: Record<string, number[]> = { fused: [], unfused: [], convOnly: [] };
  for (let i = 0; i < 3; i++) for (const k of Object.keys(runs)) await once(k);
  for (let i = 0; i < cfg.reps; i++) for (const k of Object.keys(runs)) times[k].push(await once(k));
  const median = (a: number[]) => a.slice().sort((p, q) => p - q)[a.length >> 1];
  for (const t of [x, f, b, r, t1, t2, out]) be.free(t.dataId as never);
  be.dispose();
  const ms = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
  return { kernel: 'conv2d 3x3 same + bias + relu, residual', ...cfg, msFused: ms.fused, msUnfused: ms.unfused, msConvOnly: ms.convOnly, ratioUnfusedOverFused: ms.unfused / ms.fused };
}

(globalThis as any).tesseraPlanResidualBench = { bench, convKernels };
