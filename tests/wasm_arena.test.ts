/**
 * The wasm arena: free neighbours coalesce, large free blocks split, a block freed at the top
 * goes back to the untouched region (reserved bytes drop), pointers are unsigned, the maximum
 * is a clear error, and kernel scratch comes from one reusable workspace. Under the public API:
 * a 32 MiB -> 1 MiB ladder of single tensors and matMuls of varying batch size keep the reserved
 * bytes below 2x the peak in use (the old size-class arena reserved 205 MiB, 6.4x, on the ladder).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as ts from '../src/index.js';
import { Arena, Workspace } from '../src/backends/wasm/arena.js';

const MiB = 2 ** 20;
const newArena = (maxBytes?: number) => new Arena(new WebAssembly.Memory({ initial: 1 }), 64, maxBytes);
type WasmInfo = { arenaBytes: number; arenaReserved: number; arenaInUse: number; arenaPeakInUse: number; pooledBytes: number; workspaceBytes: number };
const wasmInfo = () => (ts.memory().backends as unknown as Record<string, WasmInfo>).wasm;

describe('wasm arena under the public API', () => {
  beforeAll(async () => {
    expect(await ts.setBackend('wasm')).toBe(true);
  });

  // Runs first, so the peak in use is its own (the ladder's 32 MiB would make the check trivial).
  it('matMul with varying batch sizes reuses its scratch: reserved stays below 2x the peak in use', () => {
    const w = ts.randomUniform([1024, 128], -1, 1, 'float32', 3);
    const sizes = [1, 200, 7, 512, 33, 300, 2, 450, 64, 129, 511, 16];
    for (let rep = 0; rep < 3; rep++) {
      for (const batch of sizes) {
        const y = ts.tidy(() => ts.sum(ts.matMul(ts.ones([batch, 1024]), w)));
        y.dispose();
      }
    }
    // A value check against a hand-worked product: ones [2, 3] x [[1, 2], [3, 4], [5, 6]] = [[9, 12], [9, 12]].
    const p = ts.matMul(ts.ones([2, 3]), ts.tensor([[1, 2], [3, 4], [5, 6]]));
    expect(Array.from(p.dataSync())).toEqual([9, 12, 9, 12]);
    p.dispose();
    w.dispose();
    const m = wasmInfo();
    console.log(`[arena] varying matMul: reserved ${(m.arenaReserved / MiB).toFixed(2)} MiB, peak in use ${(m.arenaPeakInUse / MiB).toFixed(2)} MiB, workspace ${(m.workspaceBytes / MiB).toFixed(2)} MiB`);
    expect(m.arenaReserved).toBeLessThan(2 * m.arenaPeakInUse);
  });

  it('32 MiB -> 1 MiB ladder, one tensor at a time: reserved stays below 2x the peak in use', () => {
    const start = wasmInfo();
    for (let mb = 32; mb >= 1; mb--) {
      const t = ts.fill([mb * MiB / 4], mb);
      expect(t.dataSync()[mb * MiB / 4 - 1]).toBe(mb);
      t.dispose();
    }
    const m = wasmInfo();
    console.log(`[arena] ladder: reserved ${(m.arenaReserved / MiB).toFixed(1)} MiB, peak in use ${(m.arenaPeakInUse / MiB).toFixed(1)} MiB, buffer ${(m.arenaBytes / MiB).toFixed(1)} MiB`);
    expect(m.arenaPeakInUse).toBeGreaterThanOrEqual(32 * MiB);
    expect(m.arenaReserved).toBeLessThan(2 * m.arenaPeakInUse);
    // Everything freed went back: only what was live before the ladder (plus the workspace) is in use.
    expect(m.arenaInUse).toBeLessThanOrEqual(start.arenaInUse + m.workspaceBytes);
    // The buffer cannot shrink, and it is reported as it is.
    expect(m.arenaBytes).toBeGreaterThanOrEqual(m.arenaReserved);
  });
});

describe('Arena', () => {
  it('coalesces free neighbours and returns the top block', () => {
    const a = newArena();
    const base = a.stats().arenaReserved;
    const x = a.alloc(1000), y = a.alloc(2000), z = a.alloc(3000), guard = a.alloc(16);
    a.release(x.ptr, x.bytes);
    a.release(z.ptr, z.bytes);
    expect(a.stats().pooledBytes).toBe(x.bytes + z.bytes);
    a.release(y.ptr, y.bytes); // merges x, y and z into one block
    expect(a.stats().pooledBytes).toBe(x.bytes + y.bytes + z.bytes);
    const big = a.alloc(x.bytes + y.bytes + z.bytes); // fits only the merged block
    expect(big.ptr).toBe(x.ptr);
    expect(a.stats().pooledBytes).toBe(0);
    a.release(guard.ptr, guard.bytes);
    a.release(big.ptr, big.bytes); // now everything is at the top: reserved drops back
    expect(a.stats().arenaReserved).toBe(base);
    expect(a.stats().pooledBytes).toBe(0);
    expect(a.stats().arenaInUse).toBe(0);
  });

  it('splits a large free block and reuses it for any smaller size', () => {
    const a = newArena();
    const big = a.alloc(64 * 1024), guard = a.alloc(16);
    const reserved = a.stats().arenaReserved;
    a.release(big.ptr, big.bytes);
    const p1 = a.alloc(1000), p2 = a.alloc(5000), p3 = a.alloc(30000);
    expect([p1.ptr, p2.ptr, p3.ptr].every((p) => p >= big.ptr && p < big.ptr + big.bytes)).toBe(true);
    expect(a.stats().arenaReserved).toBe(reserved);
    expect(p1.ptr % 16 + p2.ptr % 16 + p3.ptr % 16).toBe(0);
    a.release(guard.ptr, guard.bytes);
  });

  it('a freed region keeps its data elsewhere intact (no overlap between live blocks)', () => {
    const a = newArena();
    const blocks = [100, 37, 5000, 16, 999, 4096].map((n) => a.alloc(n * 4));
    blocks.forEach((b, i) => a.f32.fill(i + 1, b.ptr >>> 2, (b.ptr + b.bytes) >>> 2));
    a.release(blocks[1].ptr, blocks[1].bytes);
    a.release(blocks[3].ptr, blocks[3].bytes);
    const c = a.alloc(30 * 4);
    a.f32.fill(-1, c.ptr >>> 2, (c.ptr + c.bytes) >>> 2);
    for (const i of [0, 2, 4, 5]) {
      const b = blocks[i];
      expect(a.f32.subarray(b.ptr >>> 2, (b.ptr + b.bytes) >>> 2).every((v) => v === i + 1)).toBe(true);
    }
  });

  it('refuses to pass its maximum with a clear error, and keeps working', () => {
    const a = newArena(4 * MiB);
    expect(() => a.alloc(5 * MiB)).toThrow(/wasm backend: cannot allocate 5242880 bytes .*above its maximum of 4\.0 MiB/);
    expect(() => a.alloc(-1)).toThrow(/cannot allocate -1 bytes/);
    expect(() => a.alloc(NaN)).toThrow(/cannot allocate NaN bytes/);
    const ok = a.alloc(MiB);
    expect(ok.bytes).toBe(MiB);
  });

  it('pointers above 2 GiB stay unsigned (>>> 2 offsets are positive)', () => {
    const ptr = 2 ** 31 + 64;
    expect(ptr >> 2).toBeLessThan(0); // the old arithmetic
    expect(ptr >>> 2).toBe(2 ** 29 + 16);
  });

  it('the workspace grows to the largest request and gives it back when requests shrink', () => {
    const a = newArena();
    const w = new Workspace(a);
    const p = w.get(1000);
    expect(w.get(500)).toBe(p);
    w.get(4 * MiB);
    expect(w.bytes).toBe(4 * MiB);
    for (let i = 0; i < 200; i++) w.get(1000);
    expect(w.bytes).toBeLessThan(MiB);
    w.drop();
    expect(a.stats().arenaInUse).toBe(0);
    expect(a.stats().arenaReserved).toBe(0);
  });
});
