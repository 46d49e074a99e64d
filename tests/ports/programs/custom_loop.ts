/**
 * A TF.js custom training loop (the pattern tfjs-examples use for RL and GAN training; written here):
 * a layers model's trainable weights are differentiated with tf.variableGrads, the gradients clipped by
 * their global norm by hand (sqrt of the summed squares, scaled by clipNorm / max(norm, clipNorm)) and
 * applied with optimizer.applyGradients (both the name map and the {name, tensor} list forms). Also
 * tf.grads / tf.valueAndGrads on a plain function and tf.customGrad with a hand-written gradient.
 * The test runs it unchanged on TF.js and on tessera.
 */
import { det, seedWeights } from './det.js';

export async function run(tf: any) {
  const model = tf.sequential({
    layers: [tf.layers.dense({ units: 6, activation: 'elu', inputShape: [3] }), tf.layers.dense({ units: 2 })],
  });
  seedWeights(tf, model, 141);
  const xs = tf.tensor2d(det(20 * 3, 142, -2, 2), [20, 3]);
  const ys = tf.tensor2d(det(20 * 2, 143, -3, 3), [20, 2]);
  const optimizer = tf.train.momentum(0.05, 0.9);
  const clipNorm = 0.7; // the first steps' norms are above it, the later ones below
  const losses: number[] = [];
  const norms: number[] = [];
  for (let step = 0; step < 8; step++) {
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => tf.losses.meanSquaredError(ys, model.apply(xs)));
      const names = Object.keys(grads);
      const globalNorm = tf.sqrt(tf.addN(names.map((k) => tf.sum(tf.square(grads[k])))));
      const scale = tf.div(clipNorm, tf.maximum(globalNorm, clipNorm));
      const clipped: Record<string, any> = {};
      for (const k of names) clipped[k] = tf.mul(grads[k], scale);
      if (step % 2 === 0) optimizer.applyGradients(clipped);
      else optimizer.applyGradients(names.map((name) => ({ name, tensor: clipped[name] })));
      losses.push(value.dataSync()[0]);
      norms.push(globalNorm.dataSync()[0]);
    });
  }

  // tf.grads / tf.valueAndGrads of f(a, b) = sum(a * b^2)
  const f = (a: any, b: any) => tf.sum(tf.mul(a, tf.square(b)));
  const a = tf.tensor1d([1, -2, 3]);
  const b = tf.tensor1d([0.5, 4, -1]);
  const [da, db] = tf.grads(f)([a, b]);
  const { value: fv, grads: vg } = tf.valueAndGrads(f)([a, b]);
  // tf.customGrad: a straight-through clip whose gradient passes unchanged
  const straightThrough = tf.customGrad((x: any, save: any) => {
    save([x]);
    return { value: tf.clipByValue(x, -1, 1), gradFunc: (dy: any) => dy.mul(2) };
  });
  const stGrad = tf.grad((x: any) => tf.sum(straightThrough(x)))(tf.tensor1d([-3, 0.5, 2]));
  return {
    losses, norms, weights: await Promise.all(model.getWeights().map((w: any) => w.array())),
    da: Array.from(da.dataSync()), db: Array.from(db.dataSync()), fv: fv.dataSync()[0], vg: vg.map((g: any) => Array.from(g.dataSync())),
    stGrad: Array.from(stGrad.dataSync()),
  };
}
