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
import * as spectral from './ops/spectral.js';
import * as scan from './ops/scan.js';
import { dilation2d, localResponseNormalization } from './ops/window.js';
import { type Variable, variable } from './variable.js';
import { type TensorBuffer, bufferOf } from './buffer.js';
import { resizeBilinear, resizeNearestNeighbor } from './ops/image.js';

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
    reshape(shape: number[]): Tensor; transpose(perm?: number[], conjugate?: boolean): Tensor; expandDims(axis?: number): Tensor;
    squeeze(axis?: number[]): Tensor; flatten(): Tensor; slice(begin: number | number[], size?: number | number[]): Tensor;
    tile(reps: number[]): Tensor; pad(paddings: Array<[number, number]>, value?: number): Tensor;
    reverse(axis?: number | number[]): Tensor; broadcastTo(shape: number[]): Tensor;
    gather(indices: Input, axis?: number): Tensor; split(n: number | number[], axis?: number): Tensor[];
    asScalar(): Tensor; as1D(): Tensor; as2D(r: number, c: number): Tensor; toFloat(): Tensor; toInt(): Tensor;
    as3D(a: number, b: number, c: number): Tensor; as4D(a: number, b: number, c: number, d: number): Tensor;
    as5D(a: number, b: number, c: number, d: number, e: number): Tensor; asType(dtype: DType): Tensor; toBool(): Tensor;
    reshapeAs(other: Tensor): Tensor; concat(x: Tensor | Tensor[], axis?: number): Tensor; stack(x: Tensor | Tensor[], axis?: number): Tensor;
    where(condition: Input, other: Input): Tensor;
    stridedSlice(begin: number[], end: number[], strides?: number[], beginMask?: number, endMask?: number,
      ellipsisMask?: number, newAxisMask?: number, shrinkAxisMask?: number): Tensor;
    batchToSpaceND(blockShape: number[], crops: number[][]): Tensor;
    spaceToBatchND(blockShape: number[], paddings: number[][]): Tensor;
    mirrorPad(paddings: Array<[number, number]>, mode: 'reflect' | 'symmetric'): Tensor;
    norm(ord?: number | 'euclidean' | 'fro', axis?: number | number[] | null, keepDims?: boolean): Tensor;
    euclideanNorm(axis?: number | number[] | null, keepDims?: boolean): Tensor;
    unique(axis?: number): { values: Tensor; indices: Tensor };
    logSigmoid(): Tensor;
    fft(): Tensor; ifft(): Tensor; rfft(): Tensor; irfft(): Tensor;
    topk(k?: number, sorted?: boolean): { values: Tensor; indices: Tensor };
    cumsum(axis?: number, exclusive?: boolean, reverse?: boolean): Tensor;
    cumprod(axis?: number, exclusive?: boolean, reverse?: boolean): Tensor;
    localResponseNormalization(depthRadius?: number, bias?: number, alpha?: number, beta?: number): Tensor;
    dilation2d(filter: Input, strides: number | [number, number], pad: 'same' | 'valid', dilations?: number | [number, number], dataFormat?: 'NHWC'): Tensor;
    variable(trainable?: boolean, name?: string, dtype?: DType): Variable;
    buffer(): Promise<TensorBuffer>; bufferSync(): TensorBuffer;
    resizeBilinear(size: [number, number], alignCorners?: boolean, halfPixelCenters?: boolean): Tensor;
    resizeNearestNeighbor(size: [number, number], alignCorners?: boolean, halfPixelCenters?: boolean): Tensor;
  }
}

/**
 * TF.js's chained methods that are the op of the same name with the tensor as its first argument. They are
 * bound from the public namespace, so an op added to the API gets its method by being listed here; a name
 * whose op does not exist yet is skipped (the method is then missing, never a stub).
 */
