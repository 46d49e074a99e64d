/**
 * `serialization.registerClass(cls)` (TF.js name): make a custom Layer subclass known to
 * loadLayersModel by its static `className`, so models that use it save and load.
 */
import { registerLayer, type LayerClass } from './serialization.js';

export function registerClass(cls: LayerClass): void {
  if (typeof cls !== 'function') throw new Error(`serialization.registerClass: expected a class, got ${typeof cls}`);
  // The base classes (Layer, Optimizer, ...) carry a className of their own; a subclass that does not
  // set one would inherit it and replace the base in the registry, so only an own property counts.
  const own = Object.prototype.hasOwnProperty.call(cls, 'className') ? (cls as { className?: unknown }).className : undefined;
  // TF.js's wording for the three ways a className can be wrong
  if (own == null) throw new Error('Class being registered does not have the static className property defined.');
  if (typeof own !== 'string') throw new Error(`className is required to be a string, but got type ${typeof own}`);
  if (own.length === 0) throw new Error('Class being registered has an empty-string as its className, which is disallowed.');
  registerLayer(cls);
}
