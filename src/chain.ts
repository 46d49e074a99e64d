/**
 * TF.js-style chaining methods on Tensor (x.add(y).relu().sum()), installed on the prototype
 * by `installChainMethods()` from the entry module. Each forwards to the op of the same name,
 * so there is exactly one implementation per op.
 */
import type { DType } from './backends/backend.js';
import { Tensor } from './tensor.js';
import type { Input } from './ops/operand.js';
import * as binary from './ops/binary.js';
import * as unary from './ops/unary.js';
import * as reduce from './ops/reduce.js';
import * as layout from './ops/layout.js';
import * as indexing from './ops/indexing.js';
import { matMul } from './ops/matmul.js';
import { logSoftmax, softmax } from './ops/softmax.js';
import { clone } from './ops/creation.js';

type Axis = number | number[] | null | undefined;
declare module './tensor.js' {
  interface Tensor {
    add(b: Input): Tensor; sub(b: Input): Tensor; mul(b: Input): Tensor; div(b: Input): Tensor;
    pow(b: Input): Tensor; maximum(b: Input): Tensor; minimum(b: Input): Tensor; mod(b: Input): Tensor;
    squaredDifference(b: Input): Tensor;
    equal(b: Input): Tensor; notEqual(b: Input): Tensor; greater(b: Input): Tensor; greaterEqual(b: Input): Tensor;
    less(b: Input): Tensor; lessEqual(b: Input): Tensor; logicalAnd(b: Input): Tensor; logicalOr(b: Input): Tensor;
    neg(): Tensor; abs(): Tensor; exp(): Tensor; log(): Tensor; sqrt(): Tensor; rsqrt(): Tensor; square(): Tensor;
    reciprocal(): Tensor; relu(): Tensor; relu6(): Tensor; elu(): Tensor; selu(): Tensor; sigmoid(): Tensor;
    tanh(): Tensor; softplus(): Tensor; sin(): Tensor; cos(): Tensor; floor(): Tensor; ceil(): Tensor;
    round(): Tensor; sign(): Tensor; leakyRelu(alpha?: number): Tensor; clipByValue(min: number, max: number): Tensor;
    logicalNot(): Tensor; cast(dtype: DType): Tensor; clone(): Tensor;
    sum(axis?: Axis, keepDims?: boolean): Tensor; mean(axis?: Axis, keepDims?: boolean): Tensor;
    max(axis?: Axis, keepDims?: boolean): Tensor; min(axis?: Axis, keepDims?: boolean): Tensor;
    prod(axis?: Axis, keepDims?: boolean): Tensor; any(axis?: Axis, keepDims?: boolean): Tensor;
    all(axis?: Axis, keepDims?: boolean): Tensor; logSumExp(axis?: Axis, keepDims?: boolean): Tensor;
    argMax(axis?: number): Tensor; argMin(axis?: number): Tensor;
    softmax(dim?: number): Tensor; logSoftmax(axis?: number): Tensor;
    matMul(b: Input, transposeA?: boolean, transposeB?: boolean): Tensor;
    reshape(shape: number[]): Tensor; transpose(perm?: number[]): Tensor; expandDims(axis?: number): Tensor;
    squeeze(axis?: number[]): Tensor; flatten(): Tensor; slice(begin: number | number[], size?: number | number[]): Tensor;
    tile(reps: number[]): Tensor; pad(paddings: Array<[number, number]>, value?: number): Tensor;
    reverse(axis?: number | number[]): Tensor; broadcastTo(shape: number[]): Tensor;
    gather(indices: Input, axis?: number): Tensor; split(n: number | number[], axis?: number): Tensor[];
    asScalar(): Tensor; as1D(): Tensor; as2D(r: number, c: number): Tensor; toFloat(): Tensor; toInt(): Tensor;
    as3D(r: number, c: number, d: number): Tensor; as4D(r: number, c: number, d: number, d2: number): Tensor;
    as5D(r: number, c: number, d: number, d2: number, d3: number): Tensor; asType(dtype: DType): Tensor;
  }
}