const FORWARDED_METHODS = [
  'abs', 'acos', 'acosh', 'add', 'all', 'any', 'argMax', 'argMin', 'asin', 'asinh', 'atan', 'atan2', 'atanh', 'avgPool',
  'batchNorm', 'batchToSpaceND', 'broadcastTo', 'cast', 'ceil', 'clipByValue', 'conv1d', 'conv2d', 'conv2dTranspose',
  'cos', 'cosh', 'cumprod', 'cumsum', 'depthToSpace', 'depthwiseConv2d', 'dilation2d', 'div', 'divNoNan', 'dot', 'elu',
  'equal', 'erf', 'exp', 'expandDims', 'expm1', 'fft', 'floor', 'floorDiv', 'gather', 'greater', 'greaterEqual', 'ifft',
  'irfft', 'isFinite', 'isInf', 'isNaN', 'leakyRelu', 'less', 'lessEqual', 'localResponseNormalization', 'log', 'log1p',
  'logicalAnd', 'logicalNot', 'logicalOr', 'logicalXor', 'logSigmoid', 'logSoftmax', 'logSumExp', 'matMul', 'max',
  'maximum', 'maxPool', 'mean', 'min', 'minimum', 'mirrorPad', 'mod', 'mul', 'neg', 'norm', 'notEqual', 'oneHot',
  'onesLike', 'pad', 'pool', 'pow', 'prelu', 'prod', 'reciprocal', 'relu', 'relu6', 'reshape', 'resizeBilinear',
  'resizeNearestNeighbor', 'reverse', 'rfft', 'round', 'rsqrt', 'selu', 'separableConv2d', 'sigmoid', 'sign', 'sin',
  'sinh', 'slice', 'softmax', 'softplus', 'spaceToBatchND', 'split', 'sqrt', 'square', 'squaredDifference', 'squeeze',
  'step', 'stridedSlice', 'sub', 'sum', 'tan', 'tanh', 'tile', 'topk', 'transpose', 'unique', 'unsortedSegmentSum',
  'unstack', 'zerosLike', 'maxPool3d', 'avgPool3d', 'conv3d', 'euclideanNorm', 'mirrorPad', 'clone',
] as const;

/** Methods whose op does not take the tensor first (or is a reshape under another name). */
function installSpecialMethods(p: Record<string, unknown>, ns: Record<string, unknown>): void {
  const op = (name: string) => ns[name] as (...args: unknown[]) => Tensor;
  Object.assign(p, {
    concat(this: Tensor, x: Tensor | Tensor[], axis?: number) { return op('concat')([this, ...(Array.isArray(x) ? x : [x])], axis); },
    stack(this: Tensor, x: Tensor | Tensor[], axis?: number) { return op('stack')([this, ...(Array.isArray(x) ? x : [x])], axis); },
    where(this: Tensor, condition: Input, other: Input) { return op('where')(condition, this, other); },
    asType(this: Tensor, dtype: DType) { return op('cast')(this, dtype); },
    toBool(this: Tensor) { return op('cast')(this, 'bool'); },
    reshapeAs(this: Tensor, other: Tensor) { return op('reshape')(this, other.shape); },
    as3D(this: Tensor, a: number, b: number, c: number) { return op('reshape')(this, [a, b, c]); },
    as4D(this: Tensor, a: number, b: number, c: number, d: number) { return op('reshape')(this, [a, b, c, d]); },
    as5D(this: Tensor, a: number, b: number, c: number, d: number, e: number) { return op('reshape')(this, [a, b, c, d, e]); },
  });
}

