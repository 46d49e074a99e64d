/**
 * fit() surviving a WebGPU device loss. On a backend that can lose its device, fit copies the
 * training data to the host once, and the model's weights plus the optimizer's state (slots
 * and iteration count) at every epoch end. When a step or readback fails because the device
 * was lost, the engine gets a working backend again (a new device, else wasm), the snapshot is
 * written back into the same tensors, and fit resumes from the epoch after the last snapshot,
 * telling the user through `onDeviceLost` callbacks and console.warn.
 */
import type { StorageArray } from '../backends/backend.js';
import { ENGINE } from '../engine.js';
import type { Optimizer } from '../optimizers/optimizer.js';
import type { Tensor } from '../tensor.js';
import type { Variable } from '../variable.js';
import type { LayersModel } from './layers_model.js';

/** What `onDeviceLost` callbacks receive. */
export interface DeviceLostInfo {
  /** The epoch fit resumes from (the one after the last completed snapshot). */
  resumeEpoch: number;
  /** The backend fit continues on ('webgpu' on a new device, or 'wasm'). */
  backend: string;
  /** The error that reported the loss. */
  error: string;
  /** Milliseconds spent getting a backend back and restoring the snapshot. */
  restoreMs: number;
}

/** Recoveries one fit() attempts before giving up (a device that keeps dying). */
const MAX_RECOVERIES = 3;

export function isDeviceLoss(e: unknown): boolean {
  return /WebGPU device lost/.test(String((e as Error)?.message ?? e)) || ENGINE.backend.lostReason?.() != null;
}

async function readAll(tensors: Iterable<Tensor>, into: Map<Tensor, StorageArray>): Promise<void> {
  const list = [...tensors];
  const values = await Promise.all(list.map((t) => t.data()));
  list.forEach((t, i) => {
    const v = values[i];
    into.set(t, v instanceof Uint8Array ? Int32Array.from(v) : v);
  });
}

export class FitSnapshot {
  private data = new Map<Tensor, StorageArray>();
  private state = new Map<Tensor, StorageArray>();
  private slotOwners = new Set<Variable>();
  private iterations = 0;
  /** The epoch to resume from. */
  epoch = 0;
  recoveries = 0;
  /** Total milliseconds spent taking epoch-end snapshots (for measuring their cost). */
  snapshotMs = 0;

  /** A snapshot guard when the active backend can lose its device, else null. */
  static async begin(model: LayersModel, optimizer: Optimizer, data: Tensor[], epoch: number): Promise<FitSnapshot | null> {
    if (!ENGINE.backend.restore) return null;
    const s = new FitSnapshot(model, optimizer);
    await readAll(data, s.data);
    await s.capture(epoch);
    return s;
  }

  private constructor(private readonly model: LayersModel, private readonly optimizer: Optimizer) {}

  /** Copy weights and optimizer state to the host; a loss later resumes from `nextEpoch`. */
  async capture(nextEpoch: number): Promise<void> {
    const t0 = performance.now();
    const state = new Map<Tensor, StorageArray>();
    const slots = this.optimizer.slotEntries();
    const vars: Variable[] = [...this.model.weights, ...slots.flatMap(([, s]) => s)];
    await readAll(vars, state);
    this.state = state;
    this.slotOwners = new Set(slots.map(([owner]) => owner));
    this.iterations = this.optimizer.iterations;
    this.epoch = nextEpoch;
    this.snapshotMs += performance.now() - t0;
  }

  /**
   * After a loss: get a working backend, write the snapshot back into its tensors, drop
   * optimizer slots made after it. Throws `cause` when recovery is not possible.
   */
  async restore(cause: unknown): Promise<DeviceLostInfo> {
    if (++this.recoveries > MAX_RECOVERIES) throw cause;
    const t0 = performance.now();
    const backend = await ENGINE.recoverFromLoss();
    for (const [owner] of this.optimizer.slotEntries()) if (!this.slotOwners.has(owner)) this.optimizer.dropSlots(owner);
    for (const [t, values] of [...this.data, ...this.state]) ENGINE.restoreRecord(t.record, values);
    this.optimizer.iterations = this.iterations;
    const info: DeviceLostInfo = {
      resumeEpoch: this.epoch, backend, error: String((cause as Error)?.message ?? cause), restoreMs: performance.now() - t0,
    };
    console.warn(`tessera fit: the WebGPU device was lost; resuming from epoch ${info.resumeEpoch} on ${backend} (${info.error})`);
    return info;
  }
}
