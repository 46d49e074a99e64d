/**
 * Deterministic numbers for the ported TF.js programs (plain JS, so the same program code gives the
 * same data and weights under TF.js and under tessera).
 */
export function det(n: number, seed: number, lo = -0.5, hi = 0.5): number[] {
  let s = seed >>> 0;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    out.push(lo + (s / 2 ** 32) * (hi - lo));
  }
  return out;
}

/**
 * Give every weight of a model seeded values (TF.js code: model.weights names, getWeights / setWeights);
 * batch-norm moving variances get positive ones.
 */
export function seedWeights(tf: any, model: any, seed: number): void {
  const names: string[] = model.weights.map((w: any) => w.name);
  model.setWeights(model.getWeights().map((w: any, i: number) => {
    const variance = /moving_variance/.test(names[i]);
    return tf.tensor(variance ? det(w.size, seed + i, 0.5, 1.5) : det(w.size, seed + i), w.shape);
  }));
}
