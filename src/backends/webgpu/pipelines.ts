/**
 * The WebGPU pipeline cache of one device: shader modules per spec, bind group and pipeline
 * layouts per entry point (the uniform params binding takes a dynamic offset, see
 * uniform_arena.ts), and compute pipelines keyed by (family, entry point, override constants),
 * created with createComputePipelineAsync. A spec whose shader has `//@fold` switches gets one module
 * per value of those overrides, cut to the selected case (preprocess.ts foldSwitches). A dispatch's
 * `variants` (the pipelines the same kernel picks for other shapes) join the cache queued and
 * compile in the background once no pipeline a dispatch waits for is compiling, at most
 * `variantSlots` at a time, so that a compile a later dispatch needs (e.g. a recorded plan's fused
 * epilogue) finds a free core; a dispatch that needs a queued variant starts it at once.
 * A compile failure rejects with the shader's compilation messages; the backend turns it into a
 * failure of the batch using it.
 */
import { moduleKey, shaderCode, type DispatchDesc, type ShaderSpec } from './spec.js';

export interface PipelineEntry { promise: Promise<GPUComputePipeline>; pipeline?: GPUComputePipeline }

/** A variant in the cache whose compile has not started yet. */
interface Deferred { begin: (primary: boolean) => void }

export class PipelineCache {
  private pipelines = new Map<string, PipelineEntry>();
  /** Shader modules by spec, then by the values of its folded overrides (spec.ts moduleKey). */
  private modules = new Map<ShaderSpec, Map<string, GPUShaderModule>>();
  private layouts = new Map<string, { key: string; group: GPUBindGroupLayout; pipeline: GPUPipelineLayout }>();
  /** Compiles not yet settled, queued variants included (`settled()` waits for them). */
  private inFlight = new Set<Promise<unknown>>();
  /** Primary compiles in flight, variants in the cache waiting to start (by key, in order), variant compiles in flight. */
  private primaries = 0;
  private deferred = new Map<string, Deferred>();
  private variantsInFlight = 0;

