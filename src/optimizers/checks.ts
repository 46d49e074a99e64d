/**
 * Hyperparameter validation shared by the optimizers: clear errors naming the optimizer.
 */
export function checkRate(opt: string, name: string, value: number, allowZero = false): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new Error(`${opt}: ${name} must be a ${allowZero ? 'non-negative' : 'positive'} finite number, got ${value}`);
  }
}

/** A decay rate in [0, 1). */
export function checkDecay(opt: string, name: string, value: number): void {
  if (typeof value !== 'number' || !(value >= 0 && value < 1)) {
    throw new Error(`${opt}: ${name} must be in [0, 1), got ${value}`);
  }
}

/** The float32 epsilon TF.js uses when none is given. */
export const DEFAULT_EPSILON = 1e-7;
