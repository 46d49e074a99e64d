/**
 * A TF.js policy-gradient loop in the manner of tfjs-examples' cart-pole (written here): a small policy
 * network whose model.predict runs inside tf.variableGrads, a sampled action per step (the example draws
 * it with tf.multinomial; here a fixed uniform number against the predicted probability, so both
 * libraries take the same actions), per-step gradients kept with tf.keep, rewards discounted and
 * normalised with tf.moments, gradients scaled by the normalised rewards, averaged over games with
 * tf.stack + mean and applied with optimizer.applyGradients. The environment is a 1-D pole with
 * hand-written physics. The test runs it unchanged on TF.js and on tessera.
 */
import { det, seedWeights } from './det.js';

/** Discounted returns r_t + g r_{t+1} + ..., normalised over all games together. */
function discountAndNormalize(tf: any, rewardsPerGame: number[][], discount: number) {
  return tf.tidy(() => {
    const discounted = rewardsPerGame.map((rewards) => {
      const out = new Array(rewards.length).fill(0);
      let running = 0;
      for (let t = rewards.length - 1; t >= 0; t--) out[t] = running = rewards[t] + discount * running;
      return tf.tensor1d(out);
    });
    const all = tf.concat(discounted);
    const { mean, variance } = tf.moments(all);
    const std = tf.sqrt(variance);
    return discounted.map((d: any) => d.sub(mean).div(std));
  });
}

export async function run(tf: any) {
  const policy = tf.sequential({
    layers: [tf.layers.dense({ units: 6, activation: 'elu', inputShape: [2] }), tf.layers.dense({ units: 1 })],
  });
  seedWeights(tf, policy, 251);
  const optimizer = tf.train.adam(0.05);
  const draws = det(400, 252, 0, 1);
  let drawIndex = 0;
  const gameLengths: number[] = [];
  const probsSeen: number[] = [];
  for (let iteration = 0; iteration < 3; iteration++) {
    const gradientsPerGame: Array<Array<Record<string, any>>> = [];
    const rewardsPerGame: number[][] = [];
    for (let game = 0; game < 3; game++) {
      let x = 0.1 * (game - 1);
      let v = 0;
      const gameGradients: Array<Record<string, any>> = [];
      const rewards: number[] = [];
      for (let step = 0; step < 12; step++) {
        const state = tf.tensor2d([[x, v]]);
        let leftProb = 0;
        const { grads } = tf.variableGrads(() => {
          const logits = policy.predict(state);
          const left = tf.sigmoid(logits);
          leftProb = left.dataSync()[0];
          const action = draws[drawIndex % draws.length] < leftProb ? 1 : 0; // 1 = push left
          // log-likelihood of the chosen action: the gradient the example keeps per step
          return tf.losses.sigmoidCrossEntropy(tf.tensor2d([[action]]), logits).asScalar();
        });
        const pushLeft = draws[drawIndex++ % draws.length] < leftProb;
        probsSeen.push(leftProb);
        gameGradients.push(grads);
        state.dispose();
        v += (pushLeft ? -0.05 : 0.05) + 0.1 * x;
        x += v;
        rewards.push(1);
        if (Math.abs(x) > 0.6) break;
      }
      gameLengths.push(rewards.length);
      gradientsPerGame.push(gameGradients);
      rewardsPerGame.push(rewards);
    }
    const normalized = discountAndNormalize(tf, rewardsPerGame, 0.9);
    const names = Object.keys(gradientsPerGame[0][0]);
    const meanGradients: Record<string, any> = {};
    tf.tidy(() => {
      for (const name of names) {
        const perGame = gradientsPerGame.map((steps, g) => {
          const scaled = steps.map((grads, t) => grads[name].mul(normalized[g].slice([t], [1]).asScalar()));
          return tf.stack(scaled).mean(0);
        });
        meanGradients[name] = tf.keep(tf.stack(perGame).mean(0));
      }
    });
    optimizer.applyGradients(meanGradients);
    tf.dispose([meanGradients, normalized, gradientsPerGame]);
  }
  return {
    gameLengths, probsSeen,
    weights: await Promise.all(policy.getWeights().map((w: any) => w.array())),
  };
}
