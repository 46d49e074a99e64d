// `npm run serve`: serves the repository with the cross-origin-isolation headers on
// http://127.0.0.1:8080 (PORT to change), plus the bundled example workflows and the benchmark
// page's script, and prints both pages' addresses: open them in a WebGPU-capable browser.
// - /examples/index.html: the kernel and model timings, and each example workflow trained with live
//   loss / accuracy charts (what `npm start` does headless);
// - /bench/index.html: tessera against TF.js on wasm and webgpu in the visitor's browser, with a
//   ratio chart and the result as JSON (what `npm run bench` does headless).
import { benchRoutes } from '../bench/bundle.mjs';
import { demoRoutes } from '../examples/demo_routes.mjs';
import { startServer } from './server.mjs';

const port = Number(process.env.PORT ?? 8080);
const server = await startServer({ port, routes: { ...demoRoutes(), ...benchRoutes() } });
console.log(`tessera demo: ${server.url}/examples/index.html  (Ctrl+C to stop)`);
console.log(`tessera bench: ${server.url}/bench/index.html  (?quick=1 for a short run)`);
