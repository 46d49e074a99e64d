/**
 * The kernel catalogue: every kernel name a backend must run, with the exact attributes the op
 * layer hands it. The numeric op codes (shared by the js loops, the WGSL `override` constants and the
 * AssemblyScript `switch`es) live in op_codes.ts, the shared geometry records in kernel_geometry.ts;
 * both are re-exported here.
 *
 * Conventions for all kernels:
 * - Elements are stored row-major and contiguous.
 * - Inputs of dtype int32/bool hold i32 values; float32 holds f32. A kernel converts on load
 *   (to f32 for arithmetic) and on store according to the output dtype:
 *   float32: as is; int32: truncate toward zero (NaN -> 0); bool: (v != 0 && !NaN) ? 1 : 0
 *   (comparison/logical ops already produce 0/1).
 * - Strides are in elements. A stride of 0 broadcasts that dimension.
 */

import type { Conv3dGeometry, ConvGeometry, Epilogue, Int8Epilogue } from './kernel_geometry.js';
export * from './op_codes.js';
export * from './kernel_geometry.js';

export interface KernelAttrs {
  /** out[i] = f(x[i]); input may be any dtype, output dtype from outputs[0]. */
  unary: { op: number; alpha: number; beta: number };
  /**
   * out[idx] = f(a[aIdx], b[bIdx]) over outShape, with aIdx = sum(idx_d * aStrides_d) etc.
   * Rank of outShape is 0..6 (op layer collapses where it can).
   */
  binary: { op: number; outShape: number[]; aStrides: number[]; bStrides: number[] };
  /** inputs [cond, a, b]: out = cond != 0 ? a : b, broadcasting by strides like binary. */
  select: { outShape: number[]; condStrides: number[]; aStrides: number[]; bStrides: number[] };
  /** input viewed as [outer, inner] -> output [outer]. */
  reduce: { op: number; outer: number; inner: number };
  /**
   * float32 input viewed as [outer, inner, cols] -> output [outer, cols]: the sum (op Reduce.sum)
   * or mean (Reduce.mean) over the middle axis, so a reduction over leading axes (a bias gradient:
   * dy[B, S, D] summed over B and S) needs no transpose first. inner >= 1.
   */
  reduceColumns: { op: number; outer: number; inner: number; cols: number };
  /** input and output [rows, cols]; softmax or logSoftmax along cols, numerically stable. */
  softmax: { rows: number; cols: number; log: boolean };
  /**
   * inputs [a, b, bias?, preluWeights?]. a is [batch?, M, K] (or [K, M] per batch when
   * transposeA), b is [K, N] (or [N, K] when transposeB). Per batch i, a starts at
   * i * aBatchStride and b at i * bBatchStride (0 = broadcast). Output [batch, M, N].
   * Epilogue: + bias[n] (biasSize is N or 1), then activation (alpha for leakyrelu;
   * prelu reads preluWeights[n], preluSize N or 1).
   */
  matMul: Epilogue & {
    batch: number;
    M: number;
    N: number;
    K: number;
    transposeA: boolean;
    transposeB: boolean;
    aBatchStride: number;
    bBatchStride: number;
    /**
     * Appended for plan fusion (issue 9): the weight-gradient form (batch 1, transposeA, not
     * transposeB, no bias / activation / residual) also writes the column sums of B,
     * colSums[n] = sum over k of B(k, n) (a bias gradient), to a second float32 output of N
     * elements. Planned by src/plan/pattern_bias_grad.ts.
     */
    colSums?: boolean;
  };
  /**
   * Generic strided gather (transpose, slice, broadcastTo, tile, reverse):
   * for each out index (i_0..i_r) over outShape:
   *   out = in[offset + sum(((i_d mod modDims_d) * inStrides_d))]
   * modDims_d equals outShape_d when no wrap-around is wanted. Rank 0..6.
   */
  copyStrided: { outShape: number[]; inStrides: number[]; modDims: number[]; offset: number };
  /** Constant pad: out over outShape, in over inShape placed at padBefore. Rank 0..6. */
  pad: { outShape: number[]; inShape: number[]; padBefore: number[]; value: number };
  /** Copy x viewed [outer, inner] into output viewed [outer, outInner] at column `offset`. */
  copyInto: { outer: number; inner: number; outInner: number; offset: number };
  /**
   * inputs [x viewed [outer, axisDim, inner], indices (int32, numIndices)] ->
   * out [outer, numIndices, inner]. An index outside [0, axisDim) gives 0. `check` (set by the
   * op layer when it could not range-check the indices on the host): the indices come in groups
   * of `perGroup`, group g valid in [g * dim, (g + 1) * dim); a backend that can check on the
   * device fails the call (asynchronously) naming index - g * dim when one is not.
   */
  gather: { outer: number; axisDim: number; inner: number; numIndices: number; check?: { dim: number; perGroup: number } };
  /**
   * inputs [indices int32 (n)] -> out [n, depth]. Out-of-range index gives a row of offValue.
   * `check` (categoryEncoding on indices the host could not read): a backend that can check on
   * the device fails the call (asynchronously) with `message` and the value when one is out of range.
   */
  oneHot: { depth: number; onValue: number; offValue: number; check?: { message: string } };

