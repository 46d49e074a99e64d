/**
 * fit()'s epoch-end snapshots for surviving a WebGPU device loss (FitSnapshot: the training data, the
 * weights and the optimizer state copied to the host, restored after the loss) and model.backupWeights().
 * Both are async: they load with the training loops (src/async_parts.ts). See fit_recovery.ts.
 */
import type { StorageArray } from '../backends/backend.js';
import { ENGINE } from '../engine.js';
import { env } from '../environment.js';
import { backendCanLose, keepHostBackup, readRecords } from '../host_backup.js';
import type { Optimizer } from '../optimizers/optimizer.js';
import type { Tensor } from '../tensor.js';
import type { Variable } from '../variable.js';
import type { LayersModel } from './layers_model.js';
import type { DeviceLostInfo } from './fit_recovery.js';

/** Recoveries one fit() attempts before giving up (a device that keeps dying). */
const MAX_RECOVERIES = 3;

/**
 * Copy tensors' values to the host in one read (one GPU round trip on webgpu). A tensor whose
 * data already has a host backup (unchanged since the last snapshot, e.g. a frozen layer's
 * weights) is not read again.
 */
async function readAll(tensors: Iterable<Tensor>, into: Map<Tensor, StorageArray>): Promise<void> {
  const toRead: Tensor[] = [];
  for (const t of tensors) {
    if (t.record.hostBackup && t.size === t.record.size) into.set(t, t.record.hostBackup);
    else if (t.record.parts || t.record.strings || t.size !== t.record.size) into.set(t, toStorage(await t.data()));
    else toRead.push(t);
  }
  const values = await readRecords(toRead.map((t) => t.record));
  toRead.forEach((t, i) => into.set(t, toStorage(values[i])));
}

const toStorage = (v: StorageArray | Uint8Array | unknown): StorageArray => (v instanceof Uint8Array ? Int32Array.from(v) : (v as StorageArray));

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
    if (!ENGINE.backend.restore || !env().getBool('FIT_DEVICE_LOSS_SNAPSHOT')) return null;
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
    // The weights and slots keep these values as host backups, so a predict, evaluate or
    // trainOnBatch after a loss (once a backend is ready again) finds them too.
    for (const [t, values] of state) keepHostBackup(t.record, values);
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
    for (const [t, values] of this.data) ENGINE.restoreRecord(t.record, values);
    for (const [t, values] of this.state) {
      ENGINE.restoreRecord(t.record, values);
      keepHostBackup(t.record, values);
    }
    this.optimizer.iterations = this.iterations;
    const info: DeviceLostInfo = {
      resumeEpoch: this.epoch, backend, error: String((cause as Error)?.message ?? cause), restoreMs: performance.now() - t0,
    };
    console.warn(`tessera fit: the WebGPU device was lost; resuming from epoch ${info.resumeEpoch} on ${backend} (${info.error})`);
    return info;
  }
}

/**
 * `model.backupWeights()`: copy the model's weights and its optimizer's state to the host (one
 * read of each), so that after a WebGPU device loss the model restores them on its next use
 * (once `await tf.ready()` or `tf.setBackend()` has a working backend). A no-op on backends that
 * cannot lose a device. Resolves to the number of tensors backed up.
 */
export async function backupWeights(model: LayersModel): Promise<number> {
  const vars: Variable[] = [...model.weights, ...(model.optimizer?.slotEntries().flatMap(([, s]) => s) ?? [])];
  const todo = vars.filter((v) => !v.isDisposed && !v.record.hostBackup && backendCanLose(v.record));
  const values = new Map<Tensor, StorageArray>();
  await readAll(todo, values);
  for (const [t, v] of values) keepHostBackup(t.record, v);
  return values.size;
}
