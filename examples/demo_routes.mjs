// Server routes the demo pages need beyond the static repository (used by examples/demo.mjs and
// scripts/serve.mjs): /examples/workflows.js, the TypeScript training workflows of
// examples/workflows bundled to one browser ES module with esbuild (tessera is not inside: the
// page passes its /dist/tessera.js namespace to each workflow), rebuilt on every request so
// edits show on reload.
import { join } from 'node:path';
import { repoRoot } from '../scripts/server.mjs';

export async function bundleWorkflows() {
  const esbuild = await import('esbuild');
  const out = await esbuild.build({
    entryPoints: [join(repoRoot, 'examples/workflows/index.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'warning',
  });
  return out.outputFiles[0].text;
}

export function demoRoutes() {
  return {
    '/favicon.ico': { type: 'image/x-icon', body: '' },
    '/examples/workflows.js': { type: 'text/javascript; charset=utf-8', body: bundleWorkflows },
  };
}