  // ---- convolution family (issue 3). All tensors NHWC; filters [fh, fw, inC, outC]. ---------
  /**
   * inputs [x [batch,inH,inW,inC], filter [fh,fw,inC,outC], bias?, preluWeights?] ->
   * out [batch,outH,outW,outC]. out[b,oy,ox,co] = sum over (ky,kx,ci) of
   * x[b, oy*strideH - padTop + ky*dilationH, ox*strideW - padLeft + kx*dilationW, ci] * f[ky,kx,ci,co]
   * (taps outside the image contribute 0), then + bias[co], then the activation (as matMul).
   */
  conv2d: ConvGeometry & Epilogue;
  /** inputs [dy [batch,outH,outW,outC], filter] -> out dx [batch,inH,inW,inC]. Also conv2dTranspose. */
  conv2dBackpropInput: ConvGeometry;
  /** inputs [x, dy] -> out dFilter [fh,fw,inC,outC]. */
  conv2dBackpropFilter: ConvGeometry;
  /**
   * inputs [x [batch,inH,inW,inC], filter [fh,fw,inC,mult], bias?, preluWeights?] ->
   * out [batch,outH,outW,inC*mult]; output channel c*mult+m reads input channel c.
   * outC in the geometry equals inC*mult.
   */
  depthwiseConv2d: ConvGeometry & Epilogue & { channelMultiplier: number };
  /** inputs [dy, filter] -> dx. */
  depthwiseConv2dBackpropInput: ConvGeometry & { channelMultiplier: number };
  /** inputs [x, dy] -> dFilter [fh,fw,inC,mult]. */
  depthwiseConv2dBackpropFilter: ConvGeometry & { channelMultiplier: number };
  /**
   * inputs [x] -> out [batch,outH,outW,C] (inC = outC = C, filter size fh x fw).
   * op: 0 = max (padding never wins), 1 = avg (divides by the count of in-image taps).
   */
  pool: ConvGeometry & { op: number };
  /** inputs [dy, x] -> dx. max routes dy to the first maximal tap; avg spreads dy / count. */
  poolBackprop: ConvGeometry & { op: number };

