/**
 * The registry of layer classes by their TF.js/Keras class name, used to rebuild layers from
 * saved configs, plus helpers that serialize initializers/regularizers/activations into the
 * {className, config} form configs carry.
 */
import type { Layer } from './layer.js';
import type { Initializer } from './initializers.js';
import type { Regularizer } from './regularizers.js';

export interface LayerClass {
  className: string;
  new (config: any): Layer;
  fromConfig?(config: Record<string, unknown>): Layer;
}

const registry = new Map<string, LayerClass>();

export function registerLayer(cls: LayerClass, ...aliases: string[]): void {
  registry.set(cls.className, cls);
  for (const a of aliases) registry.set(a, cls);
}

export function getLayerClass(className: string): LayerClass | undefined {
  return registry.get(className);
}

export function registeredLayerNames(): string[] {
  return [...registry.keys()];
}

/** Build a layer from its class name and (camelCase) config. */
export function layerFromConfig(className: string, config: Record<string, unknown>): Layer {
  const cls = registry.get(className);
  if (!cls) {
    throw new Error(`layer '${String(config.name ?? '?')}': unknown layer class '${className}'; known: ${registeredLayerNames().sort().join(', ')}`);
  }
  if (!cls.fromConfig) return new cls(config);
  // TF.js's signature is static fromConfig(cls, config); tessera's own classes take (config)
  const f = cls.fromConfig as unknown as (...args: unknown[]) => Layer;
  return f.length >= 2 ? f.call(cls, cls, config) : f.call(cls, config);
}

export function serializeInitializer(i: Initializer | undefined) {
  return i ? { className: i.className, config: i.getConfig() } : null;
}
export function serializeRegularizer(r: Regularizer | undefined | null) {
  return r ? { className: r.className, config: r.getConfig() } : null;
}
