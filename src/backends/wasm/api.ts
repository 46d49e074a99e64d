/**
 * The public `tf.wasm` namespace: the wasm backend's settings, named as in TF.js's wasm backend.
 */
export { getThreadsCount, setThreadsCount } from './threads.js';