  // ---- normalization and attention (issue 3) ------------------------------------------------
  /** inputs [x [rows, cols], gamma [cols], beta [cols]] -> out; per row (x-mean)/sqrt(var+eps)*gamma+beta. */
  layerNorm: { rows: number; cols: number; epsilon: number };
  /**
   * inputs [dy, x, gamma] -> out dx [rows, cols]; with `paramGrads`, outputs [dx, dgamma, dbeta]: also
   * layerNorm's parameter gradients ([cols]: sums over rows of dy * xhat and of dy, xhat = (x - mean)
   * * rstd as the forward), so the whole gradient is one call (on webgpu the dx pass stores the row
   * statistics the column pass reads: two dispatches).
   */
  layerNormBackprop: { rows: number; cols: number; epsilon: number; paramGrads?: boolean };
  /**
   * inputs [q [bh, seqQ, headDim], k [bh, seqK, headDim], v [bh, seqK, headDim], mask?] ->
   * outputs [out [bh, seqQ, headDim], lse [bh, seqQ]] where lse is the log-sum-exp of each
   * scaled, masked score row (kept for the backward pass). Scores s = scale * q.k + mask[i,j]
   * (mask is an additive float [seqQ, seqK] shared by all bh). With causal, key j is visible to
   * query i only when j <= i + (seqK - seqQ). A fully masked row gives zeros and lse = -inf.
   * Must be a single fused kernel: K/V streamed in tiles with an online softmax.
   * kvStride (default seqK): rows per bh in the k / v buffers, so a preallocated KV cache of that
   * capacity serves its first seqK rows without a copy.
   * heads (0 / absent: the layout above): with heads > 0, q and out are [batch, seqQ, heads, headDim]
   * and k, v [batch, seqK, heads, headDim] (bh = batch * heads: the heads packed in the last axis, as
   * attentionGrad's `heads`); lse stays [bh, seqQ] and kvStride must then be seqK (or absent).
   */
  attention: { bh: number; seqQ: number; seqK: number; headDim: number; scale: number; causal: boolean; hasMask: boolean; kvStride?: number; heads?: number };
  /**
   * The gradient of unmasked `attention` (causal or not), recomputing the probabilities from the
   * saved lse: inputs [q, k, v, out, lse, dO] (q, out, dO [bh, seqQ, headDim]; k, v [bh, seqK,
   * headDim]; lse [bh, seqQ]) -> outputs [dQ, dK, dV], all float32. Per bh, with
   * P = exp(scale * Q K^T - max(lse, -1e30)) (0 where causal hides a key) and delta_i = dO_i . out_i:
   *   dS = P * (dO V^T - delta),  dQ = scale * dS K,  dK = scale * dS^T Q,  dV = P^T dO.
   * headDim <= ATTENTION_GRAD_MAX_HEAD_DIM, seqK >= 1. With `heads` > 0, q, k, v, out, dO, dQ, dK and dV
   * are [batch, seq, heads, headDim] instead (bh = batch * heads: the heads packed in the last axis, as
   * a multi-head attention layer's projections make them); lse stays [bh, seqQ].
   */
  attentionGrad: { bh: number; seqQ: number; seqK: number; headDim: number; scale: number; causal: boolean; heads: number };

