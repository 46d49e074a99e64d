/**
 * Types shared by the per-family shader specs (specs/*.ts): which entry points a WGSL file has,
 * the bind group layout of each (group 0; binding 0 is always the uniform params struct), the
 * override constants it reads, and the params struct layout that the host packs. The specs are
 * the contract checked against the parsed shaders by tests/wgsl_specs.test.ts.
 */
import type { KernelAttrs, KernelName } from '../kernels.js';
import type { TensorInfo } from '../backend.js';
import { foldNames, foldSwitches, preprocessWgsl } from './preprocess.js';

export type BindingKind = 'uniform' | 'read-only-storage' | 'storage';

/** Params field kinds: a 4-byte scalar, or 8 u32/i32 values packed as array<vec4<u32>, 2>. */
export type ParamKind = 'u32' | 'i32' | 'f32' | 'u32x8';

export interface EntrySpec {
  /** Binding kinds in binding order (index = binding number in group 0). */
  bindings: BindingKind[];
  /** Override constants the entry point uses (names as in WGSL). */
  overrides: string[];
}

export interface ShaderSpec {
  family: string;
  /** Raw WGSL (before #include expansion). */
  source: string;
  /** Fields of the `Params` uniform struct, in order. */
  params: Array<[string, ParamKind]>;
  entries: Record<string, EntrySpec>;
}

/** A ready-to-record dispatch, built by a kernel from its attrs. */
export interface DispatchDesc {
  spec: ShaderSpec;
  entry: string;
  constants: Record<string, number | boolean>;
  /** Values for spec.params, by name (missing fields are 0). */
  params: Record<string, number | number[]>;
  /** Storage buffers (or byte ranges of them) for bindings 1..n, in order. */
  buffers: Array<GPUBuffer | GPUBufferBinding>;
  workgroups: [number, number, number];
  /**
   * Other (entry, constants) pipelines the same kernel picks for other shapes of the same op
   * (e.g. another batch size): compiled in the background alongside this one, so a warmed model
   * compiles nothing for a new shape.
   */
  variants?: Array<{ entry: string; constants: Record<string, number | boolean> }>;
  /**
   * A dispatch computing the same result with a pipeline that compiles quickly (e.g. one for every
   * variant of the kernel): recorded instead while this one's pipeline is not compiled yet, that
   * compile then running queued in the background (tiered compilation: WebGPUBackend.tieredCompile).
   * Same outputs, to float rounding.
   */
  fallback?: DispatchDesc;
}

/** What a kernel needs from the backend to describe its dispatches. */
export interface KernelContext {
  /** The tensor's whole buffer; throws naming the kernel when it exceeds one binding. */
  buffer(t: TensorInfo): GPUBuffer;
  /** Elements [start, start + count) of the tensor as one binding (start aligned, see limits). */
  range(t: TensorInfo, start: number, count: number): GPUBufferBinding;
  /** A small zeroed buffer bound where an optional input is absent. */
  readonly dummy: GPUBuffer;
  readonly limits: {
    maxWorkgroupsPerDimension: number; maxInvocations: number; maxWorkgroupStorage: number;
    /** Bytes one storage binding may hold, and the alignment of a binding's byte offset. */
    readonly maxBindingBytes: number; bindingAlignment: number;
  };
  /** Prefer register-only kernels (CPU adapters such as SwiftShader). */
  readonly preferDirect: boolean;
  /** The WGSL language feature packed_4x8_integer_dot_product is there (int8 kernels use dot4I8Packed). */
  readonly packedInt8Dot: boolean;
  /**
   * The device's subgroup size when shaders may `enable subgroups` and use the subgroup_id
   * builtin and every subgroup has that one size (SwiftShader: 4); null otherwise.
   */
  readonly subgroupSize: number | null;
  dispatch(d: DispatchDesc): void;
  /**
   * Record a buffer-to-buffer copy in order with the dispatches (bytes and offsets multiples of 4):
   * a kernel gathers small operands into one scratch buffer so that one dispatch serves them all.
   */
  copy(src: GPUBuffer, srcOffset: number, dst: GPUBuffer, dstOffset: number, bytes: number): void;
  /** A storage buffer of at least `bytes` for this kernel call's recorded work (recycled after its submit). */
  scratch(bytes: number): GPUBuffer;
  /**
   * Whether `t` is float16-stored (two IEEE halves per word, shaders/float16_words.wgsl) and this
   * kernel call reads it so: once true, `buffer(t)` gives the packed words (bind it whole; the
   * shader widens with unpack2x16float). A kernel asks only for operands its shader can read packed
   * and only when it binds them whole; for every other tensor `buffer` / `range` give a float32
   * copy the backend widens for the call.
   */
  readFloat16(t: TensorInfo): boolean;
  /**
   * A zeroed 4-word fault buffer (see fault_words.ts) for a checking kernel to bind read_write;
   * the batch reads it back and, when words 0 or 2 are set, fails with `describe(value)`.
   */
  faultWord(describe: (value: number) => string): GPUBuffer;
}

