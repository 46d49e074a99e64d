/**
 * Deep comparison for the ported programs' results: numbers within a relative tolerance (scale
 * max(1, |want|); NaN and Infinity fail unless equal), arrays by length and element, objects by the
 * reference's keys, anything else equal. maxDiff reports the largest scaled difference seen.
 */
import { expect } from 'vitest';

export function maxDiff(got: unknown, want: unknown): number {
  if (typeof want === 'number') return typeof got === 'number' ? Math.abs(got - want) / Math.max(1, Math.abs(want)) : Infinity;
  if (Array.isArray(want)) return Array.isArray(got) ? want.reduce((m: number, w, i) => Math.max(m, maxDiff(got[i], w)), 0) : Infinity;
  if (want && typeof want === 'object') return Object.keys(want).reduce((m, k) => Math.max(m, maxDiff((got as any)?.[k], (want as any)[k])), 0);
  return 0;
}

export function expectNear(got: unknown, want: unknown, tol: number, path = '$'): void {
  if (typeof want === 'number') {
    expect(typeof got, path).toBe('number');
    expect(Number.isFinite(got as number) || got === want, `${path}: ${got} vs ${want}`).toBe(true);
    expect(Math.abs((got as number) - want), `${path}: ${got} vs ${want}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(want)));
  } else if (Array.isArray(want)) {
    expect(Array.isArray(got), path).toBe(true);
    expect((got as unknown[]).length, `${path}.length`).toBe(want.length);
    want.forEach((w, i) => expectNear((got as unknown[])[i], w, tol, `${path}[${i}]`));
  } else if (want && typeof want === 'object') {
    for (const k of Object.keys(want)) expectNear((got as Record<string, unknown>)[k], (want as Record<string, unknown>)[k], tol, `${path}.${k}`);
  } else {
    expect(got, path).toEqual(want);
  }
}

/**
 * The first difference between got and want beyond tol (same rules as expectNear) as a message, or null.
 * Default layer names carry per-library (or per-page) counters, so strings compare without them.
 */
export function mismatch(got: unknown, want: unknown, tol: number, path = '$'): string | null {
  if (typeof want === 'number') {
    const ok = typeof got === 'number' && (got === want || Math.abs(got - want) <= tol * Math.max(1, Math.abs(want)));
    return ok ? null : `${path}: ${String(got)} vs ${want}`;
  }
  if (Array.isArray(want)) {
    if (!Array.isArray(got) || got.length !== want.length) return `${path}: length ${Array.isArray(got) ? got.length : 'n/a'} vs ${want.length}`;
    for (let i = 0; i < want.length; i++) {
      const e = mismatch(got[i], want[i], tol, `${path}[${i}]`);
      if (e) return e;
    }
    return null;
  }
  if (want && typeof want === 'object') {
    for (const k of Object.keys(want)) {
      const e = mismatch((got as Record<string, unknown>)?.[k], (want as Record<string, unknown>)[k], tol, `${path}.${k}`);
      if (e) return e;
    }
    return null;
  }
  if (typeof want === 'string' && typeof got === 'string') {
    const strip = (s: string) => s.replace(/(_[A-Za-z]+)\d+/g, '$1');
    return strip(got) === strip(want) ? null : `${path}: ${got} vs ${want}`;
  }
  return JSON.stringify(got) === JSON.stringify(want) ? null : `${path}: ${JSON.stringify(got)} vs ${JSON.stringify(want)}`;
}
