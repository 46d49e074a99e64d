/**
 * The layer table and leak walk for tests/leaks_layers.test.ts (js, wasm) and
 * tests/browser/leaks_layers_webgpu.test.ts (bundled into the page): for every factory in
 * `tf.layers`, one or more valid configs and the eager inputs to apply them to. Keyed by factory
 * name; the test fails when a factory has no entry here, so a new layer must be added. `make`
 * builds the layer (wrappers and cells make their inner layers there, so their weights count as
 * the layer's own). MASK_CASES call layers with a mask / initialState / attentionMask and chain
 * mask-making layers into recurrent ones. `checkLayer` runs one case and `walkLayers` all of them.
 */
import * as ts from '../src/index.js';

type Layer = ts.Layer;
export interface LayerCase {
  /** A label when a factory has more than one case. */
  variant?: string;
  make: () => Layer;
  inputs: () => ts.Tensor | ts.Tensor[];
  /** Tensors the layer legitimately holds besides its weights (a stateful RNN's states). */
  held?: (layer: Layer) => number;
  /** Extra call arguments (a mask, initialState, attentionMask), made with the inputs and passed on every apply. */
  kwargs?: () => Record<string, ts.Tensor | ts.Tensor[]>;
  /** Other public calls made after the applies, each with the numTensors growth it may cause. */
  calls?: [string, (layer: Layer) => unknown, number][];
}

const L = ts.layers as unknown as Record<string, (config: unknown) => Layer>;
const seqOf = (shape: number[]) => () => ts.tensor(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, k) => ((k * 37) % 11) / 11 - 0.4), shape);
const flat = seqOf([2, 4]);
const seq = seqOf([2, 5, 3]);
const img = seqOf([2, 4, 4, 3]);
const vol = seqOf([1, 4, 4, 4, 2]);
const tokens = () => ts.tensor([[0, 3, 4], [1, 1, 2]], [2, 3], 'int32');
const pair = () => [flat(), seqOf([2, 4])()];
const one = (factory: string, config: unknown, inputs: () => ts.Tensor | ts.Tensor[]): LayerCase[] => [{ make: () => L[factory](config), inputs }];
const heldStates = (layer: Layer) => ((layer as unknown as { states: ts.Tensor[] | null }).states ?? []).length;
/** resetStates() and resetStates(values) of a stateful layer: its held states are replaced, not added to. */
const resetCalls = (...shapes: number[][]): LayerCase['calls'] => [
  ['resetStates()', (l) => l.resetStates(), 0],
  ['resetStates(values)', (l) => {
    const values = shapes.map((s) => seqOf(s)());
    l.resetStates(values);
    ts.dispose(values);
  }, 0],
];

