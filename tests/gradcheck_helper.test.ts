/**
 * The gradient checkers' own rule (tests/helpers/gradcheck.ts gradMatches): NaN or infinite
 * gradients never pass, and small gradients are held to an absolute floor, so a vjp returning 0
 * where the true gradient is 1e-3 is caught (the old rule divided by max(1, |numeric|) and let
 * both through).
 */
import { describe, expect, it } from 'vitest';
import { gradMatches } from './helpers/gradcheck.js';

describe('gradMatches', () => {
  it('NaN and infinities fail', () => {
    expect(gradMatches(NaN, 1, 2e-2, 2e-3)).toBe(false);
    expect(gradMatches(1, NaN, 2e-2, 2e-3)).toBe(false);
    expect(gradMatches(NaN, NaN, 2e-2, 2e-3)).toBe(false);
    expect(gradMatches(Infinity, Infinity, 2e-2, 2e-3)).toBe(false);
  });
  it('small gradients are checked absolutely', () => {
    expect(gradMatches(0, 1e-2, 2e-2, 2e-3)).toBe(false); // was accepted: |0 - 0.01| / max(1, 0.01) = 0.01 < 0.02
    expect(gradMatches(1.1e-3, 1e-3, 2e-2, 2e-3)).toBe(true);
  });
  it('large gradients are checked relatively', () => {
    expect(gradMatches(101, 100, 2e-2, 2e-3)).toBe(true); // 1 <= 0.002 + 2
    expect(gradMatches(104, 100, 2e-2, 2e-3)).toBe(false);
  });
});
