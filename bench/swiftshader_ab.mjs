// Raw-WGSL A/B timing on the page's WebGPU adapter (SwiftShader here): each variant of a kernel
// is compiled once and timed interleaved with the others (one dispatch + onSubmittedWorkDone per
// variant per round, the first rotating), median per variant, so machine load falls on all alike.
// Used to pick the CPU-adapter entries (bench/matmul_ladder.md, "SwiftShader A/B").
// Besides wall time it reports the CPU time (user + system, all threads) of Chromium's GPU
// process per dispatch (SwiftShader runs there), summed over the rounds (/proc, Linux only): on
// the shared 2-core machine wall time is mostly the scheduler's, CPU time is the kernel's cost.
// Usage: node bench/swiftshader_ab.mjs <variants module> [--rounds=N] [--out=<name>]
//   the module exports `variants`: [{name, wgsl, entry, constants?, buffers: [bytes...] (binding
//   0.. in order; index `uniform` as {uniform: [u32...]}), workgroups: [x,y,z]}]
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { launchChromium } from '../scripts/chromium.mjs';
import { repoRoot, startServer } from '../scripts/server.mjs';

const arg = (name, dflt) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt;
const { variants } = await import(pathToFileURL(resolve(process.argv[2])).href);
const rounds = Number(arg('rounds', 15));

const server = await startServer({ routes: { '/ab.html': { type: 'text/html', body: () => '<!doctype html><title>ab</title>' } } });
const browser = await launchChromium();
/** CPU ms (user + system) of this browser's GPU process, 0 where /proc is missing. */
const browserPid = String(browser.process()?.pid);
const stat = (pid) => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
const gpuCpuMs = () => {
  let ticks = 0;
  try {
    for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
      try {
        if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--type=gpu-process')) continue;
        const f = stat(pid);
        if (f[1] !== browserPid && stat(f[1])[1] !== browserPid) continue; // another browser's (its parent is a zygote)
        ticks += Number(f[11]) + Number(f[12]);
      } catch { /* exited */ }
    }
  } catch { return 0; }
  return ticks * 10; // USER_HZ 100
};
try {
  const tab = await browser.newPage();
  await tab.exposeFunction('gpuCpuMs', gpuCpuMs);
  tab.on('console', (m) => console.log(m.text()));
  await tab.goto(`${server.url}/ab.html`);
  const result = await tab.evaluate(async (variants, rounds) => {
    const adapter = await navigator.gpu.requestAdapter();
    const features = adapter.features.has('subgroups') ? ['subgroups'] : [];
    const device = await adapter.requestDevice({ requiredFeatures: features, requiredLimits: { maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize, maxBufferSize: adapter.limits.maxBufferSize } });
    const prepared = [];
    for (const v of variants) {
      const module = device.createShaderModule({ code: v.wgsl });
      const info = await module.getCompilationInfo();
      for (const m of info.messages) if (m.type === 'error') throw new Error(`${v.name}: ${m.message} (line ${m.lineNum})`);
      const c0 = performance.now();
      const pipeline = await device.createComputePipelineAsync({ layout: 'auto', compute: { module, entryPoint: v.entry, constants: v.constants ?? {} } });
      const compileMs = performance.now() - c0;
      const entries = v.buffers.map((b, i) => {
        if (b.uniform) {
          const buf = device.createBuffer({ size: Math.max(16, b.uniform.length * 4), usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
          device.queue.writeBuffer(buf, 0, new Uint32Array(b.uniform));
          return { binding: i, resource: { buffer: buf } };
        }
        const buf = device.createBuffer({ size: b, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
        const data = new Float32Array(b / 4);
        for (let j = 0; j < data.length; j++) data[j] = (j % 7) * 0.25;
        device.queue.writeBuffer(buf, 0, data);
        return { binding: i, resource: { buffer: buf } };
      }).filter((e, i) => !(v.skip ?? []).includes(i));
      const bindGroup = device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
      prepared.push({ v, pipeline, bindGroup, times: [], cpu: 0, compileMs });
    }
    const run = async (p) => {
      const t0 = performance.now();
      const enc = device.createCommandEncoder();
      const pass = enc.beginComputePass();
      pass.setPipeline(p.pipeline);
      pass.setBindGroup(0, p.bindGroup);
      pass.dispatchWorkgroups(...p.v.workgroups);
      pass.end();
      device.queue.submit([enc.finish()]);
      await device.queue.onSubmittedWorkDone();
      return performance.now() - t0;
    };
    for (const p of prepared) { await run(p); await run(p); }
    for (let r = 0; r < rounds; r++) {
      for (let i = 0; i < prepared.length; i++) {
        const p = prepared[(i + r) % prepared.length];
        const c0 = await window.gpuCpuMs();
        p.times.push(await run(p));
        p.cpu += (await window.gpuCpuMs()) - c0;
      }
    }
    const median = (t) => { const s = [...t].sort((a, b) => a - b); return s[s.length >> 1]; };
    return { adapter: `${adapter.info.vendor} ${adapter.info.architecture}`, rows: prepared.map((p) => ({ name: p.v.name, ms: median(p.times), min: Math.min(...p.times), cpuMs: p.cpu / rounds, compileMs: p.compileMs })) };
  }, variants, rounds);
  console.log(`adapter: ${result.adapter}, ${rounds} rounds`);
  for (const r of result.rows) console.log(`${r.name.padEnd(48)} median ${r.ms.toFixed(2)} ms  min ${r.min.toFixed(2)} ms  gpu-process CPU ${r.cpuMs.toFixed(1)} ms  compile ${r.compileMs.toFixed(0)} ms`);
  const out = arg('out', '');
  if (out) writeFileSync(join(repoRoot, `bench/results/${out}.json`), JSON.stringify({ date: new Date().toISOString(), rounds, ...result }, null, 2));
} finally {
  await browser.close();
  server.close?.();
}
