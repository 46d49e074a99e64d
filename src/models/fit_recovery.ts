/**
 * fit() surviving a WebGPU device loss. On a backend that can lose its device, fit copies the
 * training data to the host once, and the model's weights plus the optimizer's state (slots
 * and iteration count) at every epoch end. When a step or readback fails because the device
 * was lost, the engine gets a working backend again (a new device, else wasm), the snapshot is
 * written back into the same tensors, and fit resumes from the epoch after the last snapshot,
 * telling the user through `onDeviceLost` callbacks and console.warn. The weights' and slots'
 * snapshot values also stay on their records as host backups (src/host_backup.ts), so the model
 * keeps working after fit when the device is lost later. `env().set('FIT_DEVICE_LOSS_SNAPSHOT',
 * false)` turns the snapshots off. The snapshots and model.backupWeights() (fit_snapshot.ts) are async and load
 * with the training loops (src/async_parts.ts); what runs before every model call stays here.
 */
import { ENGINE } from '../engine.js';
import { isLostRecord, revive } from '../host_backup.js';
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

export function isDeviceLoss(e: unknown): boolean {
  return /WebGPU device lost/.test(String((e as Error)?.message ?? e)) || ENGINE.backend.lostReason?.() != null;
}

/**
 * Before a model runs (predict, evaluate, trainOnBatch, fit, fitDataset): weights (and the
 * optimizer slots in `extra`) whose data went with a lost device come back from their host
 * backups onto the active backend. While the active backend is still lost, or when a weight
 * changed since its last host copy (trainOnBatch steps after the last fit epoch), this throws
 * an Error saying so, rather than computing with missing data.
 */
export function reviveWeights(model: LayersModel, op: string, extra: Variable[] = []): void {
  for (const w of extra.length ? [...model.weights, ...extra] : model.weights) {
    if (w.isDisposed || !isLostRecord(w.record)) continue;
    const lost = ENGINE.backend.lostReason?.();
    if (lost) throw new Error(`${op}: ${lost}`);
    if (revive(w.record)) continue;
    throw new Error(
      `${op}: model '${model.name}': weight '${w.name}' lived on a WebGPU device that was lost, and it has no host copy of ` +
      `its current value (fit keeps one at every epoch end, loadLayersModel and model.backupWeights() keep one; ` +
      `it changed since, e.g. by trainOnBatch); set or load the weights again`,
    );
  }
}
