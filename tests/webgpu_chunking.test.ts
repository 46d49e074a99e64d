// The binding planner of the webgpu backend (src/backends/webgpu/chunking.ts), in Node: every
// chunk plan must tile the iteration space exactly once, keep each bound range inside the limit,
// aligned, and covering the elements the chunk really touches (checked by enumerating them),
// keep split points on the requested quantum, and order K-like pieces ascending. The kernels
// that use it are checked against the js reference in tests/browser/webgpu_chunking.test.ts.
import { describe, expect, it } from 'vitest';
import { MAX_CHUNKS, planChunks, stridedFootprint, type Chunk, type Footprint } from '../src/backends/webgpu/chunking.js';

const lim = { maxBindingBytes: 1024, bindingAlignment: 256 };

/** Every point of the box, row-major. */
function* points(start: number[], extent: number[]): Generator<number[]> {
  const c = start.slice();
  const total = extent.reduce((a, b) => a * b, 1);
  for (let n = 0; n < total; n++) {
    yield c.slice();
    for (let d = c.length - 1; d >= 0; d--) {
      if (++c[d] < start[d] + extent[d]) break;
      c[d] = start[d];
    }
  }
}

/** Check a plan against index functions (the truth the footprints approximate). */
function checkPlan(shape: number[], sizes: number[], index: Array<(c: number[]) => number>, chunks: Chunk[], quantum: number[] = []) {
  const seen = new Map<string, number>();
  const misses: string[] = [];
  for (const ch of chunks) {
    ch.start.forEach((s, d) => expect(s % (quantum[d] ?? 1)).toBe(0));
    for (const p of points(ch.start, ch.extent)) {
      const key = p.join(',');
      seen.set(key, (seen.get(key) ?? 0) + 1);
      index.forEach((f, i) => {
        const r = ch.ranges[i];
        if (r === 'whole') return;
        const at = f(p);
        if (!r || at < r.first || at >= r.first + r.count) misses.push(`tensor ${i} element ${at} at [${p}] outside ${JSON.stringify(r)}`);
      });
    }
    ch.ranges.forEach((r, i) => {
      if (r === 'whole') { expect(sizes[i] * 4).toBeLessThanOrEqual(lim.maxBindingBytes); return; }
      if (!r) return;
      expect((r.first * 4) % lim.bindingAlignment).toBe(0);
      expect(r.count % 4).toBe(0);
      expect(r.count * 4).toBeLessThanOrEqual(lim.maxBindingBytes);
      expect(r.first + r.count).toBeLessThanOrEqual(Math.ceil(sizes[i] / 4) * 4);
    });
  }
  expect(misses.slice(0, 3)).toEqual([]);
  const total = shape.reduce((a, b) => a * b, 1);
  expect(seen.size).toBe(total);
  expect([...seen.values()].every((n) => n === 1)).toBe(true);
}

const dot = (strides: number[], offset = 0) => (c: number[]) => strides.reduce((s, v, d) => s + v * c[d], offset);

