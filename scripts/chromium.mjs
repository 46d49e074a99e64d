// Launches headless Chromium through puppeteer-core with WebGPU (SwiftShader on CPU-only
// machines) enabled. The browser is CHROME_PATH, else /usr/bin/chromium (Debian), else a
// browser in puppeteer's own cache on users' machines. Throws loudly when none is found.
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--enable-unsafe-swiftshader',
  '--enable-features=Vulkan,WebAssemblyExperimentalJSPI',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];

export function findChromium() {
  const candidates = [process.env.CHROME_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
  for (const c of candidates) if (c && existsSync(c)) return c;
  const cache = join(homedir(), '.cache', 'puppeteer', 'chrome');
  if (existsSync(cache)) {
    for (const v of readdirSync(cache).sort().reverse()) {
      for (const sub of ['chrome-linux64/chrome', 'chrome-mac-arm64/Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing', 'chrome-win64/chrome.exe']) {
        const p = join(cache, v, sub);
        if (existsSync(p)) return p;
      }
    }
  }
  throw new Error('Chromium not found: install it (apt-get install -y chromium) or set CHROME_PATH');
}

/** `protocolTimeout`: how long one CDP call may take (a bench suite runs in one page call: bench/run.mjs raises it). */
export async function launchChromium(extraArgs = [], { protocolTimeout = 600_000 } = {}) {
  const puppeteer = (await import('puppeteer-core')).default;
  return puppeteer.launch({
    executablePath: findChromium(),
    headless: true,
    args: [...CHROMIUM_FLAGS, ...extraArgs],
    protocolTimeout,
  });
}
