/**
 * The js backend: plain typed arrays and the obvious-loop kernels of this folder. It is the
 * reference every other backend is tested against, and it runs everywhere.
 */
import type { Backend, BackendMemoryInfo, DataId, DType, StorageArray, TensorInfo } from '../backend.js';
import type { KernelAttrs, KernelName } from '../kernels.js';
import { binary, select, unary } from './elementwise.js';
import { copyInto, copyStrided, gather, oneHot, pad, unsortedSegmentSum } from './layout.js';
import { matMul } from './matmul.js';
import { attention, attentionGrad } from './attention.js';
import { conv2d, conv2dBackpropFilter, conv2dBackpropInput, depthwiseConv2d, depthwiseConv2dBackpropFilter, depthwiseConv2dBackpropInput } from './conv.js';
import { layerNorm, layerNormBackprop, layerNormParamGrad } from './norm.js';
import { adamUpdate } from './optimizer.js';
import { lstmCell, lstmCellGrad } from './lstm_cell.js';
import { pool, poolBackprop } from './pool.js';
import { reduce, reduceColumns, softmax } from './reduce.js';
import { cumulative, topk } from './scan.js';
import { gatherND, scatterND } from './scatter.js';
import { conv3d, conv3dBackpropFilter, conv3dBackpropInput, pool3d, pool3dBackprop } from './conv3d.js';
import { dilation2d, dilation2dBackpropFilter, dilation2dBackpropInput, maxPoolWithArgmax } from './window_argmax.js';
import { cropAndResize, resize, resizeBackprop } from './image.js';
import { fusedElementwise } from './fused.js';
import { dequantizeInt8, int8AvgPool, int8Conv2d, int8DepthwiseConv2d, int8MatMul, int8MaxPool, quantizeInt8 } from './int8.js';

/** Arrays below this many elements are not pooled (V8 allocates tiny ones cheaply); caps on what the pool keeps. */
const POOL_MIN_ELEMENTS = 16;
const POOL_MAX_PER_SIZE = 8;
const POOL_MAX_BYTES = 16 * 2 ** 20;

class JsDataId implements DataId {
  readonly backend = 'js' as const;
  constructor(public values: StorageArray) {}
}

/** A js kernel: storage arrays in, storage arrays out, plus the infos for dtype decisions. */
export type JsKernel<K extends KernelName> = (
  ins: StorageArray[], outs: StorageArray[], attrs: KernelAttrs[K], inInfos: TensorInfo[], outInfos: TensorInfo[],
) => void;

/** The kernel table. Other backends may reuse an entry on views of their own memory. */
export const jsKernels: { [K in KernelName]: JsKernel<K> } = {
  unary: (i, o, a, _ii, oi) => unary(i[0], o[0], oi[0].dtype === 'bool', a),
  binary: (i, o, a, _ii, oi) => binary(i[0], i[1], o[0], oi[0].dtype === 'bool', a),
  select: (i, o, a) => select(i[0], i[1], i[2], o[0], a),
  reduce: (i, o, a) => reduce(i[0], o[0], a),
  reduceColumns: (i, o, a) => reduceColumns(i[0], o[0], a),
  softmax: (i, o, a) => softmax(i[0], o[0], a),
  matMul: (i, o, a) => matMul(i[0], i[1], a.hasBias ? i[2] : null, a.activation === 5 ? i[a.hasBias ? 3 : 2] : null, o[0], a, a.residual ? i[i.length - 1] : null, a.colSums ? o[1] : null),
  copyStrided: (i, o, a) => copyStrided(i[0], o[0], a),
  pad: (i, o, a) => pad(i[0], o[0], a),
  copyInto: (i, o, a) => copyInto(i[0], o[0], a),
  gather: (i, o, a) => gather(i[0], i[1], o[0], a),
  oneHot: (i, o, a) => oneHot(i[0], o[0], a),
  conv2d: (i, o, a) => conv2d(i[0], i[1], a.hasBias ? i[2] : null, a.activation === 5 ? i[a.hasBias ? 3 : 2] : null, o[0], a, a.residual ? i[i.length - 1] : null),
  conv2dBackpropInput: (i, o, a) => conv2dBackpropInput(i[0], i[1], o[0], a),
  conv2dBackpropFilter: (i, o, a) => conv2dBackpropFilter(i[0], i[1], o[0], a),
  depthwiseConv2d: (i, o, a) =>
    depthwiseConv2d(i[0], i[1], a.hasBias ? i[2] : null, a.activation === 5 ? i[a.hasBias ? 3 : 2] : null, o[0], a, a.residual ? i[i.length - 1] : null),
  depthwiseConv2dBackpropInput: (i, o, a) => depthwiseConv2dBackpropInput(i[0], i[1], o[0], a),
  depthwiseConv2dBackpropFilter: (i, o, a) => depthwiseConv2dBackpropFilter(i[0], i[1], o[0], a),
  pool: (i, o, a) => pool(i[0], o[0], a),
  poolBackprop: (i, o, a) => poolBackprop(i[0], i[1], o[0], a),
  layerNorm: (i, o, a) => layerNorm(i[0], i[1], i[2], o[0], a),
  layerNormBackprop: (i, o, a) => {
    layerNormBackprop(i[0], i[1], i[2], o[0], a);
    if (a.paramGrads) layerNormParamGrad(i[0], i[1], o[1], o[2], a);
  },
  attention: (i, o, a) => attention(i[0], i[1], i[2], a.hasMask ? i[3] : null, o[0], o[1], a),
  attentionGrad: (i, o, a) => attentionGrad(i[0], i[1], i[2], i[3], i[4], i[5], o[0], o[1], o[2], a),
  adamUpdate: (i, o, a) => adamUpdate(i, o, a),
  lstmCell: (i, o, a) => lstmCell(i[0], i[1], o[0], o[1], a),
  lstmCellGrad: (i, o, a) => lstmCellGrad(i[0], i[1], a.hasDh ? i[2] : null, a.hasDc ? i[i.length - 1] : null, o[0], o[1], a),
  unsortedSegmentSum: (i, o, a) => unsortedSegmentSum(i[0], i[1], o[0], a),
  topk: (i, o, a) => topk(i[0], o[0], o[1], a),
  cumulative: (i, o, a, ii) => cumulative(i[0], o[0], ii[0].dtype !== 'float32', a),
  gatherND: (i, o, a) => gatherND(i[0], i[1], o[0], a),
  scatterND: (i, o, a, _ii, oi) => scatterND(i[0], i[1], a.mode === 1 ? i[2] : null, o[0], oi[0].dtype !== 'float32', a),
  conv3d: (i, o, a) => conv3d(i[0], i[1], o[0], a),
  conv3dBackpropInput: (i, o, a) => conv3dBackpropInput(i[0], i[1], o[0], a),
  conv3dBackpropFilter: (i, o, a) => conv3dBackpropFilter(i[0], i[1], o[0], a),
  pool3d: (i, o, a) => pool3d(i[0], o[0], a),
  pool3dBackprop: (i, o, a) => pool3dBackprop(i[0], i[1], o[0], a),
  dilation2d: (i, o, a) => dilation2d(i[0], i[1], o[0], a),
  dilation2dBackpropInput: (i, o, a) => dilation2dBackpropInput(i[0], i[1], i[2], o[0], a),
  dilation2dBackpropFilter: (i, o, a) => dilation2dBackpropFilter(i[0], i[1], i[2], o[0], a),
  maxPoolWithArgmax: (i, o, a) => maxPoolWithArgmax(i[0], o[0], o[1], a),
  resize: (i, o, a) => resize(i[0], i[1], o[0], a),
  fusedElementwise: (i, o, a) => fusedElementwise(i, o, a),
  quantizeInt8: (i, o, a) => quantizeInt8(i[0], o[0], a),
  dequantizeInt8: (i, o, a) => dequantizeInt8(i[0], o[0], a),
  int8MatMul: (i, o, a) => int8MatMul(i[0], i[1], i[2], a.hasBias ? i[3] : null, o[0], a),
  int8Conv2d: (i, o, a) => int8Conv2d(i[0], i[1], i[2], a.hasBias ? i[3] : null, o[0], a),
  int8DepthwiseConv2d: (i, o, a) => int8DepthwiseConv2d(i[0], i[1], i[2], a.hasBias ? i[3] : null, o[0], a),
  int8MaxPool: (i, o, a) => int8MaxPool(i[0], o[0], a),
  int8AvgPool: (i, o, a) => int8AvgPool(i[0], o[0], a),
  resizeBackprop: (i, o, a) => resizeBackprop(i[0], i[1], o[0], a),
  cropAndResize: (i, o, a) => cropAndResize(i[0], i[1], i[2], o[0], a),
};