  // ---- optimizer updates (appended) ----------------------------------------------------------
  /**
   * One fused Adam / AdamW step over n variables with the same hyperparameters (an optimizer's
   * whole step is one call). inputs [param_1..param_n, grad_1..grad_n, m_1..m_n, v_1..v_n] ->
   * outputs [newParam_1..newParam_n, newM_1..newM_n, newV_1..newV_n], all float32; variable i's
   * six tensors have `sizes[i]` elements (outputs are fresh buffers, never aliases of the inputs).
   * Every step below is one float32 operation rounded to f32, in exactly this order, and every
   * constant is rounded to f32 once after being formed in float64 (as the composed ops do with
   * number operands). Per element i, with g = grad[i], w = param[i]:
   *   newM = beta1 * m + (1 - beta1) * g
   *   newV = beta2 * v + (1 - beta2) * (g * g)
   *   step = ((newM / biasCorrection1) / (sqrt(newV / biasCorrection2) + epsilon)) * lr
   *   newParam = (weightDecay != 0 ? w - w * (lr * weightDecay) : w) - step
   * biasCorrection1 = 1 - beta1^t and biasCorrection2 = 1 - beta2^t for the 1-based step t
   * (the op layer computes them in float64). epsilon is added outside the square root (TF.js).
   * weightDecay is AdamW's decoupled decay (0 = plain Adam; then w is not touched, so an
   * infinite w stays infinite). NaN/Infinity propagate as in IEEE arithmetic. No AMSGrad.
   */
  adamUpdate: {
    sizes: number[];
    lr: number;
    beta1: number;
    beta2: number;
    epsilon: number;
    biasCorrection1: number;
    biasCorrection2: number;
    weightDecay: number;
  };
  /**
   * One LSTM cell step after the gate preactivations (the recurrent layers' fused cell; see
   * src/ops/lstm_cell.ts). inputs [z float32 viewed [batch, 4*units] (gate blocks i, f, c, o, as the
   * TF.js kernel layout), cPrev float32 viewed [batch, units]] -> outputs [h, c] of cPrev's shape:
   *   i = R(zi), f = R(zf), g = tanh(zc), o = R(zo);  c = f * cPrev + i * g;  h = o * tanh(c)
   * with R = hardSigmoid (recAct 0: clamp(0.2x + 0.5, 0, 1)) or sigmoid (recAct 1).
   */
  lstmCell: { batch: number; units: number; recAct: number };
  /**
   * The gradient of lstmCell, recomputing the gates from z and cPrev. inputs [z, cPrev, dh?, dc?]
   * (dh present when hasDh, then dc when hasDc; an absent one is zero) -> outputs [dz [batch, 4*units],
   * dcPrev [batch, units]]:  dct = dc + dh * o * (1 - tanh(c)^2);
   *   dzi = dct * g * R'(zi), dzf = dct * cPrev * R'(zf), dzc = dct * i * (1 - g^2),
   *   dzo = dh * tanh(c) * R'(zo), dcPrev = dct * f
   * with hardSigmoid' = 0.2 on (-2.5, 2.5), else 0 (TF.js), sigmoid' = s (1 - s).
   */
  lstmCellGrad: { batch: number; units: number; recAct: number; hasDh: boolean; hasDc: boolean };
  /**
   * Scatter-add (TF.js unsortedSegmentSum; also gather's gradient). inputs [x float32 viewed
   * [outer, n, inner], segmentIds int32 (n)] -> out float32 [outer, numSegments, inner]:
   *   out = 0; for each j in [0, n) with 0 <= ids[j] < numSegments:
   *     out[o, ids[j], i] += x[o, j, i]   for every o, i
   * An id outside [0, numSegments) is skipped (its row is dropped). Repeated ids accumulate;
   * the summation order over j is unspecified, so backends may differ by float rounding.
   * n = 0 gives all zeros.
   */
  unsortedSegmentSum: { outer: number; n: number; inner: number; numSegments: number };