export const LAYER_CASES: Record<string, LayerCase[]> = {
  dense: one('dense', { units: 3 }, flat),
  activation: one('activation', { activation: 'relu' }, flat),
  dropout: one('dropout', { rate: 0.5 }, flat),
  flatten: one('flatten', {}, seq),
  reshape: one('reshape', { targetShape: [15] }, seq),
  permute: one('permute', { dims: [2, 1] }, seq),
  repeatVector: one('repeatVector', { n: 3 }, flat),
  embedding: one('embedding', { inputDim: 5, outputDim: 3 }, tokens),
  conv1d: one('conv1d', { filters: 2, kernelSize: 2 }, seq),
  conv2d: one('conv2d', { filters: 2, kernelSize: 2 }, img),
  conv2dTranspose: one('conv2dTranspose', { filters: 2, kernelSize: 2, strides: 2 }, img),
  conv3d: one('conv3d', { filters: 2, kernelSize: 2 }, vol),
  conv3dTranspose: one('conv3dTranspose', { filters: 2, kernelSize: 2 }, vol),
  depthwiseConv2d: one('depthwiseConv2d', { kernelSize: 2, depthMultiplier: 2 }, img),
  separableConv2d: one('separableConv2d', { filters: 2, kernelSize: 2 }, img),
  maxPooling1d: one('maxPooling1d', { poolSize: 2 }, seq),
  maxPool1d: one('maxPool1d', { poolSize: 2 }, seq),
  averagePooling1d: one('averagePooling1d', { poolSize: 2 }, seq),
  avgPool1d: one('avgPool1d', { poolSize: 2 }, seq),
  avgPooling1d: one('avgPooling1d', { poolSize: 2 }, seq),
  maxPooling2d: one('maxPooling2d', { poolSize: 2 }, img),
  maxPool2d: one('maxPool2d', { poolSize: 2 }, img),
  averagePooling2d: one('averagePooling2d', { poolSize: 2 }, img),
  avgPool2d: one('avgPool2d', { poolSize: 2 }, img),
  avgPooling2d: one('avgPooling2d', { poolSize: 2 }, img),
  globalAveragePooling1d: one('globalAveragePooling1d', {}, seq),
  globalMaxPooling1d: one('globalMaxPooling1d', {}, seq),
  globalMaxPool1d: one('globalMaxPool1d', {}, seq),
  globalAveragePooling2d: one('globalAveragePooling2d', {}, img),
  globalMaxPooling2d: one('globalMaxPooling2d', {}, img),
  globalMaxPool2d: one('globalMaxPool2d', {}, img),
  maxPooling3d: one('maxPooling3d', { poolSize: 2 }, vol),
  averagePooling3d: one('averagePooling3d', { poolSize: 2 }, vol),
  avgPool3d: one('avgPool3d', { poolSize: 2 }, vol),
  avgPooling3d: one('avgPooling3d', { poolSize: 2 }, vol),
  batchNormalization: one('batchNormalization', {}, flat),
  layerNormalization: one('layerNormalization', {}, flat),
  add: one('add', {}, pair),
  subtract: one('subtract', {}, pair),
  multiply: one('multiply', {}, pair),
  average: one('average', {}, pair),
  maximum: one('maximum', {}, pair),
  minimum: one('minimum', {}, pair),
  concatenate: one('concatenate', {}, pair),
  dot: one('dot', { axes: 1, normalize: true }, pair),
  inputLayer: one('inputLayer', { inputShape: [4] }, flat),
  simpleRNN: one('simpleRNN', { units: 2, dropout: 0.2, recurrentDropout: 0.2 }, seq),
  lstm: [
    { make: () => L.lstm({ units: 2, returnSequences: true, dropout: 0.2 }), inputs: seq },
    { variant: 'returnState', make: () => L.lstm({ units: 2, returnState: true }), inputs: seq },
    { variant: 'stateful', make: () => L.lstm({ units: 2, stateful: true, batchInputShape: [2, 5, 3] }), inputs: seq, held: heldStates, calls: resetCalls([2, 2], [2, 2]) },
  ],
  gru: one('gru', { units: 2, recurrentDropout: 0.2 }, seq),
  rnn: [{ make: () => L.rnn({ cell: L.simpleRNNCell({ units: 2 }) }), inputs: seq }],
  simpleRNNCell: one('simpleRNNCell', { units: 2 }, () => [flat(), seqOf([2, 2])()]),
  lstmCell: one('lstmCell', { units: 2 }, () => [flat(), seqOf([2, 2])(), seqOf([2, 2])()]),
  gruCell: one('gruCell', { units: 2 }, () => [flat(), seqOf([2, 2])()]),
  stackedRNNCells: [{
    make: () => L.stackedRNNCells({ cells: [L.simpleRNNCell({ units: 2 }), L.simpleRNNCell({ units: 3 })] }),
    inputs: () => [flat(), seqOf([2, 3])(), seqOf([2, 2])()],
  }],
  bidirectional: [{ make: () => L.bidirectional({ layer: L.lstm({ units: 2 }) }), inputs: seq }],
  timeDistributed: [{ make: () => L.timeDistributed({ layer: L.dense({ units: 2 }) }), inputs: seq }],
  multiHeadAttention: one('multiHeadAttention', { numHeads: 2, keyDim: 2, dropout: 0.1 }, () => [seqOf([1, 3, 4])(), seqOf([1, 5, 4])()]),
  transformerEncoder: one('transformerEncoder', { numHeads: 2, intermediateDim: 8, dropout: 0.1 }, seqOf([1, 3, 4])),
  // issue 11: KerasNLP's decoder and position embeddings, Keras's preprocessing layers (host lookups)
  transformerDecoder: one('transformerDecoder', { numHeads: 2, intermediateDim: 8, dropout: 0.1 }, seqOf([1, 3, 4])),
  positionEmbedding: one('positionEmbedding', { sequenceLength: 6 }, seqOf([2, 5, 3])),
  tokenAndPositionEmbedding: one('tokenAndPositionEmbedding', { vocabularySize: 5, sequenceLength: 4, embeddingDim: 3 }, tokens),
  stringLookup: one('stringLookup', { vocabulary: ['a', 'b'], outputMode: 'count' }, () => ts.tensor([['a', 'z'], ['b', 'b']])),
  integerLookup: one('integerLookup', { vocabulary: [3, 7] }, () => ts.tensor([[3, 1], [7, 7]], [2, 2], 'int32')),
  textVectorization: one('textVectorization', { vocabulary: ['the', 'cat'], outputSequenceLength: 3 }, () => ts.tensor(['the cat', 'a cat sat'])),
  normalization: one('normalization', { mean: 1, variance: 4 }, flat),
  reLU: one('reLU', { maxValue: 0.5 }, flat),
  leakyReLU: one('leakyReLU', {}, flat),
  prelu: one('prelu', {}, flat),
  elu: one('elu', {}, flat),
  thresholdedReLU: one('thresholdedReLU', {}, flat),
  softmax: one('softmax', {}, flat),
  gaussianNoise: one('gaussianNoise', { stddev: 0.1 }, flat),
  gaussianDropout: one('gaussianDropout', { rate: 0.2 }, flat),
  alphaDropout: one('alphaDropout', { rate: 0.2 }, flat),
  spatialDropout1d: one('spatialDropout1d', { rate: 0.5 }, seq),
  masking: one('masking', { maskValue: 0 }, seq),
  zeroPadding2d: one('zeroPadding2d', { padding: 1 }, img),
  cropping2D: one('cropping2D', { cropping: 1 }, img),
  upSampling2d: one('upSampling2d', { size: [2, 2] }, img),
  rescaling: one('rescaling', { scale: 0.5, offset: 1 }, img),
  centerCrop: one('centerCrop', { height: 2, width: 2 }, img),
  categoryEncoding: one('categoryEncoding', { numTokens: 5, outputMode: 'count' }, tokens),
  resizing: one('resizing', { height: 3, width: 5 }, img),
  randomWidth: one('randomWidth', { factor: 0.5, seed: 1 }, img),
  convLstm2d: one('convLstm2d', { filters: 2, kernelSize: 2, padding: 'same', returnSequences: true }, vol),
  convLstm2dCell: one('convLstm2dCell', { filters: 2, kernelSize: 2, padding: 'same' }, () => [img(), seqOf([2, 4, 4, 2])(), seqOf([2, 4, 4, 2])()]),
  // tf.layers.input makes an InputLayer and returns its symbolic output; the layer is applied eagerly
  input: [{ make: () => (L.input({ shape: [4] }) as unknown as { sourceLayer: Layer }).sourceLayer, inputs: flat }],
};

