/**
 * Calibration for post-training quantization: range observers (min/max, or percentiles that
 * ignore rare outliers) fed with the float inputs of chosen layers while the model runs eagerly
 * over calibration batches. The ranges become the per-tensor affine int8 parameters of those
 * layers' inputs (see fake_quant.ts int8Params).
 */
import type { Tensor } from '../tensor.js';

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
  /** Takes in a batch of values. */
  observe(values: ArrayLike<number>): void {
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v !== v) throw new Error('quantization calibration: a layer input holds NaN; cannot take its range');
      if (v < this.lo) this.lo = v;
      if (v > this.hi) this.hi = v;
    }
  }
  /** [min, max] of every value seen ([0, 0] before any). */
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
  /** Takes in a batch of values (keeping a strided sample past maxSamples). */
  observe(values: ArrayLike<number>): void {
    const stride = Math.max(1, Math.ceil((this.seen + values.length) / this.maxSamples));
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v !== v) throw new Error('quantization calibration: a layer input holds NaN; cannot take its range');
      if ((this.seen + i) % stride === 0) this.samples.push(v);
    }
    this.seen += values.length;
  }
  /** [(100 - p)th percentile, pth percentile] of the values seen ([0, 0] before any). */
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
export type CalibrationData = Tensor | Tensor[] | { iterator(): Promise<{ next(): Promise<IteratorResult<unknown>> }> };
