/**
 * The `serialization` namespace (TF.js names): `registerClass(cls, pkg?, name?)` makes a custom Layer
 * subclass known to loadLayersModel by its static `className` (and by TF.js's registered name
 * 'pkg>name', default 'Custom>className'), `getRegisteredName(cls)`, the `SerializationMap` of
 * registered classes, and the `Serializable` base class (getClassName, static fromConfig).
 */
import { registerLayer, type LayerClass } from './serialization.js';

type ConfigDict = Record<string, unknown>;
type SerializableClass = { className: string; new (config: any): unknown; fromConfig?(...args: any[]): unknown };

/** TF.js `Serializable`: an object whose class has a static className and which gives its config. */
export abstract class Serializable {
  /** The class name the object is saved and registered under. */
  getClassName(): string {
    return (this.constructor as unknown as { className: string }).className;
  }
  /** The constructor arguments to save, by name. */
  abstract getConfig(): ConfigDict;
  /** Build an instance of `cls` from its config (TF.js's default: `new cls(config)`). */
  static fromConfig<T>(cls: new (config: ConfigDict) => T, config: ConfigDict): T {
    return new cls(config);
  }
}

/** TF.js `SerializationMap`: className -> [class, its fromConfig], for every registered class. */
export class SerializationMap {
  private static instance?: SerializationMap;
  /** Registered classes and their fromConfig by class name. */
  classNameMap: Record<string, [SerializableClass, SerializableClass['fromConfig']]> = {};
  /** The one registry. */
  static getMap(): SerializationMap {
    SerializationMap.instance ??= new SerializationMap();
    return SerializationMap.instance;
  }
  /** Registers a class under its static className. */
  static register(cls: SerializableClass): void {
    SerializationMap.getMap().classNameMap[cls.className] = [cls, cls.fromConfig];
  }
}

const registeredNames = new Map<unknown, string>();

/**
 * Registers a custom Layer class under its static `className`, so saved models that use it load.
 * @example
 * ```js
 * class MyLayer extends tf.layers.Layer { static className = 'MyLayer'; }
 * tf.serialization.registerClass(MyLayer);
 * ```
 */
export function registerClass<C extends LayerClass>(cls: C, pkg = 'Custom', name?: string): C {
  if (typeof cls !== 'function') throw new Error(`serialization.registerClass: expected a class, got ${typeof cls}`);
  // The base classes (Layer, Optimizer, ...) carry a className of their own; a subclass that does not
  // set one would inherit it and replace the base in the registry, so only an own property counts.
  const own = Object.prototype.hasOwnProperty.call(cls, 'className') ? (cls as { className?: unknown }).className : undefined;
  // TF.js's wording for the three ways a className can be wrong
  if (own == null) throw new Error('Class being registered does not have the static className property defined.');
  if (typeof own !== 'string') throw new Error(`className is required to be a string, but got type ${typeof own}`);
  if (own.length === 0) throw new Error('Class being registered has an empty-string as its className, which is disallowed.');
  const registeredName = `${pkg}>${name ?? own}`;
  registerLayer(cls, registeredName);
  SerializationMap.register(cls as unknown as SerializableClass);
  registeredNames.set(cls, registeredName);
  return cls;
}

/**
 * TF.js `getRegisteredName(cls)`: 'pkg>name' for a class registered through registerClass, else its className.
 * @example
 * ```js
 * tf.serialization.getRegisteredName(MyLayer); // 'MyLayer'
 * ```
 */
export function getRegisteredName(cls: { className: string }): string {
  return registeredNames.get(cls) ?? cls.className;
}
