/**
 * Trust under faults, in headless Chromium (WebGPU on SwiftShader): ready() prefers wasm on a
 * software adapter and backendInfo() says why; a tensor past device.limits gives an Error
 * naming the kernel and the limit (not silent zeros); a GPU validation error or a failed
 * pipeline compile marks the batch's tensors bad and the next batch runs; disposed tensors and
 * models throw the same error on every backend; after device.destroy() every use says "WebGPU
 * device lost", ready()/setBackend('webgpu') get a new device and setBackend('wasm') works.
 * Faults are injected through the backend's test hooks (limitOverrides, injectFault) or by
 * destroying the real device.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { inPage as inPageOf, openHarness, type Harness, PAGE_ERR } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await openHarness();
}, 180_000);
afterAll(async () => {
  await h?.close();
});
// Each case starts from a page where no backend was chosen yet and the device is intact.
beforeEach(async () => {
  await h.freshPage();
}, 120_000);

const inPage = <T>(fn: string): Promise<T> => inPageOf<T>(h, fn);

const ERR = PAGE_ERR;

describe('WebGPU faults in Chromium', () => {
  it('ready() picks wasm on the SwiftShader adapter; backendInfo says which adapter and why', async () => {
    const r = await inPage<any>(`
      await ts.ready();
      const afterReady = { backend: ts.getBackend(), info: ts.backendInfo() };
      const ok = await ts.setBackend('webgpu');
      const shaderF16 = (await navigator.gpu.requestAdapter()).features.has('shader-f16');
      return { afterReady, ok, explicit: ts.backendInfo(), shaderF16 };
    `);
    expect(h.env.adapter).toMatch(/swiftshader/i);
    expect(r.afterReady.backend).toBe('wasm');
    const info = r.afterReady.info;
    expect(info.backend).toBe('wasm');
    expect(info.adapter.isFallbackAdapter).toBe(true);
    expect(info.adapter.software).toBe(true);
    expect(`${info.adapter.vendor} ${info.adapter.architecture} ${info.adapter.description}`).toMatch(/swiftshader/i);
    // shaderF16 is what the adapter itself lists (SwiftShader: no 'shader-f16')
    expect(info.adapter.shaderF16).toBe(r.shaderF16);
    expect(r.explicit.adapter.shaderF16).toBe(r.shaderF16);
    expect(info.failures.webgpu).toMatch(/software rasteriser.*isFallbackAdapter: true.*setBackend\('webgpu'\)/);
    expect(info.reason).toMatch(/best backend that started here \(webgpu: the WebGPU adapter is a software rasteriser/);
    // Asked for by name, the software adapter is taken.
    expect(r.ok).toBe(true);
    expect(r.explicit.backend).toBe('webgpu');
    expect(r.explicit.reason).toBe("chosen with setBackend('webgpu')");
    expect(r.explicit.failures).toEqual({});
    expect(r.explicit.lost).toBeNull();
  }, 120_000);

  it('tensors past maxStorageBufferBindingSize / maxBufferSize: clear errors naming kernel, size and limit', async () => {
    const r = await inPage<any>(`${ERR}
      await ts.setBackend('webgpu');
      const be = ts.engine().backend;
      const real = be.device.limits.maxStorageBufferBindingSize;
      be.limitOverrides = { maxStorageBufferBindingSize: 1024 };
      const a = ts.tensor(Array.from({ length: 200 }, (_, i) => i));      // 800 bytes: fits
      const wide = ts.ones([2, 1]);
      const big = ts.tensor(new Float32Array(300).map((_, i) => i % 7));  // 1200 bytes: stored (one buffer)
      const img = big.reshape([1, 10, 30, 1]), filt = ts.ones([3, 3, 1, 1]);
      const before = ts.memory().numTensors;
      const reduce = await err(() => ts.sum(big));                          // one row of 300: cannot split
      const conv = await err(() => ts.conv2d(img, filt, 1, 'same'));
      const leaked = ts.memory().numTensors - before;
      // split across bindings: broadcast add [2,200] (1600 bytes), matMul [300,1] x [1,2] (2400 bytes)
      const broadcast = Array.from(await ts.add(a, wide).data()).slice(198, 202);
      const matmul = Array.from(await ts.matMul(big.reshape([300, 1]), ts.tensor([[1, -2]])).data()).slice(596, 600);
      be.limitOverrides = { maxBufferSize: 2048 };
      const create = await err(() => ts.tensor(new Float32Array(600)));    // 2400 bytes
      const fits = Array.from(await ts.mul(a, 2).data()).slice(0, 3);
      be.limitOverrides = {};
      const after = Array.from(await ts.add(a, wide).data()).slice(198, 202);
      return { real, broadcast, leaked, reduce, conv, matmul, create, fits, after };
    `);
    expect(r.real).toBeGreaterThan(1024);
    expect(r.reduce).toBe(
      "webgpu: reduce (sum): input 0 of shape [300] float32 needs 1200 bytes, more than this device's " +
      'maxStorageBufferBindingSize (1024 bytes) for one binding (elementwise ops, reductions and softmax by rows, matMul ' +
      'and the copy/gather kernels split across bindings; reduce (sum) cannot split this tensor); split the tensor or use the wasm backend',
    );
    expect(r.conv).toMatch(/^webgpu: conv2d: input 0 of shape \[1,10,30,1\] float32 needs 1200 bytes, more than this device's maxStorageBufferBindingSize \(1024 bytes\) for one binding .*conv2d cannot split this tensor/);
    expect(r.leaked).toBe(0);
    // a + 1 broadcast over two rows: row 0 ends with 198+1, 199+1, row 1 starts with 0+1, 1+1.
    expect(r.broadcast).toEqual([199, 200, 1, 2]);
    // rows 298, 299 of [i % 7] x [1, -2]: 298 % 7 = 4, 299 % 7 = 5
    expect(r.matmul).toEqual([4, -8, 5, -10]);
    expect(r.create).toMatch(/^webgpu: write: a tensor of 600 elements needs 2400 bytes, more than this device's maxBufferSize \(2048 bytes\)/);
    expect(r.fits).toEqual([0, 2, 4]);
    expect(r.after).toEqual([199, 200, 1, 2]);
  }, 120_000);

  it('unary and binary kernels split tensors past one binding into aligned ranges', async () => {
    const r = await inPage<any>(`
      await ts.setBackend('webgpu');
      const be = ts.engine().backend;
      const n = 1000;                                   // 4000 bytes: 4 ranges of 256 elements at 1024
      const xs = Array.from({ length: n }, (_, i) => (i % 37) - 18.5);
      const ys = Array.from({ length: n }, (_, i) => (i * 7) % 11);
      const ints = Array.from({ length: n }, (_, i) => i * 3 - 1000);
      be.limitOverrides = { maxStorageBufferBindingSize: 1024 };
      const x = ts.tensor(xs), y = ts.tensor(ys), k = ts.tensor(ints, [n], 'int32');
      const got = {
        neg: Array.from(await ts.neg(x).data()),
        abs: Array.from(await ts.abs(x).data()),
        add: Array.from(await ts.add(x, y).data()),
        mulScalar: Array.from(await ts.mul(x, 3).data()),
        subFromScalar: Array.from(await ts.sub(2, y).data()),
        intAdd: Array.from(await ts.add(k, k).data()),
        greater: Array.from(await ts.greater(x, y).data()),
        dispatches: 0,
      };
      const d0 = ts.memory().backends.webgpu.dispatches;
      await ts.neg(x).data();
      got.dispatches = ts.memory().backends.webgpu.dispatches - d0;
      be.limitOverrides = {};
      return { xs, ys, ints, got, align: be.device.limits.minStorageBufferOffsetAlignment };
    `);
    const { xs, ys, ints, got } = r;
    // References by plain JS arithmetic (all values are exact in float32).
    expect(got.neg).toEqual(xs.map((v: number) => -v));
    expect(got.abs).toEqual(xs.map((v: number) => Math.abs(v)));
    expect(got.add).toEqual(xs.map((v: number, i: number) => v + ys[i]));
    expect(got.mulScalar).toEqual(xs.map((v: number) => v * 3));
    expect(got.subFromScalar).toEqual(ys.map((v: number) => 2 - v));
    expect(got.intAdd).toEqual(ints.map((v: number) => 2 * v));
    expect(got.greater).toEqual(xs.map((v: number, i: number) => (v > ys[i] ? 1 : 0)));
    // 1024-byte bindings at this device's offset alignment: ceil(1000 / elements per range) dispatches.
    const perRange = Math.floor(1024 / Math.max(r.align, 16)) * (Math.max(r.align, 16) / 4);
    expect(got.dispatches).toBe(Math.ceil(1000 / perRange));
    expect(got.dispatches).toBeGreaterThan(1);
  }, 120_000);

  it('reductions and softmax split inputs past one binding into blocks of rows', async () => {
    const r = await inPage<any>(`
      await ts.setBackend('webgpu');
      const be = ts.engine().backend;
      // [300, 40]: the per-row workgroup path; [3000, 2]: the one-invocation-per-row path.
      const wide = Array.from({ length: 300 * 40 }, (_, i) => ((i * 13) % 29) - 14);
      const tall = Array.from({ length: 3000 * 2 }, (_, i) => ((i * 7) % 17) - 8);
      be.limitOverrides = { maxStorageBufferBindingSize: 16384 };
      const w = ts.tensor(wide, [300, 40]), t = ts.tensor(tall, [3000, 2]);
      const d0 = ts.memory().backends.webgpu.dispatches;
      const sumWide = await ts.sum(w, 1).data();
      const dispatches = ts.memory().backends.webgpu.dispatches - d0;
      const got = {
        sumWide: Array.from(sumWide),
        maxWide: Array.from(await ts.max(w, 1).data()),
        sumTall: Array.from(await ts.sum(t, 1).data()),
        minTall: Array.from(await ts.min(t, 1).data()),
        softmax: Array.from(await ts.softmax(w).data()),
      };
      be.limitOverrides = {};
      return { wide, tall, got, dispatches };
    `);
    const { wide, tall, got } = r;
    const rows = (v: number[], cols: number) => Array.from({ length: v.length / cols }, (_, i) => v.slice(i * cols, (i + 1) * cols));
    // Integer inputs: row sums and extremes are exact in float32.
    expect(got.sumWide).toEqual(rows(wide, 40).map((row) => row.reduce((a, b) => a + b, 0)));
    expect(got.maxWide).toEqual(rows(wide, 40).map((row) => Math.max(...row)));
    expect(got.sumTall).toEqual(rows(tall, 2).map(([a, b]) => a + b));
    expect(got.minTall).toEqual(rows(tall, 2).map(([a, b]) => Math.min(a, b)));
    // softmax in float64 as the reference
    const want = rows(wide, 40).flatMap((row) => {
      const m = Math.max(...row);
      const e = row.map((v) => Math.exp(v - m));
      const s = e.reduce((a, b) => a + b, 0);
      return e.map((v) => v / s);
    });
    got.softmax.forEach((v: number, i: number) => expect(Math.abs(v - want[i])).toBeLessThanOrEqual(1e-6 + 1e-5 * want[i]));
    // 16384-byte bindings hold 64 rows of 40 floats (10240 bytes; 128 rows would not fit): ceil(300 / 64) blocks
    expect(r.dispatches).toBe(5);
  }, 120_000);

  it('a GPU validation error rejects every tensor of its batch, marks them bad, and the next batch runs', async () => {
    const r = await inPage<any>(`${ERR}
      await ts.setBackend('webgpu');
      const be = ts.engine().backend;
      const a = ts.tensor([1, 2, 3]);
      be.injectFault = 'validation';
      const bad = ts.exp(a);          // its dispatch gets a workgroup count past the device limit
      const alsoBad = ts.add(bad, 1); // same batch, reads the bad tensor
      const first = await err(() => bad.data());
      const second = await err(() => bad.array());
      const downstream = await err(() => alsoBad.data());
      const useBad = await err(() => ts.neg(bad));
      const next = Array.from(await ts.mul(a, 2).data());
      const nextExp = Array.from(await ts.exp(a).data());
      return { first, second, downstream, useBad, next, nextExp };
    `);
    expect(r.first).toMatch(/^webgpu: data\(\): webgpu: kernel 'unary \(exp\)' failed, so this tensor holds no valid data: validation error: .*/s);
    expect(r.second).toBe(r.first);
    expect(r.downstream).toMatch(/kernel 'binary \(add\)' failed.*validation error/s);
    expect(r.useBad).toMatch(/^webgpu: unary \(neg\): input 0 \[3\] is unusable: webgpu: kernel 'unary \(exp\)' failed/);
    expect(r.next).toEqual([2, 4, 6]);
    // exp(1), exp(2), exp(3) as float32 (Math.fround of the float64 values)
    const want = [1, 2, 3].map((v) => Math.exp(v));
    r.nextExp.forEach((v: number, i: number) => expect(Math.abs(v - want[i])).toBeLessThan(1e-5 * want[i]));
  }, 120_000);

  it('a failed pipeline compile rejects its batch with the compile error; the next batch runs', async () => {
    const r = await inPage<any>(`${ERR}
      await ts.setBackend('webgpu');
      const be = ts.engine().backend;
      const a = ts.tensor([4, 9, 16]);
      be.injectFault = 'compile';
      const bad = ts.sqrt(a);
      const msg = await err(() => bad.data());
      const again = await err(() => bad.data());
      const good = Array.from(await ts.sqrt(a).data());
      return { msg, again, good };
    `);
    expect(r.msg).toMatch(/^webgpu: data\(\): webgpu: kernel 'unary \(sqrt\)' failed, so this tensor holds no valid data: webgpu: pipeline elementwise:unary(_blocked)?:.*failed to compile: .*tessera_injected_unknown_override/s);
    expect(r.again).toBe(r.msg);
    expect(r.good).toEqual([2, 3, 4]);
  }, 120_000);

  it('a disposed tensor or a disposed model throws the same error on webgpu, wasm and js', async () => {
    const r = await inPage<any>(`${ERR}
      const out = {};
      for (const b of ['webgpu', 'wasm', 'js']) {
        await ts.setBackend(b);
        const m = ts.sequential({ layers: [ts.layers.dense({ units: 2, inputShape: [3], name: 'd_' + b })] });
        const x = ts.ones([1, 3]);
        ts.dispose(m.predict(x));
        m.dispose();
        const t = ts.tensor([1, 2]);
        t.dispose();
        out[b] = {
          predict: await err(() => m.predict(x)),
          op: await err(() => ts.add(t, 1)),
          read: await err(() => t.data()),
        };
        x.dispose();
      }
      return out;
    `);
    const norm = (s: string) => s.replace(/tensor \d+/g, 'tensor N').replace(/d_(webgpu|wasm|js)/g, 'd_B').replace(/sequential_Sequential\d+/g, 'seq');
    expect(norm(r.webgpu.predict)).toBe("seq (weight 'd_B/kernel'): tensor N (shape [3,2], float32) is disposed and cannot be used");
    expect(r.webgpu.op).toMatch(/^add \(argument 'a'\): tensor \d+ \(shape \[2\], float32\) is disposed and cannot be used$/);
    expect(r.webgpu.read).toMatch(/^data: tensor \d+ \(shape \[2\], float32\) is disposed and cannot be used$/);
    for (const b of ['wasm', 'js']) {
      for (const k of ['predict', 'op', 'read']) expect(norm(r[b][k])).toBe(norm(r.webgpu[k]));
    }
  }, 120_000);

  it('after device.destroy(): clear "WebGPU device lost" errors, then ready() gets a new device', async () => {
    const r = await inPage<any>(`${ERR}
      await ts.setBackend('webgpu');
      const be = ts.engine().backend;
      const m = ts.sequential({ layers: [ts.layers.dense({ units: 2, inputShape: [3], kernelInitializer: 'ones' })] });
      const x = ts.tensor([[1, 2, 3]]);
      const y = ts.mul(x, 2);
      const before = Array.from(await m.predict(x).data());
      const t0 = performance.now();
      be.device.destroy();
      const read = await err(() => y.data());
      const op = await err(() => ts.add(x, 1));
      const predict = await err(() => m.predict(x));
      const create = await err(() => ts.tensor([1]));
      const ms = performance.now() - t0;
      const lostInfo = ts.backendInfo().lost;
      await ts.ready();
      const mem = ts.memory().backends.webgpu;
      const fresh = Array.from(await ts.add(ts.tensor([1, 2]), 1).data());
      const oldStill = await err(() => y.data());
      return { before, read, op, predict, create, ms, lostInfo, backend: ts.getBackend(), devices: mem.devicesAcquired, lostAfter: mem.deviceLost, fresh, oldStill };
    `);
    // dense with ones kernel and zero bias: 1 + 2 + 3 = 6 per unit
    expect(r.before).toEqual([6, 6]);
    expect(r.read).toMatch(/^webgpu: data\(\): WebGPU device lost \(destroyed/);
    for (const k of ['op', 'predict', 'create']) expect(r[k]).toMatch(/WebGPU device lost \(destroyed.*tf\.ready\(\)/);
    expect(r.ms).toBeLessThan(5000);
    expect(r.lostInfo).toMatch(/WebGPU device lost/);
    expect(r.backend).toBe('webgpu');
    expect(r.devices).toBe(2);
    expect(r.lostAfter).toBe(false);
    expect(r.fresh).toEqual([2, 3]);
    expect(r.oldStill).toMatch(/WebGPU device lost|earlier device/);
  }, 120_000);

  it("after device.destroy(): setBackend('wasm') works and lost tensors say why; webgpu comes back", async () => {
    const r = await inPage<any>(`${ERR}
      await ts.setBackend('webgpu');
      const x = ts.tensor([1, 2, 3]);
      await x.data();
      ts.engine().backend.device.destroy();
      const ok = await ts.setBackend('wasm');
      const onWasm = Array.from(await ts.add(ts.tensor([1, 2]), 1).data());
      const lostRead = await err(() => x.data());
      const lostOp = await err(() => ts.neg(x));
      const back = await ts.setBackend('webgpu');
      const onGpu = Array.from(await ts.mul(ts.tensor([1, 2]), 3).data());
      const stillLost = await err(() => x.data());
      x.dispose();
      return { ok, onWasm, lostRead, lostOp, back, onGpu, stillLost, devices: ts.memory().backends.webgpu.devicesAcquired };
    `);
    expect(r.ok).toBe(true);
    expect(r.onWasm).toEqual([2, 3]);
    expect(r.lostRead).toMatch(/^data\(\): its data could not be moved from webgpu to wasm: webgpu: data\(\): WebGPU device lost/);
    expect(r.lostOp).toMatch(/^unary \(input 0\): tensor \d+ \(shape \[3\]\) is unusable: its data could not be moved/);
    expect(r.back).toBe(true);
    expect(r.onGpu).toEqual([3, 6]);
    expect(r.stillLost).toMatch(/could not be moved.*WebGPU device lost/);
    expect(r.devices).toBe(2);
  }, 120_000);
});

