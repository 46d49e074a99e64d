/**
 * Convolutional LSTM (TF.js `layers.convLstm2d`, `layers.convLstm2dCell`): the LSTM gates of
 * LSTMCell with the two matrix products replaced by 2-D convolutions, TF.js weight layouts:
 *   kernel            [kh, kw, inChannels, 4*filters]   (input conv: strides, padding, dilationRate)
 *   recurrent_kernel  [kh, kw, filters, 4*filters]      (state conv: stride 1, 'same')
 *   bias              [4*filters]                       (blocks i, f, c, o as in LSTMCell)
 * The layer takes [batch, time, rows, cols, channels] (channelsFirst: [batch, time, channels, rows,
 * cols]); its states are [batch, rows', cols', filters]. It runs on the RNN layer's loop: the input
 * convolution covers every time step in one conv2d over [time*batch, rows, cols, channels], then each
 * step adds the recurrent convolution and applies LSTMCell's gates. The math runs channelsLast;
 * channelsFirst inputs, states and outputs are transposed at the edges.
 */
import type { Tensor } from '../../tensor.js';
import { fmtShape } from '../../util.js';
import { mul } from '../../ops/binary.js';
import { transpose } from '../../ops/layout.js';
import { conv2d } from '../../ops/conv.js';
import * as fused from '../../ops/fused.js';
import type { Kwargs, Shape } from '../layer.js';
import { checkDataFormat, checkPadding, convOutputLength, normalizeTuple, type DataFormat } from '../conv/conv_utils.js';
import { LSTMCell, type LSTMCellArgs } from './cells.js';
import { RNN, cellArgs, type RNNOptions } from './rnn.js';
import { composite, dropoutMask } from './rnn_util.js';

export interface ConvLSTM2DCellArgs extends Omit<LSTMCellArgs, 'units'> {
  filters: number;
  kernelSize: number | number[];
  strides?: number | number[];
  padding?: 'valid' | 'same';
  dataFormat?: DataFormat;
  dilationRate?: number | number[];
}
export type ConvLSTM2DArgs = ConvLSTM2DCellArgs & RNNOptions;

const TO_LAST = [0, 2, 3, 1];
const TO_FIRST = [0, 3, 1, 2];

export class ConvLSTM2DCell extends LSTMCell {
  static override className = 'ConvLSTM2DCell';
  readonly filters: number;
  readonly kernelSize: number[];
  readonly strides: number[];
  readonly padding: 'valid' | 'same';
  readonly dataFormat: DataFormat;
  readonly dilationRate: number[];

  constructor(args: ConvLSTM2DCellArgs) {
    const filters = args?.filters;
    // TF.js's wording (assertPositiveInteger)
    if (!Number.isInteger(filters) || filters <= 0) throw new Error(`Expected filters to be a positive integer, but got ${JSON.stringify(filters)}.`);
    super({ ...args, units: filters }, 'convLstm2d');
    this.filters = filters;
    this.kernelSize = normalizeTuple('convLstm2d', 'kernelSize', args.kernelSize, 2);
    this.strides = normalizeTuple('convLstm2d', 'strides', args.strides, 2, 1);
    this.padding = checkPadding('convLstm2d', args.padding) as 'valid' | 'same';
    this.dataFormat = checkDataFormat('convLstm2d', args.dataFormat);
    this.dilationRate = normalizeTuple('convLstm2d', 'dilationRate', args.dilationRate, 2, 1);
  }

  /** [batch, rows, cols, channels] (channelsFirst: [batch, channels, rows, cols]) -> channel count. */
  private channelsOf(shape: readonly (number | null)[]): number | null {
    if (shape.length !== 4) {
      throw new Error(`${this.name}: expected a step input of rank 4 ${this.dataFormat === 'channelsFirst' ? '[batch, channels, rows, cols]' : '[batch, rows, cols, channels]'}, got shape [${shape.map((d) => d ?? 'null').join(', ')}]`);
    }
    return shape[this.dataFormat === 'channelsFirst' ? 1 : 3];
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const inDim = this.channelsOf(shape);
    // TF.js's wording
    if (inDim == null) throw new Error(`The channel dimension of the input should be defined. Found ${inDim}`);
    const k = 4 * this.filters;
    this.kernel = this.addWeight('kernel', [...this.kernelSize, inDim, k], 'float32', this.kernelInitializer, this.kernelRegularizer);
    this.recurrentKernel = this.addWeight('recurrent_kernel', [...this.kernelSize, this.filters, k], 'float32', this.recurrentInitializer, this.recurrentRegularizer);
    if (this.useBias) this.bias = this.addWeight('bias', [k], 'float32', this.biasInit(), this.biasRegularizer);
    this.built = true;
  }

