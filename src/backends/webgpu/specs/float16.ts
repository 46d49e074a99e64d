/**
 * Spec of shaders/float16_widen.wgsl: the float32 copy of a float16-stored tensor (two IEEE halves
 * per word; see KernelContext.readFloat16 and shaders/float16_words.wgsl). The backend records it
 * itself, before a kernel that reads such a tensor as float32, and before data() copies one out.
 */
import source from '../../../../shaders/float16_widen.wgsl';
import { grid1d, STORAGE_RO, STORAGE_RW, UNIFORM, type DispatchDesc, type ShaderSpec } from '../spec.js';

export const float16WidenSpec: ShaderSpec = {
  family: 'float16_widen',
  source,
  params: [['words', 'u32']],
  entries: { widen_f16: { bindings: [UNIFORM, STORAGE_RO, STORAGE_RW], overrides: ['WG'] } },
};

const WG = 64;

/** The dispatch that widens `size` float16 elements packed in `halves` into the float32 words of `out`. */
export function widenFloat16(halves: GPUBuffer, out: GPUBuffer, size: number, maxWorkgroupsPerDimension: number): DispatchDesc {
  const words = Math.ceil(size / 2);
  return {
    spec: float16WidenSpec, entry: 'widen_f16', constants: { WG }, params: { words },
    buffers: [halves, out], workgroups: grid1d(Math.ceil(words / WG), maxWorkgroupsPerDimension),
  };
}
