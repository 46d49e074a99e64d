/**
 * einsum (TF.js name and limits: one or two inputs, one arrow, no repeated label within an
 * input). Lowered to sum / transpose / reshape and one batched matMul, so every backend runs it
 * with existing kernels and the gradient comes from those ops.
 */
import type { Tensor } from '../tensor.js';
import { fmtShape, sizeOf } from '../util.js';
import { toTensor, type Input, op } from './operand.js';
import { reshape, transpose } from './layout.js';
import { sum } from './reduce.js';
import { matMul } from './matmul.js';
import { mul } from './binary.js';

interface Parsed {
  inputs: string[][];
  output: string[];
}

function parseEquation(equation: string, numTensors: number): Parsed {
  if (typeof equation !== 'string') throw new Error(`einsum: equation must be a string, got ${typeof equation}`);
  const eq = equation.replace(/\s/g, '');
  const arrows = eq.split('->').length - 1;
  if (arrows === 0) throw new Error('Equations without an arrow are not supported.');
  if (arrows > 1) throw new Error('Equation must contain exactly one arrow ("->").');
  const [lhs, rhs] = eq.split('->');
  const terms = lhs.split(',');
  if (terms.length !== numTensors) throw new Error(`Expected ${terms.length} input tensors, received ${numTensors}`);
  if (terms.length > 2) throw new Error('Support for more than 2 input tensors is not implemented yet.');
  const inputs = terms.map((t) => [...t]);
  const output = [...rhs];
  for (const l of [...inputs.flat(), ...output]) {
    if (!/[a-zA-Z]/.test(l)) throw new Error(`einsum: invalid subscript '${l}' in '${equation}' (only letters; no ellipsis)`);
  }
  for (const l of output) {
    if (!inputs.some((t) => t.includes(l))) throw new Error(`Output subscripts contain the label ${l} not present in the input subscripts.`);
  }
  if (new Set(output).size !== output.length) throw new Error(`einsum: output subscripts '${rhs}' repeat a label`);
  for (let i = 0; i < inputs.length; i++) {
    if (new Set(inputs[i]).size !== inputs[i].length) {
      throw new Error(`Found duplicate axes in input component ${terms[i]}. Support for duplicate axes in input is not implemented yet.`);
    }
  }
  return { inputs, output };
}

/** Sum away the labels of `t` that are in neither `keep` list; returns the tensor and its labels. */
function sumOut(t: Tensor, labels: string[], keep: (l: string) => boolean): { t: Tensor; labels: string[] } {
  const axes = labels.map((l, i) => (keep(l) ? -1 : i)).filter((i) => i >= 0);
  if (axes.length === 0) return { t, labels };
  return { t: sum(t, axes), labels: labels.filter((l) => keep(l)) };
}

/** Transpose `t` from `from` label order into `to` order (both hold the same labels). */
function permute(t: Tensor, from: string[], to: string[]): Tensor {
  const perm = to.map((l) => from.indexOf(l));
  return perm.every((p, i) => p === i) ? t : transpose(t, perm);
}

/**
 * Einstein summation over the tensors, e.g. 'ij,jk->ik' for a matrix product.
 * @example
 * ```js
 * tf.einsum('ij,jk->ik', tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]])).print(); // [[11]]
 * ```
 */
export const einsum = op('einsum', function einsum(equation: string, ...tensors: Input[]): Tensor {
  const ts = tensors.map((x, i) => toTensor(x, 'einsum', `tensors[${i}]`));
  const { inputs, output } = parseEquation(equation, ts.length);
  const dims = new Map<string, number>();
  ts.forEach((t, k) => {
    if (t.rank !== inputs[k].length) {
      throw new Error(`einsum: input ${k} has shape ${fmtShape(t.shape)} but its subscripts '${inputs[k].join('')}' name ${inputs[k].length} axes`);
    }
    inputs[k].forEach((l, j) => {
      const d = dims.get(l);
      if (d !== undefined && d !== t.shape[j]) {
        throw new Error(`Expected dimension ${d} at axis ${j} of input shaped ${JSON.stringify(t.shape)}, but got dimension ${t.shape[j]}`);
      }
      dims.set(l, t.shape[j]);
    });
  });
  const outShape = output.map((l) => dims.get(l)!);
  if (ts.length === 1) {
    const a = sumOut(ts[0], inputs[0], (l) => output.includes(l));
    return permute(a.t, a.labels, output);
  }
  const [la, lb] = inputs;
  // Labels only one side has and the output lacks are summed first.
  const a = sumOut(ts[0], la, (l) => output.includes(l) || lb.includes(l));
  const b = sumOut(ts[1], lb, (l) => output.includes(l) || la.includes(l));
  const batch = a.labels.filter((l) => b.labels.includes(l) && output.includes(l));
  const contract = a.labels.filter((l) => b.labels.includes(l) && !output.includes(l));
  const aFree = a.labels.filter((l) => !b.labels.includes(l));
  const bFree = b.labels.filter((l) => !a.labels.includes(l));
  const size = (ls: string[]) => sizeOf(ls.map((l) => dims.get(l)!));
  let y: Tensor;
  if (contract.length === 0 && (aFree.length === 0 || bFree.length === 0)) {
    // Pure elementwise product with broadcasting over the free side.
    const order = [...batch, ...aFree, ...bFree];
    const ea = reshape(permute(a.t, a.labels, [...batch, ...aFree]), order.map((l) => (a.labels.includes(l) ? dims.get(l)! : 1)));
    const eb = reshape(permute(b.t, b.labels, [...batch, ...bFree]), order.map((l) => (b.labels.includes(l) ? dims.get(l)! : 1)));
    y = mul(ea, eb);
    return permute(reshape(y, order.map((l) => dims.get(l)!)), order, output);
  }
  const A = reshape(permute(a.t, a.labels, [...batch, ...aFree, ...contract]), [size(batch), size(aFree), size(contract)]);
  const B = reshape(permute(b.t, b.labels, [...batch, ...contract, ...bFree]), [size(batch), size(contract), size(bFree)]);
  y = matMul(A, B);
  const order = [...batch, ...aFree, ...bFree];
  const shaped = reshape(y, order.map((l) => dims.get(l)!));
  const out = permute(shaped, order, output);
  return out.rank === outShape.length ? out : reshape(out, outShape);
});