describe('fit() survives a WebGPU device loss', () => {
  /** Page source: two identical fits (zeros init, adam, no shuffle); the second loses its device mid-epoch 2. */
  const FIT_TWICE = (beforeLoss: string) => `
    await ts.setBackend('webgpu');
    const n = 64;
    const xv = Array.from({ length: n }, (_, i) => i / 32 - 1);
    const x = ts.tensor2d(xv, [n, 1]);
    const y = ts.tensor2d(xv.map((v) => 2 * v - 1), [n, 1]);
    const make = () => {
      const m = ts.sequential({ layers: [
        ts.layers.dense({ units: 4, inputShape: [1], activation: 'tanh', kernelInitializer: 'ones', biasInitializer: 'zeros' }),
        ts.layers.dense({ units: 1, kernelInitializer: 'ones' }),
      ] });
      m.compile({ optimizer: ts.train.adam(0.05), loss: 'meanSquaredError' });
      return m;
    };
    const args = { epochs: 6, batchSize: 16, shuffle: false, verbose: 0 };
    const ref = make();
    const h1 = await ref.fit(x, y, args);
    const w1 = await Promise.all(ref.getWeights().map(async (w) => Array.from(await w.data())));
    const m = make();
    const events = [];
    let epochNow = -1, destroyed = false;
    ${beforeLoss}
    const h2 = await m.fit(x, y, { ...args, callbacks: {
      onEpochBegin: (e) => { epochNow = e; },
      onBatchEnd: (b) => { if (epochNow === 2 && b === 1 && !destroyed) { destroyed = true; ts.engine().backend.device.destroy(); } },
      onDeviceLost: (info) => { events.push(info); },
    } });
    const w2 = await Promise.all(m.getWeights().map(async (w) => Array.from(await w.data())));
    const xBack = Array.from(await x.data()).slice(0, 3);
    return { h1: h1.history.loss, e1: h1.epoch, h2: h2.history.loss, e2: h2.epoch, w1, w2, events, xBack,
      backend: ts.getBackend(), devices: ts.memory().backends.webgpu.devicesAcquired, snapshotMs: h2.snapshotMs };
  `;

  it('resumes on a new device from the last epoch-end snapshot and ends where an undisturbed fit ends', async () => {
    const r = await inPage<any>(FIT_TWICE(''));
    expect(r.events).toHaveLength(1);
    expect(r.events[0].resumeEpoch).toBe(2);
    expect(r.events[0].backend).toBe('webgpu');
    expect(r.events[0].error).toMatch(/WebGPU device lost/);
    expect(r.backend).toBe('webgpu');
    expect(r.devices).toBe(2);
    expect(r.e2).toEqual([0, 1, 2, 3, 4, 5]);
    expect(r.e1).toEqual(r.e2);
    // Same device type, same kernels, same restored state: the same numbers as the undisturbed fit.
    r.h2.forEach((v: number, i: number) => expect(Math.abs(v - r.h1[i])).toBeLessThanOrEqual(1e-6 * Math.abs(r.h1[i])));
    r.w2.flat().forEach((v: number, i: number) => expect(Math.abs(v - r.w1.flat()[i])).toBeLessThanOrEqual(1e-6));
    expect(r.h2[5]).toBeLessThan(r.h2[0]);
    // The caller's x was on the lost device and was written back from the snapshot: -1, -1 + 1/32, ...
    expect(r.xBack).toEqual([-1, -1 + 1 / 32, -1 + 2 / 32]);
    expect(r.snapshotMs).toBeGreaterThan(0);
  }, 180_000);

  it('moves on to wasm when no new adapter can be had, and still finishes the fit', async () => {
    const r = await inPage<any>(FIT_TWICE(`navigator.gpu.requestAdapter = async () => null;`));
    expect(r.events).toHaveLength(1);
    expect(r.events[0].resumeEpoch).toBe(2);
    expect(r.events[0].backend).toBe('wasm');
    expect(r.backend).toBe('wasm');
    expect(r.e2).toEqual([0, 1, 2, 3, 4, 5]);
    // wasm and webgpu round differently (tanh, sums): the same training curve within 1e-4.
    r.h2.forEach((v: number, i: number) => expect(Math.abs(v - r.h1[i])).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(r.h1[i]))));
    r.w2.flat().forEach((v: number, i: number) => expect(Math.abs(v - r.w1.flat()[i])).toBeLessThanOrEqual(1e-4));
    expect(r.xBack).toEqual([-1, -1 + 1 / 32, -1 + 2 / 32]);
  }, 180_000);
});
