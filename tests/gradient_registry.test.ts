/**
 * The gradient registry of non-elementwise ops (src/ops/gradients.ts): matMul, the conv trios and
 * the fused matMul / conv2d / depthwiseConv2d are registered once each, and a fused op's one
 * gradient (activation derivative, then the plain op's registered gradient, then the bias sum)
 * matches TF.js cpu's gradients of the same fused call (within 1e-4 relative) on js and wasm.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tfc from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as ts from '../src/index.js';
import { registeredGradients, registerGradient } from '../src/ops/gradients.js';
import { seededValues } from './helpers/gradcheck.js';

beforeAll(async () => {
  await tfc.setBackend('cpu');
});

interface Case { name: string; shapes: number[][]; f: (tf: any, ...xs: any[]) => any }

const cases: Case[] = [
  { name: 'fused.matMul + bias + relu', shapes: [[3, 5], [5, 4], [4]], f: (tf, a, b, bias) => tf.fused.matMul({ a, b, bias, activation: 'relu' }) },
  { name: 'fused.matMul transposeA/B + bias + elu', shapes: [[5, 3], [4, 5], [4]], f: (tf, a, b, bias) => tf.fused.matMul({ a, b, transposeA: true, transposeB: true, bias, activation: 'elu' }) },
  { name: 'fused.matMul batched, linear', shapes: [[2, 3, 5], [2, 5, 4]], f: (tf, a, b) => tf.fused.matMul({ a, b }) },
  { name: 'fused.conv2d + bias + relu', shapes: [[2, 5, 5, 3], [3, 3, 3, 4], [4]], f: (tf, x, filter, bias) => tf.fused.conv2d({ x, filter, strides: 1, pad: 'same', bias, activation: 'relu' }) },
  { name: 'fused.depthwiseConv2d + bias + sigmoid', shapes: [[1, 6, 6, 2], [3, 3, 2, 2], [4]], f: (tf, x, filter, bias) => tf.fused.depthwiseConv2d({ x, filter, strides: 2, pad: 'valid', bias, activation: 'sigmoid' }) },
];

function gradsOf(lib: any, c: Case, values: number[][], w: number[]): number[][] {
  return lib.tidy(() => {
    const xs = values.map((v, i) => lib.tensor(v, c.shapes[i]));
    const probe = c.f(lib, ...xs);
    const wT = lib.tensor(w.slice(0, probe.size), probe.shape);
    const gs = lib.grads((...args: any[]) => lib.sum(lib.mul(c.f(lib, ...args), wT)))(xs);
    return gs.map((g: any) => Array.from(g.dataSync() as Float32Array));
  });
}

describe('gradient registry', () => {
  it('holds one gradient per non-elementwise op it serves, and refuses a second', () => {
    const names = registeredGradients();
    for (const n of ['matMul', 'fusedMatMul', 'conv2d', 'conv2dBackpropInput', 'conv2dBackpropFilter', 'depthwiseConv2d', 'fusedConv2d', 'fusedDepthwiseConv2d']) {
      expect(names, n).toContain(n);
    }
    expect(new Set(names).size).toBe(names.length);
    expect(() => registerGradient('matMul', () => [])).toThrow(/'matMul' already has a gradient/);
  });

  for (const backend of ['js', 'wasm'] as const) {
    it.each(cases.map((c) => [c.name, c] as const))(`%s on ${backend}: the fused op's gradient matches TF.js cpu`, async (_, c) => {
      await ts.setBackend(backend);
      const values = c.shapes.map((s, i) => seededValues(s.reduce((a, b) => a * b, 1), 11 + i));
      const w = seededValues(4096, 99);
      const want = gradsOf(tfc, c, values, w);
      const got = gradsOf(ts, c, values, w);
      expect(got.length).toBe(want.length);
      got.forEach((g, i) => {
        expect(g.length).toBe(want[i].length);
        g.forEach((v, k) => {
          if (!(Math.abs(v - want[i][k]) <= 1e-4 * Math.max(1, Math.abs(want[i][k])))) expect.fail(`input ${i}[${k}]: ${v} vs ${want[i][k]}`);
        });
      });
    });
  }
});
