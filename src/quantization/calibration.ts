/**
 * Calibration for post-training quantization: range observers (min/max, or percentiles that
 * ignore rare outliers) fed with the float inputs of chosen layers while the model runs eagerly
 * over calibration batches. The ranges become the per-tensor affine int8 parameters of those
 * layers' inputs (see fake_quant.ts int8Params).
 */
import type { Tensor } from '../tensor.js';
import { Tensor as TensorClass } from '../tensor.js';
import { tidy } from '../globals.js';
import type { Layer, Kwargs } from '../layers/layer.js';
import type { LayersModel } from '../models/layers_model.js';

/** How a layer input's range is taken from the calibration values. */
export type CalibrationMethod = 'minmax' | 'percentile';

/** Collects the values a tensor took and gives the [min, max] range to quantize it over. */
export interface RangeObserver {
  observe(values: ArrayLike<number>): void;
  /** [min, max] of what was observed ([0, 0] when nothing was). */
  range(): [number, number];
}

/** The exact smallest and largest value seen (NaN is an error: a range cannot hold it). */
export class MinMaxObserver implements RangeObserver {
  private lo = Infinity;
  private hi = -Infinity;
  observe(values: ArrayLike<number>): void {
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v !== v) throw new Error('quantization calibration: a layer input holds NaN; cannot take its range');
      if (v < this.lo) this.lo = v;
      if (v > this.hi) this.hi = v;
    }
  }
  range(): [number, number] {
    return this.lo > this.hi ? [0, 0] : [this.lo, this.hi];
  }
}

/**
 * The (100 - p)th and pth percentiles of every value seen (p = 99.99 by default), so a few outliers
 * do not stretch the int8 grid. Values are kept (every `stride`th once more than `maxSamples` came).
 */
export class PercentileObserver implements RangeObserver {
  private samples: number[] = [];
  private seen = 0;
  constructor(readonly percentile = 99.99, private readonly maxSamples = 1 << 20) {
    if (!(percentile > 50 && percentile <= 100)) {
      throw new Error(`quantization calibration: percentile must be in (50, 100], got ${percentile}`);
    }
  }
  observe(values: ArrayLike<number>): void {
    const stride = Math.max(1, Math.ceil((this.seen + values.length) / this.maxSamples));
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v !== v) throw new Error('quantization calibration: a layer input holds NaN; cannot take its range');
      if ((this.seen + i) % stride === 0) this.samples.push(v);
    }
    this.seen += values.length;
  }
  range(): [number, number] {
    if (this.samples.length === 0) return [0, 0];
    const sorted = Float64Array.from(this.samples).sort();
    const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.round((p / 100) * (sorted.length - 1))))];
    return [at(100 - this.percentile), at(this.percentile)];
  }
}

/** Options of calibration: the method, and the percentile for 'percentile'. */
export interface CalibrationOptions {
  method?: CalibrationMethod;
  /** For method 'percentile': the upper percentile (the lower one is 100 - p); default 99.99. */
  percentile?: number;
}

/** Calibration data: one batch, a list of batches, or a dataset of batches (tensors, or {xs}). */
export type CalibrationData = Tensor | Tensor[] | { iterator(): Promise<{ next(): Promise<{ done: boolean; value: unknown }> }> };

function batchInput(fn: string, value: unknown): Tensor | Tensor[] {
  if (value instanceof TensorClass) return value;
  if (Array.isArray(value) && value.every((v) => v instanceof TensorClass)) return value as Tensor[];
  const xs = (value as { xs?: unknown })?.xs;
  if (xs instanceof TensorClass || (Array.isArray(xs) && xs.every((v) => v instanceof TensorClass))) return xs as Tensor | Tensor[];
  throw new Error(`${fn}: each calibration batch must be a Tensor, a list of input Tensors or {xs}, got ${value === null ? 'null' : typeof value}`);
}

/** Calls visit(batch) for each calibration batch. */
export async function forEachBatch(fn: string, data: CalibrationData, visit: (x: Tensor | Tensor[]) => void): Promise<number> {
  if (data instanceof TensorClass) {
    visit(data);
    return 1;
  }
  if (Array.isArray(data)) {
    for (const b of data) visit(batchInput(fn, b));
    return data.length;
  }
  if (data && typeof (data as { iterator?: unknown }).iterator === 'function') {
    const it = await data.iterator();
    let n = 0;
    for (let r = await it.next(); !r.done; r = await it.next()) {
      visit(batchInput(fn, r.value));
      n++;
    }
    return n;
  }
  throw new Error(`${fn}: calibrationData must be a Tensor, a list of Tensors or a dataset (an object with iterator()), got ${data === null ? 'null' : typeof data}`);
}

/**
 * Runs the model eagerly (inference mode) over every calibration batch and returns the observed
 * [min, max] of the first input of each layer in `layers`, by layer name.
 */
export async function calibrateInputRanges(
  fn: string, model: LayersModel, layers: Layer[], data: CalibrationData, options: CalibrationOptions = {},
): Promise<Map<string, [number, number]>> {
  const method = options.method ?? 'minmax';
  if (method !== 'minmax' && method !== 'percentile') throw new Error(`${fn}: calibration method must be 'minmax' or 'percentile', got ${JSON.stringify(method)}`);
  const observers = new Map<Layer, RangeObserver>();
  const restore: (() => void)[] = [];
  for (const layer of layers) {
    const observer = method === 'percentile' ? new PercentileObserver(options.percentile ?? 99.99) : new MinMaxObserver();
    observers.set(layer, observer);
    // Observe the layer's input on each call (an instance-level wrapper, removed afterwards).
    const own = Object.prototype.hasOwnProperty.call(layer, 'call') ? layer.call : undefined;
    const inner = layer.call.bind(layer);
    layer.call = (inputs: Tensor | Tensor[], kwargs: Kwargs) => {
      observer.observe((Array.isArray(inputs) ? inputs[0] : inputs).dataSync());
      return inner(inputs, kwargs);
    };
    restore.push(() => {
      if (own) layer.call = own;
      else delete (layer as { call?: unknown }).call;
    });
  }
  try {
    const batches = await forEachBatch(fn, data, (x) => {
      tidy(() => {
        model.apply(x, { training: false });
      });
    });
    if (batches === 0) throw new Error(`${fn}: calibrationData gave no batches`);
  } finally {
    for (const r of restore) r();
  }
  return new Map([...observers].map(([l, o]) => [l.name, o.range()]));
}