  /** The state shape [batch, rows', cols', filters] for a channelsLast step input shape. */
  stateShapeFor(stepShape: readonly (number | null)[], channelsLast = true): (number | null)[] {
    const [b, h, w] = channelsLast || this.dataFormat === 'channelsLast' ? stepShape : [stepShape[0], stepShape[2], stepShape[3]];
    const rows = convOutputLength(h, this.kernelSize[0], this.padding, this.strides[0], this.dilationRate[0]);
    const cols = convOutputLength(w, this.kernelSize[1], this.padding, this.strides[1], this.dilationRate[1]);
    if ((rows !== null && rows < 1) || (cols !== null && cols < 1)) {
      throw new Error(`${this.name}: input rows/cols ${h}x${w} are too small for kernelSize ${JSON.stringify(this.kernelSize)} with padding '${this.padding}'`);
    }
    return channelsLast || this.dataFormat === 'channelsLast' ? [b, rows, cols, this.filters] : [b, this.filters, rows, cols];
  }

  override checkSequenceInput(layer: string, xShape: readonly number[]): void {
    const kDim = this.kernel!.shape[2];
    if (xShape[4] !== kDim) throw new Error(`${layer}: the layer was built for ${kDim} input channels, got input shape ${fmtShape(xShape as number[])}`);
  }

  /** x [n, rows, cols, channels] (channelsLast) conv kernel + bias -> [n, rows', cols', 4*filters]. */
  override projectInput(x: Tensor): Tensor {
    return fused.conv2d({
      x, filter: this.kernel!, strides: this.strides as [number, number], pad: this.padding, dataFormat: 'NHWC',
      dilations: this.dilationRate as [number, number], bias: this.bias ?? null, activation: 'linear',
    });
  }

  /** The state convolution (stride 1, 'same', as TF.js) with the recurrent-dropout mask applied to h. */
  protected override recurrent(h: Tensor, recMask: Tensor | null, kernel: Tensor = this.recurrentKernel!): Tensor {
    return conv2d(recMask ? mul(h, recMask) : h, kernel, [1, 1], 'same', 'NHWC');
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape[] {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    this.channelsOf(s);
    const state = this.stateShapeFor(s, false);
    return [state, state, state];
  }

  /** One step on its own: [x, h, c] -> [h, h, c] (TF.js), in the cell's dataFormat. */
  override call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor[] {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    // TF.js's wording
    if (list.length !== 3) throw new Error(`ConvLSTM2DCell expects 3 input Tensors (inputs, h, c), got ${list.length}.`);
    const [x, h, c] = list;
    const inDim = this.channelsOf(x.shape);
    if (inDim !== this.kernel!.shape[2]) throw new Error(`${this.name}: the cell was built for ${this.kernel!.shape[2]} input channels, got input shape ${fmtShape(x.shape)}`);
    const want = this.stateShapeFor(x.shape, false);
    for (const s of [h, c]) {
      if (s.shape.join() !== want.join()) throw new Error(`${this.name}: states must be ${fmtShape(want as number[])} for input ${fmtShape(x.shape)}, got ${fmtShape(s.shape)}`);
    }
    return composite(() => {
      const first = this.dataFormat === 'channelsFirst';
      const [xl, hl, cl] = first ? [x, h, c].map((t) => transpose(t, TO_LAST)) : [x, h, c];
      const training = !!kwargs.training;
      const xin = training && this.dropout > 0 ? mul(xl, dropoutMask(xl.shape, this.dropout)) : xl;
      const rec = training && this.recurrentDropout > 0 ? dropoutMask(hl.shape, this.recurrentDropout) : null;
      const r = this.step(this.projectInput(xin), [hl, cl], rec);
      const out = [r.output, ...r.states];
      return first ? out.map((t) => transpose(t, TO_FIRST)) : out;
    });
  }

  override getConfig(): Record<string, unknown> {
    const { units: _units, ...base } = super.getConfig();
    return {
      ...base,
      filters: this.filters,
      kernelSize: this.kernelSize,
      padding: this.padding,
      dataFormat: this.dataFormat,
      dilationRate: this.dilationRate,
      strides: this.strides,
    };
  }
}

export class ConvLSTM2D extends RNN {
  static override className = 'ConvLSTM2D';
  declare readonly cell: ConvLSTM2DCell;

