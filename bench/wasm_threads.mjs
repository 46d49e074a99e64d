// Wasm worker-pool timings in Node: matMul 256/512/1024 and 197x768x3072, conv2d
// [1,28,28,32] * [3,3,32,96] same, each with 1 and 2 threads (tf.wasm.setThreadsCount in a child
// process per count), median of REPS after a warm-up, plus a checksum of the output bits to show
// the runs agree bit for bit. Needs dist/ (node scripts/build.mjs).
// Usage: node bench/wasm_threads.mjs [threads...]   (default 1 2)
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

const REPS = Number(process.env.REPS ?? 15);
const CASES = [
  ['matMul 256', () => [[256, 256], [256, 256]], (tf, a, b) => tf.matMul(a, b), 2 * 256 ** 3],
  ['matMul 512', () => [[512, 512], [512, 512]], (tf, a, b) => tf.matMul(a, b), 2 * 512 ** 3],
  ['matMul 1024', () => [[1024, 1024], [1024, 1024]], (tf, a, b) => tf.matMul(a, b), 2 * 1024 ** 3],
  ['matMul 197x768x3072', () => [[197, 768], [768, 3072]], (tf, a, b) => tf.matMul(a, b), 2 * 197 * 768 * 3072],
  ['matMul 1024x256x2048', () => [[1024, 256], [256, 2048]], (tf, a, b) => tf.matMul(a, b), 2 * 1024 * 256 * 2048],
  ['conv2d [1,56,56,64]x[3,3,64,64]', () => [[1, 56, 56, 64], [3, 3, 64, 64]], (tf, x, f) => tf.conv2d(x, f, 1, 'same'), 2 * 56 * 56 * 64 * 9 * 64],
  ['conv2d [1,28,28,32]x[3,3,32,96]', () => [[1, 28, 28, 32], [3, 3, 32, 96]], (tf, x, f) => tf.conv2d(x, f, 1, 'same'), 2 * 28 * 28 * 96 * 9 * 32],
];

async function child(threads) {
  const tf = await import('../dist/tessera.js');
  tf.wasm.setThreadsCount(threads);
  await tf.setBackend('wasm');
  const rows = [];
  for (const [name, shapes, run, flops] of CASES) {
    const [sa, sb] = shapes();
    const a = tf.randomUniform(sa, -1, 1, 'float32', 1);
    const b = tf.randomUniform(sb, -1, 1, 'float32', 2);
    tf.dispose(run(tf, a, b)); // warm-up
    const times = [];
    let sum = 0;
    for (let r = 0; r < REPS; r++) {
      const t0 = performance.now();
      const out = run(tf, a, b);
      const data = out.dataSync();
      times.push(performance.now() - t0);
      if (r === 0) {
        const bits = new Uint32Array(data.buffer, data.byteOffset, data.length);
        for (let i = 0; i < bits.length; i++) sum = (Math.imul(sum, 31) + bits[i]) >>> 0;
      }
      out.dispose();
    }
    times.sort((x, y) => x - y);
    const ms = times[REPS >> 1];
    rows.push({ name, ms, gflops: flops / ms / 1e6, checksum: sum.toString(16) });
    tf.dispose([a, b]);
  }
  console.log(JSON.stringify({ threads: tf.wasm.getThreadsCount(), reason: tf.backendInfo().wasmThreads?.reason, rows }));
}

if (process.argv[2] === '--child') {
  await child(Number(process.argv[3])).catch((e) => {
    console.error(String(e?.stack ?? e).slice(0, 2000));
    process.exit(1);
  });
} else {
  const counts = process.argv.slice(2).map(Number);
  const results = (counts.length ? counts : [1, 2]).map((n) =>
    JSON.parse(execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child', String(n)], { encoding: 'utf8' }).trim().split('\n').pop()));
  console.log(`load average before: ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);
  for (const r of results) console.log(`threads ${r.threads}: ${r.reason}`);
  console.log(['case', ...results.map((r) => `${r.threads}T ms (GFLOP/s)`), 'checksums'].join(' | '));
  for (let i = 0; i < CASES.length; i++) {
    const cells = results.map((r) => `${r.rows[i].ms.toFixed(2)} (${r.rows[i].gflops.toFixed(1)})`);
    const sums = [...new Set(results.map((r) => r.rows[i].checksum))];
    console.log([CASES[i][0], ...cells, sums.length === 1 ? `same ${sums[0]}` : `DIFFER ${sums.join(' ')}`].join(' | '));
  }
  console.log(`load average after: ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);
}
