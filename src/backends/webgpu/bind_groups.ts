/**
 * Cache of bind groups keyed by (bind group layout, the buffers and byte ranges bound). With the
 * params bound at a dynamic offset into a shared uniform chunk (uniform_arena.ts), the same bind
 * group serves every dispatch of a layout over the same buffers, step after step (pooled buffers
 * come back in the same order each training step). Bind groups that name a buffer are dropped
 * when that buffer is destroyed (pool eviction, exact-size buffers); a pooled buffer that is
 * merely released stays valid and keeps its bind groups for its next use.
 */

/** Past this many cached bind groups the cache starts over (bounds memory on shape-varying work). */
const MAX_CACHED = 8192;

export class BindGroupCache {
  private groups = new Map<string, GPUBindGroup>();
  private keysOf = new Map<GPUBuffer, Set<string>>();
  private ids = new WeakMap<GPUBuffer, number>();
  private nextId = 1;
  /** Bind groups created (cache misses). */
  created = 0;

  constructor(private readonly device: GPUDevice) {}

  /** The bind group of `layout` (named `layoutKey`) over `bindings` (binding i = bindings[i]). */
  get(layout: GPUBindGroupLayout, layoutKey: string, bindings: GPUBufferBinding[]): GPUBindGroup {
    let key = layoutKey;
    for (const b of bindings) key += `|${this.idOf(b.buffer)}:${b.offset ?? 0}:${b.size ?? ''}`;
    let group = this.groups.get(key);
    if (group) return group;
    if (this.groups.size >= MAX_CACHED) this.clear();
    group = this.device.createBindGroup({
      layout, label: layoutKey, entries: bindings.map((resource, binding) => ({ binding, resource })),
    });
    this.created++;
    this.groups.set(key, group);
    for (const b of bindings) {
      let keys = this.keysOf.get(b.buffer);
      if (!keys) this.keysOf.set(b.buffer, (keys = new Set()));
      keys.add(key);
    }
    return group;
  }

  /** Drop every bind group that binds `buffer` (call before or when it is destroyed). */
  forget(buffer: GPUBuffer): void {
    const keys = this.keysOf.get(buffer);
    if (!keys) return;
    this.keysOf.delete(buffer);
    for (const k of keys) this.groups.delete(k);
  }

  get size(): number {
    return this.groups.size;
  }

  clear(): void {
    this.groups.clear();
    this.keysOf.clear();
  }

  private idOf(b: GPUBuffer): number {
    let id = this.ids.get(b);
    if (id === undefined) this.ids.set(b, (id = this.nextId++));
    return id;
  }
}
