/**
 * A TF.js polynomial fit on the core API, in the manner of tfjs-examples' polynomial-regression-core
 * (written here): four tf.scalar coefficients as tf.variable, predictions a*x^3 + b*x^2 + c*x + d built
 * from tf ops inside tf.tidy, mean squared error, tf.train.sgd and optimizer.minimize over many
 * iterations, coefficients read with dataSync. The test runs it unchanged on TF.js and on tessera.
 */
import { det } from './det.js';

export async function run(tf: any) {
  const trueCoeff = { a: -0.8, b: -0.2, c: 0.9, d: 0.5 };
  const n = 50;
  const xsRaw = det(n, 23, -1, 1);
  const noise = det(n, 24, -0.04, 0.04);
  const ysRaw = xsRaw.map((x, i) => trueCoeff.a * x ** 3 + trueCoeff.b * x ** 2 + trueCoeff.c * x + trueCoeff.d + noise[i]);
  const xs = tf.tensor1d(xsRaw);
  const ys = tf.tensor1d(ysRaw);
  // normalise ys to [0, 1] as the example does before fitting
  const ymin = ys.min();
  const ymax = ys.max();
  const ysNorm = ys.sub(ymin).div(ymax.sub(ymin));

  const a = tf.variable(tf.scalar(0.1));
  const b = tf.variable(tf.scalar(-0.3));
  const c = tf.variable(tf.scalar(0.2));
  const d = tf.variable(tf.scalar(0.05));
  const predict = (x: any) => tf.tidy(() => a.mul(x.pow(tf.scalar(3, 'int32')))
    .add(b.mul(x.square()))
    .add(c.mul(x))
    .add(d));
  const loss = (prediction: any, labels: any) => prediction.sub(labels).square().mean();

  const optimizer = tf.train.sgd(0.5);
  const lossAt: number[] = [];
  for (let i = 0; i < 75; i++) {
    const cost = optimizer.minimize(() => loss(predict(xs), ysNorm), i % 15 === 14);
    if (cost) {
      lossAt.push(cost.dataSync()[0]);
      cost.dispose();
    }
  }
  const coefficients = [a, b, c, d].map((v) => v.dataSync()[0]);
  const curve = Array.from(predict(tf.linspace(-1, 1, 5)).dataSync());
  return { lossAt, coefficients, curve, numTensorsStable: tf.memory().numTensors < 1000 };
}
