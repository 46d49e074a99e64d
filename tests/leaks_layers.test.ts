/**
 * No layer, model or optimizer call leaves a tensor it did not return. Walks every factory of
 * `tf.layers` (table and walk in layer_leak_cases.ts, which must have an entry for each) and,
 * outside tidy, applies the layer three times: the first call builds it, then a plain call, then
 * one with training: true; then the same with a mask / initialState / attentionMask, and masks
 * made by masking or embedding(maskZero) flowing into recurrent layers (MASK_CASES).
 * tf.memory().numTensors must grow by exactly the new tensors returned plus, on the first call,
 * the layer's weights (and any states a stateful layer holds); after disposing the outputs and
 * layer.dispose() it is back at the count before the layer existed. Then the model calls
 * (model_leak_cases.ts) and every tf.train factory (optimizer_leak_cases.ts), whose counts are
 * compared with @tensorflow/tfjs-core's on cpu running the same calls. Runs on js and wasm; the
 * webgpu run of the same three modules is tests/browser/leaks_layers_webgpu.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tfc from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import * as ts from '../src/index.js';
import { LAYER_CASES, checkLayer, layerFactories, walkLayers } from './layer_leak_cases.js';
import { walkModel } from './model_leak_cases.js';
import {
  OPTIMIZER_CASES, caseLabel, expectedGrowth, optimizerFactories, walkOptimizer, walkOptimizers, type OptimizerLib,
} from './optimizer_leak_cases.js';

const count = () => ts.memory().numTensors;
const factories = layerFactories();

/** A layer that keeps one tensor per call it never returns or frees: what the walk must catch. */
class KeepsOne extends ts.Layer {
  static override className = 'KeepsOneForLeakTest';
  kept: ts.Tensor[] = [];
  call(inputs: ts.Tensor | ts.Tensor[]) {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    this.kept.push(ts.keep(ts.mul(x, 2)));
    return ts.add(x, 1);
  }
}

describe('the walks catch a leak', () => {
  it('a layer that keeps a tensor per apply is reported (plain and with a mask)', () => {
    const layer = new KeepsOne({});
    const problems = checkLayer('keepsOne', { make: () => layer, inputs: () => ts.tensor([[1, 2]]), kwargs: () => ({ mask: ts.tensor([[1, 0]], [1, 2], 'bool') }) });
    // three applies, each one tensor over; then three left after dispose
    expect(problems).toEqual([
      'keepsOne, first apply (builds): numTensors grew by 2, expected 1 (1 outputs + 0 weights + 0 held)',
      'keepsOne, apply: numTensors grew by 2, expected 1 (1 outputs + 0 weights + 0 held)',
      'keepsOne, apply training: numTensors grew by 2, expected 1 (1 outputs + 0 weights + 0 held)',
      'keepsOne: after disposing the outputs and layer.dispose(), 3 tensors remain',
      'keepsOne: 3 tensors remain after disposing the inputs',
    ]);
    ts.dispose(layer.kept);
  });

  it('an optimizer that keeps a tensor per step is reported', () => {
    const kept: ts.Tensor[] = [];
    const leaky = (lr: number) => {
      const opt = ts.train.sgd(lr);
      const minimize = opt.minimize.bind(opt);
      opt.minimize = (f, returnCost, varList) => {
        kept.push(ts.keep(ts.scalar(lr)));
        return minimize(f, returnCost, varList);
      };
      return opt;
    };
    const lib = { ...ts, train: { ...ts.train, sgd: leaky } } as unknown as OptimizerLib;
    const start = count();
    const got = walkOptimizer(OPTIMIZER_CASES[0], lib);
    expect(got).toEqual({ construct: 0, firstMinimize: 1, secondMinimize: 1, returnCost: 2, afterDispose: 3 });
    expect(count() - start).toBe(3);
    ts.dispose(kept);
    expect(count()).toBe(start);
  });
});

describe('optimizer tensor counts match TF.js (tfjs-core on cpu, the same calls)', () => {
  beforeAll(async () => {
    await tfc.setBackend('cpu');
    await tfc.ready();
  });

  it('every tf.train factory has a case; TF.js has the same factories besides adamw', () => {
    const have = new Set(OPTIMIZER_CASES.map((c) => c.factory));
    expect(optimizerFactories().filter((f) => !have.has(f)), 'tf.train factories with no case').toEqual([]);
    const tfjs = Object.keys(tfc.train).filter((k) => typeof (tfc.train as unknown as Record<string, unknown>)[k] === 'function').sort();
    expect(optimizerFactories().filter((f) => f !== 'adamw').sort()).toEqual(tfjs);
  });

  for (const c of OPTIMIZER_CASES.filter((k) => k.tfjsHeld !== undefined)) {
    it(`${caseLabel(c)}: slots per variable, second step, cost and dispose as TF.js`, () => {
      const tfjs = walkOptimizer(c, tfc as unknown as OptimizerLib);
      // the hand counts hold for TF.js itself, and tessera's steps match TF.js's step for step;
      // only the construction-time scalars (tfjsHeld vs held) and TF.js's momentum dispose bug differ
      const tfjsLeft = c.tfjsDisposeLeaves ?? 0;
      expect(tfjs).toEqual({ ...expectedGrowth(c), construct: c.tfjsHeld, afterDispose: tfjsLeft });
      const mine = walkOptimizer(c);
      expect({ ...mine, construct: 0 }).toEqual({ ...tfjs, construct: 0, afterDispose: 0 });
      expect(mine.construct).toBe(c.held);
    });
  }
});

for (const backend of ['js', 'wasm']) {
  describe(`no layer, model or optimizer call leaks (${backend})`, () => {
    beforeAll(async () => {
      expect(await ts.setBackend(backend)).toBe(true);
    });
    afterAll(async () => {
      await ts.setBackend('js');
    });

    it('every tf.layers factory has a case', () => {
      expect(factories.length).toBeGreaterThanOrEqual(70);
      expect(factories.filter((f) => !LAYER_CASES[f]), 'factories with no entry in layer_leak_cases.ts').toEqual([]);
      expect(Object.keys(LAYER_CASES).filter((k) => !factories.includes(k)), 'entries that are not factories').toEqual([]);
    });

    it('every layer, plain and with masks / initialState: apply outside tidy leaves only its outputs and weights; dispose frees them', () => {
      const start = count();
      const { factories: walked, cases, maskCases, problems } = walkLayers();
      console.log(`[leaks] ${backend}: ${walked} layer factories, ${cases} cases + ${maskCases} mask, initialState and resetStates cases, ${problems.length} problems`);
      expect(problems).toEqual([]);
      expect(count()).toBe(start);
    });

    for (const kind of ['sequential', 'model', 'masked'] as const) {
      it(`${kind}: predict, execute, weights, evaluate, fit, trainOnBatch, datasets, save, load, dispose`, async () => {
        const start = count();
        const { calls, problems } = await walkModel(kind);
        console.log(`[leaks] ${backend}: ${kind}, ${calls} calls, ${problems.length} problems`);
        expect(problems).toEqual([]);
        expect(calls).toBe(17);
        expect(count()).toBe(start);
      });
    }

    it('every tf.train optimizer: minimize twice grows by its slots only; get/setWeights; dispose frees them', async () => {
      const { cases, problems } = await walkOptimizers();
      console.log(`[leaks] ${backend}: ${cases} optimizer cases, ${problems.length} problems`);
      expect(problems).toEqual([]);
    });
  });
}
