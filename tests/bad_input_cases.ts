/**
 * The bad-input table for tests/bad_input.test.ts: calls that must fail with an Error naming
 * the call and the problem (never a RangeError or a stack overflow). Each row: a label, the
 * call (sync or async), and a pattern the message must match (it names the op first).
 */
import * as ts from '../src/index.js';

export type BadCall = [label: string, call: () => unknown, message: RegExp];

const x23 = () => ts.tensor([[1, 2, 3], [4, 5, 6]]);
const img = () => ts.zeros([1, 4, 4, 2]);

/** A small saved model (Dense 3 -> 2) as TF.js artifacts, to corrupt. */
export function denseArtifacts(): ts.io.ModelArtifacts {
  const topology = {
    class_name: 'Sequential',
    config: { name: 'seq', layers: [{ class_name: 'Dense', config: { name: 'd', units: 2, batch_input_shape: [null, 3], use_bias: true } }] },
    keras_version: 'tfjs-layers 4.22.0',
    backend: 'tensor_flow.js',
  };
  const weightSpecs = [
    { name: 'd/kernel', shape: [3, 2], dtype: 'float32' as const },
    { name: 'd/bias', shape: [2], dtype: 'float32' as const },
  ];
  const weightData = new Float32Array([1, 2, 3, 4, 5, 6, 0.5, -0.5]).buffer;
  return { modelTopology: topology, weightSpecs, weightData, format: 'layers-model' };
}

const load = (a: ts.io.ModelArtifacts) => ts.loadLayersModel(ts.io.fromMemory(a));
function cyclic(): ts.io.ModelArtifacts {
  const a = denseArtifacts();
  const cfg = (a.modelTopology as any).config;
  cfg.layers[0].config.self = cfg; // an object graph that contains itself
  return a;
}
function deep(depth: number): ts.io.ModelArtifacts {
  const a = denseArtifacts();
  let inner: any = { leaf: 1 };
  for (let i = 0; i < depth; i++) inner = { nest: inner };
  (a.modelTopology as any).config.layers[0].config.extra = inner;
  return a;
}
function deepSequential(depth: number): ts.io.ModelArtifacts {
  const a = denseArtifacts();
  let model: any = (a.modelTopology as any);
  for (let i = 0; i < depth; i++) model = { class_name: 'Sequential', config: { name: `s${i}`, layers: [model] } };
  return { ...a, modelTopology: model };
}
const withData = (data: ArrayBuffer | ArrayBuffer[]) => ({ ...denseArtifacts(), weightData: data as ArrayBuffer });
const withSpecs = (specs: unknown[]) => ({ ...denseArtifacts(), weightSpecs: specs as never });

