/**
 * Soak on webgpu in headless Chromium (SwiftShader): reduced sizes (100 fit steps of a small MLP and
 * 500 predicts after a warm-up, tests/helpers/soak_loop.mjs, the loop the Node soak runs too).
 * Between the mid-run snapshot and the end, tf.memory() tensors and bytes, the webgpu backend's
 * live buffers and bytes, pooled bytes, buffers existing on the device and compiled pipelines must
 * be unchanged, and the page's JS heap in use (performance.memory after a GC) within 10%.
 * `npm run soak` runs the same page code at full size (1000 fit steps, 10,000 predicts).
 */
import { expect, it } from 'vitest';
import { CI_WEBGPU_SOAK, describeWebgpuSoak, webgpuSoakProblems } from '../helpers/soak_loop.mjs';
import { runWebgpuSoakInChromium } from '../helpers/soak_browser.mjs';

it(`webgpu: ${CI_WEBGPU_SOAK.fitSteps} fit steps and ${CI_WEBGPU_SOAK.predicts} predicts leave GPU buffers, tensors and the JS heap flat`, async () => {
  const r = await runWebgpuSoakInChromium(CI_WEBGPU_SOAK);
  console.log(describeWebgpuSoak(r));
  expect(r.mid.heapUsed, 'performance.memory is missing (not Chromium?)').toBeGreaterThan(0);
  expect(r.end.gcRan, 'the page has no gc() (--js-flags=--expose-gc)').toBe(true);
  expect(webgpuSoakProblems(r)).toEqual([]);
}, 180_000);
