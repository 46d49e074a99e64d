// The benchmark page's script, bench/app.mjs (which drives bench/page.mjs), bundled to one browser
// ES module with esbuild; tessera (/dist/tessera.js) and onnxruntime-web (loaded by URL) stay
// outside. Shared by `npm run serve`, `npm run bench` (headless), `npm run build:pages` and
// tests/browser/bench_page.test.ts, so all of them run the same page.
import { join } from 'node:path';
import { repoRoot } from '../scripts/server.mjs';

export async function bundleBenchApp({ minify = false } = {}) {
  const esbuild = await import('esbuild');
  const out = await esbuild.build({
    entryPoints: [join(repoRoot, 'bench/app.mjs')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    external: ['/dist/tessera.js', '/node_modules/*'],
    minify,
    write: false,
    logLevel: 'error',
  });
  return out.outputFiles[0].text;
}

/** Server routes for the page: /bench/app.js bundled on each request (edits show on reload). */
export function benchRoutes() {
  return {
    '/bench/app.js': { type: 'text/javascript; charset=utf-8', body: () => bundleBenchApp() },
    '/favicon.ico': { type: 'image/x-icon', body: '' },
  };
}
