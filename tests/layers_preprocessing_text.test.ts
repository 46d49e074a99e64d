/**
 * Keras's preprocessing layers: stringLookup, integerLookup, textVectorization and normalization.
 * Expected values come from the examples in Keras's documentation of each layer (marked "Keras
 * docs") or are worked by hand (marked "by hand", with the arithmetic). The layers also run inside
 * a model that is fitted, saved and loaded again, with the vocabulary and statistics restored.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../src/index.js';
import type { ModelArtifacts } from '../src/io/types.js';

const L = tf.layers;
beforeAll(async () => {
  await tf.setBackend('js');
});

const strings = (v: string[] | string[][]) => tf.tensor(v as never, undefined, 'string');
const ints = (v: number[] | number[][]) => tf.tensor(v, undefined, 'int32');
const run = (layer: tf.layers.Layer | { apply: (x: tf.Tensor) => unknown }, x: tf.Tensor) => (layer.apply(x) as tf.Tensor).arraySync();
const close = (got: unknown, want: number[][] | number[], tol = 1e-6) => {
  const g = (got as number[] | number[][]).flat() as number[];
  const w = want.flat() as number[];
  expect(g.length).toBe(w.length);
  g.forEach((v, i) => expect(Math.abs(v - w[i]), `element ${i}: ${v} vs ${w[i]}`).toBeLessThanOrEqual(tol));
};

const VOCAB = ['a', 'b', 'c', 'd'];
describe('layers.stringLookup', () => {
  it('maps tokens to indices with a given vocabulary, and back with invert (Keras docs)', () => {
    const lookup = L.stringLookup({ vocabulary: VOCAB });
    expect(run(lookup, strings([['a', 'c', 'd'], ['d', 'z', 'b']]))).toEqual([[1, 3, 4], [4, 0, 2]]);
    expect(lookup.getVocabulary()).toEqual(['[UNK]', 'a', 'b', 'c', 'd']);
    const inv = L.stringLookup({ vocabulary: VOCAB, invert: true });
    expect(run(inv, ints([[1, 3, 4], [4, 0, 2]]))).toEqual([['a', 'c', 'd'], ['d', '[UNK]', 'b']]);
    const masked = L.stringLookup({ vocabulary: VOCAB, maskToken: '' });
    expect(run(masked, strings([['a', 'c', 'd'], ['d', '', 'b']]))).toEqual([[2, 4, 5], [5, 0, 3]]);
  });

  it('adapt ranks by count, ties larger token first (Keras docs)', async () => {
    const lookup = L.stringLookup();
    await lookup.adapt(strings([['a', 'c', 'd'], ['d', 'z', 'b']]));
    expect(lookup.getVocabulary()).toEqual(['[UNK]', 'd', 'z', 'c', 'b', 'a']);
    expect(run(lookup, strings([['a', 'c', 'd'], ['d', 'z', 'b']]))).toEqual([[5, 3, 1], [1, 2, 4]]);
    const capped = L.stringLookup({ maxTokens: 3 });
    await capped.adapt([['a', 'c', 'd'], ['d', 'z', 'b']]);
    expect(capped.getVocabulary()).toEqual(['[UNK]', 'd', 'z']); // by hand: maxTokens counts the OOV index
  });

  it('hashes OOV tokens into numOovIndices buckets (Keras docs)', () => {
    const lookup = L.stringLookup({ vocabulary: VOCAB, numOovIndices: 2 });
    expect(run(lookup, strings([['a', 'c', 'd'], ['m', 'z', 'b']]))).toEqual([[2, 4, 5], [0, 1, 3]]);
    const strict = L.stringLookup({ vocabulary: VOCAB, numOovIndices: 0 });
    expect(() => strict.apply(strings(['a', 'q']))).toThrow(/out-of-vocabulary token "q" and numOovIndices is 0/);
  });

  it('oneHot, multiHot, count and tfIdf outputs (Keras docs)', () => {
    expect(run(L.stringLookup({ vocabulary: VOCAB, outputMode: 'oneHot' }), strings(['a', 'b', 'c', 'd', 'z']))).toEqual([
      [0, 1, 0, 0, 0], [0, 0, 1, 0, 0], [0, 0, 0, 1, 0], [0, 0, 0, 0, 1], [1, 0, 0, 0, 0],
    ]);
    const data = strings([['a', 'c', 'd', 'd'], ['d', 'z', 'b', 'z']]);
    expect(run(L.stringLookup({ vocabulary: VOCAB, outputMode: 'multiHot' }), data)).toEqual([[0, 1, 0, 1, 1], [1, 0, 1, 0, 1]]);
    expect(run(L.stringLookup({ vocabulary: VOCAB, outputMode: 'multi_hot' as 'multiHot' }), data)).toEqual([[0, 1, 0, 1, 1], [1, 0, 1, 0, 1]]);
    expect(run(L.stringLookup({ vocabulary: VOCAB, outputMode: 'count' }), data)).toEqual([[0, 1, 0, 1, 2], [2, 0, 1, 0, 1]]);
    const tfidf = L.stringLookup({ vocabulary: VOCAB, outputMode: 'tfIdf', idfWeights: [0.25, 0.75, 0.6, 0.4] });
    // the OOV column gets the mean idf, 0.5
    close(run(tfidf, data), [[0, 0.25, 0, 0.6, 0.8], [1.0, 0, 0.75, 0, 0.4]]);
    expect(tfidf.computeOutputShape([null, 4])).toEqual([null, 5]);
  });

  it('refuses bad vocabularies and inputs with the layer named', () => {
    expect(() => L.stringLookup({ vocabulary: ['a', 'b', 'a'] })).toThrow(/stringLookup: the vocabulary has at least one repeated term: "a"/);
    expect(() => L.stringLookup({ vocabulary: ['a', '[UNK]'] })).toThrow(/found the OOV token "\[UNK\]" at an unexpected place/);
    expect(() => L.stringLookup({ vocabulary: ['a', 'b', 'c'], maxTokens: 3 })).toThrow(/vocabulary size 4 .* larger than maxTokens 3/);
    expect(() => L.stringLookup({ outputMode: 'multiHot', invert: true })).toThrow(/invert is only supported with outputMode 'int'/);
    expect(() => L.stringLookup({ vocabulary: VOCAB }).apply(tf.tensor([1, 2]))).toThrow(/stringLookup expects a string input, got a float32 tensor of shape \[2\]/);
    // special tokens leading the vocabulary in their places are accepted and dropped
    expect(L.stringLookup({ vocabulary: ['[UNK]', 'x'] }).getVocabulary()).toEqual(['[UNK]', 'x']);
  });
});

describe('layers.integerLookup', () => {
  it('given vocabulary and adapt (Keras docs)', async () => {
    const data = ints([[12, 1138, 42], [42, 1000, 36]]);
    expect(run(L.integerLookup({ vocabulary: [12, 36, 1138, 42] }), data)).toEqual([[1, 3, 4], [4, 0, 2]]);
    const adapted = L.integerLookup();
    await adapted.adapt(data);
    expect(adapted.getVocabulary()).toEqual([-1, 42, 1138, 1000, 36, 12]);
    expect(run(adapted, data)).toEqual([[5, 2, 1], [1, 3, 4]]);
    // by hand: two OOV buckets take ids modulo 2 (7 -> 1, -4 -> 0)
    expect(run(L.integerLookup({ vocabulary: [5], numOovIndices: 2 }), ints([5, 7, -4]))).toEqual([2, 1, 0]);
  });
});

describe('layers.textVectorization', () => {
  it('adapt then int sequences padded to outputSequenceLength (Keras docs)', async () => {
    const vec = L.textVectorization({ maxTokens: 5000, outputMode: 'int', outputSequenceLength: 4 });
    await vec.adapt(['foo', 'bar', 'baz']);
    expect(vec.getVocabulary()).toEqual(['', '[UNK]', 'foo', 'baz', 'bar']);
    expect(run(vec, strings([['foo qux bar'], ['qux baz']]))).toEqual([[2, 1, 4, 0], [1, 3, 0, 0]]);
  });

  it('a given vocabulary cuts long texts at the end (Keras docs)', () => {
    const vec = L.textVectorization({ maxTokens: 5000, outputSequenceLength: 4, vocabulary: ['earth', 'wind', 'and', 'fire'] });
    expect(vec.getVocabulary()).toEqual(['', '[UNK]', 'earth', 'wind', 'and', 'fire']);
    expect(run(vec, strings([['earth wind and also fire'], ['fire and earth michigan']]))).toEqual([[2, 3, 4, 1], [5, 4, 2, 1]]);
  });

  it('standardize, split, ngrams and the vector modes (by hand)', async () => {
    const vec = L.textVectorization({ ngrams: 2, outputMode: 'multiHot' });
    await vec.adapt(["The cat's hat.", 'the cat']);
    // by hand: tokens 'the' 2, 'cats' 1, 'hat' 1, 'cat' 1, bigrams 'the cats' 1, 'cats hat' 1, 'the cat' 1;
    // ties: larger token first -> the, the cats, the cat, hat, cats hat, cats, cat
    expect(vec.getVocabulary()).toEqual(['[UNK]', 'the', 'the cats', 'the cat', 'hat', 'cats hat', 'cats', 'cat']);
    expect(run(vec, strings(['THE CAT!', 'dog']))).toEqual([[0, 1, 0, 1, 0, 0, 0, 1], [1, 0, 0, 0, 0, 0, 0, 0]]);
    const chars = L.textVectorization({ split: 'character', standardize: 'lower', vocabulary: ['a', 'b'] });
    expect(run(chars, strings(['Abc']))).toEqual([[2, 3, 1]]);
    // tfIdf: 2 documents; idf(a) = ln(1 + 2/(1+2)), idf(b) = ln(1 + 2/(1+1)); the OOV column has their mean
    const tfidf = L.textVectorization({ outputMode: 'tfIdf' });
    await tfidf.adapt(['a b', 'a']);
    const ia = Math.log(1 + 2 / 3);
    const ib = Math.log(2);
    close(run(tfidf, strings(['a a c'])), [[(ia + ib) / 2, 2 * ia, 0]], 1e-6);
    const count = L.textVectorization({ outputMode: 'count', vocabulary: ['x', 'y'], padToMaxTokens: true, maxTokens: 5 });
    expect(run(count, strings(['x x z']))).toEqual([[1, 2, 0, 0, 0]]);
  });

  it('refuses bad options and non-string input', () => {
    expect(() => L.textVectorization({ outputMode: 'multiHot', outputSequenceLength: 3 })).toThrow(/outputSequenceLength is only used with outputMode 'int'/);
    expect(() => L.textVectorization({ standardize: 'upper' as never })).toThrow(/textVectorization: standardize must be one of/);
    expect(() => L.textVectorization({ ngrams: 0 })).toThrow(/ngrams must be a positive integer/);
    expect(() => L.textVectorization({ vocabulary: ['a'] }).apply(tf.tensor([1]))).toThrow(/textVectorization expects a string tensor, got float32/);
    expect(() => L.textVectorization({ vocabulary: ['a'] }).apply(strings([['a', 'b']]))).toThrow(/one string per example .* got shape \[1,2\]/);
  });
});

describe('layers.normalization', () => {
  it('adapt with axis null and axis -1, given statistics, invert (Keras docs)', async () => {
    const scalar = L.normalization({ axis: null });
    await scalar.adapt(tf.tensor([1, 2, 3, 4, 5]));
    close(run(scalar, tf.tensor([1, 2, 3])), [-1.4142135, -0.70710677, 0]);
    const features = L.normalization({ axis: -1 });
    await features.adapt(tf.tensor([[0, 7, 4], [2, 9, 6], [0, 7, 4], [2, 9, 6]]));
    close(run(features, tf.tensor([[0, 7, 4]])), [[-1, -1, -1]]);
    close(run(L.normalization({ mean: 3, variance: 2 }), tf.tensor([[1], [2], [3]])), [[-1.4142135], [-0.70710677], [0]]);
    const inv = L.normalization({ axis: -1, invert: true });
    await inv.adapt(tf.tensor([[0, 7, 4], [2, 9, 6], [0, 7, 4], [2, 9, 6]]));
    close(run(inv, tf.tensor([[1, 2, 3]])), [[2, 10, 8]]);
  });

  it('adapt over a Dataset of batches, with a large offset, matches a two-pass float64 reference', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => [1e4 + Math.sin(i) * 0.5, i % 7, -3 + 0.5 * Math.cos(i)]);
    const layer = L.normalization();
    await layer.adapt(tf.data.array([tf.tensor(rows.slice(0, 16)), tf.tensor(rows.slice(16, 33)), tf.tensor(rows.slice(33))]));
    // reference: the mean, then the mean squared deviation, per column, over the float32-rounded inputs
    const col = (j: number) => rows.map((r) => Math.fround(r[j]));
    const mean = [0, 1, 2].map((j) => col(j).reduce((a, b) => a + b, 0) / rows.length);
    const variance = [0, 1, 2].map((j) => col(j).reduce((a, b) => a + (b - mean[j]) ** 2, 0) / rows.length);
    const [m, v] = layer.getWeights().map((t) => Array.from(t.dataSync() as Float32Array));
    m.forEach((x, j) => expect(Math.abs(x - Math.fround(mean[j])), `mean ${j}`).toBeLessThanOrEqual(Math.abs(mean[j]) * 1e-7));
    v.forEach((x, j) => expect(Math.abs(x - variance[j]) / variance[j], `variance ${j}`).toBeLessThan(1e-4));
    expect(layer.getWeights()[2].dataSync()[0]).toBe(40);
  });

  it('refuses adapt with given statistics and bad axes', async () => {
    await expect(L.normalization({ mean: 1, variance: 1 }).adapt(tf.tensor([1, 2]))).rejects.toThrow(/cannot adapt a normalization layer that was given a mean and variance/);
    expect(() => L.normalization({ mean: 1 })).toThrow(/give both mean and variance/);
    expect(() => L.normalization({ axis: 3 }).apply(tf.tensor([[1, 2]]))).toThrow(/normalization axis 3 is out of range for input of rank 2/);
  });
});

describe('preprocessing layers in a model', () => {
  it('textVectorization -> embedding trains, saves and loads with its vocabulary', async () => {
    const texts = ['good movie', 'great film', 'bad movie', 'awful film', 'good great', 'bad awful'];
    const labels = tf.tensor([[1], [1], [0], [0], [1], [0]]);
    const vec = L.textVectorization({ outputSequenceLength: 3 });
    await vec.adapt(texts);
    const model = tf.sequential();
    model.add(L.inputLayer({ inputShape: [], dtype: 'string' }));
    model.add(vec);
    model.add(L.embedding({ inputDim: vec.vocabularySize(), outputDim: 4, embeddingsInitializer: tf.initializers.randomUniform({ seed: 1, minval: -0.1, maxval: 0.1 }) }));
    model.add(L.globalAveragePooling1d());
    model.add(L.dense({ units: 1, activation: 'sigmoid', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }));
    model.compile({ optimizer: tf.train.adam(0.1), loss: 'binaryCrossentropy' });
    const x = strings(texts);
    const h = await model.fit(x, labels, { epochs: 30, verbose: 0 });
    expect(h.history.loss[29] as number).toBeLessThan((h.history.loss[0] as number) * 0.5);
    const before = (model.predict(x) as tf.Tensor).dataSync().slice();
    let art: ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (a) => {
      art = a;
      return { modelArtifactsInfo: {} };
    }));
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(art!));
    const after = (loaded.predict(x) as tf.Tensor).dataSync();
    close(Array.from(after), Array.from(before));
    expect((loaded.layers[0] as unknown as { getVocabulary(): string[] }).getVocabulary()).toEqual(vec.getVocabulary());
  });

  it('normalization statistics save as weights', async () => {
    const norm = L.normalization({ inputShape: [2] });
    await norm.adapt(tf.tensor([[1, 10], [3, 30]]));
    const model = tf.sequential({ layers: [norm] });
    let art: ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (a) => {
      art = a;
      return { modelArtifactsInfo: {} };
    }));
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(art!));
    // by hand: mean [2, 20], std [1, 10] -> (x - mean) / std
    close((loaded.predict(tf.tensor([[2, 40]])) as tf.Tensor).arraySync() as number[][], [[0, 2]]);
  });
});
