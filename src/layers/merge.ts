/**
 * Merge layers for functional models (TF.js names and broadcasting rules): add, subtract,
 * multiply, average, maximum, minimum (elementwise over a list of inputs; lower-rank inputs
 * get size-1 dims inserted after the batch axis, then the usual broadcasting applies) and
 * concatenate({axis}).
 */
import type { Tensor } from '../tensor.js';
import { add as addOp, div, maximum as maxOp, minimum as minOp, mul, sub } from '../ops/binary.js';
import { concat, expandDims } from '../ops/layout.js';
import { Layer, type Kwargs, type LayerArgs, type Shape } from './layer.js';
import { showShape } from './conv/conv_utils.js';

function shapeList(layer: string, s: Shape | Shape[], min: number): Shape[] {
  if (!(s.length > 0 && Array.isArray(s[0])) || s.length < min) {
    throw new Error(`${layer}: a merge layer must be called on a list of at least ${min} inputs, got ${s.length > 0 && Array.isArray(s[0]) ? `${s.length} input(s)` : 'a single input'}`);
  }
  return s as Shape[];
}

/** Keras broadcasting of the non-batch dims of two shapes (right-aligned; 1 and null stretch). */
function broadcastPair(layer: string, a: Shape, b: Shape, all: Shape[]): Shape {
  const [long, short] = a.length >= b.length ? [a, b] : [b, a];
  const out = long.slice(0, long.length - short.length);
  for (let i = 0; i < short.length; i++) {
    const p = long[long.length - short.length + i];
    const q = short[i];
    if (p === null || q === null) out.push(p === 1 ? q : q === 1 ? p : p ?? q);
    else if (p === 1) out.push(q);
    else if (q === 1 || p === q) out.push(p);
    else throw new Error(`${layer}: inputs with shapes ${all.map(showShape).join(', ')} cannot be broadcast together`);
  }
  return out;
}

abstract class Merge extends Layer {
  constructor(args: LayerArgs = {}) {
    super(args);
    this.supportsMasking = true;
  }

  protected abstract merge(xs: Tensor[]): Tensor;

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shapes = shapeList(this.name, inputShape, 2);
    let out = shapes[0].slice(1);
    for (const s of shapes.slice(1)) out = broadcastPair(this.name, out, s.slice(1), shapes);
    const batches = shapes.map((s) => s[0]).filter((d) => d !== null);
    if (new Set(batches).size > 1) throw new Error(`${this.name}: inputs have different batch sizes: ${shapes.map(showShape).join(', ')}`);
    return [batches[0] ?? null, ...out];
  }

  call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    const xs = Array.isArray(inputs) ? inputs : [inputs];
    this.computeOutputShape(xs.map((x) => x.shape));
    const rank = Math.max(...xs.map((x) => x.rank));
    const aligned = xs.map((x) => {
      let t = x;
      while (t.rank < rank) t = expandDims(t, 1);
      return t;
    });
    return this.merge(aligned);
  }
}

const fold = (xs: Tensor[], f: (a: Tensor, b: Tensor) => Tensor) => xs.slice(1).reduce((acc, x) => f(acc, x), xs[0]);

/** A merge that folds the inputs left to right with one binary op. */
abstract class FoldMerge extends Merge {
  protected abstract readonly combine: (a: Tensor, b: Tensor) => Tensor;
  protected merge(xs: Tensor[]): Tensor {
    return fold(xs, this.combine);
  }
}

export class Add extends FoldMerge {
  static override className = 'Add';
  protected readonly combine = addOp;
}
export class Multiply extends FoldMerge {
  static override className = 'Multiply';
  protected readonly combine = mul;
}
export class Average extends Merge {
  static override className = 'Average';
  protected merge(xs: Tensor[]): Tensor {
    return div(fold(xs, addOp), xs.length);
  }
}
export class Maximum extends FoldMerge {
  static override className = 'Maximum';
  protected readonly combine = maxOp;
}
export class Minimum extends FoldMerge {
  static override className = 'Minimum';
  protected readonly combine = minOp;
}
/** Keras Subtract: exactly two inputs, a - b. */
export class Subtract extends Merge {
  static override className = 'Subtract';
  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shapes = shapeList(this.name, inputShape, 2);
    if (shapes.length !== 2) throw new Error(`${this.name}: subtract takes exactly 2 inputs, got ${shapes.length}`);
    return super.computeOutputShape(shapes);
  }
  protected merge(xs: Tensor[]): Tensor {
    return sub(xs[0], xs[1]);
  }
}

