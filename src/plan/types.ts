/**
 * The recorded plan's data: buffer slots (what a kernel reads or writes) and steps (one backend
 * kernel call each, on slots). A plan is flat and printable; passes rewrite its steps and slots.
 */
import type { DataId, DType, StorageArray } from '../backends/backend.js';
import type { KernelName } from '../backends/kernels.js';
import type { DataRecord, Tensor } from '../tensor.js';

/**
 * input: the jitted function's argument `inputIndex`; external: a tensor made before the trace
 * (a weight: read through `tensor` at each replay, so Variable.assign is seen); constant: values
 * written during the trace (held by the plan); temp: an intermediate (a buffer of the plan's);
 * output: a result (a fresh tensor per replay).
 */
export type SlotKind = 'input' | 'external' | 'constant' | 'temp' | 'output';

export interface Slot {
  kind: SlotKind;
  size: number;
  dtype: DType;
  inputIndex?: number;
  tensor?: Tensor;
  record?: DataRecord;
  /** constant slots whose values change per step (a learning rate): written with this at each replay. */
  refresh?: () => StorageArray;
  /**
   * float32 constants: the values written during the trace, read by pattern matching (a scale, an
   * epsilon, a mask) on every backend, webgpu included (no synchronous read); dropped once the plan is optimized.
   */
  host?: StorageArray;
  /** temp slots: the plan buffer assigned by liveness. */
  buffer?: number;
}

/** One operand of a step: the slot and the shape/dtype the kernel sees it as. */
export interface Operand {
  slot: number;
  shape: number[];
  dtype: DType;
  size: number;
}

export interface Step {
  kernel: KernelName;
  inputs: Operand[];
  outputs: Operand[];
  attrs: Record<string, unknown>;
  /** What a fused step replaced ("matMul+add+relu"), for tf.debug.plan. */
  fused?: string;
  /** Attrs that change per step (Adam's bias corrections): laid over `attrs` at each replay. */
  live?: () => Record<string, unknown>;
}

/** How the function's result is rebuilt: tensors as slots, in the original nesting. */
export type OutputTree = { slot: number; shape: number[]; dtype: DType } | OutputTree[] | { [key: string]: OutputTree };

export interface PlanStats {
  /** Kernel calls the traced function made. */
  traced: number;
  /** Steps removed as dead code. */
  deadRemoved: number;
  /** Elementwise steps (bias, activation, residual add) folded into matMul/conv epilogues. */
  epilogueFused: number;
  /** Fused elementwise kernels made, and the steps they replaced. */
  fusedKernels: number;
  fusedSteps: number;
  /** Written-out patterns replaced by one kernel (softmax, layerNorm, attention). */
  patterns: number;
  /** Reductions that ended a fused elementwise kernel (their input never stored). */
  reductionsFused: number;
}

/** A variable the traced call assigned: a replay hands it the value of `slot` (an output slot). */
export interface Assignment {
  variable: Tensor;
  slot: number;
}

export interface Plan {
  backend: string;
  slots: Slot[];
  steps: Step[];
  output: OutputTree;
  /** Variables the call assigned (their last value each), applied after the steps. */
  assigns: Assignment[];
  /** Host-side work each replay repeats before its kernels (an optimizer's step count). */
  effects: (() => void)[];
  /** Checked before each replay: a reason says the plan no longer fits (a changed hyperparameter). */
  preconditions: (() => string | undefined)[];
  /**
   * Records the plan keeps per output slot for later replays: a replay writes into one that
   * nobody else holds any more (refCount 1, the plan's own), so a steady loop allocates nothing.
   */
  outputPool: Map<number, DataRecord[]>;
  stats: PlanStats;
  /** Buffers the temp slots share (by liveness): their size and dtype, and the storage once made. */
  buffers: { size: number; dtype: DType; id: DataId | null }[];
}

/** The fallback a signature takes when its function cannot be recorded. */
export interface Untraceable {
  reason: string;
}
