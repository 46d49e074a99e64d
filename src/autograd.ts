/**
 * Reverse-mode autodiff over the engine's tape (TF.js names): grad, grads, valueAndGrad,
 * valueAndGrads, variableGrads, customGrad. While `f` runs, every op records a node with its
 * vjp; we then walk the nodes backwards from the result, accumulating cotangents. Everything
 * created on the way except the value and the gradients is disposed. Backprop ops record onto
 * any enclosing tape, so gradients can be nested.
 */
import { ENGINE, type TapeNode } from './engine.js';
import { Tensor, peekNextTensorId } from './tensor.js';
import { fmtShape, shapesEqual } from './util.js';
import { Variable, variableRegistry } from './variable.js';
import { add } from './ops/binary.js';
import { ones, zeros } from './ops/creation.js';
import { toTensor } from './ops/operand.js';

/** Dispose the value of f unless it is a tensor the caller already had (f returned an input). */
function disposeValue(value: Tensor, created: (t: Tensor) => boolean): void {
  if (created(value)) value.dispose();
}

/** Run f under a tape and backprop from its (tensor) result to xs. */
function gradients(f: () => Tensor, xs: Tensor[], dy?: Tensor): { value: Tensor; grads: (Tensor | null)[]; created: (t: Tensor) => boolean } {
  const firstId = peekNextTensorId();
  const created = (t: Tensor) => t.id >= firstId;
  const tape: TapeNode[] = [];
  ENGINE.startScope();
  let value: Tensor;
  let grads: (Tensor | null)[];
  try {
    ENGINE.tapes.push(tape);
    try {
      value = f();
    } finally {
      ENGINE.tapes.pop();
    }
    if (!(value instanceof Tensor)) throw new Error('grad: the function must return a Tensor');
    if (dy && !shapesEqual(dy.shape, value.shape)) {
      throw new Error(`grad: dy shape ${fmtShape(dy.shape)} must match the result shape ${fmtShape(value.shape)}`);
    }
    if (dy && dy.dtype !== 'float32') throw new Error(`dy must have 'float32' dtype, but has '${dy.dtype}'`); // TF.js wording
    grads = backprop(tape, value, xs, dy ?? ones(value.shape));
  } catch (e) {
    ENGINE.endScope(undefined);
    throw e;
  }
  // Inside an enclosing tape (nested grad) the intermediates are still needed by it.
  ENGINE.endScope([value, grads], ENGINE.recording);
  return { value, grads, created };
}

function backprop(tape: TapeNode[], y: Tensor, xs: Tensor[], dy: Tensor): (Tensor | null)[] {
  // Forward reachability from xs, so we only differentiate what depends on them.
  const reach = new Set<number>(xs.map((x) => x.id));
  const useful: TapeNode[] = [];
  for (const node of tape) {
    if (node.inputs.some((t) => reach.has(t.id))) {
      for (const o of node.outputs) reach.add(o.id);
      useful.push(node);
    }
  }
  // Backward reachability from y: an x that y depends on only through zero gradients gets zeros.
  const needed = new Set<number>([y.id]);
  for (let i = useful.length - 1; i >= 0; i--) {
    if (useful[i].outputs.some((o) => needed.has(o.id))) for (const t of useful[i].inputs) needed.add(t.id);
  }
  const cot = new Map<number, Tensor>([[y.id, dy]]);
  for (let i = useful.length - 1; i >= 0; i--) {
    const node = useful[i];
    const dys = node.outputs.map((o) => cot.get(o.id) ?? null);
    if (dys.every((d) => d === null)) continue;
    // The latest node producing a tensor (the op's own vjp) consumes its cotangent; the kernel
    // nodes recorded under it see none.
    for (const o of node.outputs) if (!xs.includes(o)) cot.delete(o.id);
    const dxs = node.vjp(dys, node.inputs.map((inp) => reach.has(inp.id)));
    node.inputs.forEach((inp, k) => {
      const g = dxs[k];
      if (!g || !reach.has(inp.id) && !xs.includes(inp)) return;
      if (!shapesEqual(g.shape, inp.shape)) {
        throw new Error(`internal: gradient of '${node.name}' input ${k} has shape ${fmtShape(g.shape)}, expected ${fmtShape(inp.shape)}`);
      }
      const prev = cot.get(inp.id);
      cot.set(inp.id, prev ? add(prev, g) : g);
    });
  }
  return xs.map((x) => cot.get(x.id) ?? (needed.has(x.id) ? zeros(x.shape, 'float32') : null));
}

function requireGrads(grads: (Tensor | null)[], what: string): Tensor[] {
  return grads.map((g, i) => {
    if (!g) {
      throw new Error(`grad: cannot compute the gradient of y = f(x) w.r.t. ${what}[${i}]: make sure f encloses every op from x to y`);
    }
    return g;
  });
}

/**
 * grad(f)(x, dy?) -> df/dx.
 * @example
 * ```js
 * const dSquare = tf.grad((x) => x.square());
 * dSquare(tf.tensor([3])).print(); // [6]
 * ```
 */
