/**
 * The calibration run of post-training quantization (quantize(), convert_int8.ts): the model runs eagerly
 * (inference mode) over the calibration batches while range observers (calibration.ts) take in the float
 * inputs of the chosen layers. Async, so it loads with quantize()'s conversion (src/async_parts.ts).
 */
import type { Tensor } from '../tensor.js';
import { Tensor as TensorClass } from '../tensor.js';
import { keep, tidy } from '../globals.js';
import { clone } from '../ops/creation.js';
import type { Layer, Kwargs } from '../layers/layer.js';
import type { LayersModel } from '../models/layers_model.js';
import { MinMaxObserver, PercentileObserver, type CalibrationData, type CalibrationOptions, type RangeObserver } from './calibration.js';

function batchInput(fn: string, value: unknown): Tensor | Tensor[] {
  if (value instanceof TensorClass) return value;
  if (Array.isArray(value) && value.every((v) => v instanceof TensorClass)) return value as Tensor[];
  const xs = (value as { xs?: unknown })?.xs;
  if (xs instanceof TensorClass || (Array.isArray(xs) && xs.every((v) => v instanceof TensorClass))) return xs as Tensor | Tensor[];
  throw new Error(`${fn}: each calibration batch must be a Tensor, a list of input Tensors or {xs}, got ${value === null ? 'null' : typeof value}`);
}

/** Calls visit(batch) for each calibration batch. */
export async function forEachBatch(fn: string, data: CalibrationData, visit: (x: Tensor | Tensor[]) => Promise<void>): Promise<number> {
  if (data instanceof TensorClass) {
    await visit(data);
    return 1;
  }
  if (Array.isArray(data)) {
    for (const b of data) await visit(batchInput(fn, b));
    return data.length;
  }
  if (data && typeof (data as { iterator?: unknown }).iterator === 'function') {
    const it = await data.iterator();
    let n = 0;
    for (let r = await it.next(); !r.done; r = await it.next()) {
      await visit(batchInput(fn, r.value));
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
  // Each call's input is kept (a copy) and read after the batch, asynchronously (as webgpu needs).
  const pending: { observer: RangeObserver; input: Tensor }[] = [];
  for (const layer of layers) {
    const observer = method === 'percentile' ? new PercentileObserver(options.percentile ?? 99.99) : new MinMaxObserver();
    observers.set(layer, observer);
    // Observe the layer's input on each call (an instance-level wrapper, removed afterwards).
    const own = Object.prototype.hasOwnProperty.call(layer, 'call') ? layer.call : undefined;
    const inner = layer.call.bind(layer);
    layer.call = (inputs: Tensor | Tensor[], kwargs: Kwargs) => {
      pending.push({ observer, input: keep(clone(Array.isArray(inputs) ? inputs[0] : inputs)) });
      return inner(inputs, kwargs);
    };
    restore.push(() => {
      if (own) layer.call = own;
      else delete (layer as { call?: unknown }).call;
    });
  }
  try {
    const batches = await forEachBatch(fn, data, async (x) => {
      tidy(() => {
        model.apply(x, { training: false });
      });
      for (const { observer, input } of pending.splice(0)) {
        try {
          observer.observe(await input.data());
        } finally {
          input.dispose();
        }
      }
    });
    if (batches === 0) throw new Error(`${fn}: calibrationData gave no batches`);
  } finally {
    for (const r of restore) r();
    for (const { input } of pending) input.dispose();
  }
  return new Map([...observers].map(([l, o]) => [l.name, o.range()]));
}
