// The benchmark page's UI (bench/index.html): describes the WebGPU adapter, runs the cases of
// bench/cases.mjs through bench/page.mjs (tessera against TF.js, optionally the other peers, on
// each backend), fills the progress bar, the ratio chart (plain SVG) and the table, and offers
// the result as JSON. `npm run bench` drives this same page headless: it calls
// window.__bench.runSuite and receives each partial result through window.__benchProgress.
import * as tessera from '/dist/tessera.js';
import * as bench from './page.mjs';
import * as slowdown from './slowdown_page.mjs';
import { PEAK_CASE } from './page.mjs';
import { rate } from './report.mjs';

const params = new URLSearchParams(location.search);
const quick = params.get('quick') === '1';
const list = (key, dflt) => (params.get(key) ?? dflt).split(',').filter(Boolean);

/** The page's options from its query string (`npm run bench` passes its own to runSuite). */
export const pageOptions = {
  quick,
  only: params.get('only') ?? '',
  backends: list('backends', 'wasm,webgpu'),
  peers: list('peers', 'tfjs'),
  time: Number(params.get('time') ?? (quick ? 100 : 1000)),
  iterations: Number(params.get('iterations') ?? (quick ? 3 : 5)),
  // ?settle=<ms>: bench/measure.mjs's pause before each library's turn (its SETTLE_MS when absent; 0: the old loop)
  ...(params.has('settle') ? { settle: Number(params.get('settle')) } : {}),
};

const $ = (id) => document.getElementById(id);
const SVG = 'http://www.w3.org/2000/svg';
const el = (tag, attrs = {}, text) => {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
};
const fmtMs = (t) => (t?.ms !== undefined ? t.ms.toFixed(3) : t?.error ? `error: ${String(t.error).slice(0, 60)}` : 'n/a');

/** TF.js ms / tessera ms for a row, or null when either errored. */
const ratioOf = (row) => (row.tessera?.ms && row.tfjs?.ms ? row.tfjs.ms / row.tessera.ms : null);

/** The WebGPU adapter as this page sees it (info, limits, features) and how tessera classifies it. */
export async function describeAdapter() {
  if (!navigator.gpu) return { available: false, reason: 'navigator.gpu is missing (no WebGPU in this browser or context)' };
  const adapter = await navigator.gpu.requestAdapter();
  if (!adapter) return { available: false, reason: 'navigator.gpu.requestAdapter() returned null' };
  const info = adapter.info ?? {};
  const limits = {};
  for (const k of ['maxBufferSize', 'maxStorageBufferBindingSize', 'maxComputeWorkgroupStorageSize', 'maxComputeInvocationsPerWorkgroup',
    'maxComputeWorkgroupSizeX', 'maxComputeWorkgroupsPerDimension', 'maxStorageBuffersPerShaderStage']) limits[k] = adapter.limits[k];
  const out = {
    available: true,
    vendor: info.vendor ?? '', architecture: info.architecture ?? '', description: info.description ?? '',
    isFallbackAdapter: Boolean(info.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false),
    features: [...adapter.features].sort(),
    limits,
  };
  // tessera's own view: its adapter summary says whether it is a software rasteriser, and the
  // backend whether it uses the register-only kernels there instead of the tiled WGSL paths.
  try {
    if (await tessera.setBackend('webgpu')) {
      out.software = tessera.backendInfo().adapter?.software ?? null;
      out.tiledKernels = !tessera.backend().preferDirect;
    }
  } catch (e) {
    out.tesseraError = String(e.message ?? e);
  }
  return out;
}

