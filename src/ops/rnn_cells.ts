/**
 * TF.js's core RNN cell ops: basicLSTMCell (one step of a basic LSTM with the gates packed as [i, j, f, o])
 * and multiRNNCell (a stack of such cells). Composed from matMul, slices and elementwise ops, so they run on
 * every backend and differentiate through their parts.
 */
import type { Tensor } from '../tensor.js';
import { add, mul } from './binary.js';
import { concat, slice } from './layout.js';
import { matMul } from './matmul.js';
import { op, toTensor, type Input } from './operand.js';
import { sigmoid, tanh } from './unary.js';

/**
 * One step: z = [data, h] · lstmKernel + lstmBias, split into input gate i, candidate j, forget gate f and
 * output gate o; newC = σ(i)·tanh(j) + c·σ(f + forgetBias), newH = tanh(newC)·σ(o). Returns [newC, newH].
 * @example
 * ```js
 * const [c, h] = tf.basicLSTMCell(tf.scalar(1), kernel, bias, data, cPrev, hPrev);
 * ```
 */
export const basicLSTMCell = op('basicLSTMCell', function basicLSTMCell(
  forgetBias: Input, lstmKernel: Input, lstmBias: Input, data: Input, c: Input, h: Input,
): [Tensor, Tensor] {
  const name = 'basicLSTMCell';
  const fb = toTensor(forgetBias, name, 'forgetBias');
  const kernel = toTensor(lstmKernel, name, 'lstmKernel');
  const bias = toTensor(lstmBias, name, 'lstmBias');
  const x = toTensor(data, name, 'data');
  const cPrev = toTensor(c, name, 'c');
  const hPrev = toTensor(h, name, 'h');
  const z = add(matMul(concat([x, hPrev], 1), kernel), bias);
  const [batch, width] = z.shape;
  if (width % 4 !== 0) throw new Error(`basicLSTMCell: lstmKernel gives ${width} columns, which must split into 4 gates`);
  const units = width / 4;
  const gate = (k: number) => slice(z, [0, k * units], [batch, units]);
  const [i, j, f, o] = [gate(0), gate(1), gate(2), gate(3)];
  const newC = add(mul(sigmoid(i), tanh(j)), mul(cPrev, sigmoid(add(fb, f))));
  const newH = mul(tanh(newC), sigmoid(o));
  return [newC, newH];
});

export type LSTMCellFunc = (data: Tensor, c: Tensor, h: Tensor) => [Tensor, Tensor];

/**
 * Runs the cells in order, each on the previous cell's output; returns [every new c, every new h].
 * @example
 * ```js
 * const [cs, hs] = tf.multiRNNCell([cell1, cell2], data, [c1, c2], [h1, h2]);
 * ```
 */
export const multiRNNCell = op('multiRNNCell', function multiRNNCell(lstmCells: LSTMCellFunc[], data: Input, c: Input[], h: Input[]): [Tensor[], Tensor[]] {
  const name = 'multiRNNCell';
  let input = toTensor(data, name, 'data');
  const cs = c.map((t, k) => toTensor(t, name, `c[${k}]`));
  const hs = h.map((t, k) => toTensor(t, name, `h[${k}]`));
  if (cs.length !== lstmCells.length || hs.length !== lstmCells.length) {
    throw new Error(`multiRNNCell: ${lstmCells.length} cells need as many c and h states, got ${cs.length} and ${hs.length}`);
  }
  const newC: Tensor[] = [];
  const newH: Tensor[] = [];
  lstmCells.forEach((cell, k) => {
    const [ck, hk] = cell(input, cs[k], hs[k]);
    newC.push(ck);
    newH.push(hk);
    input = hk;
  });
  return [newC, newH];
});
