/**
 * tessera's public API (the `tessera` entry): `tessera/core` and `tessera/layers` together, plus TF.js's
 * chained Tensor methods (x.add(y).relu()) and the wasm backend ready for a synchronous start, both set up
 * here, in the entry, so the core modules stay free of import-time effects. Names and argument orders follow TensorFlow.js, so code ports by changing the import.
 */
import { installChainMethods } from './chain.js';
import * as coreApi from './core.js';
import * as wasmBackend from './backends/wasm/index.js';
import { useWasmBackend } from './backends/wasm/registration.js';
import { loadPoolModule } from './backends/wasm/pool_loader.js';
import { plannedThreads } from './backends/wasm/thread_count.js';

export * from './core.js';
export * from './layers_api.js';
// both entries have a `quantization` namespace; the full one (core's int8 ops + model level) wins
export * as quantization from './quantization/all.js';

// chained methods forward to core ops only, so an app importing a few names from 'tessera' keeps the
// layers/models/io half out of its bundle (scripts/sizes.mjs)
installChainMethods(coreApi as unknown as Record<string, unknown>);
// the whole API starts wasm synchronously where it can (Node and Bun read the file; embedded bytes); its
// worker pool's code (3.9 KiB gzip) is a lazy chunk that starts loading here where threads are planned, so
// a synchronous start after the import's first await has its threads (one in the same tick runs on one
// thread and says why in backendInfo), and pages without threads never load it (issue 10, scripts/sizes.mjs)
useWasmBackend(wasmBackend);
if (plannedThreads().threads > 1) loadPoolModule().catch(() => {}); // a failure is reported by the start that needs it
