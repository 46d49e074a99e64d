/**
 * Bidirectional wrapper (TF.js semantics): two copies of a recurrent layer, `forward_<name>`
 * and `backward_<name>` (the latter with goBackwards flipped), whose outputs are merged with
 * mergeMode 'concat' (default) | 'sum' | 'mul' | 'ave' | null (a list of both). Weights are the
 * forward layer's then the backward layer's, named `${name}/forward_<inner>/kernel` etc. as in
 * TF.js. With returnSequences the backward output is reversed in time before merging; with
 * returnState the forward states follow the output, then the backward states.
 */
import type { Tensor } from '../../tensor.js';
import { add, mul } from '../../ops/binary.js';
import { concat, reverse } from '../../ops/layout.js';
import { Layer, isMultiShape, type Kwargs, type LayerArgs, type LayerWeight, type Shape } from '../layer.js';
import { getLayerClass, type LayerClass } from '../serialization.js';
import { GRU, LSTM, RNN, SimpleRNN } from './rnn.js';
import { composite } from './rnn_util.js';

export type MergeMode = 'concat' | 'sum' | 'mul' | 'ave' | null;

export interface BidirectionalArgs extends LayerArgs {
  layer: Layer | { className: string; config: Record<string, unknown> };
  mergeMode?: MergeMode;
}

const MODES = ['concat', 'sum', 'mul', 'ave', null];
const RECURRENT: Record<string, LayerClass> = { SimpleRNN, LSTM, GRU, RNN };

function innerClass(className: string, given: Layer | null): LayerClass {
  const cls = given ? (given.constructor as unknown as LayerClass) : getLayerClass(className) ?? RECURRENT[className];
  if (!cls) throw new Error(`bidirectional: unknown inner layer class '${className}'`);
  return cls;
}

export class Bidirectional extends Layer {
  static override className = 'Bidirectional';
  readonly forwardLayer: Layer;
  readonly backwardLayer: Layer;
  readonly mergeMode: MergeMode;
  readonly returnSequences: boolean;
  readonly returnState: boolean;
  private innerClassName: string;
  private innerConfig: Record<string, unknown>;

  constructor(args: BidirectionalArgs) {
    super(args);
    if (!args || !args.layer) throw new Error('bidirectional: the `layer` option (a recurrent layer) is required');
    const mode = args.mergeMode === undefined ? 'concat' : args.mergeMode;
    if (!MODES.includes(mode)) throw new Error(`bidirectional: mergeMode must be one of concat, sum, mul, ave, null; got '${String(mode)}'`);
    this.mergeMode = mode;
    if (args.layer instanceof Layer) {
      this.innerClassName = args.layer.getClassName();
      this.innerConfig = args.layer.getConfig();
    } else {
      this.innerClassName = args.layer.className;
      this.innerConfig = { ...args.layer.config };
    }
    const cfg = this.innerConfig;
    if (cfg.stateful) throw new Error('bidirectional: stateful recurrent layers are not supported');
    const name = String(cfg.name ?? this.innerClassName.toLowerCase());
    const cls = innerClass(this.innerClassName, args.layer instanceof Layer ? args.layer : null);
    const make = (c: Record<string, unknown>) => (cls.fromConfig ? cls.fromConfig(c) : new cls(c));
    this.forwardLayer = make({ ...cfg, name: `forward_${name}` });
    this.backwardLayer = make({ ...cfg, name: `backward_${name}`, goBackwards: !cfg.goBackwards });
    if (!(this.forwardLayer instanceof RNN)) {
      throw new Error(`bidirectional: the wrapped layer must be a recurrent layer (simpleRNN, lstm, gru, rnn), got ${this.innerClassName}`);
    }
    this.returnSequences = !!cfg.returnSequences;
    this.returnState = !!cfg.returnState;
    if (!this.batchInputShape && Array.isArray(cfg.batchInputShape)) this.batchInputShape = (cfg.batchInputShape as Shape).slice();
    this.supportsMasking = true;
  }

