/**
 * `serialization.registerClass(cls)` (TF.js name): make a custom Layer subclass known to
 * loadLayersModel by its static `className`, so models that use it save and load.
 */
import { registerLayer, type LayerClass } from './serialization.js';

export function registerClass(cls: LayerClass): void {
  if (typeof cls !== 'function' || typeof cls.className !== 'string' || !cls.className) {
    throw new Error('serialization.registerClass: expected a Layer subclass with a static className');
  }
  registerLayer(cls);
}