  // ---- selection, scans and N-d indexing (issue 7) -------------------------------------------
  /**
   * inputs [x float32|int32 viewed [rows, cols]] -> outputs [values [rows, k] (x's dtype),
   * indices int32 [rows, k]]: the k largest entries of each row, largest first. Equal values
   * come in ascending index order (TF.js's tie order); NaN ranks above every number (NaNs among
   * themselves by index); -0 equals 0. 0 <= k <= cols.
   */
  topk: { rows: number; cols: number; k: number };
  /**
   * Scan along the middle axis: inputs [x float32|int32 viewed [outer, n, inner]] -> out of the
   * same shape and dtype. op 0 = cumsum, 1 = cumprod. Inclusive by default; `exclusive` shifts
   * by one (the first output is 0 for sum, 1 for prod); `reverse` scans from the end. Sums run
   * in sequence order in the element dtype (int32 wraps like i32 arithmetic).
   */
  cumulative: { op: number; outer: number; n: number; inner: number; exclusive: boolean; reverse: boolean };
  /**
   * inputs [x (any dtype, raw words), indices int32 [numSlices, indexDepth]] -> out
   * [numSlices, sliceSize]: out[s, i] = x[sum_d indices[s, d] * strides[d] + i]. A slice whose
   * index has any coordinate outside [0, dims[d]) is all zero words. indexDepth <= 8.
   */
  gatherND: { numSlices: number; sliceSize: number; indexDepth: number; strides: number[]; dims: number[] };
  /**
   * inputs [indices int32 [numUpdates, indexDepth], updates [numUpdates, sliceSize], base?] ->
   * out [outSize] (a multiple of sliceSize). mode 0 (scatterND): out = 0, then each update
   * slice is added at its index (repeats accumulate, in the output dtype: float32 or int32).
   * mode 1 (tensorScatterUpdate): out = base (same size and dtype as out), then each update
   * slice replaces the slice at its index; with repeated indices the last update wins (raw
   * words, any dtype). Updates whose index is outside [0, dims[d]) are skipped. indexDepth <= 8.
   */
  scatterND: {
    numUpdates: number; sliceSize: number; indexDepth: number; strides: number[]; dims: number[]; outSize: number; mode: number;
  };

