/**
 * `tessera/inline`: the whole API with both kernel Wasm builds compiled into the file, for zero
 * configuration (no sibling .wasm file to serve; also synchronous wasm start before ready()).
 */
import simdBytes from '../build/tessera-simd.wasm';
import relaxedBytes from '../build/tessera-relaxed.wasm';
import { setEmbeddedWasm } from './backends/wasm/source.js';

setEmbeddedWasm({ simd: simdBytes, 'relaxed-simd': relaxedBytes });

export * from './index.js';