export const BAD_CALLS: BadCall[] = [
  // absurd sizes and int32 overflow
  ['zeros 1e9 x 1e9', () => ts.zeros([1e9, 1e9]), /^zeros: shape \[1000000000,1000000000\] has 1000000000000000000 elements, more than the 2147483647/],
  ['zeros 1e5 x 1e5', () => ts.zeros([1e5, 1e5]), /^zeros: shape \[100000,100000\] has 10000000000 elements/],
  ['zeros 2^31 elements', () => ts.zeros([65536, 32768]), /^zeros: shape \[65536,32768\] has 2147483648 elements/],
  ['ones 2^32', () => ts.ones([2 ** 32]), /^ones: shape \[4294967296\] has/],
  ['fill huge', () => ts.fill([1e6, 1e6], 3), /^fill: shape \[1000000,1000000\]/],
  ['range 0..1e12', () => ts.range(0, 1e12), /^range: start 0, stop 1000000000000, step 1 gives 1000000000000 elements/],
  ['range to Infinity', () => ts.range(0, Infinity), /^range: start, stop and step must be finite numbers/],
  ['range NaN', () => ts.range(0, NaN), /^range: start, stop and step must be finite/],
  ['range step 0', () => ts.range(0, 5, 0), /^Cannot have a step of zero/],
  ['linspace 1e12', () => ts.linspace(0, 1, 1e12), /^linspace: shape \[1000000000000\]/],
  ['linspace 0', () => ts.linspace(0, 1, 0), /^linspace: num must be a positive integer/],
  ['eye 1e6', () => ts.eye(1e6), /^eye: shape \[1000000,1000000\]/],
  ['eye -1', () => ts.eye(-1), /^Tensor must have a shape comprised of positive integers but got shape \[-1,-1\]/],
  ['randomUniform huge', () => ts.randomUniform([1e5, 1e5]), /^randomUniform: shape \[100000,100000\]/],
  ['randomNormal huge', () => ts.randomNormal([1e9, 10]), /^randomNormal: shape \[1000000000,10\]/],
  ['truncatedNormal huge', () => ts.truncatedNormal([1e10]), /^truncatedNormal: shape \[10000000000\]/],
  ['truncatedNormal NaN stdDev', () => ts.truncatedNormal([4], 0, NaN), /^truncatedNormal: stdDev must be a finite number >= 0, got NaN$/],
  ['truncatedNormal string mean', () => ts.truncatedNormal([4], 'int32' as unknown as number), /^truncatedNormal: mean must be a finite number, got int32$/],
  ['tensor huge shape', () => ts.tensor([1], [1e9, 1e9]), /^(tensor|fill): shape \[1000000000,1000000000\]/],
  ['reshape to huge', () => ts.reshape(x23(), [1e9, 1e9]), /^reshape: cannot reshape \[2,3\] \(size 6\) to \[1000000000,1000000000\]/],
  ['tile huge', () => ts.tile(x23(), [1e5, 1e5]), /^tile: .*\[200000,300000\]/],
  ['broadcastTo huge', () => ts.broadcastTo(x23(), [1e10, 2, 3]), /^broadcastTo: .*\[10000000000,2,3\]/],
  ['pad huge', () => ts.pad(x23(), [[1e9, 1e9], [0, 0]]), /^pad: .*\[2000000002,3\]/],
  ['oneHot huge depth', () => ts.oneHot(ts.tensor([0, 1], [2], 'int32'), 2e9), /^oneHot: .*\[2,2000000000\]/],
  ['matMul huge product', () => ts.matMul(ts.ones([70000, 1]), ts.ones([1, 70000])), /^matMul: .*\[70000,70000\]/],
  // bad shapes and values
  ['zeros negative dim', () => ts.zeros([-1, 2]), /^Tensor must have a shape comprised of positive integers but got shape \[-1,2\]/],
  ['zeros fractional dim', () => ts.zeros([1.5]), /^Tensor must have a shape comprised of positive integers but got shape \[1.5\]/],
  ['zeros NaN dim', () => ts.zeros([NaN]), /^Tensor must have a shape comprised of positive integers but got shape \[NaN\]/],
  ['zeros string shape', () => ts.zeros('abc' as never), /^Tensor must have a shape comprised of positive integers but got shape "abc"/],
  ['tensor values/shape mismatch', () => ts.tensor([1, 2, 3], [2, 2]), /^Based on the provided shape, \[2,2\], the tensor should have 4 values but has 3/],
  ['tensor ragged', () => ts.tensor([[1, 2], [3]]), /^tensor: Element arr\[1\] should have 2 elements, but has 1 elements$/],
  ['tensor mixed strings and numbers', () => ts.tensor(['a', 1] as never), /^tensor: a string tensor takes strings or Uint8Array bytes, got number/],
  ['tensor bad dtype', () => ts.tensor([1], [1], 'float64' as never), /^tensor: unknown dtype 'float64'/],
  ['reshape negative', () => ts.reshape(x23(), [-1, -1]), /^reshape: /],
  ['reshape wrong size', () => ts.reshape(x23(), [4, 2]), /^reshape: cannot reshape \[2,3\] \(size 6\) to \[4,2\]/],
  ['add shapes', () => ts.add(x23(), ts.ones([4, 5])), /^add: .*\[2,3\].*\[4,5\]/],
  ['matMul inner dims', () => ts.matMul(x23(), x23()), /^matMul: .*\[2,3\].*\[2,3\]/],
  ['concat shapes', () => ts.concat([x23(), ts.ones([2, 2])], 0), /^concat: /],
  ['concat empty', () => ts.concat([]), /^concat: /],
  ['stack empty', () => ts.stack([]), /^stack: /],
  ['slice out of range', () => ts.slice(x23(), [0, 2], [2, 5]), /^slice: /],
  ['transpose bad perm', () => ts.transpose(x23(), [0, 0]), /^transpose: /],
  ['sum bad axis', () => ts.sum(x23(), 5), /^sum: .*axis/],
  ['mean bad axis', () => ts.mean(x23(), -3), /^mean: .*axis/],
  ['split uneven', () => ts.split(x23(), 4, 1), /^split: /],
  ['expandDims bad axis', () => ts.expandDims(x23(), 10), /^expandDims: /],
  ['squeeze non-1 dim', () => ts.squeeze(x23(), [0]), /^squeeze: /],
  ['cast bad dtype', () => ts.cast(x23(), 'float64' as never), /^cast: unknown dtype 'float64'/],
  ['gather bad axis', () => ts.gather(x23(), ts.tensor([0], [1], 'int32'), 5), /^gather: /],
  ['gather index out of range', () => ts.gather(x23(), ts.tensor([0, 2], [2], 'int32')), /^GatherV2: the index value 2 is not in \[0, 1\]/],
  ['where non-bool', () => ts.where(ts.tensor([1, 0]), 1, 2), /^where: condition must be bool/],
  ['conv2d bad rank', () => ts.conv2d(x23() as never, ts.ones([1, 1, 2, 2]) as never, 1, 'same'), /^conv2d: /],
  ['conv2d channels', () => ts.conv2d(img() as never, ts.ones([1, 1, 3, 2]) as never, 1, 'same'), /^conv2d: /],
  ['conv2d stride 0', () => ts.conv2d(img() as never, ts.ones([1, 1, 2, 2]) as never, 0, 'same'), /^conv2d: /],
  ['maxPool window too big', () => ts.maxPool(img() as never, [9, 9], 1, 'valid'), /^maxPool: /],
  ['softmax of a scalar', () => ts.softmax(ts.scalar(1)), /^softmax: /],
  ['disposed tensor', () => { const t = x23(); t.dispose(); return ts.add(t, 1); }, /^add.*disposed/],
  ['categoryEncoding id past numTokens', () => ts.layers.categoryEncoding({ numTokens: 3 }).apply(ts.tensor([[0, 5]], [1, 2], 'int32')), /^Input values must be between 0 < values <= numTokens with numTokens=3/],
  ['categoryEncoding negative float id', () => ts.layers.categoryEncoding({ numTokens: 3 }).apply(ts.tensor([[-1.5, 2]])), /^Input values must be between 0 < values <= numTokens with numTokens=3/],
  ['variable dtype mismatch', () => ts.variable(x23(), true, 'v_bad', 'int32'), /^variable: initial value is float32, requested dtype int32/],
  // models: topology JSON
  ['topology null', () => load({ modelTopology: null as never }), /^loadLayersModel: the artifacts have no modelTopology/],
  ['topology a string', () => load({ modelTopology: 'abc' as never }), /^loadLayersModel: modelTopology must be a JSON object/],
  ['topology cyclic', () => load(cyclic()), /^loadLayersModel: modelTopology is cyclic: .*config\.layers\[0\]\.config\.self refers back to an enclosing object/],
  ['topology 10000 levels deep', () => load(deep(10000)), /^loadLayersModel: modelTopology is nested more than 100 levels deep/],
  ['topology 500 nested Sequentials', () => load(deepSequential(500)), /^loadLayersModel: modelTopology is nested more than 100 levels deep/],
  ['unknown layer class', () => load({ ...denseArtifacts(), modelTopology: { class_name: 'Sequential', config: { layers: [{ class_name: 'Nope', config: { name: 'n' } }] } } }), /^loadLayersModel: layer 'n' has unknown layer class 'Nope'/],
  ['unknown model class', () => load({ modelTopology: { class_name: 'Graph', config: {} } }), /^loadLayersModel: the topology's class_name is 'Graph'/],
  ['dense with negative units', () => load({ modelTopology: { class_name: 'Sequential', config: { layers: [{ class_name: 'Dense', config: { name: 'd', units: -4, batch_input_shape: [null, 3] } }] } } }), /^loadLayersModel: cannot build layer 'd' \(Dense\)/],
  ['dense with absurd units', () => load({ modelTopology: { class_name: 'Sequential', config: { layers: [{ class_name: 'Dense', config: { name: 'd', units: 1e10, batch_input_shape: [null, 3] } }] } } }), /^loadLayersModel: cannot add layer 'd' \(Dense\) to the model: truncatedNormal: shape \[3,10000000000\] has 30000000000 elements/],
  // models: weights
  ['empty shard', () => load(withData([new ArrayBuffer(0)])), /^decodeWeights: weight 'kernel' of layer 'd' \(shape \[3,2\], float32\) needs bytes 0\.\.24 but the weight data has only 0 bytes/],
  ['two shards, second empty', () => load(withData([new ArrayBuffer(24), new ArrayBuffer(0)])), /^decodeWeights: weight 'bias' of layer 'd' .* needs bytes 24\.\.32 but the weight data has only 24 bytes/],
  ['truncated weights', () => load(withData(new ArrayBuffer(30))), /^decodeWeights: weight 'bias' of layer 'd'.*has only 30 bytes/],
  ['too many weight bytes', () => load(withData(new ArrayBuffer(40))), /^decodeWeights: the weight data has 40 bytes but the weight specs account for 32/],
  ['weight spec with absurd shape', () => load(withSpecs([{ name: 'd/kernel', shape: [1e9, 1e9], dtype: 'float32' }, { name: 'd/bias', shape: [2], dtype: 'float32' }])), /^decodeWeights: weight 'kernel' of layer 'd' has shape \[1000000000,1000000000\] with 1000000000000000000 elements/],
  ['weight spec negative shape', () => load(withSpecs([{ name: 'd/kernel', shape: [-3, 2], dtype: 'float32' }])), /^decodeWeights: weight 'kernel' of layer 'd' has an invalid shape \[-3,2\]/],
  ['weight spec bad dtype', () => load(withSpecs([{ name: 'd/kernel', shape: [3, 2], dtype: 'complex64' }, { name: 'd/bias', shape: [2], dtype: 'float32' }])), /^decodeWeights: weight 'kernel' of layer 'd' has unsupported dtype 'complex64'/],
  ['weight of the wrong shape', () => load(withSpecs([{ name: 'd/kernel', shape: [2, 3], dtype: 'float32' }, { name: 'd/bias', shape: [2], dtype: 'float32' }])), /^loadLayersModel: wrong shape for .*expects \[3,2\].*has \[2,3\]/],
  ['weight data but no specs', () => load({ ...denseArtifacts(), weightSpecs: undefined }), /^loadLayersModel: the artifacts have weight data but no weight specs/],
  // training arguments
  ['fit batchSize 0', () => { const m = denseModel(); return m.fit(ts.ones([2, 3]), ts.ones([2, 2]), { batchSize: 0 }).finally(() => m.dispose()); }, /^fit: batchSize must be a positive integer, got 0/],
  ['fit epochs -1', () => { const m = denseModel(); return m.fit(ts.ones([2, 3]), ts.ones([2, 2]), { epochs: -1 }).finally(() => m.dispose()); }, /^fit: epochs must be a non-negative integer, got -1/],
  ['compile unknown optimizer', () => denseModel(false).compile({ optimizer: 'nope', loss: 'mse' }), /^compile: unknown optimizer 'nope'/],
  ['predict wrong shape', () => { const m = denseModel(); try { return m.predict(ts.ones([2, 5])); } finally { m.dispose(); } }, /input '\w+' expects shape \[-1,3\] \(-1 = any\), got \[2,5\]/],
];

function denseModel(compile = true): ts.LayersModel {
  const m = ts.sequential();
  m.add(ts.layers.dense({ units: 2, inputShape: [3] }));
  if (compile) m.compile({ optimizer: 'sgd', loss: 'mse' });
  return m;
}
