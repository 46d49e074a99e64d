/**
 * The Layers API audit: every public name @tensorflow/tfjs-layers 4.22 exports (top level and its
 * layers, initializers, constraints, regularizers, metrics, callbacks and models namespaces) must be
 * exported by the built bundle dist/tessera.js with the same kind (function / class / namespace),
 * and every class name tfjs-layers registers for deserialization (layers, initializers, constraints,
 * regularizers) must be known to tessera's loaders, so a TF.js program or a TF.js-saved model that
 * uses it does not fail on a missing name. A name missing from tessera fails this test; the only
 * exceptions are in the commented allow-lists below.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { getLayerClass } from '../src/layers/serialization.js';
import { registerBuiltinLayers } from '../src/layers/all.js';

const bundlePath = join(import.meta.dirname, '..', 'dist', 'tessera.js');
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let ts: any;

beforeAll(async () => {
  if (!existsSync(bundlePath)) throw new Error(`layers API audit: ${bundlePath} is missing; run \`node scripts/build.mjs\` first`);
  ts = await import(pathToFileURL(bundlePath).href);
});

/** Names tfjs-layers exports that are not part of its API. */
const NOT_API = new Set([
  // the CommonJS interop object Node adds when an ES module imports tfjs-layers' CommonJS build
  'default',
]);

const NAMESPACES = ['layers', 'initializers', 'constraints', 'regularizers', 'metrics', 'callbacks', 'models'] as const;

type Kind = 'class' | 'function' | 'namespace' | 'value';
function kindOf(v: unknown): Kind {
  if (typeof v === 'function') return /^class\b/.test(Function.prototype.toString.call(v)) || Object.getOwnPropertyNames(v.prototype ?? {}).length > 1 ? 'class' : 'function';
  if (v && typeof v === 'object') return 'namespace';
  return 'value';
}
/** A factory may be a class in one library and a function in the other only if it is callable either way. */
const sameKind = (a: Kind, b: Kind) => a === b || (a !== 'namespace' && a !== 'value' && b !== 'namespace' && b !== 'value');

describe('tfjs-layers 4.22 public names exist in dist/tessera.js', () => {
  it('top-level names', () => {
    const missing: string[] = [];
    for (const name of Object.keys(tfl).sort()) {
      if (NOT_API.has(name)) continue;
      if (!(name in ts)) missing.push(name);
      else if (!sameKind(kindOf(ts[name]), kindOf((tfl as Record<string, unknown>)[name]))) missing.push(`${name} (tessera: ${kindOf(ts[name])}, tfjs: ${kindOf((tfl as Record<string, unknown>)[name])})`);
    }
    expect(missing, 'missing from tessera').toEqual([]);
  });

  for (const ns of NAMESPACES) {
    it(`tf.${ns}.*`, () => {
      const theirs = (tfl as unknown as Record<string, Record<string, unknown>>)[ns];
      expect(theirs, `tfjs-layers has ${ns}`).toBeTypeOf('object');
      expect(ts[ns], `tessera has the ${ns} namespace`).toBeTypeOf('object');
      const missing = Object.keys(theirs).filter((n) => !(n in ts[ns]) || !sameKind(kindOf(ts[ns][n]), kindOf(theirs[n]))).sort();
      expect(missing, `missing from tessera's ${ns}`).toEqual([]);
    });
  }

  it('the version of the layers API', () => {
    expect(ts.version_layers).toBe(tfl.version_layers);
  });
});

describe('every class tfjs-layers can deserialize, tessera can too', () => {
  const registered = Object.keys(tf.serialization.SerializationMap.getMap().classNameMap);
  const baseOf = (x: object) => Object.getPrototypeOf(Object.getPrototypeOf(x)).constructor as new (...a: never[]) => unknown;
  const classOf = (name: string) => tf.serialization.SerializationMap.getMap().classNameMap[name][0] as unknown as { prototype: object };
  const isA = (name: string, base: new (...a: never[]) => unknown) => classOf(name).prototype instanceof base;

  it('layer classes', () => {
    registerBuiltinLayers();
    // Sequential / Model / Functional are model classes: io/topology.ts builds them (nested models too).
    const MODELS = new Set(['Sequential', 'Model', 'Functional']);
    const layerNames = registered.filter((n) => isA(n, tfl.layers.Layer as never) && !MODELS.has(n));
    expect(layerNames.length).toBeGreaterThan(60);
    expect(layerNames.filter((n) => !getLayerClass(n)), 'layer classes tessera cannot deserialize').toEqual([]);
  });

  it('initializer, constraint and regularizer classes', () => {
    const groups: [string, new (...a: never[]) => unknown, (spec: { className: string; config: Record<string, unknown> }) => unknown][] = [
      ['initializer', baseOf(tfl.initializers.zeros()), (s) => ts.initializers.getInitializer(s)],
      ['constraint', baseOf(tfl.constraints.nonNeg()), (s) => ts.constraints.getConstraint(s)],
      ['regularizer', baseOf(tfl.regularizers.l1()), (s) => ts.regularizers.getRegularizer(s)],
    ];
    const CONFIGS: Record<string, Record<string, unknown>> = { Constant: { value: 1 } };
    for (const [what, base, load] of groups) {
      const names = registered.filter((n) => isA(n, base));
      expect(names.length, what).toBeGreaterThan(0);
      const missing = names.filter((n) => {
        try {
          load({ className: n, config: CONFIGS[n] ?? {} });
          return false;
        } catch {
          return true;
        }
      });
      expect(missing, `${what} classes tessera cannot deserialize`).toEqual([]);
    }
  });
});
