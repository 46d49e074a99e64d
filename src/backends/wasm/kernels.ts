/**
 * The wasm kernel table: one entry per kernel name, turning the op layer's flat attributes into
 * pointer-and-number calls of the AssemblyScript exports. Shapes/strides go through a small
 * params block (rank padded to 6). To add a kernel: export it from assembly/, declare it in
 * module.ts, add an entry here (the conv family's in conv_kernels.ts; shared helpers in kernel_args.ts).
 * Kernels missing from the table make `run` throw.
 */
import type { TensorInfo } from '../backend.js';
import { checkAttentionHeads, checkColSums, FUSED_WORDS, resizeTableSize, type KernelAttrs, type KernelName } from '../kernels.js';
import { parallelAdam, parallelAttention, parallelBinary, parallelMatMul, parallelReduce, parallelSoftmax, parallelUnary } from './pool_loader.js';
import { int8Kernels } from './int8.js';
import { lstmCell, lstmCellGrad } from '../js/lstm_cell.js';
import { reduceColumns } from '../js/reduce.js';
import { colSums } from '../js/matmul.js';
import { attention, attentionGrad } from '../js/attention.js';
import { layerNormParamGrad } from '../js/norm.js';
import { convKernels, conv3dKernels } from './conv_kernels.js';
import {
  collapseDims, kindOf, pad6, requireFloat, requireSizes, withResidual, withScratch, writeParams, bitsFor,
  type WasmContext, type WasmKernel,
} from './kernel_args.js';

export { collapseDims, kindOf, PARAMS_BYTES, RANK, writeGeometry, type WasmContext, type WasmKernel } from './kernel_args.js';

function matMul(ctx: WasmContext, ins: TensorInfo[], outs: TensorInfo[], a: KernelAttrs['matMul']): void {
  if (a.residual) return withResidual(ctx, ins, outs, a, a.N, 'matMul', (b) => matMul(ctx, ins, outs, b));
  if (a.colSums) {
    // the bias gradient a plan merged into this weight gradient: summed over the arena's view of B (js/matmul.ts)
    checkColSums('wasm matMul', a, ins[1], outs[1]);
    const [b, sums] = f32Views(ctx, 'matMul', [ins[1]], [outs[1]], 1, 1);
    colSums('wasm matMul', b, sums, a);
  }
  const { ex, arena } = ctx;
  const out = outs[0];
  if (out.size === 0) return;
  // Non-float operands are converted to float32 temporaries (and the result back), so the
  // kernel itself only ever sees f32.
  const temps: { ptr: number; bytes: number }[] = [];
  try {
    const asF32 = (t: TensorInfo): number => {
      if (t.dtype === 'float32') return ctx.ptr(t);
      const blk = arena.alloc(t.size * 4);
      temps.push(blk);
      ex.unary(0, ctx.ptr(t), blk.ptr, t.size, kindOf(t.dtype), 0, 0, 0);
      return blk.ptr;
    };
    const aPtr = asF32(ins[0]);
    const bPtr = asF32(ins[1]);
    const bias = a.hasBias ? asF32(ins[2]) : 0;
    const prelu = a.activation === 5 ? asF32(ins[a.hasBias ? 3 : 2]) : 0;
    let outPtr = ctx.ptr(out);
    if (out.dtype !== 'float32') {
      const blk = arena.alloc(out.size * 4);
      temps.push(blk);
      outPtr = blk.ptr;
    }
    if (!parallelMatMul(ctx, aPtr, bPtr, outPtr, a, bias, prelu)) {
      // Packing scratch comes from the shared workspace, so varying M/N/K reuse one block.
      const scratch = ctx.workspace.get(ex.matMulScratchBytes(a.M, a.N, a.K) >>> 0);
      ex.matMul(
        aPtr, bPtr, outPtr, a.batch, a.M, a.N, a.K, a.transposeA ? 1 : 0, a.transposeB ? 1 : 0,
        a.aBatchStride, a.bBatchStride, bias, a.biasSize, a.activation, a.alpha ?? 0, prelu, a.preluSize ?? 1, scratch,
      );
    }
    if (out.dtype !== 'float32') ex.unary(0, outPtr, ctx.ptr(out), out.size, 0, kindOf(out.dtype), 0, 0);
  } finally {
    for (const t of temps) arena.release(t.ptr, t.bytes);
  }
}

