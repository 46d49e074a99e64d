/**
 * The bench's transformer-block training case (bench/training_cases.mjs buildTransformerBlock:
 * dense q/k/v, dot [2,2], softmax, dot [2,1], add + layerNormalization, FFN, globalAveragePooling1d,
 * softmax classifier) built by the same code in tessera and in @tensorflow/tfjs-layers on its cpu
 * backend: with tfjs-layers' (random) weights copied over, one forward pass agrees at every layer, and Adam
 * trainOnBatch steps give the same losses and the same updated weights (the gradients of every
 * layer in the graph checked against tfjs-layers), with the loss decreasing.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tfc from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import * as ts from '../src/index.js';
// @ts-expect-error plain .mjs bench module without types
import { batch, buildTransformerBlock } from '../bench/training_cases.mjs';
import { seededValues } from './helpers/gradcheck.js';
import { expectClose, sizeOf } from './helpers/layer_check.js';

const tfjs = { ...tfc, layers: tfl.layers, sequential: tfl.sequential, input: tfl.input, model: tfl.model };
const SIZE = { seq: 8, d: 16, classes: 5 };
const X_SHAPE = [6, SIZE.seq, SIZE.d];

type Weights = { dataSync(): ArrayLike<number>; shape: number[] }[];

/** Both models with the same (tfjs-layers') initial weights. */
function pair(): { ours: ts.LayersModel; theirs: tfl.LayersModel } {
  const theirs = buildTransformerBlock(tfjs, SIZE) as tfl.LayersModel;
  const ours = buildTransformerBlock(ts, SIZE) as ts.LayersModel;
  const w = theirs.getWeights();
  expect(ours.getWeights().map((t) => t.shape)).toEqual(w.map((t) => t.shape));
  ours.setWeights(w.map((t) => ts.tensor(t.dataSync() as Float32Array, t.shape)));
  return { ours, theirs };
}

/**
 * The key projection's bias (weight 3) adds q·b_k to every score of a row, which the softmax over
 * that row removes: its true gradient is exactly 0, so both libraries compute float rounding noise
 * (~1e-9) there, which Adam's m / sqrt(v) turns into steps of either sign. It is left out.
 */
const K_BIAS = 3;

function expectSameWeights(got: Weights, want: Weights, label: string): void {
  expect(got.length).toBe(want.length);
  got.forEach((t, i) => {
    if (i !== K_BIAS) expectClose(t.dataSync(), want[i].dataSync(), `${label} weight ${i} [${want[i].shape}]`);
  });
}

beforeAll(async () => {
  await ts.setBackend('js');
  await tfc.setBackend('cpu');
});

describe('bench transformer block: tessera against tfjs-layers', () => {
  it('one forward pass agrees with the same weights, at every layer', () => {
    const { ours, theirs } = pair();
    const data = Float32Array.from(seededValues(sizeOf(X_SHAPE), 11, -2, 2));
    const want = theirs.predict(tfc.tensor(data, X_SHAPE)) as tfc.Tensor;
    const got = ours.predict(ts.tensor(data, X_SHAPE)) as ts.Tensor;
    expect(got.shape).toEqual(want.shape);
    expectClose(got.dataSync(), want.dataSync(), 'transformer block predict');
    // every layer's output (the classifier's softmax alone would hide small errors inside)
    const names = theirs.layers.map((l) => l.getClassName());
    expect(ours.layers.map((l) => l.getClassName())).toEqual(names);
    const inner = (m: tfl.LayersModel | ts.LayersModel, lib: typeof tfl | typeof ts) =>
      (lib.model as (a: unknown) => { predict(x: unknown): unknown })({ inputs: m.inputs, outputs: m.layers.slice(1).map((l) => l.output) });
    const wantAll = inner(theirs, tfl).predict(tfc.tensor(data, X_SHAPE)) as tfc.Tensor[];
    const gotAll = inner(ours, ts).predict(ts.tensor(data, X_SHAPE)) as ts.Tensor[];
    expect(gotAll.length).toBe(names.length - 1);
    gotAll.forEach((t, i) => {
      expect(t.shape, names[i + 1]).toEqual(wantAll[i].shape);
      expectClose(t.dataSync(), wantAll[i].dataSync(), `layer ${i + 1} ${names[i + 1]}`);
    });
  });

  it('Adam trainOnBatch: same losses and updated weights, loss decreasing', async () => {
    const { ours, theirs } = pair();
    const data = Float32Array.from(seededValues(sizeOf(X_SHAPE), 12, -2, 2));
    const labels = Array.from({ length: X_SHAPE[0] }, (_, i) => i % SIZE.classes);
        theirs.compile({ optimizer: tfc.train.adam(1e-2), loss: 'categoricalCrossentropy' });
    ours.compile({ optimizer: ts.train.adam(1e-2), loss: 'categoricalCrossentropy' });
    const [xt, yt] = [tfc.tensor(data, X_SHAPE), tfc.cast(tfc.oneHot(tfc.tensor1d(labels, 'int32'), SIZE.classes), 'float32')];
    const [xo, yo] = [ts.tensor(data, X_SHAPE), ts.cast(ts.oneHot(ts.tensor1d(labels, 'int32'), SIZE.classes), 'float32')];
    const lossOf = (l: unknown) => Number(Array.isArray(l) ? l[0] : l);
    const want: number[] = [];
    const got: number[] = [];
    for (let i = 0; i < 5; i++) {
      want.push(lossOf(await theirs.trainOnBatch(xt, yt)));
      got.push(lossOf(await ours.trainOnBatch(xo, yo)));
    }
    expectClose(got, want, 'losses');
    expect(got[4]).toBeLessThan(got[0] - 0.05);
    for (let i = 1; i < 5; i++) expect(got[i], `step ${i}`).toBeLessThan(got[i - 1]);
    expectSameWeights(ours.getWeights(), theirs.getWeights(), 'after 5 steps');
  });

  it('the bench-size builder trains in tessera (the bench case, batch from bench/training_cases.mjs)', async () => {
    const model = buildTransformerBlock(ts) as ts.LayersModel;
    model.compile({ optimizer: ts.train.adam(1e-3), loss: 'categoricalCrossentropy' });
    const { x, y } = batch(ts, [2, 32, 64], 10, 21);
    const losses: number[] = [];
    for (let i = 0; i < 4; i++) losses.push(Number(await model.trainOnBatch(x, y)));
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[3]).toBeLessThan(losses[0]);
  });
});
