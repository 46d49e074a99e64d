// Loads shader and Wasm assets as modules, for both esbuild (the bundle) and vitest (tests):
// `*.wgsl` becomes its text, `*.wasm` a Uint8Array decoded from embedded base64. Everything is
// embedded, so the bundle has no asset paths and runs unchanged in pages, workers and Node.
// Shader text ships without its comments and indentation (minifyWgsl); tests load the same text.
import { readFileSync } from 'node:fs';

/**
 * WGSL without comments, indentation or blank lines: line comments and (nested) block comments are
 * dropped, runs of spaces and tabs become one space, and each line is trimmed. WGSL has no string
 * literals, so `//` and `/*` always start comments. Kept as they are: line breaks between code lines,
 * `#include "..."` lines (src/backends/webgpu/preprocess.ts) and `//@NAME` marker lines that specs
 * replace at run time (src/backends/webgpu/specs/fused_elementwise.ts).
 */
export function minifyWgsl(source) {
  let out = '';
  let depth = 0;
  for (let i = 0; i < source.length; i++) {
    if (depth > 0) {
      if (source.startsWith('*/', i)) { depth--; i++; } else if (source.startsWith('/*', i)) { depth++; i++; }
      else if (source[i] === '\n') out += '\n'; // keep the line structure (line comments end at a newline)
      continue;
    }
    if (source.startsWith('/*', i)) { depth++; i++; continue; }
    if (source.startsWith('//', i) && !source.startsWith('//@', i)) {
      while (i < source.length && source[i] !== '\n') i++;
      i--;
      continue;
    }
    out += source[i];
  }
  if (depth > 0) throw new Error('minifyWgsl: unterminated block comment');
  return out.split('\n').map((line) => line.replace(/[ \t]+/g, ' ').trim()).filter((line) => line !== '').join('\n') + '\n';
}

export function assetModuleSource(path) {
  if (path.endsWith('.wgsl')) return `export default ${JSON.stringify(minifyWgsl(readFileSync(path, 'utf8')))};`;
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
