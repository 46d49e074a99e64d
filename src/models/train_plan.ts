/**
 * model.fit / fitDataset / trainOnBatch through a recorded plan: the whole training step (forward,
 * loss, backward, optimizer update, constraints, variable assignment) is traced once per input
 * signature and replayed. What changes between steps is not baked in: the optimizer's step count
 * is a host effect of the plan, its learning rate and bias corrections are per-step scalars and
 * attrs (src/optimizers/optimizer.ts `live`), and a changed hyperparameter records the step again.
 * Dropout's uniform draws are fed afresh at each replay (its call count advances as a host effect).
 * The first step of an optimizer with state (Adam's moments) runs eagerly: it makes that state.
 * A step a plan cannot replay (other random layers' draws, a stateful layer) stays eager, with the
 * reason in trainPlanFor(). The env flag TRAIN_PLAN (default true) turns it off, to compare.
 */
import { env } from '../environment.js';
import { jit, type JitFunction } from '../plan/jit.js';
import type { Plan, Untraceable } from '../plan/types.js';
import type { Tensor } from '../tensor.js';
import type { LayersModel } from './layers_model.js';
import { requireCompiled, resolveCompiled } from './compile.js';
import { hasStatefulLayer } from './predict_plan.js';

/** The tensors of one training step, as trainStep takes them. */
export interface StepTensors {
  xs: Tensor[];
  ys: Tensor[];
  /** Keras classWeight lookup tables per output (null where an output has none). */
  tables?: (Tensor | null)[];
  sampleWeights?: Tensor[];
}

/** One eager training step; returns the batch's statistics vector (see fit_loop.ts). */
export type StepBody = (model: LayersModel, t: StepTensors) => Tensor;

interface TrainPlans {
  /** What the recorded steps depend on besides their inputs: when any of these changes, trace anew. */
  deps: unknown[];
  /** One jitted step per layout of the arguments (how many xs, ys, tables, sample weights). */
  byLayout: Map<string, JitFunction<Tensor[], Tensor>>;
}

const byModel = new WeakMap<LayersModel, TrainPlans>();

/** The objects a recorded step captured at trace time (their identity): layers, weights, compile state, optimizer. */
function dependencies(model: LayersModel): unknown[] {
  const c = requireCompiled(model, 'fit');
  return [c, c.optimizer, resolveCompiled(model), ...model.layers, ...model.trainableWeights];
}

function plansOf(model: LayersModel): TrainPlans {
  const deps = dependencies(model);
  let e = byModel.get(model);
  if (!e || e.deps.length !== deps.length || e.deps.some((d, i) => d !== deps[i])) {
    if (e) disposeTrainPlans(model);
    e = { deps, byLayout: new Map() };
    byModel.set(model, e);
  }
  return e;
}

/** The step's tensors as one flat argument list, and the layout that splits them again. */
function flatten(t: StepTensors): { args: Tensor[]; layout: string } {
  const tables = t.tables ?? [];
  const args = [...t.xs, ...t.ys, ...tables.filter((x): x is Tensor => x !== null), ...(t.sampleWeights ?? [])];
  const layout = `${t.xs.length}|${t.ys.length}|${tables.map((x) => (x ? 1 : 0)).join('')}|${t.tables ? 't' : ''}|${t.sampleWeights?.length ?? -1}`;
  return { args, layout };
}

function unflatten(args: Tensor[], layout: string): StepTensors {
  const [nx, ny, tableMask, hasTables, nsw] = layout.split('|');
  let k = 0;
  const take = (n: number) => args.slice(k, (k += n));
  const xs = take(Number(nx));
  const ys = take(Number(ny));
  const tables = hasTables ? [...tableMask].map((bit) => (bit === '1' ? take(1)[0] : null)) : undefined;
  const sampleWeights = Number(nsw) >= 0 ? take(Number(nsw)) : undefined;
  return { xs, ys, tables, sampleWeights };
}

function jitFor(model: LayersModel, layout: string, body: StepBody): JitFunction<Tensor[], Tensor> {
  const plans = plansOf(model);
  let fn = plans.byLayout.get(layout);
  if (!fn) {
    const step = (...args: Tensor[]) => body(model, unflatten(args, layout));
    fn = jit(step, { warn: false });
    plans.byLayout.set(layout, fn);
  }
  return fn;
}

/** One training step through the model's recorded plan (when TRAIN_PLAN is on), else eagerly. */
export function runTrainStep(model: LayersModel, t: StepTensors, body: StepBody): Tensor {
  if (!env().getBool('TRAIN_PLAN') || hasStatefulLayer(model.layers)) return body(model, t);
  const { args, layout } = flatten(t);
  return jitFor(model, layout, body)(...args);
}

/** The recorded training step for these tensors (traced by running one step if needed), for inspection. */
export function trainPlanFor(model: LayersModel, t: StepTensors, body: StepBody): Plan | Untraceable {
  const { args, layout } = flatten(t);
  return jitFor(model, layout, body).planFor(...args);
}

/** Free the model's recorded training steps (their buffers, constants and kept outputs). */
export function disposeTrainPlans(model: LayersModel): void {
  const e = byModel.get(model);
  if (e) for (const fn of e.byLayout.values()) fn.dispose();
  byModel.delete(model);
}