export function installChainMethods(): void {
  const p = Tensor.prototype as unknown as Record<string, unknown>;
  if (p.add) return;
  const bin = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'mod', 'squaredDifference', 'equal', 'notEqual',
    'greater', 'greaterEqual', 'less', 'lessEqual', 'logicalAnd', 'logicalOr'] as const;
  for (const name of bin) p[name] = function (this: Tensor, b: Input) { return binary[name](this, b); };
  const un = ['neg', 'abs', 'exp', 'log', 'sqrt', 'rsqrt', 'square', 'reciprocal', 'relu', 'relu6', 'elu', 'selu', 'sigmoid',
    'tanh', 'softplus', 'sin', 'cos', 'floor', 'ceil', 'round', 'sign', 'logicalNot'] as const;
  for (const name of un) p[name] = function (this: Tensor) { return unary[name](this); };
  const red = ['sum', 'mean', 'max', 'min', 'prod', 'any', 'all', 'logSumExp'] as const;
  for (const name of red) p[name] = function (this: Tensor, axis?: Axis, keepDims?: boolean) { return reduce[name](this, axis, keepDims); };
  Object.assign(p, {
    leakyRelu(this: Tensor, alpha?: number) { return unary.leakyRelu(this, alpha); },
    clipByValue(this: Tensor, lo: number, hi: number) { return unary.clipByValue(this, lo, hi); },
    cast(this: Tensor, dtype: DType) { return unary.cast(this, dtype); },
    toFloat(this: Tensor) { return unary.cast(this, 'float32'); },
    toInt(this: Tensor) { return unary.cast(this, 'int32'); },
    clone(this: Tensor) { return clone(this); },
    argMax(this: Tensor, axis?: number) { return reduce.argMax(this, axis); },
    argMin(this: Tensor, axis?: number) { return reduce.argMin(this, axis); },
    softmax(this: Tensor, dim?: number) { return softmax(this, dim); },
    logSoftmax(this: Tensor, axis?: number) { return logSoftmax(this, axis); },
    matMul(this: Tensor, b: Input, ta?: boolean, tb?: boolean) { return matMul(this, b, ta, tb); },
    reshape(this: Tensor, shape: number[]) { return layout.reshape(this, shape); },
    transpose(this: Tensor, perm?: number[]) { return layout.transpose(this, perm); },
    expandDims(this: Tensor, axis?: number) { return layout.expandDims(this, axis); },
    squeeze(this: Tensor, axis?: number[]) { return layout.squeeze(this, axis); },
    flatten(this: Tensor) { return layout.reshape(this, [this.size]); },
    asScalar(this: Tensor) { return layout.reshape(this, []); },
    as1D(this: Tensor) { return layout.reshape(this, [this.size]); },
    as2D(this: Tensor, r: number, c: number) { return layout.reshape(this, [r, c]); },
    slice(this: Tensor, begin: number | number[], size?: number | number[]) { return layout.slice(this, begin, size); },
    tile(this: Tensor, reps: number[]) { return layout.tile(this, reps); },
    pad(this: Tensor, paddings: Array<[number, number]>, value?: number) { return layout.pad(this, paddings, value); },
    reverse(this: Tensor, axis?: number | number[]) { return layout.reverse(this, axis); },
    broadcastTo(this: Tensor, shape: number[]) { return layout.broadcastTo(this, shape); },
    split(this: Tensor, n: number | number[], axis?: number) { return layout.split(this, n, axis); },
    gather(this: Tensor, indices: Input, axis?: number) { return indexing.gather(this, indices, axis); },
  });
  // TF.js's rank-specific reshapes and asType
  Object.assign(p, {
    asScalar(this: Tensor) {
      if (this.size !== 1) throw new Error('The array must have only 1 element.');
      return layout.reshape(this, []);
    },
    as3D(this: Tensor, r: number, c: number, d: number) { return layout.reshape(this, [r, c, d]); },
    as4D(this: Tensor, r: number, c: number, d: number, d2: number) { return layout.reshape(this, [r, c, d, d2]); },
    as5D(this: Tensor, r: number, c: number, d: number, d2: number, d3: number) { return layout.reshape(this, [r, c, d, d2, d3]); },
    asType(this: Tensor, dtype: DType) { return unary.cast(this, dtype); },
  });
}
