/**
 * `tf.webgpu`: configuring the webgpu backend's device. `useDevice` adopts a GPUDevice the caller
 * created, for runtimes without `navigator.gpu` (Node with the `webgpu` package).
 */
export { useDevice } from './device.js';
