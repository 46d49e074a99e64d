/**
 * The WebGPU pipeline cache of one device: shader modules per spec, bind group and pipeline
 * layouts per entry point, and compute pipelines keyed by (family, entry point, override
 * constants), created with createComputePipelineAsync. A compile failure rejects with the
 * shader's compilation messages; the backend turns it into a failure of the batch using it.
 */
import { shaderCode, type DispatchDesc, type ShaderSpec } from './spec.js';

export interface PipelineEntry { promise: Promise<GPUComputePipeline>; pipeline?: GPUComputePipeline }

export class PipelineCache {
  private pipelines = new Map<string, PipelineEntry>();
  private modules = new Map<ShaderSpec, GPUShaderModule>();
  private layouts = new Map<string, { group: GPUBindGroupLayout; pipeline: GPUPipelineLayout }>();

  constructor(private readonly device: GPUDevice) {}

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
          binding, visibility: GPUShaderStage.COMPUTE, buffer: { type },
        })),
      });
      l = { group, pipeline: this.device.createPipelineLayout({ bindGroupLayouts: [group] }) };
      this.layouts.set(key, l);
    }
    return l;
  }

  pipelineFor(d: DispatchDesc, layout: GPUPipelineLayout): PipelineEntry {
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
      entry.promise.then((pl) => { entry.pipeline = pl; }, () => {});
      this.pipelines.set(key, (p = entry));
    }
    return p;
  }
}
