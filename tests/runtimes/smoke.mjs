// The one script every runtime row runs (tests/runtimes.test.ts): settle the backend, check a
// matMul against a plain triple loop, fit y = 3x + 2 with one Dense unit, checking the predictions
// against 3x + 2, and save that model to memory and load it back. Takes the tessera module, so each
// runtime imports it its own way.
// Returns a plain object (JSON-safe); `problems` lists every check that failed.

/** A 13x29 by 29x7 product: odd sizes, so no kernel's tile or vector width divides them. */
function matMulCheck(tf) {
  const [M, K, N] = [13, 29, 7];
  const a = Array.from({ length: M * K }, (_, i) => Math.sin(i * 0.7) * 2);
  const b = Array.from({ length: K * N }, (_, i) => Math.cos(i * 0.3) - 0.25);
  const want = new Float64Array(M * N);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += a[i * K + k] * b[k * N + j];
      want[i * N + j] = s;
    }
  }
  return { M, N, K, want, got: tf.matMul(tf.tensor2d(a, [M, K]), tf.tensor2d(b, [K, N])) };
}

export async function smoke(tf, { backend, problems = [] } = {}) {
  const times = {};
  let t = Date.now();
  if (backend) {
    const ok = await tf.setBackend(backend);
    if (!ok) problems.push(`setBackend('${backend}') resolved false: ${JSON.stringify(tf.backendInfo().failures)}`);
  }
  await tf.ready();
  times.ready = Date.now() - t;
  const active = tf.getBackend();
  if (backend && active !== backend) problems.push(`active backend is ${active}, wanted ${backend}`);

  t = Date.now();
  const mm = matMulCheck(tf);
  const got = await mm.got.data();
  let worst = 0;
  for (let i = 0; i < mm.want.length; i++) {
    const err = Math.abs(got[i] - mm.want[i]) / (1 + Math.abs(mm.want[i]));
    if (!(err <= worst)) worst = err; // NaN lands here and stays
  }
  if (got.length !== mm.want.length) problems.push(`matMul gave ${got.length} values, wanted ${mm.want.length}`);
  if (!(worst < 1e-5)) problems.push(`matMul differs from the plain loop by ${worst} (relative)`);
  times.matMul = Date.now() - t;

  // y = 3x + 2 on 16 points in [-1, 1]; full-batch SGD from zero weights converges geometrically
  t = Date.now();
  const xs = Array.from({ length: 16 }, (_, i) => -1 + (2 * i) / 15);
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1], kernelInitializer: 'zeros' })] });
  model.compile({ optimizer: tf.train.sgd(0.2), loss: 'meanSquaredError' });
  const history = await model.fit(tf.tensor2d(xs, [16, 1]), tf.tensor2d(xs.map((x) => 3 * x + 2), [16, 1]), {
    epochs: 60, batchSize: 16, shuffle: false, verbose: 0,
  });
  const probe = [-3, 0.5, 4]; // two points outside the training range, where a wrong slope shows
  const predicted = Array.from(await model.predict(tf.tensor2d(probe, [3, 1])).data());
  probe.forEach((x, i) => {
    if (!(Math.abs(predicted[i] - (3 * x + 2)) < 0.01)) problems.push(`predict(${x}) = ${predicted[i]}, wanted ${3 * x + 2} after fit`);
  });
  const losses = history.history.loss;
  times.fit = Date.now() - t;

  // save to memory and load back (model.save / loadLayersModel load their code on the first call, a
  // lazy chunk this runtime must resolve): the loaded model predicts the same values
  t = Date.now();
  let artifacts = null;
  await model.save(tf.io.withSaveHandler(async (a) => {
    artifacts = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  const reloaded = Array.from(await loaded.predict(tf.tensor2d(probe, [3, 1])).data());
  if (reloaded.some((v, i) => v !== predicted[i])) problems.push(`the saved and loaded model predicts ${reloaded}, the original ${predicted}`);
  times.saveLoad = Date.now() - t;

  const info = tf.backendInfo();
  return {
    backend: active,
    adapter: info.adapter ? info.adapter.description || info.adapter.vendor : null,
    failures: info.failures,
    matMulWorst: worst,
    predicted,
    firstLoss: losses[0],
    lastLoss: losses[losses.length - 1],
    times,
    problems,
  };
}