function renderAdapter(a) {
  const box = $('adapter');
  if (!a.available) {
    box.innerHTML = '<span class="kind software">No WebGPU adapter</span>: <span class="why"></span>. The webgpu rows will show the error; wasm still runs.';
    box.querySelector('.why').textContent = a.reason;
    return;
  }
  const name = [a.vendor, a.architecture, a.description].filter(Boolean).join(' / ') || '(the adapter gives no name)';
  const software = a.software ?? a.isFallbackAdapter;
  box.innerHTML = '<div><span class="kind"></span> <span class="name"></span></div><div class="paths muted"></div>'
    + '<details><summary>limits and features</summary><code class="limits"></code><br><code class="features"></code></details>';
  const kind = box.querySelector('.kind');
  kind.className = `kind ${software ? 'software' : 'hardware'}`;
  kind.textContent = software ? `Fallback adapter (software rasteriser${a.isFallbackAdapter ? ', isFallbackAdapter' : ''}):` : 'Real GPU:';
  box.querySelector('.name').textContent = name;
  box.querySelector('.paths').textContent = a.tesseraError
    ? `tessera could not start WebGPU here: ${a.tesseraError}`
    : software
      ? 'tessera uses its register-only (barrier-free) WGSL kernels on this adapter; the tiled workgroup-memory paths (matMul, conv) run on real GPUs, so webgpu numbers here say little about a GPU.'
      : 'tessera uses its tiled WGSL paths (workgroup-memory matMul and conv) on this adapter.';
  box.querySelector('.limits').textContent = Object.entries(a.limits).map(([k, v]) => `${k}=${v}`).join('  ');
  box.querySelector('.features').textContent = `features: ${a.features.join(', ') || '(none)'}`;
}

/** Draw one horizontal bar per row: log2(TF.js ms / tessera ms) around the 1x line. */
export function renderChart(rows) {
  const chart = $('chart');
  const rowH = 22;
  const labelW = 330;
  const width = 900;
  const plotW = width - labelW - 70;
  const ratios = rows.map(ratioOf).filter((r) => r);
  const span = Math.max(3, Math.ceil(Math.max(1, ...ratios.map((r) => Math.abs(Math.log2(r))))));
  const x = (ratio) => labelW + plotW / 2 + (Math.log2(ratio) / span) * (plotW / 2);
  const height = rows.length * rowH + 30;
  const svg = el('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': 'TF.js ms / tessera ms per case' });
  for (let k = -span; k <= span; k++) {
    const gx = x(2 ** k);
    svg.append(el('line', { x1: gx, x2: gx, y1: 0, y2: height - 20, stroke: k ? '#e4e4e4' : '#444' }));
    svg.append(el('text', { x: gx, y: height - 6, 'text-anchor': 'middle' }, k >= 0 ? `${2 ** k}x` : `1/${2 ** -k}x`));
  }
  rows.forEach((row, i) => {
    const y = i * rowH + 3;
    const r = ratioOf(row);
    svg.append(el('text', { x: labelW - 6, y: y + rowH * 0.6, 'text-anchor': 'end' }, `${row.case} (${row.backend})`));
    const x0 = x(1);
    const x1 = r ? x(r) : x0;
    const bar = el('rect', {
      class: `bar ${r ? (r >= 1 ? 'faster' : 'slower') : 'error'}`,
      x: Math.min(x0, x1), y, width: Math.max(r ? 1 : 6, Math.abs(x1 - x0)), height: rowH - 6,
      'data-case': row.case, 'data-backend': row.backend,
    });
    bar.append(el('title', {}, r ? `${r.toFixed(2)}x` : `tessera ${fmtMs(row.tessera)}, TF.js ${fmtMs(row.tfjs)}`));
    svg.append(bar);
    svg.append(el('text', { x: Math.max(x0, x1) + 4, y: y + rowH * 0.6 }, r ? `${r.toFixed(2)}x` : 'error'));
  });
  chart.replaceChildren(svg);
}

function renderTable(rows) {
  const body = $('table').tBodies[0];
  body.replaceChildren(...rows.map((row) => {
    const tr = document.createElement('tr');
    const r = ratioOf(row);
    for (const v of [row.case, row.backend, fmtMs(row.tessera), fmtMs(row.tfjs), r ? `${r.toFixed(2)}x` : '-', rate(row, row.tessera?.ms)]) {
      const td = document.createElement('td');
      td.textContent = v;
      tr.append(td);
    }
    return tr;
  }));
}

