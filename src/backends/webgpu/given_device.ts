/**
 * `tf.webgpu.useDevice`: a GPUDevice the caller made (Node with the `webgpu` package, say), kept here
 * for the webgpu backend to adopt instead of asking `navigator.gpu`. A module of its own, so the
 * small `tessera/core` bundle does not carry the device code.
 */
/** A device handed in with `useDevice`, and whether it has been lost since. */
let givenDeviceEntry: { device: GPUDevice; lost: boolean } | null = null;

/** The device given to useDevice, if any (device.ts adopts it). */
export function givenDevice(): { device: GPUDevice; lost: boolean } | null {
  return givenDeviceEntry;
}

/**
 * Run the webgpu backend on this device (one the caller created, e.g. with Node's `webgpu` package)
 * instead of requesting one from `navigator.gpu`. Call it before tf.ready() or setBackend('webgpu'):
 * a webgpu backend that already started keeps its device. The device is used as it was created,
 * with its own limits; if it is lost, the backend asks `navigator.gpu` for a new one where there is one.
 * @example
 * ```js
 * const adapter = await navigator.gpu.requestAdapter();
 * tf.webgpu.useDevice(await adapter.requestDevice());
 * await tf.setBackend('webgpu');
 * ```
 */
export function useDevice(device: GPUDevice): void {
  const d = device as Partial<GPUDevice> | null;
  if (!d || typeof d.createBuffer !== 'function' || typeof d.createComputePipeline !== 'function' || !d.queue || !d.lost) {
    throw new Error('useDevice: expected a GPUDevice (from adapter.requestDevice())');
  }
  const missing = ['GPUBufferUsage', 'GPUMapMode', 'GPUShaderStage'].filter((n) => !(n in globalThis));
  if (missing.length) {
    throw new Error(
      `useDevice: the WebGPU globals ${missing.join(', ')} are not defined here; in Node, install the ` +
      "webgpu npm package's: Object.assign(globalThis, globals), with the globals that package exports",
    );
  }
  const entry = { device, lost: false };
  givenDeviceEntry = entry;
  void device.lost.then(() => { entry.lost = true; });
}