const bool = (rows: number[][]) => () => ts.tensor(rows, [rows.length, rows[0].length], 'bool');
/** [2, 5] masks: the second sequence is padded after 3 steps (seq has 5 steps). */
const seqMask = bool([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]]);
/** seq with its last two steps zeroed in the second row, for masking({maskValue: 0}). */
const padded = () => ts.tensor(Array.from({ length: 30 }, (_, k) => (k >= 24 ? 0 : ((k * 37) % 11) / 11 - 0.4)), [2, 5, 3]);
const padTokens = () => ts.tensor([[2, 3, 4, 1, 0], [1, 4, 0, 0, 0]], [2, 5], 'int32');
const states = (...units: number[]) => () => units.map((u) => seqOf([2, u])());
const chain = (...layers: (() => Layer)[]) => () => ts.sequential({ layers: layers.map((f) => f()) }) as unknown as Layer;

/**
 * Layers called with a mask or initialState (eager kwargs), and masks made by one layer and used by
 * the next (masking or embedding maskZero into a recurrent layer, inside a sequential or functional
 * model applied eagerly), and stateful layers whose resetStates() / resetStates(values) must replace
 * their held states without adding any. Keyed like LAYER_CASES; walked after it.
 */
export const MASK_CASES: [string, LayerCase][] = [
  ['simpleRNN', { variant: 'mask', make: () => L.simpleRNN({ units: 2, returnSequences: true }), inputs: seq, kwargs: () => ({ mask: seqMask() }) }],
  ['simpleRNN', { variant: 'mask, initialState', make: () => L.simpleRNN({ units: 2 }), inputs: seq, kwargs: () => ({ mask: seqMask(), initialState: states(2)() }) }],
  ['lstm', { variant: 'mask, dropout', make: () => L.lstm({ units: 2, returnSequences: true, dropout: 0.2, recurrentDropout: 0.2 }), inputs: seq, kwargs: () => ({ mask: seqMask() }) }],
  ['lstm', { variant: 'initialState, returnState', make: () => L.lstm({ units: 2, returnState: true }), inputs: seq, kwargs: () => ({ initialState: states(2, 2)() }) }],
  ['lstm', { variant: 'mask, initialState, goBackwards', make: () => L.lstm({ units: 2, goBackwards: true }), inputs: seq, kwargs: () => ({ mask: seqMask(), initialState: states(2, 2)() }) }],
  ['gru', { variant: 'mask', make: () => L.gru({ units: 2, returnSequences: true, recurrentDropout: 0.2 }), inputs: seq, kwargs: () => ({ mask: seqMask() }) }],
  ['gru', { variant: 'initialState', make: () => L.gru({ units: 2, returnState: true }), inputs: seq, kwargs: () => ({ initialState: states(2)() }) }],
  ['rnn', { variant: 'stackedRNNCells, mask', make: () => L.rnn({ cell: L.stackedRNNCells({ cells: [L.simpleRNNCell({ units: 2 }), L.lstmCell({ units: 3 })] }) }), inputs: seq, kwargs: () => ({ mask: seqMask() }) }],
  ['bidirectional', { variant: 'mask', make: () => L.bidirectional({ layer: L.gru({ units: 2, returnSequences: true }) }), inputs: seq, kwargs: () => ({ mask: seqMask() }) }],
  ['bidirectional', { variant: 'initialState', make: () => L.bidirectional({ layer: L.lstm({ units: 2 }) }), inputs: seq, kwargs: () => ({ initialState: states(2, 2, 2, 2)() }) }],
  ['simpleRNN', { variant: 'stateful, in a sequential: model.resetStates()', make: chain(() => L.simpleRNN({ units: 2, stateful: true, batchInputShape: [2, 5, 3] })), inputs: seq, held: (m) => heldStates((m as unknown as ts.LayersModel).layers[0]), calls: resetCalls([2, 2]) }],
  ['gru', { variant: 'stateful, mask', make: () => L.gru({ units: 2, stateful: true, batchInputShape: [2, 5, 3] }), inputs: seq, held: heldStates, kwargs: () => ({ mask: seqMask() }), calls: resetCalls([2, 2]) }],
  ['convLstm2d', { variant: 'stateful', make: () => L.convLstm2d({ filters: 2, kernelSize: 2, padding: 'same', stateful: true, batchInputShape: [2, 3, 4, 4, 2] }), inputs: seqOf([2, 3, 4, 4, 2]), held: heldStates, calls: resetCalls([2, 4, 4, 2], [2, 4, 4, 2]) }],
  ['convLstm2d', { variant: 'mask, initialState', make: () => L.convLstm2d({ filters: 2, kernelSize: 2, padding: 'same' }), inputs: seqOf([2, 3, 4, 4, 2]), kwargs: () => ({ mask: bool([[1, 1, 1], [1, 0, 0]])(), initialState: [seqOf([2, 4, 4, 2])(), seqOf([2, 4, 4, 2])()] }) }],
  ['multiHeadAttention', { variant: 'attentionMask', make: () => L.multiHeadAttention({ numHeads: 2, keyDim: 2, dropout: 0.1 }), inputs: () => [seqOf([2, 3, 4])(), seqOf([2, 5, 4])()], kwargs: () => ({ attentionMask: ts.tensor(Array.from({ length: 30 }, (_, k) => k % 4 !== 3), [2, 3, 5], 'bool') }) }],
  ['transformerEncoder', { variant: 'paddingMask', make: () => L.transformerEncoder({ numHeads: 2, intermediateDim: 8 }), inputs: seqOf([2, 5, 4]), kwargs: () => ({ paddingMask: seqMask() }) }],
  ['transformerEncoder', { variant: 'mask', make: () => L.transformerEncoder({ numHeads: 2, intermediateDim: 8, dropout: 0.1 }), inputs: seqOf([2, 5, 4]), kwargs: () => ({ mask: seqMask() }) }],
  ['masking', { variant: '-> lstm (sequential)', make: chain(() => L.masking({ maskValue: 0, inputShape: [5, 3] }), () => L.lstm({ units: 2, returnSequences: true })), inputs: padded }],
  ['masking', { variant: '-> gru -> simpleRNN (sequential)', make: chain(() => L.masking({ maskValue: 0, inputShape: [5, 3] }), () => L.gru({ units: 2, returnSequences: true }), () => L.simpleRNN({ units: 2 })), inputs: padded }],
  ['masking', { variant: '-> bidirectional lstm -> timeDistributed dense (sequential)', make: chain(() => L.masking({ maskValue: 0, inputShape: [5, 3] }), () => L.bidirectional({ layer: L.lstm({ units: 2, returnSequences: true }) }), () => L.timeDistributed({ layer: L.dense({ units: 2 }) })), inputs: padded }],
  ['embedding', { variant: 'maskZero -> lstm (sequential)', make: chain(() => L.embedding({ inputDim: 5, outputDim: 3, maskZero: true, inputLength: 5 }), () => L.lstm({ units: 2 })), inputs: padTokens }],
  ['embedding', { variant: 'maskZero -> gru, dense (functional)', make: () => {
    const input = ts.input({ shape: [5], dtype: 'int32' });
    const e = L.embedding({ inputDim: 5, outputDim: 3, maskZero: true }).apply(input as never);
    const r = L.gru({ units: 2, returnSequences: true }).apply(e as never);
    return ts.model({ inputs: input, outputs: L.dense({ units: 1 }).apply(r as never) as never }) as unknown as Layer;
  }, inputs: padTokens }],
  ['embedding', { variant: 'maskZero -> transformerEncoder (sequential)', make: chain(() => L.embedding({ inputDim: 5, outputDim: 4, maskZero: true, inputLength: 5 }), () => L.transformerEncoder({ numHeads: 2, intermediateDim: 8 })), inputs: padTokens }],
];