  // ---- 3-D convolution and pooling (issue 7). NDHWC; filters [fd, fh, fw, inC, outC]. --------
  /**
   * inputs [x [batch,inD,inH,inW,inC], filter [fd,fh,fw,inC,outC]] -> out [batch,outD,outH,outW,outC]:
   * out[b,od,oy,ox,co] = sum over (kd,ky,kx,ci) of x[b, od*strideD - padFront + kd*dilationD,
   * oy*strideH - padTop + ky*dilationH, ox*strideW - padLeft + kx*dilationW, ci] * f[kd,ky,kx,ci,co]
   * (taps outside the volume contribute 0).
   */
  conv3d: Conv3dGeometry;
  /** inputs [dy [batch,outD,outH,outW,outC], filter] -> dx [batch,inD,inH,inW,inC]. Also conv3dTranspose. */
  conv3dBackpropInput: Conv3dGeometry;
  /** inputs [x, dy] -> dFilter [fd,fh,fw,inC,outC]. */
  conv3dBackpropFilter: Conv3dGeometry;
  /**
   * inputs [x] -> out [batch,outD,outH,outW,C] (inC = outC = C). op 0 = max over the in-volume
   * taps (NaN taps are ignored, as TF.js's cpu backend; no tap or only NaN gives -Infinity),
   * 1 = avg (sum of in-volume taps / their count, 0 when none).
   */
  pool3d: Conv3dGeometry & { op: number };
  /**
   * inputs [dy, x] -> dx. max: dy goes to the last in-volume tap (scan order kd, ky, kx) whose
   * value is >= every earlier tap (TF.js maxPool3dPositions); avg: dy / count to every tap.
   */
  pool3dBackprop: Conv3dGeometry & { op: number };
  /**
   * Grayscale dilation (TF.js dilation2d): inputs [x [batch,inH,inW,C], filter [fh,fw,C]] ->
   * out [batch,outH,outW,C] (inC = outC = C): the max over in-image taps (ky, kx) of
   * x[b, oy*strideH - padTop + ky*dilationH, ox*strideW - padLeft + kx*dilationW, c] + filter[ky,kx,c],
   * starting from -9007199254740991 (TF.js's Number.MIN_SAFE_INTEGER, rounded to f32), so NaN
   * sums and windows without an in-image tap leave that value.
   */
  dilation2d: ConvGeometry;
  /**
   * inputs [x, filter, dy] -> dx: each dy goes to the x element of its window's winning tap (the
   * first in (ky, kx) order that is strictly greater than every earlier one); with no winner,
   * to the window's first in-image position (max(row start, 0), max(column start, 0)).
   */
  dilation2dBackpropInput: ConvGeometry;
  /** inputs [x, filter, dy] -> dFilter [fh,fw,C]: each dy goes to its window's winning tap (tap (0, 0) with no winner). */
  dilation2dBackpropFilter: ConvGeometry;
  /**
   * TF.js maxPoolWithArgmax: inputs [x [batch,inH,inW,C]] -> outputs [values [batch,outH,outW,C],
   * indexes int32 (same shape)]. Per window: the first in-image tap (ky, kx order) strictly
   * greater than all earlier ones, starting from -Infinity (NaN taps never win); its value and
   * flattened position ((b * inH + iy) * inW + ix) * C + c, without the b term unless
   * includeBatchInIndex. No winner (only NaN taps, or none): -Infinity and index -1, as TF.js.
   */
  maxPoolWithArgmax: ConvGeometry & { includeBatchInIndex: boolean };
  // ---- image (issue 7). NHWC. ----------------------------------------------------------------
  /**
   * Resize by a per-axis source table that the op layer computes in float64 from the shapes and
   * the alignCorners / halfPixelCenters rules, so every backend samples the same pixels.
   * inputs [images [batch,inH,inW,C], table float32 (resizeTableSize)] -> out [batch,outH,outW,C]
   * with table = rowLo[outH], rowHi[outH], rowFrac[outH], colLo[outW], colHi[outW], colFrac[outW],
   * then (backprop only) rowFirst[inH], rowLast[inH], colFirst[inW], colLast[inW] (indices stored
   * as exact float values).
   * Bilinear (nearest false; images float32): with r = (lo_r, hi_r, f_r), c = (lo_c, hi_c, f_c),
   *   top = x[lo_r,lo_c] + (x[lo_r,hi_c] - x[lo_r,lo_c]) * f_c   (bottom likewise on row hi_r)
   *   out = top + (bottom - top) * f_r
   * Nearest (nearest true; any dtype, output dtype = input dtype): out = x[lo_r, lo_c] (raw copy).
   */
  resize: { batch: number; inH: number; inW: number; channels: number; outH: number; outW: number; nearest: boolean };
  /**
   * The adjoint of `resize` (its gradient, bilinear and nearest alike: nearest tables have
   * hi = lo and frac 0). inputs [dy float32 [batch,outH,outW,C], table] -> dx float32
   * [batch,inH,inW,C]:
   *   dx[b,r,c,ch] = sum over y, x of dy[b,y,x,ch] * w_row(y, r) * w_col(x, c)
   *   w_row(y, r) = (lo_r(y) == r ? 1 - f_r(y) : 0) + (hi_r(y) == r ? f_r(y) : 0)   (w_col likewise)
   * Only output rows y in [rowFirst[r], rowLast[r]] (columns in [colFirst[c], colLast[c]]) can have
   * a nonzero weight, which a gathering kernel may use; summation order is unspecified.
   */
  resizeBackprop: { batch: number; inH: number; inW: number; channels: number; outH: number; outW: number };
  /**
   * TF.js cropAndResize. inputs [image float32 [batch,inH,inW,C], boxes float32 [numBoxes,4]
   * (y1,x1,y2,x2 normalized), boxInd int32 [numBoxes]] -> out float32 [numBoxes,cropH,cropW,C].
   * Per box, in float64 on js/wasm (float32 on webgpu):
   *   inY(y) = cropH > 1 ? y1*(inH-1) + y * (y2-y1)*(inH-1)/(cropH-1) : 0.5*(y1+y2)*(inH-1)
   *   (inX likewise). A sample with inY or inX outside [0, in-1] is extrapolationValue.
   *   Bilinear: lerp between floor and ceil as `resize`; nearest: x[round(inY), round(inX)]
   *   (round half up; a sample exactly halfway may round either way between float32 and float64).
   *   A box whose boxInd is outside [0, batch) gives zeros.
   */
  cropAndResize: {
    numBoxes: number; batch: number; inH: number; inW: number; channels: number; cropH: number; cropW: number;
    nearest: boolean; extrapolationValue: number;
  };

