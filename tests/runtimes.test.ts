/**
 * Runtimes (issue 10): the built bundle runs tests/runtimes/smoke.mjs (ready, a matMul against a
 * plain loop, fit and predict on y = 3x + 2) in each runtime whose binary comes from the npm
 * registry as a dev dependency: Node (wasm; webgpu through the `webgpu` package, i.e. Dawn, found
 * with tf.webgpu.useDevice or navigator.gpu), Deno (wasm; webgpu on whatever adapter Deno offers),
 * Bun (wasm) and Cloudflare workerd (wasm through tf.wasm.setWasmModule; js with the reason when
 * Wasm cannot be compiled). Every runtime starts once, all at the same time, in beforeAll.
 * The browser Workers are in tests/browser/runtimes_workers.test.ts.
 */
import { type ChildProcess, type SpawnOptions, execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pathToFileURL } from 'node:url';

const root = join(__dirname, '..');
const bin = (name: string) => join(root, 'node_modules/.bin', name);
const entry = join(root, 'tests/runtimes/entry.mjs');

interface Report {
  backend: string;
  adapter: string | null;
  failures: Record<string, string>;
  matMulWorst: number;
  predicted: number[];
  firstLoss: number;
  lastLoss: number;
  times: Record<string, number>;
  problems: string[];
  runtimeAdapter?: string | null;
  gpuSetup?: string | null;
  reason?: string;
  warnings?: string[];
  error?: string;
}
interface Run {
  report: Report;
  seconds: number;
}

