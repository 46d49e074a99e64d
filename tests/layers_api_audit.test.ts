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

/** Minimal arguments for each tfjs-layers factory (the ones not listed take none). */
const FACTORY_ARGS: Record<string, Record<string, unknown>> = {
  inputLayer: { inputShape: [3] }, conv1d: { filters: 2, kernelSize: 3 }, conv2d: { filters: 2, kernelSize: 3 }, conv2dTranspose: { filters: 2, kernelSize: 3 },
  conv3d: { filters: 2, kernelSize: 3 }, conv3dTranspose: { filters: 2, kernelSize: 3 }, separableConv2d: { filters: 2, kernelSize: 3 }, cropping2D: { cropping: 1 },
  depthwiseConv2d: { kernelSize: 3 }, activation: { activation: 'relu' }, dense: { units: 2 }, dropout: { rate: 0.5 }, spatialDropout1d: { rate: 0.5 },
  repeatVector: { n: 2 }, reshape: { targetShape: [2] }, permute: { dims: [2, 1] }, embedding: { inputDim: 3, outputDim: 2 }, dot: { axes: 1 },
  averagePooling1d: { poolSize: 2 }, avgPool1d: { poolSize: 2 }, avgPooling1d: { poolSize: 2 }, averagePooling2d: { poolSize: 2 }, avgPool2d: { poolSize: 2 },
  avgPooling2d: { poolSize: 2 }, averagePooling3d: { poolSize: 2 }, avgPool3d: { poolSize: 2 }, avgPooling3d: { poolSize: 2 }, globalAveragePooling2d: {},
  globalMaxPooling2d: {}, globalMaxPool2d: {}, maxPooling1d: { poolSize: 2 }, maxPooling2d: { poolSize: 2 }, maxPooling3d: { poolSize: 2 }, maxPool1d: { poolSize: 2 },
  maxPool2d: { poolSize: 2 }, gru: { units: 2 }, gruCell: { units: 2 }, lstm: { units: 2 }, lstmCell: { units: 2 }, simpleRNN: { units: 2 }, simpleRNNCell: { units: 2 },
  convLstm2d: { filters: 2, kernelSize: 2 }, convLstm2dCell: { filters: 2, kernelSize: 2 }, gaussianNoise: { stddev: 1 }, gaussianDropout: { rate: 0.5 },
  alphaDropout: { rate: 0.5 }, rescaling: { scale: 2 }, centerCrop: { height: 2, width: 2 }, resizing: { height: 2, width: 2 }, categoryEncoding: { numTokens: 3 },
  randomWidth: { factor: 0.2 },
};
// Not plain factories: classes, input(), and wrappers / RNNs that need a layer or cell (tested in their own files).
const NOT_FACTORIES = new Set(['input', 'Layer', 'RNN', 'RNNCell', 'rnn', 'stackedRNNCells', 'bidirectional', 'timeDistributed']);
/** TF.js serializes glorot / he / leCun initializers as VarianceScaling with the same config; tessera keeps the preset's name. */
const VARIANCE_PRESETS = new Set(['VarianceScaling', 'GlorotNormal', 'GlorotUniform', 'HeNormal', 'HeUniform', 'LeCunNormal', 'LeCunUniform']);
const normalize = (v: unknown): unknown => {
  const j = JSON.parse(JSON.stringify(v ?? null, (_k, x) => (x === undefined ? null : x)));
  if (j && typeof j === 'object' && VARIANCE_PRESETS.has(j.className)) return { ...j, className: 'VarianceScaling' };
  if (j && typeof j === 'object' && j.config && typeof j.config === 'object') for (const k of Object.keys(j.config)) if (j.config[k] === null) delete j.config[k];
  return j;
};

describe('each tfjs-layers factory: tessera writes every config key TF.js writes, with TF.js defaults', () => {
  for (const name of Object.keys(tfl.layers).filter((n) => !NOT_FACTORIES.has(n))) {
    it(name, () => {
      const args = FACTORY_ARGS[name] ?? {};
      const theirs = (tfl.layers as unknown as Record<string, (a: object) => tfl.layers.Layer>)[name]({ ...args }).getConfig();
      const ours = ts.layers[name]({ ...args }).getConfig() as Record<string, unknown>;
      const problems: string[] = [];
      for (const [k, v] of Object.entries(theirs)) {
        if (k === 'name') continue;
        if (!(k in ours)) problems.push(`missing ${k}`);
        // TF.js leaves some unset options undefined (unitForgetBias, maskZero, seeds); tessera writes its default
        else if (v !== undefined && JSON.stringify(normalize(ours[k])) !== JSON.stringify(normalize(v))) {
          problems.push(`${k}: tessera ${JSON.stringify(ours[k])}, TF.js ${JSON.stringify(v)}`);
        }
      }
      expect(problems).toEqual([]);
    });
  }
});