export type WebGPUKernel<K extends KernelName> = (ctx: KernelContext, inputs: TensorInfo[], outputs: TensorInfo[], attrs: KernelAttrs[K]) => void;
export type WebGPUKernelTable = { [K in KernelName]?: WebGPUKernel<K> };

const preprocessed = new Map<ShaderSpec, { code: string; folds: string[] }>();
/**
 * The spec's WGSL after #include expansion (cached); with `constants`, its `//@fold` switches cut
 * to the cases those override values select (preprocess.ts foldSwitches).
 */
export function shaderCode(spec: ShaderSpec, constants?: Record<string, number | boolean>): string {
  const { code, folds } = expanded(spec);
  return constants && folds.length ? foldSwitches(code, constants) : code;
}

/**
 * The key of the shader module a pipeline with `constants` uses: the family, plus the values of
 * the overrides its `//@fold` switches depend on.
 */
export function moduleKey(spec: ShaderSpec, constants: Record<string, number | boolean>): string {
  const { folds } = expanded(spec);
  return folds.length ? `${spec.family}|${folds.map((n) => `${n}=${Number(constants[n] ?? NaN)}`).join(',')}` : spec.family;
}

function expanded(spec: ShaderSpec): { code: string; folds: string[] } {
  let e = preprocessed.get(spec);
  if (e === undefined) {
    const code = preprocessWgsl(spec.source);
    e = { code, folds: foldNames(code) };
    preprocessed.set(spec, e);
  }
  return e;
}

/** Byte offsets of the params fields under WGSL uniform layout rules, and the padded struct size. */
export function paramsLayout(params: Array<[string, ParamKind]>): { offsets: number[]; size: number } {
  let offset = 0;
  let align = 4;
  const offsets: number[] = [];
  for (const [, kind] of params) {
    if (kind === 'u32x8') {
      offset = Math.ceil(offset / 16) * 16;
      offsets.push(offset);
      offset += 32;
      align = 16;
    } else {
      offsets.push(offset);
      offset += 4;
    }
  }
  return { offsets, size: Math.ceil(offset / align) * align };
}

/** Pack params values into the bytes of the uniform struct. */
export function packParams(spec: ShaderSpec, values: Record<string, number | number[]>): ArrayBuffer {
  const { offsets, size } = paramsLayout(spec.params);
  const buf = new ArrayBuffer(Math.max(16, size));
  const view = new DataView(buf);
  spec.params.forEach(([name, kind], i) => {
    const v = values[name] ?? 0;
    const at = offsets[i];
    if (kind === 'u32x8') {
      const arr = v as number[];
      if (arr.length > 8) throw new Error(`webgpu: params.${name} has ${arr.length} entries (max 8)`);
      for (let j = 0; j < arr.length; j++) view.setUint32(at + 4 * j, arr[j] >>> 0, true);
    } else if (kind === 'f32') view.setFloat32(at, v as number, true);
    else if (kind === 'i32') view.setInt32(at, v as number, true);
    else view.setUint32(at, (v as number) >>> 0, true);
  });
  return buf;
}

/** Fold n workgroups into a 2-D grid that respects maxComputeWorkgroupsPerDimension. */
export function grid1d(n: number, maxPerDim: number): [number, number, number] {
  if (n <= maxPerDim) return [n, 1, 1];
  const y = Math.ceil(n / maxPerDim);
  if (y > maxPerDim) throw new Error(`webgpu: dispatch of ${n} workgroups exceeds the device limit`);
  return [Math.ceil(n / y), y, 1];
}

export const STORAGE_RO: BindingKind = 'read-only-storage';
export const STORAGE_RW: BindingKind = 'storage';
export const UNIFORM: BindingKind = 'uniform';

/** Output kind code shared by all shaders (dtype.wgsl KIND_*). */
export function outKind(dtype: string): number {
  return dtype === 'float32' ? 0 : dtype === 'int32' ? 1 : 2;
}
export const isInt = (t: TensorInfo) => t.dtype !== 'float32';

/**
 * The residual input of a matMul / conv call with a residual epilogue (the last input), or null
 * without one; throws naming the op for an unknown mode, a residual that is not float32 with the
 * output's element count, a non-float32 output, or mode 1 (before the activation) with prelu.
 */
export function residualInput(op: string, inputs: TensorInfo[], out: TensorInfo,
  a: { residual?: number; activation: number }): TensorInfo | null {
  if (!a.residual) return null;
  if (a.residual !== 1 && a.residual !== 2) throw new Error(`webgpu ${op}: residual must be 0, 1 or 2, got ${a.residual}`);
  const r = inputs[inputs.length - 1];
  if (r.dtype !== 'float32' || r.size !== out.size || out.dtype !== 'float32') {
    throw new Error(`webgpu ${op}: the residual input must be float32 with the output's ${out.size} elements and a float32 output, got ${r.dtype}[${r.shape}] for output ${out.dtype}[${out.shape}]`);
  }
  if (a.residual === 1 && a.activation === 5 /* Activation.prelu */) throw new Error(`webgpu ${op}: a residual added before the activation does not combine with prelu`);
  return r;
}
