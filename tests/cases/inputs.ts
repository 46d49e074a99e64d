/**
 * Deterministic input generation for the case tables: a tiny seeded PRNG (mulberry32 over an
 * FNV-1a hash of the row name and input index), independent of the library's own random ops,
 * and the value recipes for each input kind.
 */
import type { DTypeName, InputSpec } from './types.js';

export function hashSeed(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
  return h;
}

/** mulberry32: uniform floats in [0, 1). */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SPECIALS = [NaN, Infinity, -Infinity, 0, -0, 1e30, -1e30];

export function specDtype(spec: InputSpec): DTypeName {
  if (spec.dtype) return spec.dtype;
  if (spec.kind === 'int') return 'int32';
  if (spec.kind === 'bool') return 'bool';
  return 'float32';
}

/** The values of one input, row-major, as float32-representable numbers. */
export function generateValues(spec: InputSpec, seedText: string): number[] {
  const n = spec.shape.reduce((a, b) => a * b, 1);
  if (spec.values) {
    if (spec.values.length !== n) throw new Error(`case input: ${spec.values.length} values for shape [${spec.shape}]`);
    return spec.values.slice();
  }
  const rand = prng(hashSeed(seedText));
  const normal = () => {
    const u = 1 - rand();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
  };
  const kind = spec.kind ?? (spec.dtype === 'int32' ? 'int' : spec.dtype === 'bool' ? 'bool' : 'normal');
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    switch (kind) {
      case 'normal': out[i] = normal(); break;
      case 'positive': out[i] = 0.1 + 2.9 * rand(); break;
      case 'int': out[i] = Math.floor(rand() * 11) - 5; break;
      case 'bool': out[i] = rand() < 0.5 ? 0 : 1; break;
      case 'special': out[i] = rand() < 0.4 ? SPECIALS[Math.floor(rand() * SPECIALS.length)] : normal(); break;
      case 'logits1000': out[i] = rand() < 0.3 ? (rand() < 0.5 ? -1000 : 1000) : normal() * 10; break;
    }
  }
  return out.map((v) => Math.fround(v));
}
