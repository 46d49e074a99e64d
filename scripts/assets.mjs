// Loads shader and Wasm assets as modules, for both esbuild (the bundle) and vitest (tests):
// `*.wgsl` becomes its text, `*.wasm` a Uint8Array decoded from embedded base64. Everything is
// embedded, so the bundle has no asset paths and runs unchanged in pages, workers and Node.
import { readFileSync } from 'node:fs';

export function assetModuleSource(path) {
  if (path.endsWith('.wgsl')) return `export default ${JSON.stringify(readFileSync(path, 'utf8'))};`;
  if (path.endsWith('.wasm')) {
    const b64 = readFileSync(path).toString('base64');
    return `const s = atob(${JSON.stringify(b64)}); const u = new Uint8Array(s.length);
for (let i = 0; i < s.length; i++) u[i] = s.charCodeAt(i);
export default u;`;
  }
  return null;
}

export function esbuildAssetPlugin() {
  return {
    name: 'tessera-assets',
    setup(build) {
      build.onLoad({ filter: /\.(wgsl|wasm)$/ }, (args) => ({ contents: assetModuleSource(args.path), loader: 'js' }));
    },
  };
}

export function viteAssetPlugin() {
  return {
    name: 'tessera-assets',
    enforce: 'pre',
    load(id) {
      const path = id.split('?')[0];
      return assetModuleSource(path) ?? undefined;
    },
  };
}
