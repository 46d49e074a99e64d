/**
 * vitest setup: tests import tessera from src/, where there is no kernel .wasm file beside the modules, so
 * the two builds are embedded here (as the `tessera/inline` entry does) for the wasm backend to start,
 * synchronously too, with its worker pool (for tests that import single modules rather than src/index.ts).
 */
import simdBytes from '../../build/tessera-simd.wasm';
import relaxedBytes from '../../build/tessera-relaxed.wasm';
import { setEmbeddedWasm } from '../../src/backends/wasm/source.js';
import * as wasmBackend from '../../src/backends/wasm/index.js';
import { useWasmBackend } from '../../src/backends/wasm/registration.js';
import * as wasmPool from '../../src/backends/wasm/pool.js';
import { usePoolModule } from '../../src/backends/wasm/pool_loader.js';

setEmbeddedWasm({ simd: simdBytes, 'relaxed-simd': relaxedBytes });
useWasmBackend(wasmBackend);
usePoolModule(wasmPool);
