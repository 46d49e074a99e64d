/**
 * Host backups of data on a backend that can lose its device (webgpu): a DataRecord's
 * `hostBackup` holds its values on the host (model weights after a load, setWeights from host
 * values, fit's epoch-end snapshot, model.backupWeights()). A record's values never change in
 * place (Variable.assign takes a new record), so a backup cannot go stale. After a loss, a kernel
 * input, a read or a backend switch finds the backup and writes it onto the working backend.
 */
import type { StorageArray } from './backends/backend.js';
import { ENGINE } from './engine.js';
import type { DataRecord } from './tensor.js';

/** Whether `rec`'s data is gone: marked failed, or on a device that was lost. */
export function isLostRecord(rec: DataRecord): boolean {
  if (rec.failure) return true;
  return ENGINE.backendHolding(rec)?.isLost?.(rec.dataId) ?? false;
}

/** Whether `rec` lives on a backend that can lose its device (webgpu). */
export function backendCanLose(rec: DataRecord): boolean {
  return !!ENGINE.backendHolding(rec)?.isLost;
}

/** Keep `values` (the record's current contents) as its backup where its backend can lose its device. */
export function keepHostBackup(rec: DataRecord, values: StorageArray): void {
  if (rec.parts || rec.strings || values.length !== rec.size) return;
  if (backendCanLose(rec)) rec.hostBackup = values;
}

/** A backup from the copy the backend kept when the values were written from the host, if any. */
export function keepHostBackupFromWrite(rec: DataRecord): void {
  if (rec.hostBackup || rec.parts || rec.strings || !backendCanLose(rec)) return;
  const copy = ENGINE.backendHolding(rec)?.hostCopy?.(rec.dataId);
  if (copy && copy.length === rec.size) rec.hostBackup = copy;
}

/**
 * A record whose data was lost with its device but has a backup gets fresh storage on the active
 * backend holding the backup; true when it did. Nothing happens while the active backend itself
 * is lost (its next use throws the device-lost error, which says what to do).
 */
export function revive(rec: DataRecord): boolean {
  if (!rec.hostBackup || !isLostRecord(rec) || ENGINE.backend.lostReason?.()) return false;
  ENGINE.restoreRecord(rec, rec.hostBackup);
  return true;
}

/**
 * The values of several backend records (not string or complex64), read together where the
 * backend can (webgpu: one copy and one map for all of them); lost ones with a backup give it.
 */
export async function readRecords(recs: DataRecord[]): Promise<StorageArray[]> {
  const out: StorageArray[] = new Array(recs.length);
  const batched = new Map<NonNullable<ReturnType<typeof ENGINE.backendHolding>>, number[]>();
  await Promise.all(recs.map(async (rec, i) => {
    const b = rec.failure || (rec.hostBackup && isLostRecord(rec)) ? undefined : ENGINE.backendHolding(rec);
    if (b?.readMany) {
      if (!batched.has(b)) batched.set(b, []);
      batched.get(b)!.push(i);
    } else {
      out[i] = await ENGINE.readRecord(rec);
    }
  }));
  for (const [b, idx] of batched) {
    const values = await b.readMany!(idx.map((i) => ({ id: recs[i].dataId, dtype: recs[i].dtype, size: recs[i].size })));
    idx.forEach((i, k) => { out[i] = values[k]; });
  }
  return out;
}