  // ---- recorded plan (issue 9) -----------------------------------------------------------------
  /**
   * A fused chain of float32 unary/binary ops over n elements, made by the recorded plan
   * (src/plan/fuse.ts), never by an op. Inputs and outputs are float32; input j is read at index
   * i mod periods[j] (n: the whole tensor, 1: a scalar, s: a trailing-dims broadcast).
   * program: FUSED_WORDS i32 per instruction [kind, op, dst, a, b, f]:
   *   kind 0: register dst = input op;  kind 1: dst = unary op(register a), alpha consts[f], beta consts[f + 1];
   *   kind 2: dst = binary op(register a, register b);  kind 3: output op = register a.
   * Every result is rounded to float32, as the unfused kernels store it. regs: registers used.
   * A reduction terminal (plan fusion of `reduce(chain)`): with `inner` set,
   *   kind 4: output op[r] = reduce f (Reduce.sum / mean / max / min) of register a over row
   *   r = floor(i / inner), inner consecutive elements (n = rows * inner, inner >= 1), so the
   *   reduced value is never stored; b numbers the program's reductions 0, 1, .. (accumulators).
   *   js sums in float64 in element order; wasm sums each in-block segment in f64 lanes, then the
   *   segments in order; webgpu sums in f32, strided per invocation then a fixed tree (as its
   *   reduce kernel). max/min propagate NaN.
   */
  fusedElementwise: { n: number; regs: number; program: number[]; consts: number[]; periods: number[]; inner?: number };

  // ---- int8 quantized inference (issue 12). See the "Packed int8" note below. ----------------
  /**
   * inputs [x float32 viewed [rows, cols]] -> out int32 [rows, packedCols(cols)] holding packed
   * int8: q = clamp(roundHalfToEven(x / scale) + zeroPoint, -128, 127) (NaN -> zeroPoint).
   * Padding bytes (cols .. 4*packedCols-1) hold zeroPoint.
   */
  quantizeInt8: { rows: number; cols: number; scale: number; zeroPoint: number };
  /** inputs [q packed [rows, packedCols(cols)]] -> out float32 [rows, cols]: x = scale * (q - zeroPoint). */
  dequantizeInt8: { rows: number; cols: number; scale: number; zeroPoint: number };
  /**
   * inputs [a packed [M, packedCols(K)] (activations, affine: real = aScale * (qa - aZeroPoint)),
   * w packed [N, packedCols(K)] (weights, symmetric per output channel: real = wScale[n] * qw,
   * qw in [-127, 127], padding bytes 0), wScale float32 [N], bias float32 [N]?] ->
   *   acc[m, n] = sum_{k<K} (qa[m,k] - aZeroPoint) * qw[n,k]          (exact, int32)
   *   y = aScale * wScale[n] * acc + bias[n], then the activation (codes as matMul; no prelu)
   * out: float32 [M, N] when !outInt8; else packed int8 [M, packedCols(N)] with
   *   q = clamp(roundHalfToEven(y / outScale) + outZeroPoint, -128, 127), padding bytes outZeroPoint.
   * `y` is formed in float32: (aScale * wScale[n]) rounded to f32 once, times f32(acc), plus bias.
   */
  int8MatMul: Int8Epilogue & { M: number; N: number; K: number };
  /**
   * inputs [x packed NHWC [batch, inH, inW, packedCols(inC)], w packed [outC, filterH, filterW,
   * packedCols(inC)] (per output channel, padding bytes 0), wScale [outC], bias [outC]?] ->
   * out NHWC [batch, outH, outW, outC] (float32) or packed [.., packedCols(outC)] (outInt8).
   * acc = sum over in-image taps (ky, kx) and ci < inC of (qx - aZeroPoint) * qw; taps outside the
   * image contribute 0 (as a real 0 would). Geometry as conv2d. Epilogue as int8MatMul.
   */
  int8Conv2d: ConvGeometry & Int8Epilogue;
  /**
   * channelMultiplier 1 only. inputs [x packed NHWC [batch, inH, inW, packedCols(C)], w packed
   * [filterH, filterW, packedCols(C)] (symmetric per channel, padding 0), wScale [C], bias [C]?]
   * -> out NHWC [batch, outH, outW, C] (float32, or packed with outInt8).
   * acc[c] = sum over in-image taps of (qx[c] - aZeroPoint) * qw[ky, kx, c]. Epilogue as int8MatMul.
   */
  int8DepthwiseConv2d: ConvGeometry & Int8Epilogue;
  /**
   * inputs [x packed NHWC [batch, inH, inW, packedCols(C)]] -> out packed [batch, outH, outW,
   * packedCols(C)]: each int8 value (padding bytes too) is the max over the window's in-image
   * taps. The quantization is monotonic, so this is the quantized max pool of the dequantized
   * values in the same parameters. Geometry as pool (inC = outC = C), 'valid' or 'same' padding
   * only, so every window has an in-image tap.
   */
  int8MaxPool: ConvGeometry;
  /**
   * inputs [x packed NHWC [batch, inH, inW, packedCols(C)]] -> out packed as int8MaxPool: each
   * int8 value (padding bytes too) is round(s / n), half to even, of the exact integer sum s of the
   * codes over the window's n in-image taps, in x's parameters (the mean of codes in one scale and
   * zero point is a code in them). Geometry as int8MaxPool; at most 65535 taps per window (the
   * wasm kernel divides in f32, exact up to there).
   */
  int8AvgPool: ConvGeometry;
}

