/**
 * `InputSpec` (TF.js `tf.InputSpec`): what a layer accepts (dtype, shape, rank or rank bounds, fixed
 * sizes of given axes). A layer that sets `this.inputSpec = [new InputSpec({ndim: 4})]` (as TF.js custom
 * layers do) has each call's inputs checked against it before build, with TF.js's messages.
 */
import type { DType } from '../backends/backend.js';

export interface InputSpecArgs {
  dtype?: DType;
  shape?: (number | null)[];
  ndim?: number;
  maxNDim?: number;
  minNDim?: number;
  /** Axis (negative counts from the end) -> required size. */
  axes?: { [axis: number]: number };
}

/**
 * The rank, shape and dtype a layer accepts, checked when the layer is applied.
 */
export class InputSpec {
  /** The dtype the input must have. */
  dtype?: DType;
  /** The shape the input must have (null: any size). */
  shape?: (number | null)[];
  /** The rank the input must have. */
  ndim?: number;
  /** The largest rank accepted. */
  maxNDim?: number;
  /** The smallest rank accepted. */
  minNDim?: number;
  /** Sizes required at given axes, by axis. */
  axes: { [axis: number]: number };
  constructor(args: InputSpecArgs) {
    this.dtype = args.dtype;
    this.shape = args.shape;
    this.ndim = args.shape != null ? args.shape.length : args.ndim;
    this.maxNDim = args.maxNDim;
    this.minNDim = args.minNDim;
    this.axes = args.axes ?? {};
  }
}

interface InputLike {
  shape: readonly (number | null)[];
  dtype: DType;
}

/** Throw (TF.js wording) unless the inputs satisfy the layer's input specs. */
export function assertInputSpecs(layer: string, specs: (InputSpec | null | undefined)[] | null | undefined, inputs: InputLike[]): void {
  if (!specs || specs.length === 0) return;
  if (inputs.length !== specs.length) {
    throw new Error(`Layer ${layer} expects ${specs.length} inputs, but it received ${inputs.length} input tensors. Input received: ${inputs.map((x) => `[${x.shape.join(',')}]`).join(', ')}`);
  }
  inputs.forEach((x, i) => {
    const spec = specs[i];
    if (spec == null) return;
    const ndim = x.shape.length;
    const where = `Input ${i} is incompatible with layer ${layer}`;
    if (spec.ndim != null && ndim !== spec.ndim) throw new Error(`${where}: expected ndim=${spec.ndim}, found ndim=${ndim}`);
    if (spec.maxNDim != null && ndim > spec.maxNDim) throw new Error(`${where}: expected max_ndim=${spec.maxNDim}, found ndim=${ndim}`);
    if (spec.minNDim != null && ndim < spec.minNDim) throw new Error(`${where}: expected min_ndim=${spec.minNDim}, found ndim=${ndim}.`);
    if (spec.dtype != null && x.dtype !== spec.dtype) throw new Error(`${where} : expected dtype=${spec.dtype}, found dtype=${x.dtype}.`);
    for (const [key, value] of Object.entries(spec.axes ?? {})) {
      const axis = Number(key);
      const dim = axis >= 0 ? x.shape[axis] : x.shape[ndim + axis];
      if (value != null && dim != null && dim !== value) {
        throw new Error(`${where}: expected axis ${axis} of input shape to have value ${value} but got shape ${x.shape.join(',')}.`);
      }
    }
    spec.shape?.forEach((d, k) => {
      const got = x.shape[k];
      if (d != null && got != null && d !== got) throw new Error(`${where}: expected shape=${spec.shape!.join(',')}, found shape=${x.shape.join(',')}.`);
    });
  });
}
