/**
 * `tf.wasm`: telling the wasm backend where its kernel module is, for setups where the file beside the
 * bundle cannot be found (a CDN, a bundler that moves assets) or bytes cannot be compiled (workerd).
 */
export { setWasmPaths, setWasmModule } from './source.js';
