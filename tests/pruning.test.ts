/**
 * tf.pruning (tfmot prune_low_magnitude semantics): schedule values against tfmot's formulas worked by hand,
 * the magnitude mask (1x1 and 1x4 blocks) on hand-picked values, MLP / CNN pruned to 50% and 80% through
 * fit + updatePruningStep (exact zero counts, pruned entries still zero after more training), block 1x4
 * structure, strip (same predictions), save / load (masks kept), sparsityReport, errors. js and wasm.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../src/index.js';
import type { ModelArtifacts } from '../src/io/types.js';
import { irisLikeData } from './helpers/iris_like.js';

const { pruning } = tf;

function mlp(seed = 1) {
  const init = (s: number) => tf.initializers.glorotUniform({ seed: s });
  return tf.sequential({ layers: [
    tf.layers.dense({ units: 16, activation: 'relu', inputShape: [4], kernelInitializer: init(seed) }),
    tf.layers.dense({ units: 8, activation: 'relu', kernelInitializer: init(seed + 1) }),
    tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: init(seed + 2) }),
  ] });
}

function cnn() {
  const input = tf.input({ shape: [6, 6, 1] });
  const c = tf.layers.conv2d({ filters: 8, kernelSize: 3, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }), name: 'conv' }).apply(input);
  const f = tf.layers.flatten({ name: 'flat' }).apply(c);
  const out = tf.layers.dense({ units: 4, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 5 }), name: 'head' }).apply(f);
  return tf.model({ inputs: input, outputs: out as tf.SymbolicTensor });
}

/** Three noisy 4-feature classes (Iris-like centres), deterministic. */
function irisLike(n: number, seed: number) {
  const { features, labels } = irisLikeData(n, seed, 1.2);
  return { xs: tf.tensor2d(features), ys: tf.oneHot(tf.tensor1d(labels, 'int32'), 3) };
}

const zeros = (a: ArrayLike<number>) => Array.from(a).filter((v) => v === 0).length;

function prunedKernels(model: tf.LayersModel) {
  return model.layers.filter((l) => l instanceof pruning.PruneLowMagnitude)
    .flatMap((l) => (l as InstanceType<typeof pruning.PruneLowMagnitude>).prunedWeights());
}

describe('pruning schedules (tfmot formulas)', () => {
  it('polynomialDecay: sparsity = (si - sf) (1 - p)^power + sf, pruning on the frequency grid in [begin, end]', () => {
    const s = pruning.polynomialDecay({ initialSparsity: 0.2, finalSparsity: 0.8, beginStep: 10, endStep: 50, frequency: 10 });
    // step 30: p = 20/40 = 0.5 -> -0.6 * 0.125 + 0.8 = 0.725 (power defaults to 3)
    expect(s.decide(30).sparsity).toBeCloseTo(0.725, 12);
    expect(s.decide(30).shouldPrune).toBe(true);
    expect(s.decide(35).shouldPrune).toBe(false);
    // before begin: p = 0 -> initial; after end: p = 1 -> final, no pruning
    expect(s.decide(5)).toEqual({ shouldPrune: false, sparsity: expect.closeTo(0.2, 12) });
    expect(s.decide(50)).toEqual({ shouldPrune: true, sparsity: expect.closeTo(0.8, 12) });
    expect(s.decide(60)).toEqual({ shouldPrune: false, sparsity: expect.closeTo(0.8, 12) });
    // power 1, step 20: p = 0.25 -> -0.6 * 0.75 + 0.8 = 0.35
    const lin = pruning.polynomialDecay({ initialSparsity: 0.2, finalSparsity: 0.8, beginStep: 10, endStep: 50, power: 1, frequency: 10 });
    expect(lin.decide(20).sparsity).toBeCloseTo(0.35, 12);
  });

  it('constantSparsity: the target between beginStep and endStep (-1: no end) every frequency steps', () => {
    const s = pruning.constantSparsity({ targetSparsity: 0.5, beginStep: 0 });
    expect([0, 100, 150, 10000].map((k) => s.decide(k).shouldPrune)).toEqual([true, true, false, true]);
    expect(s.decide(150).sparsity).toBe(0.5);
    const ended = pruning.constantSparsity({ targetSparsity: 0.5, beginStep: 20, endStep: 200, frequency: 30 });
    expect([10, 20, 50, 80, 200, 230].map((k) => ended.decide(k).shouldPrune)).toEqual([false, true, true, true, true, false]);
  });

  it('errors name the function and the value', () => {
    expect(() => pruning.polynomialDecay({ initialSparsity: 0, finalSparsity: 1, beginStep: 0, endStep: 10 })).toThrow(/polynomialDecay: finalSparsity must be a number in \[0, 1\), got 1/);
    expect(() => pruning.polynomialDecay({ initialSparsity: 0, finalSparsity: 0.5, beginStep: 20, endStep: 10 })).toThrow(/polynomialDecay: beginStep \(20\) must not be greater than endStep \(10\)/);
    expect(() => pruning.polynomialDecay({ initialSparsity: 0, finalSparsity: 0.5, beginStep: 0, endStep: -1 })).toThrow(/polynomialDecay: beginStep \(0\) must not be greater than endStep \(-1\)/);
    expect(() => pruning.constantSparsity({ targetSparsity: -0.1, beginStep: 0 })).toThrow(/constantSparsity: targetSparsity must be a number in \[0, 1\), got -0.1/);
    expect(() => pruning.constantSparsity({ targetSparsity: 0.5, beginStep: 0, frequency: 0 })).toThrow(/constantSparsity: frequency must be an integer > 0, got 0/);
    expect(() => pruning.constantSparsity({ targetSparsity: 0.5, beginStep: -3 })).toThrow(/constantSparsity: beginStep must be an integer >= 0, got -3/);
  });
});

