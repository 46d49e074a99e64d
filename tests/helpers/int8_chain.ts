/**
 * Shared helpers of the int8 chain tests (quantization_chain, quantization_chain_avg): the layers'
 * chain state, clearing it (the float-between-layers path), the int8 kernels of a predict plan, and
 * a deterministic random tensor.
 */
import { expect } from 'vitest';
import * as tf from '../../src/index.js';

type Links = { int8Input: boolean; int8Output: { scale: number; zeroPoint: number } | null };
export const linksOf = (l: tf.layers.Layer) => (l as unknown as { int8Links?: Links }).int8Links;

/** The layers' int8 chain state: 'in' takes packed int8, 'out' writes it, '-' neither (non-int8 layers: ''). */
export function chainSummary(model: tf.LayersModel): string[] {
  return model.layers.filter((l) => l.getClassName() !== 'InputLayer').map((l) => {
    const k = linksOf(l);
    if (!k) return '';
    return [k.int8Input ? 'in' : '', k.int8Output ? 'out' : ''].filter(Boolean).join('+') || '-';
  });
}

/** Clears the chain links: the layers then run the float-between-layers path (quantize in each consumer). */
export function unchain(model: tf.LayersModel): void {
  for (const l of model.layers) {
    const k = linksOf(l);
    if (k) {
      k.int8Input = false;
      k.int8Output = null;
    }
  }
}

/** The int8 and quantize kernels of the model's predict plan, in order. */
export function int8Kernels(model: tf.LayersModel, x: tf.Tensor): string[] {
  const plan = tf.debug.plan(model as never, x);
  expect(plan.reason).toBeNull();
  return plan.plan!.steps.map((s) => s.kernel as string).filter((k) => /int8|quantize/i.test(k));
}

export async function values(t: tf.Tensor | tf.Tensor[]): Promise<number[]> {
  return Array.from(await (t as tf.Tensor).data());
}

/** A deterministic generator of floats in [-1, 1) (times scale). */
export function randomTensor(shape: number[], seed: number, scale = 1): tf.Tensor {
  let s = seed >>> 0;
  const r = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 31) - 1;
  return tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => r() * scale), shape);
}
