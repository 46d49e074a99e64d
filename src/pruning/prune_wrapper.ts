/**
 * PruneLowMagnitude: the layer wrapper tf.pruning.pruneLowMagnitude puts around a prunable layer (tfmot's
 * PruneLowMagnitude). It owns, per pruned weight, a non-trainable `${weight}_mask` (saved with the model)
 * and a `pruning_step` counter. Weights stay masked: the mask is multiplied in when it is recomputed and,
 * through the weight's constraint, after every optimizer step of fit (so pruned entries stay exactly zero).
 * The wrapped layer's own weights are named and listed under the wrapper's name, as TimeDistributed's are.
 */
import { ENGINE } from '../engine.js';
import type { Tensor } from '../tensor.js';
import type { Variable } from '../variable.js';
import { tensor, scalar } from '../ops/creation.js';
import { mul } from '../ops/binary.js';
import { Layer, type Kwargs, type LayerArgs, type LayerWeight, type Shape } from '../layers/layer.js';
import { layerFromConfig } from '../layers/serialization.js';
import { composite } from '../layers/recurrent/rnn_util.js';
import { scheduleFromConfig, type PruningSchedule } from './schedules.js';
import { checkBlockFits, checkBlockSize, magnitudeMask, type BlockSize } from './magnitude_mask.js';

/** The weights tfmot prunes, by layer class (kernels, not biases). */
const PRUNABLE_WEIGHTS: Record<string, string[]> = {
  Dense: ['kernel'],
  Conv1D: ['kernel'],
  Conv2D: ['kernel'],
  Conv2DTranspose: ['kernel'],
  Conv3D: ['kernel'],
  DepthwiseConv2D: ['depthwise_kernel'],
  SeparableConv2D: ['depthwise_kernel', 'pointwise_kernel'],
  Embedding: ['embeddings'],
};

/** The names of a layer's prunable weights, or null when it has none (a custom layer may list them with getPrunableWeights()). */
export function prunableWeightNames(layer: Layer): string[] | null {
  const names = PRUNABLE_WEIGHTS[layer.getClassName()];
  if (names) return names;
  const custom = (layer as unknown as { getPrunableWeights?: () => Variable[] }).getPrunableWeights;
  if (typeof custom === 'function') {
    const vars = new Set(custom.call(layer));
    return layer.weightEntries().filter((w) => vars.has(w.variable)).map((w) => w.originalName);
  }
  return null;
}

export interface PruneLowMagnitudeArgs extends LayerArgs {
  layer: Layer | { className: string; config: Record<string, unknown> };
  pruningSchedule: PruningSchedule | { className: string; config: Record<string, number> };
  blockSize?: [number, number];
}

interface PrunedWeight {
  entry: LayerWeight;
  mask: Variable;
  /** The entry as the model sees it: the layer's own constraint, then the mask. */
  masked: LayerWeight;
}

/**
 * The wrapper tf.pruning.pruneLowMagnitude puts around each pruned layer (tfmot's PruneLowMagnitude):
 * it keeps a mask per prunable weight (and the step counter) and keeps the masked entries at zero.
 */
export class PruneLowMagnitude extends Layer {
  /** 'PruneLowMagnitude', the name the layer is serialized under. */
  static override className = 'PruneLowMagnitude';
  /** The wrapped layer. */
  readonly layer: Layer;
  /** When the masks are recomputed, and to which sparsity. */
  readonly schedule: PruningSchedule;
  /** The [rows, cols] blocks weights are pruned in ([1, 1]: each weight on its own). */
  readonly blockSize: BlockSize;
  private pruned: PrunedWeight[] = [];
  private stepVariable?: Variable;
  /** Set by the updatePruningStep callback for the duration of fit. */
  stepCallbackActive = false;

  constructor(args: PruneLowMagnitudeArgs) {
    if (!args || !args.layer) throw new Error('pruneLowMagnitude: the `layer` option is required');
    const inner = args.layer instanceof Layer ? args.layer : layerFromConfig(args.layer.className, args.layer.config ?? {});
    super({ ...args, name: args.name ?? `prune_low_magnitude_${inner.name}`, batchInputShape: args.batchInputShape ?? inner.batchInputShape });
    this.layer = inner;
    if (prunableWeightNames(inner) == null) {
      throw new Error(`pruneLowMagnitude: layer '${inner.name}' (${inner.getClassName()}) has no prunable weights; prunable: ${Object.keys(PRUNABLE_WEIGHTS).join(', ')} or a layer with getPrunableWeights()`);
    }
    if (!args.pruningSchedule) throw new Error(`pruneLowMagnitude: layer '${inner.name}': the pruningSchedule option is required`);
    this.schedule = scheduleFromConfig(args.pruningSchedule);
    this.blockSize = checkBlockSize('pruneLowMagnitude', args.blockSize ?? [1, 1]);
    this.supportsMasking = inner.supportsMasking;
    if (inner.built) this.createMasks();
  }