export type KernelName = keyof KernelAttrs;

/** Largest headDim the attentionGrad kernel takes (webgpu keeps a row of each operand in registers). */
export const ATTENTION_GRAD_MAX_HEAD_DIM = 128;

/** Throws unless packed heads (KernelAttrs.attention `heads` > 0) fit: bh a multiple of heads, kvStride = seqK. */
export function checkAttentionHeads(backend: string, a: KernelAttrs['attention']): void {
  const h = a.heads;
  if (h && (a.bh % h || (a.kvStride ?? a.seqK) !== a.seqK)) {
    throw new Error(`${backend} attention: heads ${h} needs bh ${a.bh} % heads = 0, kvStride ${a.kvStride} = seqK ${a.seqK}`);
  }
}

/** Length of a resize / resizeBackprop source table (see KernelAttrs.resize). */
export function resizeTableSize(inH: number, inW: number, outH: number, outW: number): number {
  return 3 * outH + 3 * outW + 2 * inH + 2 * inW;
}

/** Highest rank a strided kernel accepts; the op layer collapses dims to fit. */
export const MAX_KERNEL_RANK = 6;

/**
 * The contract of KernelAttrs.matMul.colSums, checked by every backend's matMul: the weight-gradient
 * form (batch 1, transposeA, B stored [K, N], no epilogue), float32 B and a float32 output of N sums.
 */
export function checkColSums(op: string, a: KernelAttrs['matMul'], b: TensorLike, sums: TensorLike | undefined): void {
  const what = (t?: TensorLike) => (t ? `${t.dtype}[${t.size}]` : 'none');
  if (a.batch !== 1 || !a.transposeA || a.transposeB || a.hasBias || a.activation || a.residual || what(b) !== `float32[${a.K * a.N}]` || what(sums) !== `float32[${a.N}]`) {
    throw new Error(`${op}: colSums needs batch 1, transposeA, no epilogue, float32 B [${a.K}, ${a.N}] and ${a.N} float32 sums; got ${JSON.stringify(a)}, B ${what(b)}, sums ${what(sums)}`);
  }
}
type TensorLike = { size: number; dtype: string };
