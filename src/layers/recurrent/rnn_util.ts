/**
 * Helpers of the recurrent and attention layers: `unstackTime` and `splitLast` (slices whose
 * backward pass is one concat / stack, so backprop through time stays linear in the sequence
 * length), `dropoutMask` (inverted-dropout constant) and `composite` (scope handling for a
 * multi-op forward).
 */
import { scoped } from '../../ops/operand.js';
import { ENGINE } from '../../engine.js';
import type { Tensor } from '../../tensor.js';
import { mul, sub } from '../../ops/binary.js';
import { randomUniform, zeros } from '../../ops/creation.js';
import { concat, reshape, slice, stack } from '../../ops/layout.js';
import { step } from '../../ops/unary.js';

/**
 * Split x along axis 0 into x.shape[0] tensors of shape x.shape.slice(1). The backward pass
 * stacks the cotangents (zeros where absent) instead of padding each slice to full size.
 */
export function unstackTime(x: Tensor): Tensor[] {
  const n = x.shape[0];
  const rest = x.shape.slice(1);
  const parts = ENGINE.noGrad(() => {
    const out: Tensor[] = [];
    for (let t = 0; t < n; t++) {
      const s = slice(x, [t, ...rest.map(() => 0)], [1, ...rest]);
      out.push(reshape(s, rest));
      s.dispose();
    }
    return out;
  });
  ENGINE.record('unstackTime', [x], parts, (dys) => [stack(dys.map((d) => d ?? zeros(rest)), 0)]);
  return parts;
}

/** Split x along its last axis into pieces of the given sizes; backward concatenates. */
export function splitLast(x: Tensor, sizes: number[]): Tensor[] {
  const lead = x.shape.slice(0, -1);
  const parts = ENGINE.noGrad(() => {
    const out: Tensor[] = [];
    let start = 0;
    for (const s of sizes) {
      out.push(slice(x, [...lead.map(() => 0), start], [...lead, s]));
      start += s;
    }
    return out;
  });
  ENGINE.record('splitLast', [x], parts, (dys) => [concat(dys.map((d, i) => d ?? zeros([...lead, sizes[i]])), -1)]);
  return parts;
}

/** Run a layer's forward freeing its intermediates unless a gradient is taped (see ops `scoped`). */
export const composite = scoped;

/** Inverted-dropout mask (kept / (1 - rate), dropped 0) of the given shape; a constant. */
export function dropoutMask(shape: number[], rate: number): Tensor {
  return ENGINE.noGrad(() => composite(() => mul(step(sub(randomUniform(shape, 0, 1), rate)), 1 / (1 - rate))));
}
