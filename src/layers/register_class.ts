/**
 * TF.js's `serialization` namespace: `registerClass(cls, pkg?, name?)` makes a custom class
 * (a Layer subclass, an optimizer, ...) known by its static `className`, so models that use it
 * save and load; `SerializationMap.getMap().classNameMap` lists what was registered as
 * `[cls, fromConfig]` pairs; `getRegisteredName` gives the `pkg>name` key; `Serializable` is
 * the base with `getClassName()` and the default `fromConfig(cls, config)`.
 */
import { registerLayer, type LayerClass } from './serialization.js';

type SerializableClass = { className?: unknown; fromConfig?: unknown; new (...args: any[]): unknown };

/** Base class of serializable objects (TF.js `serialization.Serializable`). */
export abstract class Serializable {
  /** The static `className` of this object's class (robust against minified names). */
  getClassName(): string {
    return (this.constructor as unknown as { className: string }).className;
  }
  abstract getConfig(): Record<string, unknown>;
  /** Build an instance of `cls` from its config. */
  static fromConfig<T>(cls: new (config: Record<string, unknown>) => T, config: Record<string, unknown>): T {
    return new cls(config);
  }
}

/** The registry of classes by className, as TF.js's singleton exposes it. */
export class SerializationMap {
  private static instance: SerializationMap | undefined;
  classNameMap: Record<string, [SerializableClass, unknown]> = {};
  static getMap(): SerializationMap {
    return (SerializationMap.instance ??= new SerializationMap());
  }
  static register(cls: SerializableClass): void {
    SerializationMap.getMap().classNameMap[cls.className as string] = [cls, cls.fromConfig];
  }
}

const registeredNames = new Map<unknown, string>();

export function registerClass<T extends SerializableClass>(cls: T, pkg = 'Custom', name?: string): T {
  if (typeof cls !== 'function') throw new Error(`serialization.registerClass: expected a class, got ${typeof cls}`);
  // The base classes (Layer, Optimizer, ...) carry a className of their own; a subclass that does not
  // set one would inherit it and replace the base in the registry, so only an own property counts.
  const own = Object.prototype.hasOwnProperty.call(cls, 'className') ? cls.className : undefined;
  // TF.js's wording for the three ways a className can be wrong
  if (own == null) throw new Error('Class being registered does not have the static className property defined.');
  if (typeof own !== 'string') throw new Error(`className is required to be a string, but got type ${typeof own}`);
  if (own.length === 0) throw new Error('Class being registered has an empty-string as its className, which is disallowed.');
  SerializationMap.register(cls);
  registeredNames.set(cls, `${pkg}>${name ?? own}`);
  registerLayer(cls as unknown as LayerClass); // loadLayersModel finds custom layers here
  return cls;
}

/** The `pkg>name` a class was registered under, else its className. */
export function getRegisteredName(cls: SerializableClass): string {
  return registeredNames.get(cls) ?? (cls.className as string);
}