describe('magnitude mask', () => {
  it('1x1: keeps the round(n (1 - s)) largest |w|', () => {
    // |w| sorted: 0.05 0.1 0.2 0.3 0.4 0.5 ; sparsity 0.5 keeps 3: -0.5, 0.4, 0.3
    const m = pruning.magnitudeMask([0.1, -0.5, 0.3, 0.05, 0.4, -0.2], [2, 3], 0.5, [1, 1]);
    expect(Array.from(m)).toEqual([0, 1, 1, 0, 1, 0]);
  });
  it('1x4: ranks blocks of 4 along the last dim by mean |w|', () => {
    // [2, 8] -> 4 blocks; means: row0 [1,1,1,1]=1, [0,0,0,4]=1... use distinct means:
    const w = [1, 1, 1, 1, /**/ 0, 0, 0, 2, /**/ 3, -3, 3, -3, /**/ 0.1, 0.1, 0.1, 0.1];
    // block means 1, 0.5, 3, 0.1; sparsity 0.5 keeps 2 blocks: means 3 and 1 (block 0 and block 2)
    const m = pruning.magnitudeMask(w, [2, 8], 0.5, [1, 4]);
    expect(Array.from(m)).toEqual([1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0]);
  });
});

for (const backend of ['js', 'wasm'] as const) {
  describe(`tf.pruning (${backend})`, () => {
    beforeAll(async () => {
      expect(await tf.setBackend(backend)).toBe(true);
    });

    for (const target of [0.5, 0.8]) {
      it(`MLP pruned to ${target}: exact zero counts, pruned entries stay zero through more training`, async () => {
        const { xs, ys } = irisLike(60, 7);
        const base = mlp();
        const baseKernel = Array.from(base.layers[0].getWeights()[0].dataSync());
        const pruned = pruning.pruneLowMagnitude(base, { schedule: pruning.constantSparsity({ targetSparsity: target, beginStep: 0, endStep: 4, frequency: 2 }) });
        expect(pruned.layers.map((l) => l.name).every((n) => n.startsWith('prune_low_magnitude_'))).toBe(true);
        pruned.compile({ optimizer: tf.train.adam(0.02), loss: 'categoricalCrossentropy' });
        await pruned.fit(xs, ys, { epochs: 1, batchSize: 10, shuffle: false, verbose: 0, callbacks: [pruning.updatePruningStep()] });
        const before = prunedKernels(pruned).map((p) => ({ w: Array.from(p.weight.dataSync()), m: Array.from(p.mask.dataSync()) }));
        for (const [i, p] of prunedKernels(pruned).entries()) {
          expect(zeros(before[i].w)).toBe(Math.round(p.weight.size * target));
          expect(zeros(before[i].m)).toBe(Math.round(p.weight.size * target));
        }
        // steps 6.. are past endStep: masks fixed, weights keep training
        const live = tf.memory().numTensors;
        await pruned.fit(xs, ys, { epochs: 1, batchSize: 10, shuffle: false, verbose: 0, callbacks: [pruning.updatePruningStep()] });
        expect(tf.memory().numTensors).toBe(live); // nothing leaks per batch
        // 6 batches per epoch: steps 0..5, then 6..11
        expect(await (pruned.layers[0] as InstanceType<typeof pruning.PruneLowMagnitude>).pruningStep()).toBe(11);
        // the model given to pruneLowMagnitude is a separate copy, left as it was
        expect(Array.from(base.layers[0].getWeights()[0].dataSync())).toEqual(baseKernel);
        prunedKernels(pruned).forEach((p, i) => {
          const w = p.weight.dataSync();
          expect(Array.from(p.mask.dataSync())).toEqual(before[i].m);
          before[i].m.forEach((m, j) => expect(w[j] === 0).toBe(m === 0)); // -0 counts as zero
          expect(Array.from(w)).not.toEqual(before[i].w); // kept weights did train
        });
        const report = await pruning.sparsityReport(pruned);
        expect(report.filter((r) => r.pruned).map((r) => [r.layer, r.weight, r.sparsity])).toEqual([
          [pruned.layers[0].name, 'kernel', Math.round(64 * target) / 64],
          [pruned.layers[1].name, 'kernel', Math.round(128 * target) / 128],
          [pruned.layers[2].name, 'kernel', Math.round(24 * target) / 24],
        ]);
        expect(report.filter((r) => !r.pruned).map((r) => r.weight)).toEqual(['bias', 'bias', 'bias']);
      });
    }

    it('CNN with 1x4 blocks: whole blocks of 4 output channels are zero; strip gives the same predictions', async () => {
      const base = cnn();
      const pruned = pruning.pruneLowMagnitude(base, { schedule: pruning.polynomialDecay({ initialSparsity: 0.25, finalSparsity: 0.5, beginStep: 0, endStep: 3, frequency: 1 }), blockSize: [1, 4], layers: ['conv', 'head'] });
      const x = tf.randomUniform([8, 6, 6, 1], 0, 1, 'float32', 3);
      const y = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 0, 1, 2, 3], 'int32'), 4);
      pruned.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
      await pruned.fit(x, y, { epochs: 6, batchSize: 8, verbose: 0, callbacks: [pruning.updatePruningStep()] });
      for (const p of prunedKernels(pruned)) {
        const w = p.weight.dataSync();
        const cols = p.weight.shape[p.weight.rank - 1];
        let zeroBlocks = 0;
        for (let i = 0; i < w.length; i += 4) {
          const block = Array.from(w.slice(i, i + 4));
          expect(i % cols + 4 <= cols).toBe(true);
          if (block.every((v) => v === 0)) zeroBlocks++;
          else expect(block.every((v) => v !== 0)).toBe(true);
        }
        expect(zeroBlocks).toBe(Math.round((w.length / 4) * 0.5)); // polynomial at step >= endStep: final 0.5
      }
      const stripped = pruning.strip(pruned);
      expect(stripped.layers.map((l) => l.getClassName())).toEqual(['InputLayer', 'Conv2D', 'Flatten', 'Dense'].slice(stripped.layers.length === 4 ? 0 : 1));
      expect(stripped.layers.some((l) => l instanceof pruning.PruneLowMagnitude)).toBe(false);
      expect(Array.from((stripped.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from((pruned.predict(x) as tf.Tensor).dataSync()));
      expect(() => pruning.pruneLowMagnitude(base, { schedule: pruning.constantSparsity({ targetSparsity: 0.5, beginStep: 0 }), blockSize: [1, 3], layers: ['head'] }))
        .toThrow(/blockSize \[1,3\] does not divide weight 'kernel' of layer 'head' \(shape \[128,4\]/);
    });

    it('conv1d, depthwise / separable conv2d and embedding weights are pruned (biases are not)', async () => {
      const schedule = pruning.constantSparsity({ targetSparsity: 0.5, beginStep: 0, endStep: 0 });
      const seq = tf.sequential({ layers: [
        tf.layers.embedding({ inputDim: 10, outputDim: 6, inputLength: 5 }),
        tf.layers.conv1d({ filters: 4, kernelSize: 2 }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 2 }),
      ] });
      const img = tf.sequential({ layers: [
        tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, inputShape: [5, 5, 2] }),
        tf.layers.separableConv2d({ filters: 4, kernelSize: 2 }),
        tf.layers.globalAveragePooling2d({}),
      ] });
      const cases: [tf.LayersModel, tf.Tensor, tf.Tensor, string[]][] = [
        [seq, tf.tensor2d([[1, 2, 3, 4, 5], [6, 7, 8, 9, 0]], undefined, 'float32'), tf.tensor2d([[1, 0], [0, 1]]), ['embeddings', 'kernel', 'kernel']],
        [img, tf.randomUniform([2, 5, 5, 2], 0, 1, 'float32', 9), tf.zeros([2, 4]), ['depthwise_kernel', 'depthwise_kernel', 'pointwise_kernel']],
      ];
      for (const [model, x, y, weights] of cases) {
        const pruned = pruning.pruneLowMagnitude(model, { schedule });
        pruned.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
        await pruned.fit(x, y, { epochs: 2, batchSize: 1, verbose: 0, callbacks: [pruning.updatePruningStep()] });
        const report = await pruning.sparsityReport(pruned);
        expect(report.filter((r) => r.pruned).map((r) => r.weight)).toEqual(weights);
        for (const r of report.filter((q) => q.pruned)) expect(r.zeros).toBe(Math.round(r.size / 2));
        expect(report.filter((r) => r.weight === 'bias').every((r) => !r.pruned)).toBe(true);
      }
    });

    it('updatePruningStep: one step per batch, masks recomputed only on the schedule\'s steps', async () => {
      // power 1 over steps 0..4, every 2 steps: step 0 -> 0.2, step 2 -> 0.5, step 4 -> 0.8 (steps 1, 3, 5 keep the masks)
      const schedule = pruning.polynomialDecay({ initialSparsity: 0.2, finalSparsity: 0.8, beginStep: 0, endStep: 4, power: 1, frequency: 2 });
      const pruned = pruning.pruneLowMagnitude(mlp(3), { schedule, layers: (l) => l.getClassName() === 'Dense' && (l as any).units === 8 });
      pruned.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
      const { xs, ys } = irisLike(10, 5);
      const kernel = prunedKernels(pruned)[0].weight; // [16, 8] = 128 entries
      const counts: number[] = [];
      for (let step = 0; step < 6; step++) {
        await pruned.fit(xs, ys, { epochs: 1, batchSize: 10, verbose: 0, callbacks: [pruning.updatePruningStep()] });
        counts.push(zeros(kernel.dataSync()));
      }
      expect(counts).toEqual([26, 26, 64, 64, 102, 102]); // round(128 * 0.2), round(128 * 0.5), round(128 * 0.8)
    });

    it('predict sees mask updates (the recorded predict plan reads the pruned weights)', async () => {
      const pruned = pruning.pruneLowMagnitude(mlp(2), { schedule: pruning.constantSparsity({ targetSparsity: 0.5, beginStep: 0 }) });
      const x = tf.randomUniform([5, 4], 0, 1, 'float32', 1);
      for (let i = 0; i < 3; i++) (pruned.predict(x) as tf.Tensor).dispose();
      const dense = Array.from((pruned.predict(x) as tf.Tensor).dataSync());
      for (const l of pruned.layers) await (l as InstanceType<typeof pruning.PruneLowMagnitude>).updateMasks(0.5);
      const after = Array.from((pruned.predict(x) as tf.Tensor).dataSync());
      expect(after).not.toEqual(dense);
      expect(after).toEqual(Array.from((pruned.apply(x) as tf.Tensor).dataSync())); // eager, no plan
    });

    it('save / load keeps masks and the step; training on keeps pruned weights zero', async () => {
      const { xs, ys } = irisLike(30, 3);
      const pruned = pruning.pruneLowMagnitude(mlp(5), { schedule: pruning.constantSparsity({ targetSparsity: 0.6, beginStep: 0, endStep: 0 }) });
      pruned.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
      await pruned.fit(xs, ys, { epochs: 1, batchSize: 10, verbose: 0, callbacks: [pruning.updatePruningStep()] });
      let saved: ModelArtifacts | undefined;
      await pruned.save(tf.io.withSaveHandler(async (a: ModelArtifacts) => { saved = a; return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }; }));
      const names = saved!.weightSpecs!.map((s) => s.name.replace(/dense_Dense\d+/, 'D'));
      expect(names).toEqual(expect.arrayContaining(['prune_low_magnitude_D/kernel', 'prune_low_magnitude_D/kernel_mask', 'prune_low_magnitude_D/pruning_step']));
      const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved!));
      const a = prunedKernels(pruned);
      const b = prunedKernels(loaded);
      expect(b.length).toBe(3);
      b.forEach((p, i) => expect(Array.from(p.mask.dataSync())).toEqual(Array.from(a[i].mask.dataSync())));
      expect(Array.from((loaded.predict(xs) as tf.Tensor).dataSync())).toEqual(Array.from((pruned.predict(xs) as tf.Tensor).dataSync()));
      loaded.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
      await loaded.fit(xs, ys, { epochs: 1, batchSize: 10, verbose: 0, callbacks: [pruning.updatePruningStep()] });
      expect(await (loaded.layers[0] as any).pruningStep()).toBe(5); // 3 batches before saving, 3 after: steps 0..5
      for (const p of b) {
        const w = p.weight.dataSync();
        p.mask.dataSync().forEach((m, j) => { if (m === 0) expect(w[j] === 0).toBe(true); });
        expect(zeros(w)).toBe(Math.round(w.length * 0.6));
      }
    });

    it('errors: no callback, unknown layer names, non-prunable layers, bad schedule', async () => {
      const { xs, ys } = irisLike(10, 1);
      const schedule = pruning.constantSparsity({ targetSparsity: 0.5, beginStep: 0 });
      const pruned = pruning.pruneLowMagnitude(mlp(), { schedule });
      pruned.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
      await expect(pruned.fit(xs, ys, { epochs: 1, verbose: 0 })).rejects.toThrow(/being trained without the pruning step callback; pass tf.pruning.updatePruningStep\(\)/);
      expect(() => pruning.pruneLowMagnitude(mlp(), { schedule, layers: ['nope'] })).toThrow(/pruneLowMagnitude: no layer named "nope"/);
      const c = cnn();
      expect(() => pruning.pruneLowMagnitude(c, { schedule, layers: ['flat'] })).toThrow(/layer 'flat' \(Flatten\) has no prunable weights/);
      expect(() => pruning.pruneLowMagnitude(c, { schedule: { targetSparsity: 0.5 } as any })).toThrow(/options.schedule must be a schedule/);
      expect(() => pruning.pruneLowMagnitude(c, { schedule, blockSize: [0, 4] as any })).toThrow(/blockSize must be two positive integers/);
      const unbuilt = tf.sequential({ layers: [tf.layers.dense({ units: 2 })] });
      expect(() => pruning.pruneLowMagnitude(unbuilt, { schedule })).toThrow(/pruneLowMagnitude: model '.*' is not built yet/);
      expect(() => pruning.pruneLowMagnitude(tf.layers.dense({ units: 2 }) as any, { schedule })).toThrow(/pruneLowMagnitude: expected a LayersModel/);
      const twice = pruning.pruneLowMagnitude(c, { schedule, layers: ['head'] });
      expect(() => pruning.pruneLowMagnitude(twice, { schedule, layers: ['prune_low_magnitude_head'] })).toThrow(/layer 'prune_low_magnitude_head' is already pruned/);
      // a predicate selects by layer
      const onlyHead = pruning.pruneLowMagnitude(c, { schedule, layers: (l) => l.name === 'head' });
      expect(onlyHead.layers.map((l) => l.name)).toContain('prune_low_magnitude_head');
      expect(onlyHead.layers.map((l) => l.name)).toContain('conv');
    });
  });
}
