/**
 * Replaying a recorded plan: bind the arguments, weights and constants to their slots, give temp
 * slots the plan's buffers (made on the first replay, kept after), allocate only the outputs, and
 * hand every step to the backend. No op-layer code runs: no shape checks, tape or tidy.
 */
import type { DataId, TensorInfo } from '../backends/backend.js';
import { ENGINE } from '../engine.js';
import { revive } from '../host_backup.js';
import { Tensor, type DataRecord } from '../tensor.js';
import type { Variable } from '../variable.js';
import type { OutputTree, Plan } from './types.js';

/** Thrown when a plan cannot run now (a weight was disposed, data sits on another backend). */
export class StalePlan extends Error {}

/** The storage a record offers a replay on the active backend, or StalePlan. */
function usable(rec: DataRecord, what: string): DataId {
  if (rec.hostBackup) revive(rec);
  const b = ENGINE.backend;
  if (rec.failure || rec.refCount <= 0 || rec.backendName !== b.name || b.isLost?.(rec.dataId)) throw new StalePlan(`${what} is not usable on ${b.name}`);
  return rec.dataId;
}

export function replay(plan: Plan, args: Tensor[]): unknown {
  const b = ENGINE.backend;
  if (b.name !== plan.backend) throw new StalePlan(`the plan was recorded on ${plan.backend}`);
  const ids: (DataId | null)[] = new Array(plan.slots.length).fill(null);
  const made = new Map<number, Tensor>();
  const outputShape = outputShapes(plan.output);
  const assigned = new Set(plan.assigns.map((a) => a.slot));
  for (const a of plan.assigns) {
    if (a.variable.isDisposedInternal) throw new StalePlan(`an assigned variable (tensor ${a.variable.id}) was disposed`);
    if (!outputShape.has(a.slot)) outputShape.set(a.slot, a.variable.shape);
  }
  try {
    plan.slots.forEach((s, i) => {
      if (s.kind === 'input') {
        const t = args[s.inputIndex!];
        t.assertAlive(`jit (argument ${s.inputIndex})`);
        ids[i] = usable(t.record, `argument ${s.inputIndex}`);
      } else if (s.kind === 'external') {
        const t = s.tensor!;
        if (t.isDisposedInternal || t.record.size !== s.size || t.record.dtype !== s.dtype) throw new StalePlan(`a weight (tensor ${t.id}) changed or was disposed`);
        ids[i] = usable(t.record, `weight ${t.name ?? t.id}`);
      } else if (s.kind === 'constant') {
        ids[i] = usable(s.record!, 'a constant');
      } else if (s.kind === 'temp') {
        if (s.buffer === undefined) return; // no step uses it any more (dead, or kept in registers)
        const buf = plan.buffers[s.buffer!];
        if (buf.id && b.isLost?.(buf.id)) buf.id = null; // went with a lost GPU device: make it again
        buf.id ??= b.allocate(buf.size, buf.dtype);
        ids[i] = buf.id;
      } else {
        const t = pooledOutput(plan, i, outputShape.get(i) ?? [s.size], s.dtype, assigned.has(i));
        made.set(i, t);
        ids[i] = t.record.dataId;
      }
    });
    // what changes per step: host-side state first (an optimizer's step count), then the values read from it
    for (const check of plan.preconditions) {
      const stale = check();
      if (stale) throw new StalePlan(stale);
    }
    for (const effect of plan.effects) effect();
    for (const s of plan.slots) if (s.refresh) b.write(s.record!.dataId, s.refresh());
    const info = (o: { slot: number; shape: number[]; dtype: TensorInfo['dtype']; size: number }): TensorInfo => ({ dataId: ids[o.slot]!, shape: o.shape, dtype: o.dtype, size: o.size });
    for (const s of plan.steps) b.run(s.kernel, s.inputs.map(info), s.outputs.map(info), (s.live ? { ...s.attrs, ...s.live() } : s.attrs) as never);
  } catch (e) {
    for (const t of made.values()) t.dispose();
    throw e;
  }
  // the variables take their new values (as Variable.assign: the value's data is shared)
  for (const a of plan.assigns) {
    const rec = made.get(a.slot)?.record ?? recordOf(plan, a.slot, args);
    rec.refCount++;
    const value = new Tensor(a.variable.shape, a.variable.dtype, rec);
    (a.variable as Variable).assign(value);
    value.dispose();
  }
  const used = new Set<number>();
  const build = (o: OutputTree): unknown => {
    if (Array.isArray(o)) return o.map(build);
    if (!('slot' in o && typeof o.slot === 'number')) return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, build(v as OutputTree)]));
    const leaf = o as { slot: number; shape: number[]; dtype: Tensor['dtype'] };
    const t = made.get(leaf.slot);
    if (t && !used.has(leaf.slot) && sameShape(t.shape, leaf.shape)) {
      used.add(leaf.slot);
      return t;
    }
    // a second use of one output, or an argument / weight / constant returned as is: a view
    const rec = t ? t.record : recordOf(plan, leaf.slot, args);
    rec.refCount++;
    return new Tensor(leaf.shape, leaf.dtype, rec);
  };
  const result = build(plan.output);
  for (const [slot, t] of made) if (!used.has(slot)) t.dispose(); // every use was a reshaped view
  return result;
}