export function grad(f: (x: Tensor) => Tensor): (x: Tensor, dy?: Tensor) => Tensor {
  return (x, dy) => {
    const t = toTensor(x, 'grad', 'x');
    const { value, grads, created } = gradients(() => f(t), [t], dy);
    disposeValue(value, created);
    return requireGrads(grads, 'x')[0];
  };
}

/**
 * grads(f)(args, dy?) -> [df/darg_i].
 * @example
 * ```js
 * const g = tf.grads((a, b) => a.mul(b));
 * const [da, db] = g([tf.tensor([2]), tf.tensor([3])]); // [3] and [2]
 * ```
 */
export function grads(f: (...args: Tensor[]) => Tensor): (args: Tensor[], dy?: Tensor) => Tensor[] {
  return (args, dy) => {
    const ts = args.map((a, i) => toTensor(a, 'grads', `args[${i}]`));
    const { value, grads, created } = gradients(() => f(...ts), ts, dy);
    disposeValue(value, created);
    return requireGrads(grads, 'args');
  };
}

/**
 * Like `grad`, but the returned function gives both `f(x)` and its gradient.
 * @example
 * ```js
 * const { value, grad } = tf.valueAndGrad((x) => x.square())(tf.tensor([3])); // 9 and 6
 * ```
 */
export function valueAndGrad(f: (x: Tensor) => Tensor): (x: Tensor, dy?: Tensor) => { value: Tensor; grad: Tensor } {
  return (x, dy) => {
    const t = toTensor(x, 'valueAndGrad', 'x');
    const { value, grads } = gradients(() => f(t), [t], dy);
    return { value, grad: requireGrads(grads, 'x')[0] };
  };
}

/**
 * Like `grads`, but the returned function gives both `f(...args)` and the gradients.
 * @example
 * ```js
 * const { value, grads } = tf.valueAndGrads((a, b) => a.mul(b))([tf.tensor([2]), tf.tensor([3])]); // 6, [3, 2]
 * ```
 */
export function valueAndGrads(f: (...args: Tensor[]) => Tensor): (args: Tensor[], dy?: Tensor) => { value: Tensor; grads: Tensor[] } {
  return (args, dy) => {
    const ts = args.map((a, i) => toTensor(a, 'valueAndGrads', `args[${i}]`));
    const { value, grads } = gradients(() => f(...ts), ts, dy);
    return { value, grads: requireGrads(grads, 'args') };
  };
}

/**
 * Gradients of a scalar loss f() w.r.t. the given (default: all trainable) variables.
 * Variables that f does not use are left out of `grads`.
 * @example
 * ```js
 * const w = tf.variable(tf.tensor([2]));
 * const { value, grads } = tf.variableGrads(() => w.square().sum()); // grads[w.name] is [4]
 * ```
 */
export function variableGrads(f: () => Tensor, varList?: Variable[]): { value: Tensor; grads: Record<string, Tensor> } {
  const vars = varList ?? [...variableRegistry.values()].filter((v) => v.trainable);
  const { value, grads } = gradients(() => {
    const v = f();
    if (!(v instanceof Tensor) || v.rank !== 0) {
      throw new Error(`variableGrads: f must return a scalar Tensor, got ${v instanceof Tensor ? fmtShape(v.shape) : typeof v}`);
    }
    return v;
  }, vars);
  const out: Record<string, Tensor> = {};
  vars.forEach((v, i) => {
    if (grads[i]) out[v.name] = grads[i]!;
  });
  return { value, grads: out };
}

/**
 * customGrad(f): f(...inputs, save) returns {value, gradFunc(dy, saved)} where gradFunc gives
 * one gradient per input; `save(tensors)` keeps tensors for gradFunc (TF.js semantics).
 * @example
 * ```js
 * const f = tf.customGrad((x, save) => { save([x]); return { value: x.square(), gradFunc: (dy, [x]) => [dy.mul(2).mul(x)] }; });
 * ```
 */
export function customGrad(
  f: (...args: any[]) => { value: Tensor; gradFunc: (dy: Tensor, saved: Tensor[]) => Tensor | Tensor[] },
): (...args: Tensor[]) => Tensor {
  return (...args) => {
    const ts = args.map((a, i) => toTensor(a, 'customGrad', `args[${i}]`));
    let saved: Tensor[] = [];
    const save = (tensors: Tensor[]) => {
      saved = tensors;
    };
    const { value, gradFunc } = ENGINE.noGrad(() => f(...ts, save));
    if (!(value instanceof Tensor)) throw new Error('customGrad: f must return {value: Tensor, gradFunc}');
    ENGINE.record('customGrad', ts, [value], ([dy]) => {
      if (!dy) return ts.map(() => null);
      const g = gradFunc(dy, saved);
      const list = Array.isArray(g) ? g : [g];
      if (list.length !== ts.length) throw new Error(`customGrad: gradFunc returned ${list.length} gradients for ${ts.length} inputs`);
      return list;
    });
    return value;
  };
}
