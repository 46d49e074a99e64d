// vitest: Node suite (tests/*.test.ts, js and wasm backends) and the browser suite
// (tests/browser/*.test.ts, headless Chromium via puppeteer-core, set up in tests/browser/setup.ts).
import { defineConfig } from 'vitest/config';
// @ts-expect-error plain ESM helper without types
import { viteAssetPlugin } from './scripts/assets.mjs';

export default defineConfig({
  plugins: [viteAssetPlugin()],
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 240_000,
    pool: 'forks',
    fileParallelism: true,
    maxWorkers: 2,
  },
});