export interface ConcatenateArgs extends LayerArgs {
  axis?: number;
}

export class Concatenate extends Layer {
  static override className = 'Concatenate';
  readonly axis: number;

  constructor(args: ConcatenateArgs = {}) {
    super(args);
    this.axis = args.axis ?? -1;
    if (!Number.isInteger(this.axis)) throw new Error(`concatenate: axis must be an integer, got ${JSON.stringify(args.axis)}`);
    this.supportsMasking = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shapes = shapeList(this.name, inputShape, 2);
    const rank = shapes[0].length;
    const a = this.axis < 0 ? this.axis + rank : this.axis;
    const bad = () => new Error(`${this.name}: concatenate along axis ${this.axis} needs inputs of the same rank whose other dims match, got ${shapes.map(showShape).join(', ')}`);
    if (a < 0 || a >= rank || shapes.some((s) => s.length !== rank)) throw bad();
    const out = shapes[0].slice();
    for (const s of shapes.slice(1)) {
      for (let i = 0; i < rank; i++) {
        if (i === a) out[i] = out[i] === null || s[i] === null ? null : out[i]! + s[i]!;
        else if (out[i] === null) out[i] = s[i];
        else if (s[i] !== null && s[i] !== out[i]) throw bad();
      }
    }
    return out;
  }

  call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    const xs = Array.isArray(inputs) ? inputs : [inputs];
    this.computeOutputShape(xs.map((x) => x.shape));
    return concat(xs, this.axis < 0 ? this.axis + xs[0].rank : this.axis);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axis: this.axis };
  }
}

/**
 * Adds a list of same-shaped inputs.
 * @example
 * ```js
 * tf.layers.add().apply([tf.ones([2, 3]), tf.ones([2, 3])]).print(); // all 2
 * ```
 */
export const add = (args: LayerArgs = {}) => new Add(args);
/**
 * Multiplies a list of same-shaped inputs elementwise.
 * @example
 * ```js
 * tf.layers.multiply().apply([tf.fill([2], 2), tf.fill([2], 3)]).print(); // [6, 6]
 * ```
 */
export const multiply = (args: LayerArgs = {}) => new Multiply(args);
/**
 * The elementwise mean of a list of same-shaped inputs.
 * @example
 * ```js
 * tf.layers.average().apply([tf.tensor2d([[1, 3]]), tf.tensor2d([[3, 5]])]).print(); // [[2, 4]]
 * ```
 */
export const average = (args: LayerArgs = {}) => new Average(args);
/**
 * The elementwise maximum of a list of same-shaped inputs.
 * @example
 * ```js
 * tf.layers.maximum().apply([tf.tensor2d([[1, 5]]), tf.tensor2d([[3, 2]])]).print(); // [[3, 5]]
 * ```
 */
export const maximum = (args: LayerArgs = {}) => new Maximum(args);
/**
 * The elementwise minimum of a list of same-shaped inputs.
 * @example
 * ```js
 * tf.layers.minimum().apply([tf.tensor2d([[1, 5]]), tf.tensor2d([[3, 2]])]).print(); // [[1, 2]]
 * ```
 */
export const minimum = (args: LayerArgs = {}) => new Minimum(args);
/**
 * Subtracts the second of two inputs from the first.
 * @example
 * ```js
 * tf.layers.subtract().apply([tf.ones([2, 3]), tf.ones([2, 3])]).print(); // all 0
 * ```
 */
export const subtract = (args: LayerArgs = {}) => new Subtract(args);
/**
 * Concatenates a list of inputs along `axis` (default: the last).
 * @example
 * ```js
 * tf.layers.concatenate().apply([tf.ones([2, 3]), tf.ones([2, 1])]).shape; // [2, 4]
 * ```
 */
export const concatenate = (args: ConcatenateArgs = {}) => new Concatenate(args);
