/**
 * TF.js's own op specs (tfjs-core 4.22's compiled jasmine specs, from node_modules) against the built tessera
 * on webgpu in headless Chromium (SwiftShader here). Specs TF.js's own webgpu backend fails in the same
 * Chromium are excluded (measured list, tests/tfjs_specs/tfjs_webgpu_reference.mjs). Prints
 * "webgpu: N passed, M failed" and fails below the floor in tests/tfjs_specs/floors.mjs.
 */
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM helper without types
import { runSpecsInChromium } from '../tfjs_specs/run_browser.mjs';
// @ts-expect-error plain ESM data without types
import { MIN_PASSED, TARGET_PASS_RATE } from '../tfjs_specs/floors.mjs';

describe('tfjs-core 4.22 specs against tessera in Chromium', () => {
  it(`webgpu: at least ${MIN_PASSED.webgpu} specs pass`, async () => {
    const t = await runSpecsInChromium({ backend: 'webgpu', target: 'tessera' });
    const counted = t.passed + t.failed;
    const rate = t.passed / counted;
    console.log(`tfjs specs webgpu: ${t.passed} passed, ${t.failed} failed (${(100 * rate).toFixed(1)}% of ${counted}; target ${100 * TARGET_PASS_RATE}%)`);
    expect(counted).toBeGreaterThan(3000);
    expect(t.passed).toBeGreaterThanOrEqual(MIN_PASSED.webgpu);
  }, 900_000);
});