  /**
   * `variantSlots`: background variant compiles at once (a core is left to compiles a dispatch
   * waits for; on CPU adapters such as SwiftShader every compile takes a core for 0.1-1 s).
   */
  constructor(private readonly device: GPUDevice,
    private readonly variantSlots = Math.max(1, ((globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 2) - 1)) {}

  get size(): number {
    return this.pipelines.size;
  }

  layoutFor(spec: ShaderSpec, entry: string) {
    const key = `${spec.family}:${entry}`;
    let l = this.layouts.get(key);
    if (!l) {
      const group = this.device.createBindGroupLayout({
        label: key,
        entries: spec.entries[entry].bindings.map((type, binding) => ({
          binding, visibility: GPUShaderStage.COMPUTE, buffer: { type, hasDynamicOffset: type === 'uniform' },
        })),
      });
      l = { key, group, pipeline: this.device.createPipelineLayout({ bindGroupLayouts: [group] }) };
      this.layouts.set(key, l);
    }
    return l;
  }

  /** Resolves once every compile started or queued so far has settled (a failed one included). */
  async settled(): Promise<void> {
    while (this.inFlight.size) await Promise.all([...this.inFlight]);
  }

  /**
   * The pipeline of `d`; `primary`: a dispatch waits for it. A new one starts compiling at once,
   * and so does a queued variant a dispatch now needs; `d.variants` join the cache queued.
   * `primary` null (a dispatch that recorded its fallback instead): a new one joins the cache
   * queued, like a variant, so that it compiles after the pipelines the dispatches wait for.
   */
  pipelineFor(d: Pick<DispatchDesc, 'spec' | 'entry' | 'constants' | 'variants'>, layout: GPUPipelineLayout, primary: boolean | null = true): PipelineEntry {
    const key = this.keyOf(d.spec, d.entry, d.constants);
    let p = this.pipelines.get(key);
    if (p) {
      const queued = this.deferred.get(key);
      if (queued && primary) queued.begin(true);
      return p;
    }
    p = this.add(key, d.spec, d.entry, d.constants, layout, primary);
    for (const v of d.variants ?? []) {
      if (!d.spec.entries[v.entry]) throw new Error(`webgpu: shader ${d.spec.family} has no entry point ${v.entry}`);
      const vKey = this.keyOf(d.spec, v.entry, v.constants);
      if (!this.pipelines.has(vKey)) this.add(vKey, d.spec, v.entry, v.constants, this.layoutFor(d.spec, v.entry).pipeline, null);
    }
    // queued ones may start once the caller's synchronous recording is done (its dispatches' own
    // compiles have begun by then, and a queued one waits for them)
    if (primary === null) queueMicrotask(() => this.startVariants());
    return p;
  }

  private keyOf(spec: ShaderSpec, entry: string, constants: Record<string, number | boolean>): string {
    const sorted: Record<string, number> = {};
    for (const k of Object.keys(constants).sort()) sorted[k] = Number(constants[k]);
    return `${spec.family}:${entry}:${JSON.stringify(sorted)}`;
  }

  /**
   * Put a pipeline in the cache: compiling now (`primary` true: a dispatch waits for it; false: a
   * background compile), or queued (null) until `startVariants` or a dispatch begins it.
   */
  private add(key: string, spec: ShaderSpec, entryPoint: string, constants: Record<string, number | boolean>,
    layout: GPUPipelineLayout, primary: boolean | null): PipelineEntry {
    let resolve!: (p: GPUComputePipeline) => void;
    let reject!: (e: unknown) => void;
    const entry: PipelineEntry = { promise: new Promise((res, rej) => { resolve = res; reject = rej; }) };
    const done = entry.promise.then((pl) => { entry.pipeline = pl; }, () => {});
    this.inFlight.add(done);
    void done.then(() => this.inFlight.delete(done));
    this.pipelines.set(key, entry);
    const begin = (asPrimary: boolean) => {
      this.deferred.delete(key);
      if (asPrimary) this.primaries++;
      else this.variantsInFlight++;
      this.compile(key, spec, entryPoint, constants, layout).then(resolve, reject);
      // Variants start once no pipeline a dispatch is waiting for is compiling, so that a first
      // run's compiles are not slowed by ones it does not need yet (sync(), and so warmup, waits
      // for the variants too).
      void done.then(() => {
        if (asPrimary) this.primaries--;
        else this.variantsInFlight--;
        this.startVariants();
      });
    };
    if (primary === null) this.deferred.set(key, { begin });
    else begin(primary);
    return entry;
  }

  /** Start queued variants, oldest first, while no primary compiles and a slot is free. */
  private startVariants(): void {
    while (this.primaries === 0 && this.variantsInFlight < this.variantSlots && this.deferred.size) {
      this.deferred.values().next().value!.begin(false);
    }
  }

  private compile(key: string, spec: ShaderSpec, entryPoint: string, constants: Record<string, number | boolean>,
    layout: GPUPipelineLayout): Promise<GPUComputePipeline> {
    let bySpec = this.modules.get(spec);
    if (!bySpec) this.modules.set(spec, bySpec = new Map());
    const mKey = moduleKey(spec, constants);
    let module = bySpec.get(mKey);
    if (!module) {
      module = this.device.createShaderModule({ code: shaderCode(spec, constants), label: mKey });
      bySpec.set(mKey, module);
    }
    const numeric: Record<string, number> = {};
    for (const k of Object.keys(constants).sort()) numeric[k] = Number(constants[k]);
    return this.device.createComputePipelineAsync({
      label: key, layout, compute: { module, entryPoint, constants: numeric },
    }).catch(async (e: unknown) => {
      const info = await module!.getCompilationInfo();
      const msgs = info.messages.map((m) => `${m.type} at ${m.lineNum}:${m.linePos}: ${m.message}`).join('\n');
      throw new Error(`webgpu: pipeline ${key} failed to compile: ${(e as Error).message ?? e}\n${msgs}`);
    });
  }
}
