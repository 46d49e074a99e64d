/**
 * Pruning schedules (tfmot semantics): when, during training, the masks of pruned layers are recomputed
 * and to which sparsity. A schedule maps the step counter (batches seen, advanced by the
 * updatePruningStep callback) to {shouldPrune, sparsity}: it prunes at beginStep and every `frequency`
 * steps after it up to endStep (inclusive; endStep -1 = no end, constantSparsity only).
 *   polynomialDecay: sparsity = (initial - final) * (1 - p)^power + final, p = clamp((step - begin) / (end - begin), 0, 1)
 *   constantSparsity: sparsity = targetSparsity
 */

export interface ScheduleDecision {
  shouldPrune: boolean;
  sparsity: number;
}

export interface PolynomialDecayArgs {
  initialSparsity: number;
  finalSparsity: number;
  beginStep: number;
  endStep: number;
  power?: number;
  frequency?: number;
}

export interface ConstantSparsityArgs {
  targetSparsity: number;
  beginStep: number;
  endStep?: number;
  frequency?: number;
}

function checkSparsity(fn: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v >= 1) {
    throw new Error(`${fn}: ${name} must be a number in [0, 1), got ${JSON.stringify(v)}`);
  }
  return v;
}

function checkSteps(fn: string, beginStep: unknown, endStep: unknown, frequency: unknown, allowNoEnd: boolean): void {
  if (!Number.isInteger(beginStep) || (beginStep as number) < 0) throw new Error(`${fn}: beginStep must be an integer >= 0, got ${JSON.stringify(beginStep)}`);
  if (!Number.isInteger(endStep)) throw new Error(`${fn}: endStep must be an integer, got ${JSON.stringify(endStep)}`);
  if (!(allowNoEnd && endStep === -1) && (endStep as number) < (beginStep as number)) {
    throw new Error(`${fn}: beginStep (${beginStep}) must not be greater than endStep (${endStep})${allowNoEnd ? ' (endStep -1 means no end)' : ''}`);
  }
  if (!Number.isInteger(frequency) || (frequency as number) <= 0) throw new Error(`${fn}: frequency must be an integer > 0, got ${JSON.stringify(frequency)}`);
}

/** Whether `step` is a pruning step: in [beginStep, endStep] (endStep -1: open) and on the frequency grid. */
function isPruningStep(step: number, beginStep: number, endStep: number, frequency: number): boolean {
  const inRange = step >= beginStep && (endStep === -1 || step <= endStep);
  return inRange && (step - beginStep) % frequency === 0;
}

/**
 * A pruning schedule: maps the training step (batches seen) to whether the masks are recomputed at
 * that step and to which sparsity. Made by tf.pruning.polynomialDecay or tf.pruning.constantSparsity.
 */
export abstract class PruningSchedule {
  /** The schedule's class name, as saved in a pruned layer's config ('PolynomialDecay', 'ConstantSparsity'). */
  abstract readonly className: string;
  /** The decision for a step (the counter the updatePruningStep callback keeps). */
  abstract decide(step: number): ScheduleDecision;
  /** The schedule's settings, as saved in a pruned layer's config. */
  abstract getConfig(): Record<string, number>;
}

/**
 * tfmot's PolynomialDecay: sparsity rises from initialSparsity at beginStep to finalSparsity at
 * endStep along (1 - p)^power, pruning every `frequency` steps in between (tf.pruning.polynomialDecay).
 */
export class PolynomialDecay extends PruningSchedule {
  /** 'PolynomialDecay'. */
  readonly className = 'PolynomialDecay';
  /** Sparsity up to beginStep, in [0, 1). */
  readonly initialSparsity: number;
  /** Sparsity from endStep on, in [0, 1). */
  readonly finalSparsity: number;
  /** The first pruning step. */
  readonly beginStep: number;
  /** The last pruning step (inclusive). */
  readonly endStep: number;
  /** The decay's exponent (default 3). */
  readonly power: number;
  /** Steps between mask updates (default 100). */
  readonly frequency: number;

  constructor(args: PolynomialDecayArgs) {
    super();
    const fn = 'pruning.polynomialDecay';
    if (args == null || typeof args !== 'object') throw new Error(`${fn}: expected {initialSparsity, finalSparsity, beginStep, endStep, power?, frequency?}, got ${String(args)}`);
    this.initialSparsity = checkSparsity(fn, 'initialSparsity', args.initialSparsity);
    this.finalSparsity = checkSparsity(fn, 'finalSparsity', args.finalSparsity);
    this.power = args.power ?? 3;
    this.frequency = args.frequency ?? 100;
    checkSteps(fn, args.beginStep, args.endStep, this.frequency, false);
    if (typeof this.power !== 'number' || !Number.isFinite(this.power)) throw new Error(`${fn}: power must be a finite number, got ${JSON.stringify(this.power)}`);
    this.beginStep = args.beginStep;
    this.endStep = args.endStep;
  }

