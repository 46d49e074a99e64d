/**
 * `tf.wasm`: configuring where the wasm backend's kernel module comes from (TF.js has the same
 * namespace for its wasm backend). `setWasmModule` serves runtimes that forbid compiling Wasm
 * from bytes, such as Cloudflare workerd, where the .wasm file is imported as a Wasm module.
 */
export { setWasmModule } from './module.js';