  constructor(args: ConvLSTM2DArgs) {
    // TF.js's wording
    if (args?.unroll) throw new Error('Unrolling is not possible with convolutional RNNs.');
    if (Array.isArray((args as { cell?: unknown })?.cell)) throw new Error('It is not possible at the moment to stack convolutional cells.');
    const { cell: _cell, ...rest } = (args ?? {}) as ConvLSTM2DArgs & { cell?: unknown };
    super({ ...rest, cell: new ConvLSTM2DCell(cellArgs(rest)) });
  }

  protected override checkInputRank(shape: readonly (number | null)[]): void {
    // TF.js's wording (InputSpec ndim check)
    if (shape.length !== 5) throw new Error(`Input 0 is incompatible with layer ${this.name}: expected ndim=5, found ndim=${shape.length}`);
  }

  /** run() sees channelsLast inputs [batch, time, rows, cols, channels]. */
  protected override stateShapes(xShape: readonly number[]): number[][] {
    const s = this.cell.stateShapeFor([xShape[0], ...xShape.slice(2)]) as number[];
    return [s, s.slice()];
  }

  protected override statefulStateShapes(batch: number): number[][] {
    const shape = this.batchInputShape!;
    const s = this.cell.stateShapeFor([batch, ...shape.slice(2)], false);
    if (s.some((d) => d === null)) throw new Error(`${this.name}: a stateful ConvLSTM2D needs known rows and cols in its batchInputShape, got ${JSON.stringify(shape)}`);
    return [s as number[], s.slice() as number[]];
  }

  protected override run(x: Tensor, initial: Tensor[] | null, mask: Tensor | null, training: boolean): { output: Tensor; states: Tensor[] } {
    this.checkInputRank(x.shape);
    if (this.cell.dataFormat === 'channelsLast') return super.run(x, initial, mask, training);
    const want = this.cell.stateShapeFor([x.shape[0], ...x.shape.slice(2)], false);
    initial?.forEach((s, i) => {
      if (s.shape.join() !== want.join()) throw new Error(`${this.name}: initial state ${i} must be ${fmtShape(want as number[])}, got ${fmtShape(s.shape)}`);
    });
    const r = super.run(transpose(x, [0, 1, 3, 4, 2]), initial?.map((s) => transpose(s, TO_LAST)) ?? null, mask, training);
    const output = this.returnSequences ? transpose(r.output, [0, 1, 4, 2, 3]) : transpose(r.output, TO_FIRST);
    return { output, states: r.states.map((s) => transpose(s, TO_FIRST)) };
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    this.checkInputRank(s);
    const state = this.cell.stateShapeFor([s[0], ...s.slice(2)], false);
    const out: Shape = this.returnSequences ? [state[0], s[1], ...state.slice(1)] : state;
    return this.returnState ? [out, state, state.slice()] : out;
  }
}

/**
 * One ConvLSTM2D step, for `tf.layers.rnn`.
 * @example
 * ```js
 * const cell = tf.layers.convLstm2dCell({ filters: 4, kernelSize: 3, padding: 'same' });
 * ```
 */
export const convLstm2dCell = (args: ConvLSTM2DCellArgs) => new ConvLSTM2DCell(args);
/**
 * A convolutional LSTM over [batch, steps, h, w, channels] inputs.
 * @example
 * ```js
 * tf.layers.convLstm2d({ filters: 4, kernelSize: 3, padding: 'same' }).apply(tf.ones([1, 3, 8, 8, 1])).shape; // [1, 8, 8, 4]
 * ```
 */
export const convLstm2d = (args: ConvLSTM2DArgs) => new ConvLSTM2D(args);