let result = null;
/** The latest result: the page's environment, the adapter, the options and the rows so far. */
export const currentResult = () => result;

function show(res) {
  result = res;
  renderChart(res.rows);
  renderTable(res.rows);
  $('json').textContent = JSON.stringify(res, null, 2);
  $('copy').disabled = false;
}

/**
 * Run every case of `options` (pageOptions' shape) on each backend; `skip` lists [case, backend]
 * pairs already measured (`npm run bench --resume`). On wasm it samples the Wasm SIMD register
 * peak at the start, before PEAK_CASE and at the end. Calls window.__benchProgress (exposed by
 * `npm run bench`) with the partial result after each row. Resolves to the result.
 */
export async function runSuite(options = pageOptions, skip = []) {
  const names = bench.caseNames(options.only, options.quick);
  const todo = options.backends.flatMap((backend) => names.filter((n) => !skip.some(([c, b]) => c === n && b === backend)).map((name) => ({ name, backend })));
  const res = { ...(await bench.describe()), gpu: await describeAdapter(), options, rows: [], wasmPeak: null };
  renderAdapter(res.gpu);
  const progress = $('progress');
  progress.max = todo.length;
  progress.value = 0;
  document.body.dataset.state = 'running';
  const report = async () => {
    show(res);
    await window.__benchProgress?.(res);
  };
  const peak = async (when) => {
    res.wasmPeak ??= { case: PEAK_CASE, samples: [] };
    res.wasmPeak.samples.push({ when, ...(await bench.peakSample()) });
    res.wasmPeak.peakGflops = Math.max(...res.wasmPeak.samples.map((s) => s.peakGflops ?? 0));
    const multi = res.wasmPeak.samples.filter((s) => s.threadsGflops);
    if (multi.length) res.wasmPeak.threadsPeak = { threads: multi[0].threads, gflops: Math.max(...multi.map((s) => s.threadsGflops)) };
  };
  const wasmTodo = todo.some((t) => t.backend === 'wasm');
  const measurePeak = !options.quick && wasmTodo;
  if (measurePeak) await peak('start');
  for (const [i, { name, backend }] of todo.entries()) {
    $('status').textContent = `${i + 1}/${todo.length}: ${name} on ${backend}`;
    if (measurePeak && backend === 'wasm' && name === PEAK_CASE) await peak(`before ${name}`);
    const row = await bench.runCase({ ...options, name, backend });
    row.options = { time: options.time, iterations: options.iterations, at: new Date().toISOString() };
    res.rows.push(row);
    const env = await bench.describe();
    Object.assign(res, env, { date: res.date });
    progress.value = i + 1;
    await report();
  }
  if (measurePeak) await peak('end');
  await report();
  $('status').textContent = `done: ${res.rows.length} cells`;
  document.body.dataset.state = 'done';
  return res;
}

async function copyJson() {
  const text = JSON.stringify(result, null, 2);
  try {
    await navigator.clipboard.writeText(text);
    $('status').textContent = 'copied the result JSON to the clipboard';
  } catch {
    // clipboard refused (permissions, insecure context): select the JSON for a manual copy
    const pre = $('json');
    pre.parentElement.open = true;
    getSelection().selectAllChildren(pre);
    $('status').textContent = 'the clipboard is not available here: the JSON below is selected, copy it by hand';
  }
}

window.__bench = { ...bench, runSuite, pageOptions, currentResult, describeAdapter, slowdown };
if (!params.has('headless')) {
  describeAdapter().then(renderAdapter, (e) => renderAdapter({ available: false, reason: String(e.message ?? e) }));
  $('run').addEventListener('click', () => {
    $('run').disabled = true;
    runSuite().catch((e) => {
      $('status').textContent = `failed: ${e.message ?? e}`;
      document.body.dataset.state = 'failed';
    });
  });
  $('copy').addEventListener('click', copyJson);
  if (params.get('run') === '1') $('run').click();
} else {
  $('run').hidden = true;
}
