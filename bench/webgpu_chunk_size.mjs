// Prints the gzip size of the lazy webgpu chunk of the whole-API app (the figure tests/bundle.test.ts
// caps), from the current dist/: `npm run build && node bench/webgpu_chunk_size.mjs`.
import { APPS, measureApp } from '../scripts/sizes.mjs';

const whole = await measureApp(APPS.find((a) => a[0] === 'tessera, whole API')[1]);
console.log(`webgpu path: ${whole.webgpuPath} bytes gzip (ceiling 67584)`);
