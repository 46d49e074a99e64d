/**
 * The WebGPU pipeline cache of one device: shader modules per spec, bind group and pipeline
 * layouts per entry point (the uniform params binding takes a dynamic offset, see
 * uniform_arena.ts), and compute pipelines keyed by (family, entry point, override constants),
 * created with createComputePipelineAsync, all compiles in flight at once. A dispatch's
 * `variants` (the pipelines the same kernel picks for other shapes) compile in the background once
 * no pipeline a dispatch waits for is compiling, at most `variantSlots` at a time, so that a compile
 * a later dispatch needs (e.g. a recorded plan's fused epilogue) finds a free core.
 * A compile failure rejects with the shader's compilation messages; the backend turns it into a
 * failure of the batch using it.
 */
import { shaderCode, type DispatchDesc, type ShaderSpec } from './spec.js';

export interface PipelineEntry { promise: Promise<GPUComputePipeline>; pipeline?: GPUComputePipeline }

export class PipelineCache {
  private pipelines = new Map<string, PipelineEntry>();
  private modules = new Map<ShaderSpec, GPUShaderModule>();
  private layouts = new Map<string, { key: string; group: GPUBindGroupLayout; pipeline: GPUPipelineLayout }>();
  /** Compiles not yet settled (`settled()` waits for them). */
  private inFlight = new Set<Promise<unknown>>();
  /** Primary compiles in flight, variant compiles waiting to start, and variant compiles in flight. */
  private primaries = 0;
  private queuedVariants: Array<() => Promise<unknown>> = [];
  private variantsInFlight = 0;

  /**
   * `variantSlots`: background variant compiles at once (a core is left to compiles a dispatch
   * waits for; on CPU adapters such as SwiftShader every compile takes a core for 0.1-1 s).
   */
  constructor(private readonly device: GPUDevice,
    private readonly variantSlots = Math.max(1, ((globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 2) - 1)) {}

  /** Start queued variant compiles while no primary compiles and a slot is free. */
  private startVariants(): void {
    while (this.primaries === 0 && this.variantsInFlight < this.variantSlots && this.queuedVariants.length) {
      const start = this.queuedVariants.shift()!;
      this.variantsInFlight++;
      void start().finally(() => { this.variantsInFlight--; this.startVariants(); });
    }
  }

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

  /** Resolves once every compile started so far has settled (a failed one included). */
  async settled(): Promise<void> {
    while (this.inFlight.size) await Promise.all([...this.inFlight]);
  }

  /** The pipeline of `d` (compiled on first request); `primary`: a dispatch waits for it (not a variant). */
  pipelineFor(d: Pick<DispatchDesc, 'spec' | 'entry' | 'constants' | 'variants'>, layout: GPUPipelineLayout, primary = true): PipelineEntry {
    const constants: Record<string, number> = {};
    for (const k of Object.keys(d.constants).sort()) constants[k] = Number(d.constants[k]);
    const key = `${d.spec.family}:${d.entry}:${JSON.stringify(constants)}`;
    let p = this.pipelines.get(key);
    if (!p) {
      let module = this.modules.get(d.spec);
      if (!module) {
        module = this.device.createShaderModule({ code: shaderCode(d.spec), label: d.spec.family });
        this.modules.set(d.spec, module);
      }
      const entry: PipelineEntry = {
        promise: this.device.createComputePipelineAsync({
          label: key, layout, compute: { module, entryPoint: d.entry, constants },
        }).catch(async (e: unknown) => {
          const info = await module!.getCompilationInfo();
          const msgs = info.messages.map((m) => `${m.type} at ${m.lineNum}:${m.linePos}: ${m.message}`).join('\n');
          throw new Error(`webgpu: pipeline ${key} failed to compile: ${(e as Error).message ?? e}\n${msgs}`);
        }),
      };
      const done = entry.promise.then((pl) => { entry.pipeline = pl; }, () => {});
      this.inFlight.add(done);
      void done.then(() => this.inFlight.delete(done));
      this.pipelines.set(key, (p = entry));
      // Variants start once no pipeline a dispatch is waiting for is compiling, so that a first
      // run's compiles are not slowed by ones it does not need yet (sync(), and so warmup, waits
      // for the variants too).
      if (primary) {
        this.primaries++;
        void done.then(() => {
          this.primaries--;
          this.startVariants();
        });
      }
      for (const v of d.variants ?? []) {
        if (!d.spec.entries[v.entry]) throw new Error(`webgpu: shader ${d.spec.family} has no entry point ${v.entry}`);
        let started!: () => void;
        const gate = new Promise<void>((r) => (started = r));
        this.inFlight.add(gate);
        void gate.then(() => this.inFlight.delete(gate));
        this.queuedVariants.push(() => {
          const p = this.pipelineFor({ spec: d.spec, entry: v.entry, constants: v.constants }, this.layoutFor(d.spec, v.entry).pipeline, false);
          started();
          return p.promise.catch(() => {});
        });
      }
      this.startVariants();
    }
    return p;
  }
}