export class JsBackend implements Backend {
  readonly name = 'js' as const;
  private live = new Set<JsDataId>();

  /**
   * Freed arrays by dtype and length, reused (zeroed) by the next allocation of that size. Without
   * it every kernel output is a fresh ArrayBuffer, and the allocator's churn between garbage
   * collections raises the process RSS step by step (the Node soak, tests/soak.test.ts).
   */
  private readonly pool = new Map<string, StorageArray[]>();
  private pooledBytes = 0;

  allocate(size: number, dtype: DType): DataId {
    const float = dtype === 'float32';
    const reused = size >= POOL_MIN_ELEMENTS ? this.pool.get(`${float ? 'f' : 'i'}${size}`)?.pop() : undefined;
    let values: StorageArray;
    if (reused) {
      this.pooledBytes -= reused.byteLength;
      values = reused.fill(0);
    } else {
      values = float ? new Float32Array(size) : new Int32Array(size);
    }
    const id = new JsDataId(values);
    this.live.add(id);
    return id;
  }
  write(id: DataId, values: StorageArray): void {
    (id as JsDataId).values.set(values);
  }
  async read(id: DataId): Promise<StorageArray> {
    return this.readSync(id);
  }
  readSync(id: DataId): StorageArray {
    return (id as JsDataId).values.slice();
  }
  free(id: DataId): void {
    const d = id as JsDataId;
    if (!this.live.delete(d)) return;
    const v = d.values;
    if (v.length < POOL_MIN_ELEMENTS || this.pooledBytes + v.byteLength > POOL_MAX_BYTES) return;
    const key = `${v instanceof Float32Array ? 'f' : 'i'}${v.length}`;
    let list = this.pool.get(key);
    if (!list) this.pool.set(key, (list = []));
    if (list.length >= POOL_MAX_PER_SIZE) return;
    list.push(v);
    this.pooledBytes += v.byteLength;
  }
  run<K extends KernelName>(kernel: K, inputs: TensorInfo[], outputs: TensorInfo[], attrs: KernelAttrs[K]): void {
    const fn = jsKernels[kernel] as JsKernel<K>;
    fn(
      inputs.map((t) => (t.dataId as JsDataId).values),
      outputs.map((t) => (t.dataId as JsDataId).values),
      attrs, inputs, outputs,
    );
  }
  memory(): BackendMemoryInfo {
    let numBytes = 0;
    for (const id of this.live) numBytes += id.values.byteLength;
    return { numBuffers: this.live.size, numBytes, pooledBytes: this.pooledBytes };
  }
  async sync(): Promise<void> {}
  dispose(): void {
    this.live.clear();
    this.pool.clear();
    this.pooledBytes = 0;
  }
}
