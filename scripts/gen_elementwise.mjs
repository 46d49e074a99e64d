// Writes the files generated from the elementwise op table (see scripts/elementwise_codegen.mjs):
// bundles src/ops/elementwise_table (rows + exprs.ts) with esbuild, evaluates it, and rewrites a generated file
// only when its text changes (so `build.mjs --if-stale` stays quiet). Run by scripts/build.mjs.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateElementwise } from './elementwise_codegen.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export async function loadTable() {
  const esbuild = await import('esbuild');
  const r = await esbuild.build({
    // the rows and their kernel-language expressions (exprs.ts, which the runtime table leaves out)
    stdin: {
      contents: "export * from './index.ts'; export { UNARY_EXPRS, BINARY_EXPRS } from './exprs.ts';",
      resolveDir: join(root, 'src/ops/elementwise_table'), loader: 'ts',
    },
    bundle: true, format: 'esm', platform: 'neutral', write: false, logLevel: 'warning',
  });
  const code = r.outputFiles[0].text;
  return import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);
}

export async function writeGenerated() {
  const files = generateElementwise(await loadTable());
  const changed = [];
  for (const [rel, text] of Object.entries(files)) {
    const p = join(root, rel);
    if (existsSync(p) && readFileSync(p, 'utf8') === text) continue;
    writeFileSync(p, text);
    changed.push(rel);
  }
  return changed;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const changed = await writeGenerated();
  console.log(changed.length ? `[gen] wrote ${changed.join(', ')}` : '[gen] elementwise dispatch up to date');
}