const count = () => ts.memory().numTensors;
/** The tensors in a result (nested arrays and objects), without the engine's helper: this module is also bundled for a page. */
function tensorsIn(x: unknown, into = new Set<ts.Tensor>()): Set<ts.Tensor> {
  if (x instanceof ts.Tensor) into.add(x);
  else if (Array.isArray(x)) for (const v of x) tensorsIn(v, into);
  else if (x && typeof x === 'object' && !ArrayBuffer.isView(x)) for (const v of Object.values(x)) tensorsIn(v, into);
  return into;
}
/** Tensors in `result` that are new (not one of `inputs`) and alive. */
const freshIn = (result: unknown, inputs: Set<ts.Tensor>) => [...tensorsIn(result)].filter((t) => !inputs.has(t) && !t.isDisposed);

/** The factories of tf.layers (lower-case functions; the classes are not walked). */
export const layerFactories = () => Object.keys(ts.layers).filter((k) => /^[a-z]/.test(k) && typeof (ts.layers as Record<string, unknown>)[k] === 'function');

/** Runs one case and returns what went wrong (empty when nothing leaked). */
export function checkLayer(name: string, c: LayerCase): string[] {
  const label = c.variant ? `${name} (${c.variant})` : name;
  const problems: string[] = [];
  const start = count();
  const inputs = c.inputs();
  const extra = c.kwargs?.() ?? {};
  const inputSet = tensorsIn([inputs, extra]);
  const base = count();
  let layer: ts.Layer | null = null;
  const outputs: ts.Tensor[] = [];
  try {
    layer = c.make();
    // a layer built at construction (a model, a layer given its input shape) holds its weights from then on
    const made = new Set(layer.weights).size;
    if (count() - base !== made) problems.push(`${label}, construction: numTensors grew by ${count() - base}, expected ${made} (its weights)`);
    const steps: [string, ts.Tensor | ts.Tensor[], Record<string, unknown>][] = [
      ['first apply (builds)', inputs, { ...extra }], ['apply', inputs, { ...extra }], ['apply training', inputs, { ...extra, training: true }],
    ];
    let held = 0;
    for (const [step, x, kwargs] of steps) {
      const before = count();
      const weightsBefore = new Set(layer.weights).size;
      const out = layer.apply(x, kwargs);
      const fresh = freshIn(out, inputSet).filter((t) => !outputs.includes(t));
      outputs.push(...fresh);
      const weights = new Set(layer.weights).size - weightsBefore;
      const heldNow = c.held?.(layer) ?? 0;
      const want = fresh.length + weights + (heldNow - held);
      held = heldNow;
      if (count() - before !== want) {
        problems.push(`${label}, ${step}: numTensors grew by ${count() - before}, expected ${want} (${fresh.length} outputs + ${weights} weights + ${heldNow} held)`);
      }
    }
    for (const [what, call, want] of c.calls ?? []) {
      const before = count();
      call(layer);
      if (count() - before !== want) problems.push(`${label}, ${what}: numTensors grew by ${count() - before}, expected ${want}`);
    }
    // getWeights returns one new tensor per weight; setWeights of them adds none
    let before = count();
    const ws = layer.getWeights();
    if (count() - before !== ws.length) problems.push(`${label}, getWeights: numTensors grew by ${count() - before}, expected ${ws.length}`);
    before = count();
    layer.setWeights(ws);
    if (count() !== before) problems.push(`${label}, setWeights: numTensors grew by ${count() - before}, expected 0`);
    ts.dispose(ws);
  } catch (e) {
    problems.push(`${label}: threw ${(e as Error).message}`);
  }
  ts.dispose(outputs);
  layer?.dispose();
  if (count() !== base) problems.push(`${label}: after disposing the outputs and layer.dispose(), ${count() - base} tensors remain`);
  ts.dispose([...inputSet]);
  if (count() !== start) problems.push(`${label}: ${count() - start} tensors remain after disposing the inputs`);
  return problems;
}

/** Every case of every factory, in turn: how many were run and what went wrong. */
export function walkLayers(): { factories: number; cases: number; maskCases: number; problems: string[] } {
  const factories = layerFactories();
  const problems: string[] = [];
  let cases = 0;
  for (const name of factories) {
    for (const c of LAYER_CASES[name] ?? []) {
      cases++;
      problems.push(...checkLayer(name, c));
    }
  }
  for (const [name, c] of MASK_CASES) problems.push(...checkLayer(name, c));
  return { factories: factories.length, cases, maskCases: MASK_CASES.length, problems };
}
