// `npm run serve`: serves the repository with the cross-origin-isolation headers on
// http://127.0.0.1:8080 (PORT to change) and prints the demo page's address; open it in a
// WebGPU-capable browser to see the same demo as `npm start`, printed on the page.
import { startServer } from './server.mjs';

const port = Number(process.env.PORT ?? 8080);
const server = await startServer({ port, routes: { '/favicon.ico': { type: 'image/x-icon', body: '' } } });
console.log(`tessera demo: ${server.url}/examples/index.html  (Ctrl+C to stop)`);
