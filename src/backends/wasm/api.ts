/**
 * `tf.wasm`: the wasm backend's settings, named as in TF.js's wasm backend: where its kernel module
 * is (for setups where the file beside the bundle cannot be found, or bytes cannot be compiled, as
 * in workerd) and how many threads its worker pool runs.
 */
export { setWasmPaths, setWasmModule } from './source.js';
export { getThreadsCount, setThreadsCount } from './thread_count.js';
export { setInt8Dot, getInt8Dot } from './int8_dot.js';
