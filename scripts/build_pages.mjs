// `npm run build:pages`: the benchmark page as plain static files in site/ (gitignored), to host
// anywhere at the site's root: site/bench/index.html and its bundled app.js, tessera's dist/ and
// TF.js's Wasm binaries at the absolute paths the page loads them from, and a `_headers` file
// giving every path the cross-origin-isolation headers (Netlify / Cloudflare Pages read it; on
// other hosts set the same headers by hand, see docs/deploying.md). Without COOP/COEP the page
// still runs, single-threaded (no SharedArrayBuffer). The ORT and jax-js peers (?peers=ort,jax)
// are for `npm run serve`: the static build leaves out onnxruntime-web's runtime files.
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleBenchApp } from '../bench/bundle.mjs';
import { repoRoot } from './server.mjs';

/** The headers every file needs for crossOriginIsolated (threads) and for WebGPU/Wasm to load. */
export const PAGE_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** Write the static site to `out`; resolves to the number of files written. */
export async function buildPages(out) {
  if (!existsSync(join(repoRoot, 'dist/tessera.js'))) throw new Error('build:pages: dist/tessera.js is missing; run `npm run build` first');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, 'bench'), { recursive: true });
  cpSync(join(repoRoot, 'bench/index.html'), join(out, 'bench/index.html'));
  writeFileSync(join(out, 'bench/app.js'), await bundleBenchApp({ minify: true }));
  // tessera's bundle and whatever sits beside it (sibling .wasm files), not the .d.ts types
  mkdirSync(join(out, 'dist'));
  for (const f of readdirSync(join(repoRoot, 'dist'))) if (f !== 'types' && !f.endsWith('.map')) cpSync(join(repoRoot, 'dist', f), join(out, 'dist', f), { recursive: true });
  const tfWasm = 'node_modules/@tensorflow/tfjs-backend-wasm/dist';
  mkdirSync(join(out, tfWasm), { recursive: true });
  for (const f of readdirSync(join(repoRoot, tfWasm))) if (f.endsWith('.wasm')) cpSync(join(repoRoot, tfWasm, f), join(out, tfWasm, f));
  const headerLines = Object.entries(PAGE_HEADERS).map(([k, v]) => `  ${k}: ${v}`).join('\n');
  writeFileSync(join(out, '_headers'), `/*\n${headerLines}\n/*.wasm\n  Content-Type: application/wasm\n`);
  writeFileSync(join(out, 'index.html'), '<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0; url=bench/index.html"><a href="bench/index.html">tessera benchmark</a>\n');
  return readdirSync(out, { withFileTypes: true, recursive: true }).filter((e) => e.isFile()).length;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const out = join(repoRoot, process.argv.find((a) => a.startsWith('--out='))?.slice(6) ?? 'site');
  buildPages(out).then(
    (n) => console.log(`[build:pages] wrote ${n} files to ${out}; serve it at a site root with the headers of ${join(out, '_headers')}`),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