/** An index-tuple array (strides or dims of gatherND / scatterND) padded to 8 entries. */
function indexParams(op: string, v: number[]): number[] {
  if (v.length > 8) throw new Error(`wasm ${op}: index depth ${v.length} exceeds 8`);
  return [...v, ...new Array(8 - v.length).fill(0)];
}

const normAttentionKernels: { [K in KernelName]?: WasmKernel<K> } = {
  layerNorm: (ctx, ins, outs, a) => {
    requireFloat('layerNorm', ins, outs, 3);
    requireSizes('layerNorm', [[ins[0], a.rows * a.cols, 'x'], [ins[1], a.cols, 'gamma'], [ins[2], a.cols, 'beta'], [outs[0], a.rows * a.cols, 'output']]);
    if (a.rows === 0 || a.cols === 0) return;
    ctx.ex.layerNorm(ctx.ptr(ins[0]), ctx.ptr(ins[1]), ctx.ptr(ins[2]), ctx.ptr(outs[0]), a.rows, a.cols, a.epsilon);
  },
  layerNormBackprop: (ctx, ins, outs, a) => {
    requireFloat('layerNormBackprop', ins, outs, 3);
    requireSizes('layerNormBackprop', [[ins[0], a.rows * a.cols, 'dy'], [ins[1], a.rows * a.cols, 'x'], [ins[2], a.cols, 'gamma'], [outs[0], a.rows * a.cols, 'dx']]);
    if (a.paramGrads) paramGrads(ctx, ins.slice(0, 2), outs.slice(1), a);
    if (a.rows === 0 || a.cols === 0) return;
    ctx.ex.layerNormBackprop(ctx.ptr(ins[0]), ctx.ptr(ins[1]), ctx.ptr(ins[2]), ctx.ptr(outs[0]), a.rows, a.cols, a.epsilon);
  },
  attention: (ctx, ins, outs, a) => {
    requireFloat('attention', ins, outs, a.hasMask ? 4 : 3, 2);
    checkAttentionHeads('wasm', a);
    const stride = a.kvStride ?? a.seqK;
    const qSize = a.bh * a.seqQ * a.headDim, kSize = a.bh * stride * a.headDim;
    requireSizes('attention', [[ins[0], qSize, 'q'], [ins[1], kSize, 'k'], [ins[2], kSize, 'v'], [outs[0], qSize, 'out'], [outs[1], a.bh * a.seqQ, 'lse'],
      ...(a.hasMask ? [[ins[3], a.seqQ * a.seqK, 'mask'] as [TensorInfo, number, string]] : [])]);
    if (a.bh === 0 || a.seqQ === 0) return;
    const [out, lse] = [ctx.ptr(outs[0]), ctx.ptr(outs[1])];
    if (a.seqK === 0 || a.headDim === 0) {
      const f32 = ctx.arena.f32;
      f32.fill(0, out >>> 2, (out >>> 2) + a.bh * a.seqQ * a.headDim);
      if (a.seqK === 0) f32.fill(-Infinity, lse >>> 2, (lse >>> 2) + a.bh * a.seqQ);
      if (a.seqK === 0) return;
    }
    if (a.heads) {
      // heads packed in the last axis (where ATTENTION_FUSED_GRAD puts a multi-head layer on this path): the js
      // loop over the arena's views, as attentionGrad runs here
      const v = f32Views(ctx, 'attention', ins, outs, ins.length, 2);
      return attention(v[0], v[1], v[2], a.hasMask ? v[3] : null, v[ins.length], v[ins.length + 1], a);
    }
    const mask = a.hasMask ? ctx.ptr(ins[3]) : 0;
    if (parallelAttention(ctx, ctx.ptr(ins[0]), ctx.ptr(ins[1]), ctx.ptr(ins[2]), mask, out, lse, a)) return;
    withScratch(ctx, ctx.ex.attentionScratchBytes(a.seqK, a.headDim), (scratch) => {
      ctx.ex.attention(ctx.ptr(ins[0]), ctx.ptr(ins[1]), ctx.ptr(ins[2]), mask, out, lse, a.bh, a.seqQ, a.seqK, a.headDim, a.scale, a.causal ? 1 : 0, stride, scratch);
    });
  },
  adamUpdate: (ctx, ins, outs, a) => {
    const n = a.sizes.length;
    requireFloat('adamUpdate', ins, outs, 4 * n, 3 * n);
    a.sizes.forEach((size, i) => {
      // variable i's param, grad, m, v, newParam, newM, newV
      const ts = [...ins, ...outs].filter((_, k) => k % n === i);
      requireSizes('adamUpdate', ts.map((t, r) => [t, size, ADAM_OPERANDS[r]]));
      if (size === 0) return;
      const ptrs = ts.map((t) => ctx.ptr(t)) as [number, number, number, number, number, number, number];
      if (parallelAdam(ctx, ...ptrs, size, a)) return;
      ctx.ex.adamUpdate(...ptrs, size, a.lr, a.beta1, a.beta2, a.epsilon, a.biasCorrection1, a.biasCorrection2, a.weightDecay);
    });
  },
};