  override build(inputShape: Shape | Shape[]): void {
    // Build each copy under the wrapper's name scope so weights are `${name}/forward_x/kernel`.
    for (const l of [this.forwardLayer, this.backwardLayer]) {
      const own = l.name;
      l.name = `${this.name}/${own}`;
      try {
        l.maybeBuild(inputShape);
      } finally {
        l.name = own;
      }
    }
    this.built = true;
  }

  override weightEntries(): LayerWeight[] {
    return [...this.forwardLayer.weightEntries(), ...this.backwardLayer.weightEntries()];
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const inner = this.forwardLayer.computeOutputShape(inputShape);
    const shapes = isMultiShape(inner) ? (inner as Shape[]) : [inner as Shape];
    const out = shapes[0].slice();
    const states = shapes.slice(1);
    let outs: Shape[];
    if (this.mergeMode === 'concat') {
      const d = out[out.length - 1];
      out[out.length - 1] = d === null ? null : 2 * d;
      outs = [out];
    } else if (this.mergeMode === null) {
      outs = [out, out.slice()];
    } else {
      outs = [out];
    }
    if (this.returnState) return [...outs, ...states, ...states.map((s) => s.slice())];
    return outs.length === 1 ? outs[0] : outs;
  }

  /** TF.js: the input mask passes on with returnSequences (twice when mergeMode is null). */
  override computeMask(_inputs: Tensor | Tensor[], mask?: Tensor | Tensor[] | null): Tensor | null | (Tensor | null)[] {
    const m = (Array.isArray(mask) ? mask[0] : mask) ?? null;
    const out = this.returnSequences ? m : null;
    const outs = this.mergeMode === null ? [out, out] : [out];
    if (!this.returnState) return outs.length === 1 ? outs[0] : outs;
    const n = (this.forwardLayer as unknown as { cell?: { stateSize: number[] } }).cell?.stateSize.length ?? 1;
    return [...outs, ...new Array(2 * n).fill(null)];
  }

  call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor | Tensor[] {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    const x = list[0];
    let initial = list.length > 1 ? list.slice(1) : null;
    if (kwargs.initialState) initial = (Array.isArray(kwargs.initialState) ? kwargs.initialState : [kwargs.initialState]) as Tensor[];
    if (initial && initial.length % 2 !== 0) {
      throw new Error(`${this.name}: initialState must hold the forward then the backward states (an even count), got ${initial.length}`);
    }
    return composite(() => {
      const half = initial ? initial.length / 2 : 0;
      const fKw = initial ? { ...kwargs, initialState: initial.slice(0, half) } : { ...kwargs, initialState: undefined };
      const bKw = initial ? { ...kwargs, initialState: initial.slice(half) } : { ...kwargs, initialState: undefined };
      let y = this.forwardLayer.call(x, fKw);
      let yRev = this.backwardLayer.call(x, bKw);
      let states: Tensor[] = [];
      if (this.returnState) {
        const ya = y as Tensor[];
        const yb = yRev as Tensor[];
        states = [...ya.slice(1), ...yb.slice(1)];
        y = ya[0];
        yRev = yb[0];
      }
      let f = y as Tensor;
      let b = yRev as Tensor;
      if (this.returnSequences) b = reverse(b, 1);
      let out: Tensor[];
      switch (this.mergeMode) {
        case 'concat': out = [concat([f, b], -1)]; break;
        case 'sum': out = [add(f, b)]; break;
        case 'mul': out = [mul(f, b)]; break;
        case 'ave': out = [mul(add(f, b), 0.5)]; break;
        default: out = [f, b];
      }
      if (this.returnState) return [...out, ...states];
      return out.length === 1 ? out[0] : out;
    });
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      mergeMode: this.mergeMode,
      layer: { className: this.innerClassName, config: { ...this.innerConfig } },
    };
  }
}

/**
 * Runs a recurrent layer forwards and backwards and merges the two outputs (default: concat).
 * @example
 * ```js
 * tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 4 }) }).apply(tf.ones([1, 5, 2])).shape; // [1, 8]
 * ```
 */
export const bidirectional = (args: BidirectionalArgs) => new Bidirectional(args);
