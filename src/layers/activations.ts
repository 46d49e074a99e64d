/**
 * Layer activations by name (TF.js/Keras names; snake_case accepted): linear, relu, relu6,
 * elu, selu, gelu, sigmoid, hardSigmoid, tanh, softmax, softplus, softsign, swish, mish.
 * `fusedActivationCode` maps the ones the matMul/conv epilogue can run in-kernel.
 */
import { Activation } from '../backends/kernels.js';
import type { Tensor } from '../tensor.js';
import * as u from '../ops/unary.js';
import { softmax } from '../ops/softmax.js';

export type ActivationIdentifier =
  | 'linear' | 'relu' | 'relu6' | 'elu' | 'selu' | 'gelu' | 'sigmoid' | 'hardSigmoid' | 'tanh' | 'softmax'
  | 'softplus' | 'softsign' | 'swish' | 'mish' | string;

const FNS: Record<string, (x: Tensor) => Tensor> = {
  linear: (x) => x,
  relu: u.relu,
  relu6: u.relu6,
  elu: u.elu,
  selu: u.selu,
  gelu: u.gelu,
  sigmoid: u.sigmoid,
  hardsigmoid: u.hardSigmoid,
  tanh: u.tanh,
  softmax: (x) => softmax(x),
  softplus: u.softplus,
  softsign: u.softsign,
  swish: u.swish,
  silu: u.swish,
  mish: u.mish,
};
/** Canonical (TF.js) spelling used when serializing. */
const CANONICAL: Record<string, string> = { hardsigmoid: 'hardSigmoid', silu: 'swish' };

function key(name: string): string {
  return name.replace(/_/g, '').toLowerCase();
}

export function getActivation(name: ActivationIdentifier | null | undefined): (x: Tensor) => Tensor {
  const f = FNS[key(name ?? 'linear')];
  if (!f) throw new Error(`activation: unknown activation '${name}'; known: ${Object.keys(FNS).join(', ')}`);
  return f;
}
export function canonicalActivation(name: ActivationIdentifier | null | undefined): string {
  const k = key(name ?? 'linear');
  getActivation(k);
  return CANONICAL[k] ?? k;
}
/**
 * The in-kernel epilogue code for an activation whose derivative its output determines (so the
 * fused op can differentiate), or null when it must run as a separate op.
 */
export function fusedActivationCode(name: ActivationIdentifier | null | undefined): number | null {
  const k = key(name ?? 'linear');
  const map: Record<string, number> = {
    linear: Activation.linear, relu: Activation.relu, relu6: Activation.relu6, elu: Activation.elu,
    sigmoid: Activation.sigmoid, tanh: Activation.tanh,
  };
  return k in map ? map[k] : null;
}
