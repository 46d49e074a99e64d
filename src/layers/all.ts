/**
 * Every built-in layer class, registered for deserialization in one explicit place (so a
 * bundler's tree shaking can never drop a class that a saved model refers to).
 */
import { InputLayer } from './layer.js';
import { registerLayer, type LayerClass } from './serialization.js';
import { Dense } from './core/dense.js';

export const BUILTIN_LAYERS: LayerClass[] = [InputLayer as unknown as LayerClass, Dense];

let registered = false;
export function registerBuiltinLayers(): void {
  if (registered) return;
  registered = true;
  for (const cls of BUILTIN_LAYERS) registerLayer(cls);
}