/** Records a plan keeps per output slot: a variable's value needs two (the current one and the next). */
const POOL_PER_SLOT = 2;

/**
 * A fresh tensor for output slot `slot`: on a record of the slot's pool that only the plan still
 * holds (its earlier value was disposed, or was a variable's value before the last assign), else
 * on new storage that joins the pool. An assigned slot fills its pool on the first replay, so
 * later steps allocate nothing while the caller disposes what it is given.
 */
function pooledOutput(plan: Plan, slot: number, shape: number[], dtype: Tensor['dtype'], assigned: boolean): Tensor {
  const b = ENGINE.backend;
  let pool = plan.outputPool.get(slot);
  if (!pool) plan.outputPool.set(slot, (pool = []));
  const free = pool.find((r) => r.refCount === 1 && r.backendName === b.name && !r.failure && !b.isLost?.(r.dataId));
  if (free) {
    free.hostBackup = undefined; // its values are about to change; nobody else holds it
    free.refCount++;
    return new Tensor(shape, dtype, free);
  }
  const t = ENGINE.makeOutput(shape, dtype);
  t.record.refCount++;
  pool.push(t.record);
  if (assigned && pool.length < POOL_PER_SLOT) {
    const spare = ENGINE.makeOutput(shape, dtype);
    spare.record.refCount++;
    pool.push(spare.record);
    spare.dispose();
  }
  // past the limit, let go of the oldest record someone else still holds (a kept result)
  while (pool.length > POOL_PER_SLOT) ENGINE.releaseRecord(pool.splice(pool.findIndex((r) => r !== t.record), 1)[0]);
  return t;
}

function recordOf(plan: Plan, slot: number, args: Tensor[]): DataRecord {
  const s = plan.slots[slot];
  if (s.kind === 'input') return args[s.inputIndex!].record;
  if (s.kind === 'external') return s.tensor!.record;
  return s.record!;
}

function sameShape(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** The shape each output slot is first returned as. */
function outputShapes(o: OutputTree, into = new Map<number, number[]>()): Map<number, number[]> {
  if (Array.isArray(o)) for (const v of o) outputShapes(v, into);
  else if ('slot' in o && typeof o.slot === 'number') {
    const leaf = o as { slot: number; shape: number[] };
    if (!into.has(leaf.slot)) into.set(leaf.slot, leaf.shape);
  } else for (const v of Object.values(o)) outputShapes(v as OutputTree, into);
  return into;
}

/** Free a plan's buffers and constants. */
export function releasePlan(plan: Plan): void {
  const b = ENGINE.backend;
  for (const buf of plan.buffers) {
    if (buf.id && b.name === plan.backend && !b.isLost?.(buf.id)) b.free(buf.id);
    buf.id = null;
  }
  for (const s of plan.slots) if (s.kind === 'constant' && s.record!.refCount > 0) ENGINE.releaseRecord(s.record!);
  for (const pool of plan.outputPool.values()) for (const rec of pool) if (rec.refCount > 0) ENGINE.releaseRecord(rec);
  plan.outputPool.clear();
}