  /** Builds the wrapped layer (its weights named after the wrapper), then the masks and the step counter. */
  override build(inputShape: Shape | Shape[]): void {
    // the wrapped layer's weights are named after the wrapper (as TimeDistributed's are)
    const own = this.layer.name;
    this.layer.name = this.name;
    try {
      this.layer.maybeBuild(inputShape);
    } finally {
      this.layer.name = own;
    }
    this.createMasks();
    this.built = true;
  }

  private createMasks(): void {
    if (this.stepVariable) return;
    const entries = this.layer.weightEntries();
    for (const name of prunableWeightNames(this.layer)!) {
      const entry = entries.find((w) => w.originalName === name);
      if (!entry) throw new Error(`pruneLowMagnitude: layer '${this.layer.name}' has no weight '${name}'`);
      checkBlockFits('pruneLowMagnitude', this.layer.name, name, entry.variable.shape, this.blockSize);
      const mask = ENGINE.noGrad(() => this.addWeight(`${name}_mask`, entry.variable.shape as Shape, 'float32', 'ones', null, false));
      const own = entry.constraint;
      const constraint = (w: Tensor) => {
        const c = own ? own(w) : w;
        const m = mul(c, mask);
        if (c !== w) c.dispose();
        return m;
      };
      this.pruned.push({ entry, mask, masked: { ...entry, constraint } });
    }
    this.stepVariable = ENGINE.noGrad(() => this.addWeight('pruning_step', [], 'float32', 'zeros', null, false));
    this.setStep(-1);
  }

  /** The wrapped layer's weights (pruned ones carrying the mask constraint), then the masks and the step. */
  override weightEntries(): LayerWeight[] {
    const swap = new Map(this.pruned.map((p) => [p.entry, p.masked]));
    return [...this.layer.weightEntries().map((w) => swap.get(w) ?? w), ...this.weightList];
  }

  /** The pruned weights with their masks. */
  prunedWeights(): { name: string; weight: Variable; mask: Variable }[] {
    return this.pruned.map((p) => ({ name: p.entry.originalName, weight: p.entry.variable, mask: p.mask }));
  }

  /** The schedule's step counter as last set by the callback (-1 before training). */
  async pruningStep(): Promise<number> {
    if (!this.stepVariable) return -1;
    return (await this.stepVariable.data())[0];
  }

  /** Called by updatePruningStep before each batch: store the step and, on a pruning step, recompute the masks. */
  async advanceTo(step: number): Promise<void> {
    if (!this.built) return;
    this.setStep(step);
    const { shouldPrune, sparsity } = this.schedule.decide(step);
    if (shouldPrune) await this.updateMasks(sparsity);
  }

  private setStep(step: number): void {
    const s = scalar(step);
    ENGINE.noGrad(() => this.stepVariable!.assign(s));
    s.dispose();
  }

  /** Recompute every mask for a sparsity and zero the pruned entries. */
  async updateMasks(sparsity: number): Promise<void> {
    for (const p of this.pruned) {
      const w = p.entry.variable;
      const values = await w.data();
      const mask = magnitudeMask(values as Float32Array, w.shape, sparsity, this.blockSize);
      ENGINE.noGrad(() => {
        const m = tensor(mask, w.shape, 'float32');
        p.mask.assign(m);
        const masked = mul(w, m);
        w.assign(masked);
        m.dispose();
        masked.dispose();
      });
    }
  }

  /** The wrapped layer's output shape. */
  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    return this.layer.computeOutputShape(inputShape);
  }

  /** The wrapped layer's output mask. */
  override computeMask(inputs: Tensor | Tensor[], mask?: Tensor | Tensor[] | null) {
    return this.layer.computeMask(inputs, mask);
  }

  /** Runs the wrapped layer (its weights already masked); training requires the updatePruningStep callback. */
  call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor | Tensor[] {
    if (kwargs.training && !this.stepCallbackActive) {
      throw new Error(
        `pruneLowMagnitude: layer '${this.name}' is being trained without the pruning step callback; ` +
        'pass tf.pruning.updatePruningStep() in model.fit\'s callbacks',
      );
    }
    return composite(() => this.layer.apply(inputs, kwargs) as Tensor | Tensor[]);
  }

  /** The layer's config plus the wrapped layer's {className, config}, the schedule's, and blockSize. */
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      layer: { className: this.layer.getClassName(), config: this.layer.getConfig() },
      pruningSchedule: { className: this.schedule.className, config: this.schedule.getConfig() },
      blockSize: this.blockSize,
    };
  }
}

/** Rename layer references (inbound nodes, input / output layers) of a functional config. */
export function renameRefs(config: Record<string, unknown>, renames: Map<string, string>): void {
  const fix = (ref: unknown) => {
    if (Array.isArray(ref) && typeof ref[0] === 'string' && renames.has(ref[0])) ref[0] = renames.get(ref[0]);
  };
  for (const e of (config.layers as Record<string, unknown>[]) ?? []) {
    for (const node of (e.inboundNodes as unknown[][]) ?? []) for (const ref of node) fix(ref);
  }
  for (const key of ['inputLayers', 'outputLayers']) for (const ref of (config[key] as unknown[]) ?? []) fix(ref);
}
