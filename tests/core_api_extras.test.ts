/**
 * The tfjs-core names issue 7's audit found missing, checked against @tensorflow/tfjs-core on the
 * same inputs: top-level fft/ifft/rfft/irfft, cosineWindow, enclosingPowerOfTwo, upcastType,
 * sumOutType, ENV, disposeVariables, op, setPlatform, profile, device_util, Tensor.strides /
 * rankType / throwIfDisposed, the optimizers' computeGradients / saveIterations / setLearningRate /
 * setMomentum, env().getAsync / getString, serialization's registerClass(pkg, name) /
 * getRegisteredName / SerializationMap / Serializable, and browser.draw.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import * as ts from '../src/index.js';

beforeAll(async () => {
  await ts.setBackend('js');
  await tf.setBackend('cpu');
});

type Lib = typeof ts | typeof tf;
const arr = (t: { dataSync(): ArrayLike<number> }) => Array.from(t.dataSync());

function expectClose(got: number[], want: number[], tol = 1e-5): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => {
    if (!(Math.abs(g - want[i]) <= tol)) throw new Error(`index ${i}: got ${g}, want ${want[i]}`);
  });
}

async function messageOf(f: () => unknown): Promise<string> {
  try {
    await f();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

describe('top-level ops and helpers', () => {
  it('fft, ifft, rfft, irfft at the top level match tfjs-core', () => {
    const re = [1, -2, 3.5, 0.25];
    const im = [0, 1, -1, 2];
    const run = (lib: Lib) => {
      const l = lib as typeof tf;
      const c = l.complex(re, im);
      const x = l.tensor1d(re);
      return [l.fft(c), l.ifft(c), l.rfft(x), l.irfft(l.complex([1, 2, 3], [0, -1, 0]))].map((t) => arr(t as never));
    };
    const ours = run(ts);
    const theirs = run(tf);
    ours.forEach((o, i) => expectClose(o, theirs[i], 1e-5));
    expect(ts.fft).toBe(ts.spectral.fft);
  });

  it('cosineWindow and enclosingPowerOfTwo match tfjs-core', () => {
    for (const [n, a, b] of [[5, 0.5, 0.5], [8, 0.54, 0.46], [2, 0.3, 0.7]]) expectClose(arr(ts.cosineWindow(n, a, b)), arr(tf.cosineWindow(n, a, b)));
    for (const v of [1, 2, 3, 5, 255, 256, 257, 1000]) expect(ts.enclosingPowerOfTwo(v)).toBe(tf.enclosingPowerOfTwo(v));
    expect(ts.enclosingPowerOfTwo(257)).toBe(512); // hand-worked
  });

  it('upcastType and sumOutType give tfjs-core\'s dtypes and errors', async () => {
    const dtypes = ['bool', 'int32', 'float32', 'complex64', 'string'] as const;
    for (const a of dtypes) {
      for (const b of dtypes) {
        const theirs = await messageOf(() => { throw new Error(String(tf.upcastType(a, b))); });
        expect(await messageOf(() => { throw new Error(String(ts.upcastType(a, b))); })).toBe(theirs);
      }
      const theirs = await messageOf(() => { throw new Error(String(tf.sumOutType(a))); });
      expect(await messageOf(() => { throw new Error(String(ts.sumOutType(a))); })).toBe(theirs);
    }
    expect(ts.sumOutType('bool')).toBe('int32');
  });

  it('ENV is env() and version_core is a version string', () => {
    expect(ts.ENV).toBe(ts.env());
    expect(tf.ENV).toBe(tf.env());
    expect(ts.version_core).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('disposeVariables disposes every registered variable, as tfjs-core', () => {
    for (const lib of [ts, tf] as const) {
      const l = lib as typeof tf;
      l.variable(l.scalar(1));
      l.variable(l.tensor1d([1, 2]), false);
      expect(Object.keys(l.engine().registeredVariables).length).toBe(2);
      const before = l.memory().numTensors;
      l.disposeVariables();
      expect(Object.keys(l.engine().registeredVariables)).toEqual([]);
      expect(l.memory().numTensors).toBe(before - 2);
    }
    // tessera also marks them disposed (tfjs-core frees their data but leaves isDisposed false)
    const v = ts.variable(ts.scalar(1));
    ts.disposeVariables();
    expect(v.isDisposed).toBe(true);
  });

  it('op wraps a function as tfjs-core does: name with __op, intermediates disposed, one key only', async () => {
    for (const lib of [ts, tf] as const) {
      const l = lib as typeof tf;
      const sq = l.op({ sumOfSquares_: (x: tf.Tensor) => l.sum(l.square(x)) });
      expect(sq.name).toBe('sumOfSquares__op');
      const x = l.tensor1d([1, 2, 3]);
      const before = l.memory().numTensors;
      const y = sq(x);
      expect(l.memory().numTensors).toBe(before + 1); // square's output was disposed
      expect(arr(y)).toEqual([14]);
      y.dispose();
      x.dispose();
    }
    const two = { a: () => 1, b: () => 2 };
    expect(await messageOf(() => ts.op(two))).toBe(await messageOf(() => tf.op(two)));
  });

  it('setPlatform replaces the platform env() uses', async () => {
    const old = ts.env().platform;
    const oldName = (ts.env() as unknown as { platformName: string }).platformName;
    const fake = { ...old, now: () => 1234 };
    try {
      ts.setPlatform('fake', fake);
      expect(ts.env().platform.now()).toBe(1234);
    } finally {
      ts.setPlatform(oldName, old);
    }
  });

  it('profile counts new tensors and bytes as tfjs-core and lists the kernels run', async () => {
    const program = (lib: Lib) => async () => {
      const l = lib as typeof tf;
      const x = l.tensor2d([[1, 2], [3, 4]]);
      return l.sum(l.square(x)); // x, square (kept: no tidy), sum
    };
    const ours = await ts.profile(program(ts) as never);
    const theirs = await tf.profile(program(tf));
    expect([ours.newTensors, ours.newBytes]).toEqual([theirs.newTensors, theirs.newBytes]);
    expect([ours.newTensors, ours.newBytes]).toEqual([3, 16 + 16 + 4]); // hand-worked: 4 + 4 + 1 float32
    expect(ours.peakBytes).toBeGreaterThanOrEqual(ours.newBytes);
    expect(ours.kernels.length).toBeGreaterThanOrEqual(2);
    expect(ours.kernels.every((k) => k.kernelTimeMs >= 0 && Array.isArray(k.inputShapes))).toBe(true);
    expect(ours.kernels.map((k) => k.outputShapes)).toContainEqual([[]]); // the sum
    expect(ours.kernelNames).toEqual([...new Set(ours.kernels.map((k) => k.name))]);
    expect(arr(ours.result as never)).toEqual([30]);
    await expect(ts.profile(async () => ts.profile(() => 1))).rejects.toThrow(/cannot be nested/);
  });

  it('device_util agrees with tfjs-core in Node, and mockIsMobile overrides isMobile', () => {
    expect(ts.device_util.isBrowser()).toBe(tf.device_util.isBrowser());
    expect(ts.device_util.isMobile()).toBe(tf.device_util.isMobile());
    ts.device_util.mockIsMobile(true);
    expect(ts.device_util.isMobile()).toBe(true);
    ts.device_util.mockIsMobile(undefined);
    const phone = { userAgent: 'Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 Mobile Safari/537.36' } as Navigator;
    const desktop = { userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120 Safari/537.36' } as Navigator;
    expect([ts.device_util.isMobile(phone), ts.device_util.isMobile(desktop)]).toEqual([tf.device_util.isMobile(phone), tf.device_util.isMobile(desktop)]);
  });
});

describe('Tensor, optimizer and env members', () => {
  it('strides, rankType and throwIfDisposed match tfjs-core', async () => {
    for (const shape of [[], [3], [2, 3], [2, 3, 4], [1, 2, 1, 2, 3]]) {
      const n = shape.reduce((a, b) => a * b, 1);
      const o = ts.zeros(shape);
      const t = tf.zeros(shape);
      expect([o.strides, o.rankType]).toEqual([t.strides, t.rankType]);
      o.dispose();
      t.dispose();
      expect(await messageOf(() => o.throwIfDisposed())).toBe(await messageOf(() => t.throwIfDisposed()));
      expect(n).toBeGreaterThan(0);
    }
    expect(ts.zeros([2, 3, 4]).strides).toEqual([12, 4]); // hand-worked
  });

  it('computeGradients, saveIterations, setLearningRate and setMomentum behave as tfjs-core', async () => {
    const run = async (lib: Lib) => {
      const l = lib as typeof tf;
      const w = l.variable(l.tensor1d([1, -2]));
      const f = () => l.sum(l.square(w)) as tf.Scalar;
      const opt = l.train.momentum(0.1, 0.5);
      const { value, grads } = opt.computeGradients(f, [w]);
      const g = arr(Object.values(grads)[0]);
      opt.minimize(f, false, [w]);
      opt.setLearningRate(0.01);
      opt.minimize(f, false, [w]);
      opt.setMomentum(0.9);
      const iter = await opt.saveIterations();
      const out = { value: arr(value), g, w: arr(w), iterName: iter.name, iter: arr(iter.tensor), iterDtype: iter.tensor.dtype, config: opt.getConfig() };
      const sgd = l.train.sgd(1);
      sgd.setLearningRate(0.25);
      sgd.minimize(f, false, [w]);
      const afterSgd = arr(w);
      w.dispose();
      return { ...out, afterSgd };
    };
    const ours = await run(ts);
    const theirs = await run(tf);
    expect({ ...ours, w: undefined, afterSgd: undefined }).toEqual({ ...theirs, w: undefined, afterSgd: undefined });
    expectClose(ours.w, theirs.w);
    expectClose(ours.afterSgd, theirs.afterSgd);
    expect(ours.value).toEqual([5]); // hand-worked: 1 + 4
    expect(ours.g).toEqual([2, -4]);
    expect(ours.iter).toEqual([2]);
    expect(ours.config).toMatchObject({ learningRate: 0.01, momentum: 0.9 });
  });

  it('setMomentum changes the steps that follow (tfjs-core only changes getConfig: its update keeps the first momentum)', () => {
    const w = ts.variable(ts.tensor1d([1, -2]));
    const f = () => ts.sum(ts.square(w));
    const opt = ts.train.momentum(0.1, 0.5);
    opt.minimize(f, false, [w]); // acc = g = [2, -4]; w = [0.8, -1.6]
    opt.setLearningRate(0.01);
    opt.setMomentum(0.9);
    opt.minimize(f, false, [w]); // g = [1.6, -3.2]; acc = 0.9 acc + g = [3.4, -6.8]; w -= 0.01 acc
    expectClose(arr(w), [0.766, -1.532], 1e-6);
    w.dispose();
  });

  it('env().getQueryParams parses query strings as tfjs-core; env().global is the global object', () => {
    for (const q of ['?a=1&b=hello%20world', 'x?tfjsflags=DEBUG:true&k', '?a=1&a=2&=3', '', '?e=%E2%9C%93+x']) {
      expect(ts.env().getQueryParams(q)).toEqual(tf.env().getQueryParams(q));
    }
    expect(ts.env().getQueryParams('?a=1&b')).toEqual({ a: '1', b: '' }); // hand-worked
    expect(ts.env().global).toBe(globalThis);
  });

  it('Environment reads tfjsflags from its global\'s URL and calls set hooks, as tfjs-core', () => {
    const global = { location: { search: '?x=1&tfjsflags=A:true,B:200,C:Text,D:FALSE' } };
    const read = (E: new (g: unknown) => tf.Environment) => {
      const e = new E(global);
      const hooked: unknown[] = [];
      for (const [name, dflt] of [['A', false], ['B', 1], ['C', ''], ['D', true], ['E', 5]] as const) e.registerFlag(name, () => dflt, (v) => hooked.push([name, v]));
      e.set('E', 6);
      return { values: ['A', 'B', 'C', 'D', 'E'].map((n) => e.get(n)), hooked };
    };
    const warn = console.warn;
    console.warn = () => {};
    try {
      const ours = read(ts.Environment as never);
      expect(ours).toEqual(read(tf.Environment as never));
      expect(ours.values).toEqual([true, 200, 'Text', false, 6]); // hand-worked from the query string
    } finally {
      console.warn = warn;
    }
  });

  it('env().getAsync awaits async flags; get refuses them in tfjs-core\'s words; getString reads strings', async () => {
    for (const lib of [ts, tf] as const) {
      const e = lib.env() as unknown as tf.Environment;
      e.registerFlag('TESSERA_AUDIT_ASYNC', async () => 7 as never);
      e.registerFlag('TESSERA_AUDIT_STRING', () => 'abc' as never);
    }
    const syncMsg = await messageOf(() => tf.env().get('TESSERA_AUDIT_ASYNC'));
    expect(await messageOf(() => ts.env().get('TESSERA_AUDIT_ASYNC'))).toBe(syncMsg);
    expect(await ts.env().getAsync('TESSERA_AUDIT_ASYNC')).toBe(await tf.env().getAsync('TESSERA_AUDIT_ASYNC'));
    expect(ts.env().get('TESSERA_AUDIT_ASYNC')).toBe(7); // cached once awaited
    expect(ts.env().getString('TESSERA_AUDIT_STRING')).toBe(tf.env().getString('TESSERA_AUDIT_STRING'));
  });
});

describe('serialization', () => {
  it('registerClass(cls, pkg, name) returns the class; getRegisteredName and SerializationMap as tfjs-core', () => {
    class AuditLayerA extends ts.layers.Layer { static override className = 'AuditLayerA'; call(x: ts.Tensor | ts.Tensor[]) { return x; } }
    class AuditLayerB extends ts.layers.Layer { static override className = 'AuditLayerB'; call(x: ts.Tensor | ts.Tensor[]) { return x; } }
    class TfA extends tf.serialization.Serializable { static className = 'AuditLayerA'; getConfig() { return {}; } }
    class TfB extends tf.serialization.Serializable { static className = 'AuditLayerB'; getConfig() { return {}; } }
    expect(ts.serialization.registerClass(AuditLayerA as never)).toBe(AuditLayerA);
    ts.serialization.registerClass(AuditLayerB as never, 'myPkg', 'Renamed');
    tf.serialization.registerClass(TfA);
    tf.serialization.registerClass(TfB, 'myPkg', 'Renamed');
    expect(ts.serialization.getRegisteredName(AuditLayerA)).toBe(tf.serialization.getRegisteredName(TfA));
    expect(ts.serialization.getRegisteredName(AuditLayerB)).toBe(tf.serialization.getRegisteredName(TfB));
    expect(ts.serialization.getRegisteredName(AuditLayerB)).toBe('myPkg>Renamed');
    expect(ts.serialization.SerializationMap.getMap().classNameMap.AuditLayerA[0]).toBe(AuditLayerA);
    expect(tf.serialization.SerializationMap.getMap().classNameMap.AuditLayerA[0]).toBe(TfA);
    const unregistered = { className: 'Plain' };
    expect(ts.serialization.getRegisteredName(unregistered)).toBe('Plain');
  });

  it('Serializable gives getClassName and the default fromConfig', () => {
    class Thing extends ts.serialization.Serializable {
      static className = 'Thing';
      constructor(readonly config: Record<string, unknown>) { super(); }
      getConfig() { return this.config; }
    }
    const t = Thing.fromConfig(Thing, { a: 1 });
    expect(t).toBeInstanceOf(Thing);
    expect([t.getClassName(), t.getConfig()]).toEqual(['Thing', { a: 1 }]);
  });
});

describe('browser.draw', () => {
  const g = globalThis as Record<string, unknown>;
  const hadImageData = 'ImageData' in g;
  afterEach(() => {
    if (!hadImageData) delete g.ImageData;
  });

  /** A canvas stand-in recording what is put on it (Node has no canvas). */
  function fakeCanvas() {
    const puts: { data: Uint8ClampedArray; width: number; height: number }[] = [];
    const contexts: unknown[][] = [];
    return {
      width: 0, height: 0, puts, contexts,
      getContext(...args: unknown[]) {
        contexts.push(args);
        return { putImageData: (img: { data: Uint8ClampedArray; width: number; height: number }) => puts.push(img) };
      },
    };
  }

  it('draws the same pixels as tfjs-core\'s cpu Draw kernel, alpha included', () => {
    g.ImageData = class { constructor(readonly data: Uint8ClampedArray, readonly width: number, readonly height: number) {} };
    const cases: [number[], number[], 'float32' | 'int32', number | undefined][] = [
      [[0, 0.5, 1, 0.25, 0.75, 1], [2, 1, 3], 'float32', 0.5],
      [[10, 200, 30, 255], [2, 2], 'int32', undefined],
      [[1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 4], 'int32', 0.2],
    ];
    for (const [values, shape, dtype, alpha] of cases) {
      const ours = fakeCanvas();
      const theirs = fakeCanvas();
      const options = alpha === undefined ? undefined : { imageOptions: { alpha } };
      ts.browser.draw(ts.tensor(values, shape, dtype), ours as never, options);
      tf.browser.draw(tf.tensor(values, shape as never, dtype) as tf.Tensor3D, theirs as never, options);
      expect([ours.width, ours.height]).toEqual([theirs.width, theirs.height]);
      expect(ours.puts.length).toBe(1);
      expect(Array.from(ours.puts[0].data)).toEqual(Array.from(theirs.puts[0].data));
    }
    // hand-worked: gray 10 with default alpha -> [10, 10, 10, 255]
    const c = fakeCanvas();
    ts.browser.draw(ts.tensor([[10]], [1, 1], 'int32'), c as never);
    expect(Array.from(c.puts[0].data)).toEqual([10, 10, 10, 255]);
  });

  it('rejects what tfjs-core rejects, in its words', async () => {
    g.ImageData = class { constructor(readonly data: Uint8ClampedArray, readonly width: number, readonly height: number) {} };
    const bad: [number[], number[], 'float32' | 'int32', number | undefined][] = [
      [[0, 2], [1, 2], 'float32', undefined], // value out of [0, 1]
      [[1, 2], [2], 'int32', undefined], // rank 1
      [[1, 2], [1, 1, 2], 'int32', undefined], // depth 2
      [[1], [1, 1], 'int32', 1.5], // alpha out of range
    ];
    for (const [values, shape, dtype, alpha] of bad) {
      const options = alpha === undefined ? undefined : { imageOptions: { alpha } };
      const theirs = await messageOf(() => tf.browser.draw(tf.tensor(values, shape as never, dtype) as tf.Tensor3D, fakeCanvas() as never, options));
      expect(await messageOf(() => ts.browser.draw(ts.tensor(values, shape, dtype), fakeCanvas() as never, options))).toBe(theirs);
    }
  });
});