const ADAM_OPERANDS = ['param', 'grad', 'm', 'v', 'newParam', 'newM', 'newV'];

/** layerNormBackprop's parameter gradients (attr paramGrads): the js loop over arena views. */
function paramGrads(ctx: WasmContext, ins: TensorInfo[], outs: TensorInfo[], a: KernelAttrs['layerNormBackprop']): void {
  const v = f32Views(ctx, 'layerNormBackprop', ins, outs, 2, 2);
  requireSizes('layerNormBackprop', [[outs[0], a.cols, 'dgamma'], [outs[1], a.cols, 'dbeta']]);
  layerNormParamGrad(v[0], v[1], v[2], v[3], a);
}

/**
 * The fused LSTM cell, the column reduction, the attention gradient and layerNorm's parameter
 * gradients: the js reference loops over float32 views of the
 * arena (a few flops per element; an AssemblyScript copy would not fit the Wasm size budget).
 * The op layer checks the shapes; a view never reaches past its tensor.
 */
function f32Views(ctx: WasmContext, op: string, ins: TensorInfo[], outs: TensorInfo[], nIn = 2, nOut = 2): Float32Array[] {
  requireFloat(op, ins, outs, nIn, nOut);
  return [...ins, ...outs].map((t) => ctx.arena.f32.subarray(ctx.ptr(t) >>> 2, (ctx.ptr(t) >>> 2) + t.size));
}
const jsViewKernels: { [K in KernelName]?: WasmKernel<K> } = {
  attentionGrad: (ctx, ins, outs, a) => {
    const qSize = a.bh * a.seqQ * a.headDim, kSize = a.bh * a.seqK * a.headDim;
    const v = f32Views(ctx, 'attentionGrad', ins, outs, 6, 3);
    requireSizes('attentionGrad', [[ins[0], qSize, 'q'], [ins[1], kSize, 'k'], [ins[2], kSize, 'v'], [ins[3], qSize, 'out'], [ins[4], a.bh * a.seqQ, 'lse'],
      [ins[5], qSize, 'dO'], [outs[0], qSize, 'dQ'], [outs[1], kSize, 'dK'], [outs[2], kSize, 'dV']]);
    attentionGrad(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], a);
  },
  reduceColumns: (ctx, ins, outs, a) => {
    const [x, out] = f32Views(ctx, 'reduceColumns', ins, outs, 1, 1);
    requireSizes('reduceColumns', [[ins[0], a.outer * a.inner * a.cols, 'x'], [outs[0], a.outer * a.cols, 'out']]);
    reduceColumns(x, out, a);
  },
  lstmCell: (ctx, ins, outs, a) => {
    const [z, c, h, cn] = f32Views(ctx, 'lstmCell', ins, outs);
    lstmCell(z, c, h, cn, a);
  },
  lstmCellGrad: (ctx, ins, outs, a) => {
    const v = f32Views(ctx, 'lstmCellGrad', ins, outs), n = ins.length;
    lstmCellGrad(v[0], v[1], a.hasDh ? v[2] : null, a.hasDc ? v[n - 1] : null, v[n], v[n + 1], a);
  },
};

