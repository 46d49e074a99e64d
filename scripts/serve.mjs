// `npm run serve`: serves the repository with the cross-origin-isolation headers on
// http://127.0.0.1:8080 (PORT to change), plus the bundled example workflows, and prints the
// demo page's address: open it in a WebGPU-capable browser to run the kernel and model timings
// and to train each example workflow with live loss / accuracy charts (what `npm start` does
// headless).
import { demoRoutes } from '../examples/demo_routes.mjs';
import { startServer } from './server.mjs';

const port = Number(process.env.PORT ?? 8080);
const server = await startServer({ port, routes: demoRoutes() });
console.log(`tessera demo: ${server.url}/examples/index.html  (Ctrl+C to stop)`);