/** Installs the chained methods; `ns` is the core namespace (src/core.ts) the forwarded methods call. */
export function installChainMethods(ns: Record<string, unknown>): void {
  const p = Tensor.prototype as unknown as Record<string, unknown>;
  if (p.add) return;
  // static member reads (not binary[name]): bundlers then need no namespace objects and can drop unused ops
  const bin = {
    add: binary.add, sub: binary.sub, mul: binary.mul, div: binary.div, pow: binary.pow, maximum: binary.maximum,
    minimum: binary.minimum, mod: binary.mod, squaredDifference: binary.squaredDifference, equal: binary.equal,
    notEqual: binary.notEqual, greater: binary.greater, greaterEqual: binary.greaterEqual, less: binary.less,
    lessEqual: binary.lessEqual, logicalAnd: binary.logicalAnd, logicalOr: binary.logicalOr,
  };
  for (const [name, fn] of Object.entries(bin)) p[name] = function (this: Tensor, b: Input) { return fn(this, b); };
  const un = {
    neg: unary.neg, abs: unary.abs, exp: unary.exp, log: unary.log, sqrt: unary.sqrt, rsqrt: unary.rsqrt,
    square: unary.square, reciprocal: unary.reciprocal, relu: unary.relu, relu6: unary.relu6, elu: unary.elu,
    selu: unary.selu, sigmoid: unary.sigmoid, tanh: unary.tanh, softplus: unary.softplus, sin: unary.sin,
    cos: unary.cos, floor: unary.floor, ceil: unary.ceil, round: unary.round, sign: unary.sign,
    logicalNot: unary.logicalNot,
  };
  for (const [name, fn] of Object.entries(un)) p[name] = function (this: Tensor) { return fn(this); };
  const red = {
    sum: reduce.sum, mean: reduce.mean, max: reduce.max, min: reduce.min, prod: reduce.prod, any: reduce.any,
    all: reduce.all, logSumExp: reduce.logSumExp,
  };
  for (const [name, fn] of Object.entries(red)) p[name] = function (this: Tensor, axis?: Axis, keepDims?: boolean) { return fn(this, axis, keepDims); };
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
    transpose(this: Tensor, perm?: number[], conjugate?: boolean) { return layout.transpose(this, perm, conjugate); },
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
    topk(this: Tensor, k?: number, sorted?: boolean) { return scan.topk(this, k, sorted); },
    cumsum(this: Tensor, axis?: number, exclusive?: boolean, reverse?: boolean) { return scan.cumsum(this, axis, exclusive, reverse); },
    cumprod(this: Tensor, axis?: number, exclusive?: boolean, reverse?: boolean) { return scan.cumprod(this, axis, exclusive, reverse); },
    localResponseNormalization(this: Tensor, r?: number, bias?: number, alpha?: number, beta?: number) { return localResponseNormalization(this, r, bias, alpha, beta); },
    dilation2d(this: Tensor, filter: Input, strides: number | [number, number], pad: 'same' | 'valid', dilations?: number | [number, number], fmt?: 'NHWC') {
      return dilation2d(this, filter, strides, pad, dilations, fmt);
    },
    variable(this: Tensor, trainable?: boolean, name?: string, dtype?: DType) { return variable(this, trainable, name, dtype); },
    async buffer(this: Tensor) { return bufferOf(this, await this.data()); },
    bufferSync(this: Tensor) { return bufferOf(this, this.dataSync()); },
    resizeBilinear(this: Tensor, size: [number, number], alignCorners?: boolean, halfPixelCenters?: boolean) {
      return resizeBilinear(this, size, alignCorners, halfPixelCenters);
    },
    resizeNearestNeighbor(this: Tensor, size: [number, number], alignCorners?: boolean, halfPixelCenters?: boolean) {
      return resizeNearestNeighbor(this, size, alignCorners, halfPixelCenters);
    },
  });
  // TF.js's rank-specific reshapes and asType
  Object.assign(p, {
    asScalar(this: Tensor) {
      if (this.size !== 1) throw new Error('The array must have only 1 element.');
      return layout.reshape(this, []);
    },
  });
  installSpecialMethods(p, ns);
  // the spectral ops live in the tf.spectral namespace, their methods on every tensor
  for (const [name, fn] of Object.entries({ fft: spectral.fft, ifft: spectral.ifft, rfft: spectral.rfft, irfft: spectral.irfft })) {
    p[name] = function (this: Tensor) { return fn(this); };
  }
  for (const name of FORWARDED_METHODS) {
    const fn = ns[name];
    if (p[name] === undefined && typeof fn === 'function') {
      p[name] = function (this: Tensor, ...args: unknown[]) { return (fn as (...a: unknown[]) => unknown)(this, ...args); };
    }
  }
}