/** The image family: resize (any dtype when nearest), its adjoint and cropAndResize. */
const imageKernels: { [K in KernelName]?: WasmKernel<K> } = {
  resize: (ctx, ins, outs, a) => {
    const [x, table] = ins;
    if (!a.nearest) requireFloat('resize', ins, outs, 2);
    else if (x.dtype !== outs[0].dtype || table.dtype !== 'float32') {
      throw new Error(`wasm resize: nearest expects the output dtype of the images and a float32 table, got ${x.dtype} -> ${outs[0].dtype}, table ${table.dtype}`);
    }
    requireSizes('resize', [[x, a.batch * a.inH * a.inW * a.channels, 'images'], [table, resizeTableSize(a.inH, a.inW, a.outH, a.outW), 'table'],
      [outs[0], a.batch * a.outH * a.outW * a.channels, 'output']]);
    if (outs[0].size === 0) return;
    ctx.ex.resize(ctx.ptr(x), ctx.ptr(table), ctx.ptr(outs[0]), a.batch, a.inH, a.inW, a.channels, a.outH, a.outW, a.nearest ? 1 : 0);
  },
  resizeBackprop: (ctx, ins, outs, a) => {
    requireFloat('resizeBackprop', ins, outs, 2);
    requireSizes('resizeBackprop', [[ins[0], a.batch * a.outH * a.outW * a.channels, 'dy'], [ins[1], resizeTableSize(a.inH, a.inW, a.outH, a.outW), 'table'],
      [outs[0], a.batch * a.inH * a.inW * a.channels, 'dx']]);
    if (outs[0].size === 0) return;
    ctx.ex.resizeBackprop(ctx.ptr(ins[0]), ctx.ptr(ins[1]), ctx.ptr(outs[0]), a.batch, a.inH, a.inW, a.channels, a.outH, a.outW);
  },
  cropAndResize: (ctx, ins, outs, a) => {
    const [image, boxes, boxInd] = ins;
    if (image.dtype !== 'float32' || boxes.dtype !== 'float32' || boxInd?.dtype !== 'int32' || outs[0].dtype !== 'float32') {
      throw new Error(`wasm cropAndResize: expected float32 image and boxes, int32 boxInd and a float32 output, got ${ins.map((t) => t.dtype)} -> ${outs[0].dtype}`);
    }
    requireSizes('cropAndResize', [[image, a.batch * a.inH * a.inW * a.channels, 'image'], [boxes, a.numBoxes * 4, 'boxes'], [boxInd, a.numBoxes, 'boxInd'],
      [outs[0], a.numBoxes * a.cropH * a.cropW * a.channels, 'output']]);
    if (outs[0].size === 0) return;
    ctx.ex.cropAndResize(ctx.ptr(image), ctx.ptr(boxes), ctx.ptr(boxInd), ctx.ptr(outs[0]), a.numBoxes, a.batch, a.inH, a.inW, a.channels,
      a.cropH, a.cropW, a.nearest ? 1 : 0, a.extrapolationValue);
  },
};

