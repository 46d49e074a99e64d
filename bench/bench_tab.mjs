// One tab on bench/index.html in headless Chromium, served from the repository with the
// cross-origin-isolation headers, for the benches that time raw kernel builds or tessera inside
// the page (conv_ab_page, matmul_ab_page, winograd_ab_page, int8_fewch_profile, int8_matmul_ab,
// conv_split_page, conv_ab_threads). withBenchTab(run) resolves to what run(tab) returns and always
// closes the browser and the server.
import { launchChromium } from '../scripts/chromium.mjs';
import { startServer } from '../scripts/server.mjs';

export async function withBenchTab(run) {
  const server = await startServer();
  const browser = await launchChromium();
  try {
    const tab = await browser.newPage();
    await tab.goto(`${server.url}/bench/index.html`);
    return await run(tab);
  } finally {
    await browser.close();
    await server.close();
  }
}
