/**
 * A page that loads tessera bundled from src/ (not the built dist/), for browser tests of source changes:
 * serves that bundle (and any extra ESM modules) under /<prefix>/, opens it in a fresh headless Chromium and
 * waits until the page has imported them (`window.__ts`, and each extra module's global). Throws with the
 * page's own error when an import fails.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
// @ts-expect-error plain ESM helper without types
import { launchChromium } from '../../scripts/chromium.mjs';
// @ts-expect-error plain ESM helper without types
import { repoRoot, startServer } from '../../scripts/server.mjs';
// @ts-expect-error plain ESM helper without types
import { esbuildAssetPlugin } from '../../scripts/assets.mjs';

export interface SourcePage {
  page: Page;
  close(): Promise<void>;
}

/** `extra` maps a window global to an ESM module's source; each is imported before tessera. */
export async function openSourcePage(prefix: string, title: string, extra: Record<string, string> = {}): Promise<SourcePage> {
  const esbuild = await import('esbuild');
  const bundle = await esbuild.build({
    entryPoints: [join(repoRoot, 'src/inline.ts')], bundle: true, format: 'esm', platform: 'neutral', target: 'es2022',
    write: false, plugins: [esbuildAssetPlugin()], logLevel: 'warning',
  });
  const js = 'text/javascript; charset=utf-8';
  const imports = [...Object.keys(extra).map((g) => `window.${g} = await import('/${prefix}/${g}.js');`), `window.__ts = await import('/${prefix}/tessera.js');`];
  const routes: Record<string, { type?: string; body: string }> = {
    [`/${prefix}/index.html`]: {
      body: `<!doctype html><meta charset="utf-8"><title>${title}</title>
<script type="module">
try { ${imports.join(' ')} } catch (e) { window.__err = String((e && e.stack) || e); }
</script>`,
    },
    [`/${prefix}/tessera.js`]: { type: js, body: bundle.outputFiles[0].text },
  };
  for (const [global, code] of Object.entries(extra)) routes[`/${prefix}/${global}.js`] = { type: js, body: code };
  const server = await startServer({ routes });
  let browser: Browser | null = null;
  const close = async () => {
    await browser?.close().catch(() => {});
    await server.close();
  };
  try {
    browser = (await launchChromium()) as Browser;
    const page = await browser.newPage();
    await page.goto(`${server.url}/${prefix}/index.html`, { waitUntil: 'load' });
    await page.waitForFunction('window.__ts || window.__err', { timeout: 60_000 });
    const err = await page.evaluate(() => (window as unknown as { __err?: string }).__err);
    if (err) throw new Error(`page could not load tessera: ${err}`);
    return { page, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/**
 * A test module (e.g. a case table under tests/) as one ESM file for the page opened with
 * `openSourcePage(prefix, ...)`: its imports of src/index.js become the page's own tessera module,
 * so the cases and the page share one engine instead of bundling a second copy.
 */
export async function bundleForPage(prefix: string, entry: string): Promise<string> {
  const esbuild = await import('esbuild');
  const out = await esbuild.build({
    entryPoints: [join(repoRoot, entry)], bundle: true, format: 'esm', platform: 'neutral', target: 'es2022',
    write: false, logLevel: 'warning',
    plugins: [{
      name: 'page-tessera',
      setup(build) {
        build.onResolve({ filter: /\/src\/index\.js$/ }, () => ({ path: `/${prefix}/tessera.js`, external: true }));
      },
    }],
  });
  return out.outputFiles[0].text;
}
