/**
 * `model.save(url, {includeOptimizer: true})` (TF.js): the artifacts also carry a `trainingConfig`
 * (loss, metrics and `optimizer_config: {class_name, config}`, TF.js's layout) and the optimizer's state
 * as weights of group 'optimizer' (`iter`, then each slot named `<weight>/<slot>`). Loading such
 * artifacts compiles the model with that optimizer and restores its state, so training resumes where it
 * stopped (same Adam moments and step count).
 */
import type { Tensor } from '../tensor.js';
import type { Variable } from '../variable.js';
import type { LayersModel } from '../models/layers_model.js';
import { Optimizer } from '../optimizers/optimizer.js';
import * as train from '../optimizers/train.js';
import type { DecodedWeight } from './weights.js';

type Cfg = Record<string, unknown>;
const num = (c: Cfg, k: string, d?: number) => (typeof c[k] === 'number' ? (c[k] as number) : d);
const clip = (c: Cfg) => ({ clipnorm: num(c, 'clipnorm'), globalClipnorm: num(c, 'globalClipnorm'), clipvalue: num(c, 'clipvalue') });

/** An optimizer rebuilt from TF.js's {class_name, config}. */
export function optimizerFromConfig(className: string, c: Cfg): Optimizer {
  const lr = num(c, 'learningRate');
  switch (className) {
    case 'SGD': return train.sgd(lr ?? 0.01, clip(c));
    case 'Momentum': return train.momentum(lr ?? 0.01, num(c, 'momentum', 0)!, !!c.useNesterov, clip(c));
    case 'Adam': return train.adam(lr, num(c, 'beta1'), num(c, 'beta2'), num(c, 'epsilon') ?? null, clip(c));
    case 'AdamW': return train.adamw(lr, num(c, 'beta1'), num(c, 'beta2'), num(c, 'epsilon') ?? null, num(c, 'weightDecay'), clip(c));
    case 'Adamax': return train.adamax(lr, num(c, 'beta1'), num(c, 'beta2'), num(c, 'epsilon') ?? null, num(c, 'decay'), clip(c));
    case 'RMSProp': return train.rmsprop(lr ?? 0.001, num(c, 'decay'), num(c, 'momentum'), num(c, 'epsilon') ?? null, !!c.centered, clip(c));
    case 'Adagrad': return train.adagrad(lr ?? 0.01, num(c, 'initialAccumulatorValue'), clip(c));
    case 'Adadelta': return train.adadelta(lr, num(c, 'rho'), num(c, 'epsilon') ?? null, clip(c));
    default: throw new Error(`loadLayersModel: the saved training config names optimizer '${className}', which tessera cannot rebuild`);
  }
}

const lossName = (l: unknown) => (typeof l === 'function' ? (l as { name?: string }).name || 'custom' : l);

/** TF.js's trainingConfig for a compiled model. */
export function trainingConfigOf(model: LayersModel): Cfg {
  const c = model.compiled;
  if (!c) throw new Error(`model.save: includeOptimizer needs a compiled model ('${model.name}' is not compiled)`);
  const loss = Array.isArray(c.args.loss) ? c.args.loss.map(lossName)
    : typeof c.args.loss === 'object' && typeof c.args.loss !== 'function' && !('name' in c.args.loss) ? Object.fromEntries(Object.entries(c.args.loss).map(([k, v]) => [k, lossName(v)]))
      : lossName(c.args.loss);
  const metrics = c.args.metrics == null ? null : JSON.parse(JSON.stringify(c.args.metrics, (_k, v) => lossName(v)));
  return {
    loss, metrics, weighted_metrics: null, sample_weight_mode: null, loss_weights: c.args.lossWeights ?? null,
    optimizer_config: { class_name: c.optimizer.getClassName(), config: c.optimizer.getConfig() },
  };
}

/** The optimizer's state under canonical weight names (`refName` maps the model's variables to their saved names). */
export async function optimizerWeights(model: LayersModel, refName: Map<string, string>): Promise<{ name: string; tensor: Tensor }[]> {
  const opt = model.compiled!.optimizer;
  const named = await opt.getWeights();
  return named.map(({ name, tensor }) => {
    if (name === 'iter') return { name, tensor };
    const cut = name.lastIndexOf('/');
    const v = name.slice(0, cut);
    return { name: `${refName.get(v) ?? v}/${name.slice(cut + 1)}`, tensor };
  });
}

/** Compile a loaded model from its trainingConfig and restore the optimizer state, if saved. */
export async function restoreTraining(
  model: LayersModel, config: Cfg, optimizerState: DecodedWeight[], variableOf: (savedName: string) => Variable | undefined,
  makeTensor: (d: DecodedWeight) => Tensor,
): Promise<void> {
  const oc = config.optimizer_config as { class_name: string; config: Cfg } | undefined;
  if (!oc || config.loss == null) return;
  const optimizer = optimizerFromConfig(oc.class_name, oc.config ?? {});
  model.compile({ optimizer, loss: config.loss as never, metrics: (config.metrics ?? undefined) as never });
  model.compiled!.ownsOptimizer = true;
  if (!optimizerState.length) return;
  const named = optimizerState.map((d) => {
    const n = d.spec.name;
    if (n === 'iter' || n === 'iterations') return { name: 'iter', tensor: makeTensor(d) };
    const cut = n.lastIndexOf('/');
    const v = variableOf(n.slice(0, cut));
    if (!v) throw new Error(`loadLayersModel: the saved optimizer weight '${n}' belongs to no weight of the model`);
    return { name: `${v.name}/${n.slice(cut + 1)}`, tensor: makeTensor(d) };
  });
  try {
    await optimizer.setWeights(named);
  } finally {
    for (const { tensor } of named) tensor.dispose();
  }
}