/** Every process started here, killed in afterAll if still running (a filtered or failed run leaves none behind). */
const children = new Set<ChildProcess>();
function startChild(cmd: string, args: string[], options: SpawnOptions): ChildProcess {
  const child = spawn(cmd, args, options);
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

/** Node's Dawn needs a Vulkan driver: the system's, or Chromium's SwiftShader ICD on CPU-only machines. */
function dawnEnv(): NodeJS.ProcessEnv {
  const icd = '/usr/lib/chromium/vk_swiftshader_icd.json';
  if (process.env.VK_ICD_FILENAMES || !existsSync(icd)) return process.env;
  const libs = [dirname(icd), process.env.LD_LIBRARY_PATH].filter(Boolean).join(':');
  return { ...process.env, VK_ICD_FILENAMES: icd, LD_LIBRARY_PATH: libs };
}

/** Run a command; resolve to the JSON report its stdout ends with (stderr in the error otherwise). */
function runReport(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  const start = Date.now();
  return new Promise((resolve, reject) => {
    const child = startChild(cmd, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('error', (e) => reject(new Error(`${cmd} could not start: ${e.message}`)));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const last = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !last.startsWith('{')) {
        reject(new Error(`${cmd} ${args.join(' ')} exited with ${code ?? signal}\nstdout: ${out.slice(-2000)}\nstderr: ${err.slice(-4000)}`));
        return;
      }
      resolve({ report: JSON.parse(last), seconds: (Date.now() - start) / 1000 });
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** The workerd config: the same worker as two services (with and without the Wasm module) on two sockets. */
function workerdConfig(portWithModule: number, portBytesOnly: number): string {
  const worker = `(
  modules = [
    (name = "worker.mjs", esModule = embed "workerd_worker.mjs"),
    (name = "tessera.js", esModule = embed "tessera.js"),
    (name = "smoke.mjs", esModule = embed "smoke.mjs"),
    (name = "tessera-simd.wasm", wasm = embed "tessera-simd.wasm"),
  ],
  compatibilityDate = "2024-09-23",
)`;
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [(name = "withModule", worker = .worker), (name = "bytesOnly", worker = .worker)],
  sockets = [
    (name = "withModule", address = "127.0.0.1:${portWithModule}", http = (), service = "withModule"),
    (name = "bytesOnly", address = "127.0.0.1:${portBytesOnly}", http = (), service = "bytesOnly"),
  ],
);
const worker :Workerd.Worker = ${worker};
`;
}

interface WorkerdRuns {
  withModule: Run;
  bytesOnly: Run;
}

/** Start workerd on a temp dir holding the bundle, the worker and the .wasm; fetch both services once. */
async function runWorkerd(): Promise<WorkerdRuns> {
  const start = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'tessera-workerd-'));
  copyFileSync(join(root, 'dist/tessera.js'), join(dir, 'tessera.js'));
  copyFileSync(join(root, 'build/tessera-simd.wasm'), join(dir, 'tessera-simd.wasm'));
  copyFileSync(join(root, 'tests/runtimes/smoke.mjs'), join(dir, 'smoke.mjs'));
  copyFileSync(join(root, 'tests/runtimes/workerd_worker.mjs'), join(dir, 'workerd_worker.mjs'));
  const [p1, p2] = [await freePort(), await freePort()];
  writeFileSync(join(dir, 'config.capnp'), workerdConfig(p1, p2));
  const child = startChild(bin('workerd'), ['serve', join(dir, 'config.capnp')], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout!.on('data', (d) => (log += d));
  child.stderr!.on('data', (d) => (log += d));
  const exited = new Promise<never>((_, reject) => child.on('exit', (code) => reject(new Error(`workerd exited with ${code}: ${log.slice(-4000)}`))));
  try {
    const get = async (port: number, query: string): Promise<Run> => {
      for (let i = 0; ; i++) {
        try {
          const t = Date.now();
          const r = await fetch(`http://127.0.0.1:${port}/${query}`);
          return { report: (await r.json()) as Report, seconds: (Date.now() - t) / 1000 };
        } catch (e) {
          if (i > 300) throw new Error(`workerd never answered on ${port}: ${(e as Error).message}\n${log.slice(-4000)}`);
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    };
    const [withModule, bytesOnly] = await Promise.race([Promise.all([get(p1, '?module=1'), get(p2, '')]), exited]);
    // the process (start-up included) for the time table; each fetch's own time is in its run
    withModule.seconds = bytesOnly.seconds = (Date.now() - start) / 1000;
    return { withModule, bytesOnly };
  } finally {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

const runs: Record<string, Promise<Run>> = {};
let workerd: Promise<WorkerdRuns>;
const times: string[] = [];

/** The smoke report passed: the backend asked for, matMul equal to the loop, predictions on 3x + 2. */
function expectSmoke(row: string, run: Run, backend: string): void {
  const r = run.report;
  times.push(`${row}: ${run.seconds.toFixed(1)} s (fit ${r.times?.fit} ms)`);
  expect(r.error).toBeUndefined();
  expect(r.problems).toEqual([]);
  expect(r.backend).toBe(backend);
  expect(r.matMulWorst).toBeLessThan(1e-5);
  // fit must have moved the loss from its start (7.4 from zero weights) to near zero
  expect(r.firstLoss).toBeCloseTo(7.4, 4);
  expect(r.lastLoss).toBeLessThan(1e-4);
  [-7, 3.5, 14].forEach((want, i) => expect(Math.abs(r.predicted[i] - want)).toBeLessThan(0.01));
}

beforeAll(() => {
  execFileSync(process.execPath, [join(root, 'scripts/build.mjs'), '--if-stale'], { cwd: root, stdio: 'inherit' });
}, 240_000);

describe('runtimes', () => {
  beforeAll(() => {
    // every runtime at once; each test awaits its own (rejections are observed there)
    runs.nodeWasm = runReport(process.execPath, [entry, 'wasm']);
    runs.nodeDawnUseDevice = runReport(process.execPath, [entry, 'webgpu', 'useDevice'], dawnEnv());
    runs.nodeDawnNavigator = runReport(process.execPath, [entry, 'ready', 'navigator'], dawnEnv());
    runs.denoWasm = runReport(bin('deno'), ['run', '--allow-read', entry, 'wasm']);
    runs.denoWebgpu = runReport(bin('deno'), ['run', '--allow-read', entry, 'webgpu']);
    runs.bunWasm = runReport(bin('bun'), [entry, 'wasm']);
    workerd = runWorkerd();
    for (const p of [...Object.values(runs), workerd]) p.catch(() => {});
  }, 240_000);
  afterAll(() => {
    for (const c of children) c.kill('SIGKILL');
    if (times.length) console.log(`runtime rows (wall seconds per process, run in parallel):\n  ${times.join('\n  ')}`);
  });

  it('Node: wasm', async () => {
    expectSmoke('node wasm', await runs.nodeWasm, 'wasm');
  });

  it('Node + webgpu package (Dawn): tf.webgpu.useDevice(device), setBackend("webgpu")', async () => {
    const run = await runs.nodeDawnUseDevice;
    expectSmoke('node dawn useDevice', run, 'webgpu');
    expect(run.report.adapter).toBeTruthy(); // the adapter info Dawn gives the device
  });

  it('Node + webgpu package (Dawn): navigator.gpu set by the user, tf.ready() sees the adapter', async () => {
    // ready() finds Dawn's adapter through navigator.gpu; a software one (SwiftShader here) is refused in
    // favour of wasm, and backendInfo() says so; a hardware one is taken
    const run = await runs.nodeDawnNavigator;
    const { adapter, failures } = run.report;
    expect(adapter).toBeTruthy();
    if (/swiftshader|llvmpipe|lavapipe/i.test(adapter!)) {
      expectSmoke(`node dawn navigator.gpu, ready() (${adapter})`, run, 'wasm');
      expect(failures.webgpu).toMatch(/the WebGPU adapter is a software rasteriser .*Call setBackend\('webgpu'\) to use it anyway/);
    } else {
      expectSmoke(`node dawn navigator.gpu, ready() (${adapter})`, run, 'webgpu');
    }
  });

  it('Deno: wasm', async () => {
    expectSmoke('deno wasm', await runs.denoWasm, 'wasm');
  });

  it("Deno: webgpu on Deno's own adapter", async () => {
    const run = await runs.denoWebgpu;
    const there = run.report.runtimeAdapter;
    if (there && there !== 'none') {
      expectSmoke(`deno webgpu (${there})`, run, 'webgpu');
      expect(run.report.adapter).toBe(there); // tessera reports the adapter Deno gave it
    } else {
      // no adapter in this Deno: setBackend('webgpu') must say so, not pretend
      expect(run.report.problems.join('\n')).toMatch(/setBackend\('webgpu'\) resolved false.*(no adapter|not available)/);
    }
  });

  it('Bun: wasm', async () => {
    const run = await runs.bunWasm;
    expectSmoke('bun wasm', run, 'wasm');
    expect(run.report.runtimeAdapter).toBeNull(); // Bun has no navigator.gpu
  });

  it('workerd: wasm through tf.wasm.setWasmModule(the imported .wasm module)', async () => {
    const { withModule } = await workerd;
    expectSmoke('workerd wasm (setWasmModule)', withModule, 'wasm');
    expect(withModule.report.warnings).toEqual([]);
  });

  it('workerd without the module: js, with the real Wasm error in backendInfo() and a warning', async () => {
    const { bytesOnly } = await workerd;
    expectSmoke('workerd js (no module)', bytesOnly, 'js');
    const wasmError = bytesOnly.report.failures.wasm;
    expect(wasmError).toMatch(/code generation disallowed/i); // workerd's own words
    expect(bytesOnly.report.reason).toContain(wasmError);
    expect(bytesOnly.report.warnings).toEqual([`tessera: the wasm backend could not start (${wasmError}); using js`]);
  });
});

describe('runtime set-up: bad input', () => {
  // the built bundle, as the runtimes load it (importing src/ here would cost seconds of transform)
  let tf: typeof import('../src/index.js');
  beforeAll(async () => {
    tf = await import(pathToFileURL(join(root, 'dist/tessera.js')).href);
  });

  it('tf.wasm.setWasmModule wants tessera\'s kernel module', () => {
    expect(() => tf.wasm.setWasmModule(new Uint8Array(8) as unknown as WebAssembly.Module)).toThrow(
      'setWasmModule: expected a WebAssembly.Module, got object',
    );
    // the smallest valid module: magic and version only, so no exports at all
    const empty = new WebAssembly.Module(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
    expect(() => tf.wasm.setWasmModule(empty)).toThrow(
      "setWasmModule: this is not tessera's kernel module (it lacks the exports isRelaxed, heapBase, matMul)",
    );
  });

  it('tf.webgpu.useDevice wants a GPUDevice and the WebGPU globals', () => {
    expect(() => tf.webgpu.useDevice({} as GPUDevice)).toThrow('useDevice: expected a GPUDevice (from adapter.requestDevice())');
    const fake = { createBuffer() {}, createComputePipeline() {}, queue: {}, lost: new Promise(() => {}) } as unknown as GPUDevice;
    // plain Node has no GPUBufferUsage etc.; the error says where they come from
    expect(() => tf.webgpu.useDevice(fake)).toThrow(/useDevice: the WebGPU globals GPUBufferUsage, GPUMapMode, GPUShaderStage are not defined here/);
  });
});
