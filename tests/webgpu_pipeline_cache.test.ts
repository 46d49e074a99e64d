/**
 * The webgpu pipeline cache's compile scheduling (src/backends/webgpu/pipelines.ts), against a fake
 * device whose compiles finish when the test says: a dispatch's own pipeline compiles at once;
 * the variants it names wait until no such pipeline is compiling, then compile at most
 * `variantSlots` at a time, so a pipeline a later dispatch needs never queues behind them all; a queued
 * variant counts in the cache at once and starts at once when a dispatch needs it.
 */
import { describe, expect, it } from 'vitest';
import { PipelineCache } from '../src/backends/webgpu/pipelines.js';
import type { ShaderSpec } from '../src/backends/webgpu/spec.js';

/** A device whose createComputePipelineAsync calls stay pending until `finish(label)`. */
function fakeDevice() {
  const pending = new Map<string, () => void>();
  const started: string[] = [];
  const device = {
    createShaderModule: () => ({}),
    createBindGroupLayout: () => ({}),
    createPipelineLayout: () => ({}),
    createComputePipelineAsync: (d: { label: string }) => {
      started.push(d.label);
      return new Promise((resolve) => pending.set(d.label, () => resolve({ label: d.label })));
    },
  };
  const finish = async (labelPart: string) => {
    const key = [...pending.keys()].find((k) => k.includes(labelPart));
    if (!key) throw new Error(`no pending compile matches ${labelPart}; pending: ${[...pending.keys()]}`);
    pending.get(key)!();
    pending.delete(key);
    for (let i = 0; i < 5; i++) await Promise.resolve(); // let the cache's then-callbacks run
  };
  return { device: device as unknown as GPUDevice, started, pending, finish };
}

// layoutFor reads the stage flags (a browser global)
(globalThis as { GPUShaderStage?: unknown }).GPUShaderStage ??= { COMPUTE: 4 };

const spec: ShaderSpec = { family: 'fam', source: '@compute @workgroup_size(1) fn main() {}', params: [], entries: { main: { bindings: [], overrides: ['V'] } } };
const layout = {} as GPUPipelineLayout;
const variant = (v: number) => ({ entry: 'main', constants: { V: v } });

describe('webgpu pipeline cache scheduling', () => {
  it('variants wait for the primaries, then compile one slot at a time; a new primary starts at once', async () => {
    const { device, started, pending, finish } = fakeDevice();
    const cache = new PipelineCache(device, 1);
    cache.pipelineFor({ spec, entry: 'main', constants: { V: 0 }, variants: [variant(1), variant(2), variant(3)] }, layout);
    expect(started).toEqual(['fam:main:{"V":0}']); // the variants wait for the primary ...
    expect(cache.size).toBe(4); // ... in the cache already, so a later lookup does not compile them again
    await finish('"V":0');
    expect(started).toEqual(['fam:main:{"V":0}', 'fam:main:{"V":1}']); // one variant slot
    // a primary a later dispatch needs starts at once, beside the variant in flight
    const needed = cache.pipelineFor({ spec, entry: 'main', constants: { V: 9 } }, layout);
    expect(started.at(-1)).toBe('fam:main:{"V":9}');
    await finish('"V":1');
    expect(pending.size).toBe(1); // no variant starts while the primary compiles
    await finish('"V":9');
    expect(needed.pipeline).toEqual({ label: 'fam:main:{"V":9}' });
    expect(started.at(-1)).toBe('fam:main:{"V":2}');
    await finish('"V":2');
    await finish('"V":3');
    await cache.settled();
    expect(started).toHaveLength(5);
    expect(cache.size).toBe(5);
  });

  it('with two slots two variants compile together; a variant that is already cached is not compiled twice', async () => {
    const { device, started, finish } = fakeDevice();
    const cache = new PipelineCache(device, 2);
    cache.pipelineFor({ spec, entry: 'main', constants: { V: 0 }, variants: [variant(1), variant(2), variant(0)] }, layout);
    await finish('"V":0');
    expect(started.slice(1)).toEqual(['fam:main:{"V":1}', 'fam:main:{"V":2}']);
    await finish('"V":1');
    await finish('"V":2');
    await cache.settled(); // the third variant (V 0) was the primary itself: nothing left to compile
    expect(started).toHaveLength(3);
  });

  it('a dispatch that needs a queued variant starts it at once, past the slot limit, and it compiles once', async () => {
    const { device, started, finish } = fakeDevice();
    const cache = new PipelineCache(device, 1);
    cache.pipelineFor({ spec, entry: 'main', constants: { V: 0 }, variants: [variant(1), variant(2)] }, layout);
    await finish('"V":0');
    expect(started.slice(1)).toEqual(['fam:main:{"V":1}']); // the one slot
    const needed = cache.pipelineFor({ spec, entry: 'main', constants: { V: 2 } }, layout);
    expect(started.at(-1)).toBe('fam:main:{"V":2}'); // promoted: not waiting for V 1
    await finish('"V":2');
    expect(needed.pipeline).toEqual({ label: 'fam:main:{"V":2}' });
    await finish('"V":1');
    await cache.settled();
    expect(started).toEqual(['fam:main:{"V":0}', 'fam:main:{"V":1}', 'fam:main:{"V":2}']);
  });
});