  /** Whether `step` prunes (on the frequency grid in [beginStep, endStep]) and the sparsity the decay gives at it. */
  decide(step: number): ScheduleDecision {
    const span = this.endStep - this.beginStep;
    const p = span === 0 ? (step >= this.beginStep ? 1 : 0) : Math.min(1, Math.max(0, (step - this.beginStep) / span));
    const sparsity = (this.initialSparsity - this.finalSparsity) * Math.pow(1 - p, this.power) + this.finalSparsity;
    return { shouldPrune: isPruningStep(step, this.beginStep, this.endStep, this.frequency), sparsity };
  }

  /** {initialSparsity, finalSparsity, beginStep, endStep, power, frequency}. */
  getConfig() {
    const { initialSparsity, finalSparsity, beginStep, endStep, power, frequency } = this;
    return { initialSparsity, finalSparsity, beginStep, endStep, power, frequency };
  }
}

/**
 * tfmot's ConstantSparsity: prunes to targetSparsity at beginStep and every `frequency` steps after
 * it, up to endStep (-1: no end) (tf.pruning.constantSparsity).
 */
export class ConstantSparsity extends PruningSchedule {
  /** 'ConstantSparsity'. */
  readonly className = 'ConstantSparsity';
  /** The sparsity every mask update prunes to, in [0, 1). */
  readonly targetSparsity: number;
  /** The first pruning step. */
  readonly beginStep: number;
  /** The last pruning step (inclusive); -1 (the default) for no end. */
  readonly endStep: number;
  /** Steps between mask updates (default 100). */
  readonly frequency: number;

  constructor(args: ConstantSparsityArgs) {
    super();
    const fn = 'pruning.constantSparsity';
    if (args == null || typeof args !== 'object') throw new Error(`${fn}: expected {targetSparsity, beginStep, endStep?, frequency?}, got ${String(args)}`);
    this.targetSparsity = checkSparsity(fn, 'targetSparsity', args.targetSparsity);
    this.endStep = args.endStep ?? -1;
    this.frequency = args.frequency ?? 100;
    checkSteps(fn, args.beginStep, this.endStep, this.frequency, true);
    this.beginStep = args.beginStep;
  }

  /** Whether `step` prunes (on the frequency grid from beginStep to endStep) and targetSparsity. */
  decide(step: number): ScheduleDecision {
    return { shouldPrune: isPruningStep(step, this.beginStep, this.endStep, this.frequency), sparsity: this.targetSparsity };
  }

  /** {targetSparsity, beginStep, endStep, frequency}. */
  getConfig() {
    const { targetSparsity, beginStep, endStep, frequency } = this;
    return { targetSparsity, beginStep, endStep, frequency };
  }
}

/**
 * A schedule whose sparsity rises from initialSparsity to finalSparsity between beginStep and endStep
 * (tfmot `PolynomialDecay(initial_sparsity, final_sparsity, begin_step, end_step, power=3, frequency=100)`).
 * @example
 * ```js
 * const s = tf.pruning.polynomialDecay({ initialSparsity: 0.2, finalSparsity: 0.8, beginStep: 10, endStep: 50, frequency: 10 });
 * s.decide(30).sparsity; // 0.725
 * s.decide(30).shouldPrune; // true
 * s.decide(35).shouldPrune; // false
 * s.decide(50).sparsity; // 0.8
 * ```
 */
export const polynomialDecay = (args: PolynomialDecayArgs) => new PolynomialDecay(args);
/**
 * A schedule that prunes to one sparsity from beginStep on, every `frequency` steps
 * (tfmot `ConstantSparsity(target_sparsity, begin_step, end_step=-1, frequency=100)`).
 * @example
 * ```js
 * const s = tf.pruning.constantSparsity({ targetSparsity: 0.5, beginStep: 100, frequency: 50 });
 * s.decide(200).sparsity; // 0.5
 * s.decide(200).shouldPrune; // true
 * s.decide(220).shouldPrune; // false
 * s.decide(50).shouldPrune; // false
 * ```
 */
export const constantSparsity = (args: ConstantSparsityArgs) => new ConstantSparsity(args);

/** A schedule from its serialized {className, config} (as saved in a pruned layer's config). */
export function scheduleFromConfig(entry: unknown): PruningSchedule {
  if (entry instanceof PruningSchedule) return entry;
  const e = entry as { className?: string; config?: Record<string, number> } | null;
  const cls = String(e?.className ?? '').toLowerCase().replace(/_/g, '');
  if (cls === 'polynomialdecay') return new PolynomialDecay(e!.config as unknown as PolynomialDecayArgs);
  if (cls === 'constantsparsity') return new ConstantSparsity(e!.config as unknown as ConstantSparsityArgs);
  throw new Error(`pruning: unknown pruning schedule ${JSON.stringify(entry)}; expected polynomialDecay or constantSparsity`);
}
