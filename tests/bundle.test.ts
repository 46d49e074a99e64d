/**
 * The built ESM bundle (dist/tessera.js) is self-contained: no static imports of anything, the
 * WGSL sources and Wasm bytes are inside it, it loads in Node unchanged and runs on wasm there,
 * the package.json entry points at it with types, and its errors name the op even though it is minified.
 */
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';

const root = join(__dirname, '..');
const bundlePath = join(root, 'dist/tessera.js');

describe('bundle', () => {
  beforeAll(() => {
    execFileSync(process.execPath, [join(root, 'scripts/build.mjs'), '--if-stale'], { cwd: root, stdio: 'inherit' });
  }, 240_000);

  it('has no static imports and embeds shaders and Wasm', () => {
    const src = readFileSync(bundlePath, 'utf8');
    expect(src).not.toMatch(/(^|[;\n}])\s*import\s*[^(]*?from\s*["']/);
    expect(src).not.toMatch(/\bimport\s*["'][^"']+["']/);
    expect(src).not.toMatch(/\.wasm["']/);
    expect(src).toMatch(/@compute/); // WGSL text is inside
    expect(src).toMatch(/AGFzbQ/); // base64 of the "\0asm" Wasm magic
  });

  it('package.json exports the bundle and its types', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(pkg.type).toBe('module');
    expect(pkg.sideEffects).toBe(false);
    expect(pkg.dependencies ?? {}).toEqual({});
    expect(pkg.exports['.'].import).toBe('./dist/tessera.js');
    expect(existsSync(join(root, pkg.exports['.'].types))).toBe(true);
  });

  it('loads in Node unchanged and computes on wasm', async () => {
    const ts = await import(pathToFileURL(bundlePath).href);
    expect(await ts.setBackend('wasm')).toBe(true);
    const y = ts.matMul(ts.tensor([[1, 2], [3, 4]]), ts.tensor([[5], [6]]));
    expect(Array.from(await y.data())).toEqual([17, 39]);
    expect(ts.memory().backends.wasm.module).toBe('simd');
  });

  it('errors name the op in the minified bundle (names are not read from minified functions)', async () => {
    const ts = await import(pathToFileURL(bundlePath).href);
    await ts.setBackend('js');
    expect(() => ts.tile(ts.ones([2, 3]), [1e5, 1e5])).toThrow(/^tile: shape \[200000,300000\] has 60000000000 elements/);
    expect(() => ts.matMul(ts.ones([70000, 1]), ts.ones([1, 70000]))).toThrow(/^matMul: shape \[70000,70000\]/);
  });
});
