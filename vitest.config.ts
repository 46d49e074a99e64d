// vitest: two projects. 'node' runs tests/*.test.ts (js and wasm backends in Node); 'browser'
// runs tests/browser/*.test.ts, which drive headless Chromium through puppeteer-core (webgpu and
// wasm in the page). Browser files run one at a time (one Chromium at a time on small machines);
// tests/browser/harness.ts is the browser project's global setup (rebuilds the bundle if stale).
import { defineConfig } from 'vitest/config';
// @ts-expect-error plain ESM helper without types
import { viteAssetPlugin } from './scripts/assets.mjs';

export default defineConfig({
  plugins: [viteAssetPlugin()],
  test: {
    testTimeout: 120_000,
    hookTimeout: 240_000,
    pool: 'forks',
    setupFiles: ['tests/helpers/wasm_setup.ts'],
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: { name: 'node', include: ['tests/**/*.test.ts'], exclude: ['tests/browser/**', '**/node_modules/**'], fileParallelism: true },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['tests/browser/**/*.test.ts'],
          globalSetup: ['tests/browser/harness.ts'],
          fileParallelism: false,
          testTimeout: 300_000,
        },
      },
    ],
  },
});