describe('planChunks', () => {
  it('a transpose [37, 53] -> [53, 37] tiles into blocks that fit both source and output', () => {
    const shape = [53, 37];
    const fps: Footprint[] = [stridedFootprint(0, [1, 53]), stridedFootprint(0, [37, 1])];
    const chunks = planChunks('t', shape, [1961, 1961], fps, lim);
    checkPlan(shape, [1961, 1961], [dot([1, 53]), dot([37, 1])], chunks);
    // A 256-element binding with up to 63 elements of alignment slack: a tile [e0, e1] needs
    // (e1 - 1) * 53 + e0 <= 193 source and (e0 - 1) * 37 + e1 <= 193 output elements, so e1 <= 4
    // and e0 <= 6: no fewer than 1961 / 24 = 82 tiles; a single output row would not fit at all.
    expect(chunks.length).toBeGreaterThanOrEqual(82);
    expect(chunks.length).toBeLessThanOrEqual(2 * 82);
    expect(chunks.some((c) => c.extent[0] > 1 && c.extent[1] > 1)).toBe(true);
  });

  it('reverse (negative strides) and tile (mod dims) footprints cover what the copy reads', () => {
    const rev = [-41, -1], off = 30 * 41 - 1;
    checkPlan([30, 41], [1230, 1230], [dot(rev, off), dot([41, 1])],
      planChunks('r', [30, 41], [1230, 1230], [stridedFootprint(off, rev), stridedFootprint(0, [41, 1])], lim));
    const mods = [20, 30];
    const tileIndex = (c: number[]) => (c[0] % 20) * 30 + (c[1] % 30);
    checkPlan([40, 60], [600, 2400], [tileIndex, dot([60, 1])],
      planChunks('tile', [40, 60], [600, 2400], [stridedFootprint(0, [30, 1], mods), stridedFootprint(0, [60, 1])], lim));
  });

  it('matMul space [batch, M, N, K]: B [K, N] too big for any column block splits K, pieces of one output block ascend in K', () => {
    const [batch, M, N, K] = [2, 3, 5, 700];
    const shape = [batch, M, N, K];
    const aS = [M * K, K, 0, 1], bS = [K * N, 0, 1, N], oS = [M * N, N, 1, 0];
    const sizes = [batch * M * K, batch * K * N, batch * M * N];
    const chunks = planChunks('mm', shape, sizes, [aS, bS, oS].map((s) => stridedFootprint(0, s)), lim);
    checkPlan(shape, sizes, [dot(aS), dot(bS), dot(oS)], chunks);
    // for each output element, the K ranges of the chunks covering it are disjoint and in order
    const last = new Map<string, number>();
    for (const ch of chunks) {
      for (const p of points(ch.start.slice(0, 3), ch.extent.slice(0, 3))) {
        const key = p.join(',');
        if (ch.start[3] !== (last.get(key) ?? 0)) throw new Error(`K block at ${ch.start[3]} out of order for [${p}]`);
        last.set(key, ch.start[3] + ch.extent[3]);
      }
    }
    expect([...last.values()].every((k) => k === K)).toBe(true);
  });

  it('split points respect the quantum; tensors that fit are bound whole; a footprint-free tensor is unbound', () => {
    const chunks = planChunks('q', [3001], [3001, 1, 3001], [stridedFootprint(0, [1]), () => null, stridedFootprint(0, [1])], lim, [4]);
    checkPlan([3001], [3001, 1, 3001], [dot([1]), () => 0, dot([1])], chunks, [4]);
    expect(chunks.every((c) => c.ranges[1] === 'whole')).toBe(true);
    const none = planChunks('n', [600], [600, 600], [() => null, stridedFootprint(0, [1])], lim);
    expect(none.every((c) => c.ranges[0] === null)).toBe(true);
  });

  it('an empty space plans nothing; an impossible plan throws naming the kernel and the limit', () => {
    expect(planChunks('e', [0, 5], [0], [stridedFootprint(0, [5, 1])], lim)).toEqual([]);
    // alignment 256 bytes but a 64-byte limit: not even one element's aligned range fits
    expect(() => planChunks('copyStrided [100] -> [100]', [100], [100, 100], [stridedFootprint(0, [1]), stridedFootprint(0, [1])],
      { maxBindingBytes: 64, bindingAlignment: 256 })).toThrow(
      "webgpu: copyStrided [100] -> [100]: a tensor of 100 elements (400 bytes) is more than this device's maxStorageBufferBindingSize " +
      '(64 bytes) for one binding, and no split of it fits one binding at this offset alignment; split the tensor or use the wasm backend',
    );
    // elements 2^20 apart in a huge tensor: only single elements fit, and 2^17 of them exceed MAX_CHUNKS
    expect(MAX_CHUNKS).toBe(1 << 16);
    expect(() => planChunks('big', [1 << 17], [2 ** 37], [stridedFootprint(0, [1 << 20])], lim)).toThrow(/more than 65536 dispatches/);
  });
});
