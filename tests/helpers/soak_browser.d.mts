// Types for soak_browser.mjs (runs the webgpu soak in headless Chromium).
import type { LoopReport, LoopSizes, PageSnapshot } from './soak_loop.mjs';
export function runWebgpuSoakInChromium(sizes: LoopSizes): Promise<LoopReport<PageSnapshot>>;
