/**
 * vjps of the core ops (unary, binary with broadcasting, reductions, softmax, matMul, layout,
 * indexing) checked against central finite differences on the js backend.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as ts from '../src/index.js';
import { checkGradients, type GradCase } from './helpers/gradcheck.js';

const unaryNames = ['neg', 'abs', 'exp', 'square', 'relu', 'relu6', 'elu', 'selu', 'gelu', 'sigmoid', 'tanh', 'softplus',
  'sin', 'cos', 'softsign', 'swish', 'mish', 'expm1', 'erf', 'atan', 'sinh', 'cosh', 'asinh'] as const;
const positiveUnary = ['log', 'sqrt', 'rsqrt', 'reciprocal', 'log1p', 'acosh'] as const;

const cases: GradCase[] = [
  ...unaryNames.map((n) => ({ name: n, f: (t: typeof ts, x: ts.Tensor) => (t as any)[n](x), shapes: [[2, 3]], range: [-2, 2] as [number, number] })),
  ...positiveUnary.map((n) => ({ name: n, f: (t: typeof ts, x: ts.Tensor) => (t as any)[n](x), shapes: [[5]], range: [1.2, 3] as [number, number] })),
  { name: 'asin', f: (t, x) => t.asin(x), shapes: [[4]], range: [-0.8, 0.8] },
  { name: 'atanh', f: (t, x) => t.atanh(x), shapes: [[4]], range: [-0.8, 0.8] },
  { name: 'tan', f: (t, x) => t.tan(x), shapes: [[4]], range: [-1, 1] },
  { name: 'leakyRelu', f: (t, x) => t.leakyRelu(x, 0.3), shapes: [[7]] },
  { name: 'clipByValue', f: (t, x) => t.clipByValue(x, -0.5, 0.4), shapes: [[9]] },
  { name: 'hardSigmoid', f: (t, x) => t.hardSigmoid(x), shapes: [[6]], range: [-4, 4] },
  { name: 'add broadcast', f: (t, a, b) => t.add(a, b), shapes: [[2, 3], [3]] },
  { name: 'sub broadcast', f: (t, a, b) => t.sub(a, b), shapes: [[2, 1, 3], [4, 1]] },
  { name: 'mul broadcast', f: (t, a, b) => t.mul(a, b), shapes: [[3, 1], [1, 4]] },
  { name: 'div', f: (t, a, b) => t.div(a, b), shapes: [[2, 3], [2, 3]], range: [0.5, 2] },
  { name: 'pow', f: (t, a, b) => t.pow(a, b), shapes: [[4], [4]], range: [0.5, 2] },
  { name: 'maximum', f: (t, a, b) => t.maximum(a, b), shapes: [[6], [6]] },
  { name: 'minimum', f: (t, a, b) => t.minimum(a, b), shapes: [[6], [1]] },
  { name: 'squaredDifference', f: (t, a, b) => t.squaredDifference(a, b), shapes: [[2, 2], [2]] },
  { name: 'atan2', f: (t, a, b) => t.atan2(a, b), shapes: [[5], [5]], range: [0.3, 1] },
  { name: 'prelu', f: (t, a, b) => t.prelu(a, b), shapes: [[2, 4], [4]] },
  { name: 'where', f: (t, a, b) => t.where(t.greater(a, 0), a, b), shapes: [[3, 4], [4]] },
  { name: 'sum axis', f: (t, x) => t.sum(x, 1), shapes: [[2, 3, 4]] },
  { name: 'sum axes keepDims', f: (t, x) => t.sum(x, [0, 2], true), shapes: [[2, 3, 4]] },
  { name: 'mean', f: (t, x) => t.mean(x, -1), shapes: [[3, 5]] },
  { name: 'max', f: (t, x) => t.max(x, 0), shapes: [[4, 3]] },
  { name: 'min', f: (t, x) => t.min(x), shapes: [[7]] },
  { name: 'prod', f: (t, x) => t.prod(x, 1), shapes: [[2, 3]], range: [0.5, 1.5] },
  { name: 'logSumExp', f: (t, x) => t.logSumExp(x, 1), shapes: [[2, 5]] },
  { name: 'softmax', f: (t, x) => t.softmax(x), shapes: [[3, 5]] },
  { name: 'logSoftmax', f: (t, x) => t.logSoftmax(x), shapes: [[2, 6]] },
  { name: 'matMul', f: (t, a, b) => t.matMul(a, b), shapes: [[3, 4], [4, 2]] },
  { name: 'matMul tA', f: (t, a, b) => t.matMul(a, b, true, false), shapes: [[4, 3], [4, 2]] },
  { name: 'matMul tB', f: (t, a, b) => t.matMul(a, b, false, true), shapes: [[3, 4], [2, 4]] },
  { name: 'matMul tA tB', f: (t, a, b) => t.matMul(a, b, true, true), shapes: [[4, 3], [2, 4]] },
  { name: 'matMul batch broadcast', f: (t, a, b) => t.matMul(a, b), shapes: [[2, 3, 4], [4, 2]] },
  { name: 'transpose', f: (t, x) => t.transpose(x, [2, 0, 1]), shapes: [[2, 3, 4]] },
  { name: 'reshape', f: (t, x) => t.reshape(x, [3, -1]), shapes: [[2, 3, 2]] },
  { name: 'slice', f: (t, x) => t.slice(x, [1, 0], [2, -1]), shapes: [[4, 3]] },
  { name: 'concat', f: (t, a, b) => t.concat([a, b], 1), shapes: [[2, 3], [2, 2]] },
  { name: 'stack', f: (t, a, b) => t.stack([a, b], 1), shapes: [[2, 3], [2, 3]] },
  { name: 'split', f: (t, x) => t.mul(t.split(x, [1, 2], 1)[1], 2), shapes: [[2, 3]] },
  { name: 'tile', f: (t, x) => t.tile(x, [2, 3]), shapes: [[2, 2]] },
  { name: 'pad', f: (t, x) => t.pad(x, [[1, 0], [2, 1]], 5), shapes: [[2, 3]] },
  { name: 'reverse', f: (t, x) => t.reverse(x, 1), shapes: [[2, 3]] },
  { name: 'broadcastTo', f: (t, x) => t.broadcastTo(x, [3, 2, 4]), shapes: [[2, 1]] },
  { name: 'gather', f: (t, x) => t.gather(x, t.tensor([2, 0, 2], undefined, 'int32'), 1), shapes: [[2, 3, 2]] },
];

describe('core vjps vs finite differences (js)', () => {
  beforeAll(async () => {
    await ts.setBackend('js');
  });
  for (const c of cases) it(c.name, () => checkGradients(ts, c));

  it('nested grad (second derivative of x^3)', () => {
    const d2 = ts.grad((x) => ts.grad((y) => ts.mul(ts.mul(y, y), y))(x));
    const v = Array.from(d2(ts.tensor([1, 2, -3])).dataSync());
    [6, 12, -18].forEach((e, i) => { if (Math.abs(v[i] - e) > 1e-4) throw new Error(`d2 ${v}`); });
  });

  it('variableGrads only touches trainable variables and frees intermediates', () => {
    const before = ts.memory().numTensors;
    const w = ts.tidy(() => ts.variable(ts.tensor([1, 2]), true, 'gc_w'));
    const b = ts.tidy(() => ts.variable(ts.tensor([3]), false, 'gc_b'));
    const { value, grads } = ts.variableGrads(() => ts.sum(ts.add(ts.mul(w, w), b)));
    if (Object.keys(grads).join() !== 'gc_w') throw new Error(`grads for ${Object.keys(grads)}`);
    const g = Array.from(grads.gc_w.dataSync());
    if (g[0] !== 2 || g[1] !== 4) throw new Error(`grad ${g}`);
    ts.dispose([value, grads.gc_w, w, b]);
    if (ts.memory().numTensors !== before) throw new Error(`leak: ${ts.memory().numTensors} vs ${before}`);
  });
});

describe('autodiff edge cases (js)', () => {
  beforeAll(async () => {
    await ts.setBackend('js');
  });
  it('tidy inside the differentiated function keeps what the tape needs', () => {
    const x = ts.tensor([1, 2]);
    const g = ts.grad((v) => ts.tidy(() => ts.sum(ts.mul(v, ts.mul(v, v)))))(x);
    expect(Array.from(g.dataSync())).toEqual([3, 12]);
  });
  it('grad of a function returning its input does not dispose the input', () => {
    const x = ts.tensor([1, 2]);
    const g = ts.grad((v) => v)(x);
    expect(x.isDisposed).toBe(false);
    expect(Array.from(g.dataSync())).toEqual([1, 1]);
  });
  it('same-dtype cast passes the gradient through', () => {
    const g = ts.grad((v) => ts.sum(ts.cast(v, 'float32')))(ts.tensor([1.5, 2]));
    expect(Array.from(g.dataSync())).toEqual([1, 1]);
  });
  it('prod gradient is exact with zeros', () => {
    const g1 = ts.grad((v) => ts.prod(v))(ts.tensor([0, 2, 3]));
    expect(Array.from(g1.dataSync())).toEqual([6, 0, 0]);
    const g2 = ts.grad((v) => ts.prod(v))(ts.tensor([0, 2, 0]));
    expect(Array.from(g2.dataSync())).toEqual([0, 0, 0]);
    const g3 = ts.grad((v) => ts.sum(ts.prod(v, 1)))(ts.tensor([[1, 2, 4], [0, 5, 1]]));
    expect(Array.from(g3.dataSync())).toEqual([8, 4, 2, 5, 0, 0]);
  });
});
