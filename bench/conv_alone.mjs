// tessera's wasm conv2d timed alone in headless Chromium (no peer library loaded), 1 and 2
// threads, each in a fresh tab, to set against the interleaved bench page (bench/run.mjs): 60
// calls per shape, each conv2d + a 1-element corner read like the page's syncAndDispose; median
// and min ms. Uses dist/tessera.js (npm run build first).
// Run: node bench/conv_alone.mjs [--out=<name>]   (writes bench/results/<name>.json)
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium } from '../scripts/chromium.mjs';
import { repoRoot, startServer } from '../scripts/server.mjs';

const out = process.argv.find((a) => a.startsWith('--out='))?.split('=')[1];
// [H (= W), inC, outC], 3x3 'same', batch 1: the bench page's conv rows.
const SHAPES = [[56, 64, 64], [28, 32, 96]];
const server = await startServer();
const browser = await launchChromium();
const rows = [];
try {
  for (const threads of [1, 2, 1, 2]) {
    const tab = await browser.newPage();
    await tab.goto(`${server.url}/bench/index.html`);
    rows.push(...await tab.evaluate(async ({ threads, shapes }) => {
      const tf = await import('/dist/tessera.js');
      tf.wasm.setThreadsCount(threads);
      await tf.setBackend('wasm');
      await tf.ready();
      const res = [];
      for (const [H, C, N] of shapes) {
        const x = tf.randomNormal([1, H, H, C]), f = tf.randomNormal([3, 3, C, N]);
        const times = [];
        for (let i = 0; i < 60; i++) {
          const t = performance.now();
          const y = tf.conv2d(x, f, 1, 'same');
          const corner = tf.slice(y, [0, 0, 0, 0], [1, 1, 1, 1]);
          await corner.data();
          corner.dispose();
          y.dispose();
          times.push(performance.now() - t);
        }
        times.sort((a, b) => a - b);
        res.push({ case: `conv2d [1,${H},${H},${C}] * [3,3,${C},${N}] same`, threads: tf.wasm.getThreadsCount(), medianMs: times[30], minMs: times[0] });
        x.dispose(); f.dispose();
      }
      return res;
    }, { threads, shapes: SHAPES }));
    await tab.close();
  }
} finally {
  await browser.close();
  await server.close();
}
for (const r of rows) console.log(`${r.case} threads ${r.threads}: median ${r.medianMs.toFixed(3)} ms, min ${r.minMs.toFixed(3)} ms`);
if (out) writeFileSync(join(repoRoot, 'bench/results', `${out}.json`), JSON.stringify({ date: new Date().toISOString(), rows }, null, 2));
