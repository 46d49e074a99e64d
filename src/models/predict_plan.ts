/**
 * model.predict through the recorded plan: each model gets one jitted "apply in inference
 * mode", so the first batch of each input signature is traced and later ones replay (weights are
 * read at each replay, so fit / setWeights between predicts are seen). A model whose layers do
 * something a plan cannot replay runs eagerly, with the reason in tf.debug.plan(model, x).
 * The env flag PREDICT_PLAN (default true) turns it off.
 */
import { env } from '../environment.js';
import { jit, type JitFunction } from '../plan/jit.js';
import type { Plan, Untraceable } from '../plan/types.js';
import type { Tensor } from '../tensor.js';
import type { LayersModel } from './layers_model.js';

interface ModelPlans {
  /** The model's layer list when the jit was made (a changed model gets a new one). */
  layers: unknown[];
  fn: JitFunction<Tensor[], Tensor | Tensor[]>;
}

const byModel = new WeakMap<LayersModel, ModelPlans>();

function plansOf(model: LayersModel): ModelPlans {
  let e = byModel.get(model);
  if (!e || e.layers.length !== model.layers.length || e.layers.some((l, i) => l !== model.layers[i])) {
    e?.fn.dispose();
    const apply = (...xs: Tensor[]) => model.apply(xs.length === 1 ? xs[0] : xs, { training: false }) as Tensor | Tensor[];
    e = { layers: model.layers.slice(), fn: jit(apply, { warn: false }) };
    byModel.set(model, e);
  }
  return e;
}

/** Stateful layers (RNN states carried between batches) update JS state a replay would skip: they stay eager. */
export function hasStatefulLayer(layers: readonly { stateful: boolean }[]): boolean {
  return layers.some((l) => l.stateful || hasStatefulLayer(((l as { layers?: { stateful: boolean }[] }).layers) ?? []));
}

/** model.apply(xs, {training: false}), through the model's plan when PREDICT_PLAN is on. */
export function applyForPredict(model: LayersModel, xs: Tensor[]): Tensor | Tensor[] {
  if (!env().getBool('PREDICT_PLAN') || hasStatefulLayer(model.layers)) return model.apply(xs.length === 1 ? xs[0] : xs, { training: false }) as Tensor | Tensor[];
  return plansOf(model).fn(...xs);
}

/** The predict plan for these inputs (traced if needed), for tf.debug.plan(model, x). */
export function predictPlanFor(model: LayersModel, xs: Tensor[]): Plan | Untraceable {
  return plansOf(model).fn.planFor(...xs);
}

/** Free the model's plans (their buffers and constants). */
export function disposePredictPlans(model: LayersModel): void {
  byModel.get(model)?.fn.dispose();
  byModel.delete(model);
}