export const wasmKernels: { [K in KernelName]?: WasmKernel<K> } = {
  fusedElementwise: (ctx, ins, outs, a) => {
    if (a.n === 0) return;
    // scratch: registers, reduction accumulators (f64), then the program, alpha/beta (f64), input pointers, periods, output pointers
    const regBytes = ctx.ex.fusedScratchBytes(a.regs);
    const reductions = outs.length; // at most one accumulator per output
    const words = a.program.length + 2 * a.consts.length + 2 * ins.length + outs.length;
    const base = ctx.workspace.get(regBytes + 8 * reductions + 4 * words + 16);
    const regs = base;
    const accs = (regs + regBytes + 7) & ~7;
    const prog = accs + 8 * reductions;
    const consts = (prog + 4 * a.program.length + 7) & ~7;
    const inputs = consts + 8 * a.consts.length;
    const periods = inputs + 4 * ins.length;
    const outputs = periods + 4 * ins.length;
    const i32 = ctx.arena.i32;
    i32.set(a.program, prog >>> 2);
    new Float64Array(i32.buffer, consts, a.consts.length).set(a.consts);
    i32.set(ins.map((t) => ctx.ptr(t)), inputs >>> 2);
    i32.set(a.periods, periods >>> 2);
    i32.set(outs.map((t) => ctx.ptr(t)), outputs >>> 2);
    ctx.ex.fusedElementwise(prog, a.program.length / FUSED_WORDS, consts, inputs, periods, outputs, a.n, regs, a.inner ?? 1, accs);
  },
  unary: (ctx, ins, outs, a) => {
    if (outs[0].size === 0) return;
    const x = ctx.ptr(ins[0]), out = ctx.ptr(outs[0]), n = outs[0].size, inKind = kindOf(ins[0].dtype), outKind = kindOf(outs[0].dtype);
    if (parallelUnary(ctx, a.op, x, out, n, inKind, outKind, a.alpha ?? 0, a.beta ?? 0)) return;
    ctx.ex.unary(a.op, x, out, n, inKind, outKind, a.alpha ?? 0, a.beta ?? 0);
  },
  binary: (ctx, ins, outs, a) => {
    if (outs[0].size === 0) return;
    const [shape, as, bs] = collapseDims(a.outShape, [a.aStrides, a.bStrides]);
    if (shape.length === 1 && parallelBinary(ctx, a.op, ctx.ptr(ins[0]), as[0], ctx.ptr(ins[1]), bs[0], ctx.ptr(outs[0]), shape[0],
      kindOf(ins[0].dtype), kindOf(ins[1].dtype), kindOf(outs[0].dtype))) return;
    writeParams(ctx, [pad6(shape, 1, 'binary'), pad6(as, 0, 'binary'), pad6(bs, 0, 'binary')]);
    ctx.ex.binary(a.op, ctx.ptr(ins[0]), ctx.ptr(ins[1]), ctx.ptr(outs[0]), ctx.params, kindOf(ins[0].dtype), kindOf(ins[1].dtype), kindOf(outs[0].dtype));
  },
  select: (ctx, ins, outs, a) => {
    if (outs[0].size === 0) return;
    const [shape, cs, as, bs] = collapseDims(a.outShape, [a.condStrides, a.aStrides, a.bStrides]);
    writeParams(ctx, [pad6(shape, 1, 'select'), pad6(cs, 0, 'select'), pad6(as, 0, 'select'), pad6(bs, 0, 'select')]);
    ctx.ex.select(ctx.ptr(ins[0]), ctx.ptr(ins[1]), ctx.ptr(ins[2]), ctx.ptr(outs[0]), ctx.params, ins[0].dtype === 'float32' ? 1 : 0);
  },
  reduce: (ctx, ins, outs, a) => {
    if (a.outer === 0) return;
    if (parallelReduce(ctx, a.op, ctx.ptr(ins[0]), ctx.ptr(outs[0]), a.outer, a.inner, kindOf(ins[0].dtype), kindOf(outs[0].dtype))) return;
    ctx.ex.reduce(a.op, ctx.ptr(ins[0]), ctx.ptr(outs[0]), a.outer, a.inner, kindOf(ins[0].dtype), kindOf(outs[0].dtype));
  },
  softmax: (ctx, ins, outs, a) => {
    if (ins[0].dtype !== 'float32' || outs[0].dtype !== 'float32') {
      throw new Error(`wasm softmax: expected float32 input and output, got ${ins[0].dtype} -> ${outs[0].dtype}`);
    }
    if (a.rows === 0 || a.cols === 0) return;
    const x = ctx.ptr(ins[0]), out = ctx.ptr(outs[0]), log = a.log ? 1 : 0;
    if (!parallelSoftmax(ctx, x, out, a.rows, a.cols, log)) ctx.ex.softmax(x, out, a.rows, a.cols, log);
  },
  matMul,
  copyStrided: (ctx, ins, outs, a) => {
    if (outs[0].size === 0) return;
    writeParams(ctx, [pad6(a.outShape, 1, 'copyStrided'), pad6(a.inStrides, 0, 'copyStrided'), pad6(a.modDims, 1, 'copyStrided')]);
    ctx.ex.copyStrided(ctx.ptr(ins[0]), ctx.ptr(outs[0]), ctx.params, a.offset);
  },
  pad: (ctx, ins, outs, a) => {
    if (outs[0].size === 0) return;
    writeParams(ctx, [pad6(a.outShape, 1, 'pad'), pad6(a.inShape, 1, 'pad'), pad6(a.padBefore, 0, 'pad')]);
    ctx.ex.pad(ctx.ptr(ins[0]), ctx.ptr(outs[0]), ctx.params, bitsFor(a.value, outs[0].dtype));
  },
  copyInto: (ctx, ins, outs, a) => {
    if (a.outer === 0 || a.inner === 0) return;
    ctx.ex.copyInto(ctx.ptr(ins[0]), ctx.ptr(outs[0]), a.outer, a.inner, a.outInner, a.offset);
  },
  gather: (ctx, ins, outs, a) => {
    if (outs[0].size === 0) return;
    ctx.ex.gather(ctx.ptr(ins[0]), ctx.ptr(ins[1]), ctx.ptr(outs[0]), a.outer, a.axisDim, a.inner, a.numIndices);
  },
  oneHot: (ctx, ins, outs, a) => {
    if (outs[0].size === 0) return;
    const d = outs[0].dtype;
    ctx.ex.oneHot(ctx.ptr(ins[0]), ctx.ptr(outs[0]), ins[0].size, a.depth, bitsFor(a.onValue, d), bitsFor(a.offValue, d));
  },
  unsortedSegmentSum: (ctx, ins, outs, a) => {
    if (ins[0].dtype !== 'float32' || outs[0].dtype !== 'float32') {
      throw new Error(`wasm unsortedSegmentSum: expected float32 input and output, got ${ins[0].dtype} -> ${outs[0].dtype}`);
    }
    if (outs[0].size === 0) return;
    ctx.ex.unsortedSegmentSum(ctx.ptr(ins[0]), ctx.ptr(ins[1]), ctx.ptr(outs[0]), a.outer, a.n, a.inner, a.numSegments);
  },
  topk: (ctx, ins, outs, a) => {
    requireSizes('topk', [[ins[0], a.rows * a.cols, 'x'], [outs[0], a.rows * a.k, 'values'], [outs[1], a.rows * a.k, 'indices']]);
    if (outs[0].size === 0) return;
    withScratch(ctx, a.k * 4, (heap) => {
      ctx.ex.topk(ctx.ptr(ins[0]), ctx.ptr(outs[0]), ctx.ptr(outs[1]), a.rows, a.cols, a.k, ins[0].dtype === 'float32' ? 0 : 1, heap);
    });
  },
  cumulative: (ctx, ins, outs, a) => {
    requireSizes('cumulative', [[ins[0], a.outer * a.n * a.inner, 'x'], [outs[0], a.outer * a.n * a.inner, 'output']]);
    if (outs[0].size === 0) return;
    ctx.ex.cumulative(ctx.ptr(ins[0]), ctx.ptr(outs[0]), a.outer, a.n, a.inner, a.op, a.exclusive ? 1 : 0, a.reverse ? 1 : 0, ins[0].dtype === 'float32' ? 0 : 1);
  },
  gatherND: (ctx, ins, outs, a) => {
    requireSizes('gatherND', [[ins[1], a.numSlices * a.indexDepth, 'indices'], [outs[0], a.numSlices * a.sliceSize, 'output']]);
    if (outs[0].size === 0) return;
    writeParams(ctx, [indexParams('gatherND', a.strides), indexParams('gatherND', a.dims)]);
    ctx.ex.gatherND(ctx.ptr(ins[0]), ctx.ptr(ins[1]), ctx.ptr(outs[0]), a.numSlices, a.sliceSize, a.indexDepth, ctx.params);
  },
  scatterND: (ctx, ins, outs, a) => {
    requireSizes('scatterND', [[ins[0], a.numUpdates * a.indexDepth, 'indices'], [ins[1], a.numUpdates * a.sliceSize, 'updates'], [outs[0], a.outSize, 'output']]);
    if (a.mode === 1) requireSizes('scatterND', [[ins[2], a.outSize, 'base']]);
    if (outs[0].size === 0) return;
    writeParams(ctx, [indexParams('scatterND', a.strides), indexParams('scatterND', a.dims)]);
    ctx.ex.scatterND(
      ctx.ptr(ins[0]), ctx.ptr(ins[1]), a.mode === 1 ? ctx.ptr(ins[2]) : 0, ctx.ptr(outs[0]), a.numUpdates, a.sliceSize,
      a.indexDepth, a.outSize, a.mode, outs[0].dtype === 'float32' ? 0 : 1, ctx.params,
    );
  },
  ...convKernels,
  ...normAttentionKernels,
  ...conv3dKernels,
  ...imageKernels,
  ...jsViewKernels,
  ...int8Kernels,
};
