// Turns a bench result (bench/results/latest.json) into the console table and the Markdown of
// bench/results/latest.md: per case and backend, tessera's time, each peer's time, and the ratio
// against the best (fastest) peer and against each peer (peer ms / tessera ms: > 1 = tessera faster).

export const PEERS = [
  { key: 'tfjs', label: 'TF.js' },
  { key: 'ort', label: 'ORT' },
  { key: 'jax', label: 'jax-js' },
];

const fmt = (v, d = 2) => (v === undefined || v === null || Number.isNaN(v) ? '-' : v.toFixed(d));
const ms = (t) => (t && t.ms !== undefined ? t.ms : undefined);

export function rate(row, t) {
  if (!t || !(row.flops ?? row.bytes)) return '-';
  const v = (row.flops ?? row.bytes) / t / 1e6;
  return `${v >= 10 ? v.toFixed(1) : v.toPrecision(3)} ${row.flops ? 'GFLOP/s' : 'GB/s'}`;
}

/** The fastest peer that produced a time: {key, label, ms} or null. */
export function bestPeer(row) {
  let best = null;
  for (const p of PEERS) {
    const t = ms(row[p.key]);
    if (t !== undefined && (!best || t < best.ms)) best = { ...p, ms: t };
  }
  return best;
}

const ratio = (peerMs, tesseraMs) => (peerMs && tesseraMs ? `${fmt(peerMs / tesseraMs)}x` : '-');

function timeCell(t, { markdown = false, feed = false } = {}) {
  if (!t) return 'n/a';
  if (t.ms === undefined) {
    const msg = String(t.error).replace(/\|/g, '/').slice(0, markdown ? 70 : 40);
    return `error: ${msg}`;
  }
  return feed && t.feedMs !== undefined ? `${fmt(t.ms, 3)} (feed ${fmt(t.feedMs, 2)})` : fmt(t.ms, 3);
}

/** One row of cells per case: the table body shared by the console and Markdown outputs. */
function cells(r, markdown) {
  const best = bestPeer(r);
  const tesseraMs = ms(r.tessera);
  return [
    r.case,
    r.backend,
    timeCell(r.tessera, { markdown }),
    ...PEERS.map((p) => timeCell(r[p.key], { markdown, feed: p.key === 'ort' })),
    best ? `${best.label}` : '-',
    best ? ratio(best.ms, tesseraMs) : '-',
    ...PEERS.map((p) => ratio(ms(r[p.key]), tesseraMs)),
    rate(r, tesseraMs),
    best ? rate(r, best.ms) : '-',
  ];
}

const HEAD = ['case', 'backend', 'tessera ms', ...PEERS.map((p) => `${p.label} ms`), 'best peer', 'best peer / tessera',
  ...PEERS.map((p) => `${p.label} / tessera`), 'tessera rate', 'best peer rate'];

/** Rows grouped by backend (wasm before webgpu), case order kept: a --resume run appends out of order. */
const ordered = (rows) => [...rows].sort((a, b) => (a.backend === b.backend ? 0 : a.backend < b.backend ? -1 : 1));

export function printTable(result) {
  const lines = ordered(result.rows).map((r) => cells(r, false));
  const widths = HEAD.map((h, i) => Math.max(h.length, ...lines.map((l) => String(l[i]).length)));
  const row = (c) => `| ${c.map((x, i) => String(x).padEnd(widths[i])).join(' | ')} |`;
  console.log(row(HEAD));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const l of lines) console.log(row(l));
  const p = peakLine(result);
  if (p) console.log(`\n${p}`);
}

/** "Wasm SIMD register peak ...; tessera matMul 1024 = x GFLOP/s = y% of it". */
function peakLine(result) {
  const peak = result.wasmPeak;
  if (!peak?.samples?.length) return null;
  const row = result.rows.find((r) => r.backend === 'wasm' && r.case === peak.case);
  const multi = (s) => (s.threadsGflops ? `, FMA on ${s.threads} threads at once ${fmt(s.threadsGflops, 1)}` : '');
  const samples = peak.samples.map((s) => (s.error ? `${s.when}: ${s.error}` : `${s.when}: FMA ${fmt(s.fmaGflops, 1)}, mul+add ${fmt(s.mulAddGflops, 1)}${multi(s)}`)).join('; ');
  let line = `Wasm SIMD register peak, 1 thread, f32x4 on ${peak.samples[0].accumulators ?? '?'} independent accumulators (GFLOP/s): ${samples}.`;
  const t = ms(row?.tessera);
  if (t && peak.peakGflops) {
    const gflops = row.flops / t / 1e6;
    const interleaved = row.wasmPeak?.gflops;
    const n = result.threads?.tessera ?? 1;
    line += ` tessera wasm ${peak.case} (${n} thread${n === 1 ? '' : 's'}): ${fmt(gflops, 1)} GFLOP/s`;
    if (interleaved) line += ` = **${fmt((100 * gflops) / interleaved, 0)}%** of the FMA loop timed interleaved with it (${fmt(interleaved, 1)} GFLOP/s, same load)`;
    line += `; ${fmt((100 * gflops) / peak.peakGflops, 0)}% of the best separate sample (${fmt(peak.peakGflops, 1)})`;
    const tp = peak.threadsPeak;
    if (tp && n === tp.threads) line += `; **${fmt((100 * gflops) / tp.gflops, 0)}%** of the best ${tp.threads}-thread FMA sample (${fmt(tp.gflops, 1)})`;
    line += '.';
  }
  return line;
}

/** The per-library time budgets of the rows, e.g. "wasm 2000 ms, webgpu 1000 ms". */
function budgets(result) {
  const seen = new Map();
  for (const r of result.rows) seen.set(r.backend, r.options?.time ?? (result.resumedOptions ?? result.options).time);
  return [...seen].map(([b, t]) => `${b} ${t} ms`).join(', ');
}

/** The results as Markdown: a header naming the machine, threads and versions, then the tables. */
export function markdownTable(result) {
  const browser = result.userAgent.match(/(?:Headless)?Chrome\/[\d.]+/)?.[0] ?? result.userAgent;
  const th = result.threads ?? {};
  const v = result.versions ?? {};
  const out = [
    `Measured ${result.date.slice(0, 16).replace('T', ' ')} UTC with \`npm run bench\` (median latency per cell; time budget per library and cell ${budgets(result)}, >= ${result.options.iterations} rounds, 3 for training steps and for cells whose warm-up round took > 3 s).`,
    '',
    `- CPU: ${result.cpu} (navigator.hardwareConcurrency ${result.hardwareConcurrency}); load average (1 min) during the run: ${result.load?.summary ?? '?'}; at the end: ${result.loadAverage}`,
    `- Browser: ${browser} headless; crossOriginIsolated: ${result.crossOriginIsolated}`,
    `- WebGPU adapter: ${result.adapter ?? 'none'}`,
    `- Peers: TF.js ${v.tfjs ?? '?'} (tfjs-backend-wasm / tfjs-backend-webgpu), onnxruntime-web ${v.ort ?? '?'} (wasm EP / webgpu EP), @jax-js/jax ${v.jax ?? '?'} (wasm / webgpu device)`,
    ...(result.resumedFrom ? [`- Rows come from two page loads: this run and the run it resumed (started ${result.resumedFrom.slice(0, 16).replace('T', ' ')} UTC); the libraries of any one row always share one page and are interleaved.`] : []),
    `- Wasm threads: tessera ${th.tessera ?? '?'}, TF.js ${th.tfjs ?? '?'} (getThreadsCount), ORT ${th.ort ?? '?'} (env.wasm.numThreads), jax-js ${th.jax ?? '?'} (worker pool = hardwareConcurrency)`,
    '',
  ];
  const p = peakLine(result);
  if (p) out.push(p, '');
  out.push(`| ${HEAD.join(' | ')} |`, `|---|---|${HEAD.slice(2).map(() => '--:').join('|')}|`);
  for (const r of ordered(result.rows)) out.push(`| ${cells(r, true).join(' | ')} |`);
  out.push(
    '',
    'Timing rule, the same for every library: inputs are made once on the backend; one iteration runs the op and waits until its whole',
    'output is computed and a readback has returned. tessera and TF.js read back a one-element slice of the output; ORT runs a graph',
    'that ends in a Slice to one element, read into a preallocated CPU tensor (webgpu: inputs bound as GPU buffers); jax-js runs the',
    'op under jit and awaits Array.blockUntilReady() (a zero-byte readback). ORT on wasm copies its inputs into the Wasm heap on every',
    'run (its API has no resident CPU inputs): that copy, measured alone with a graph that only slices the inputs, is the "feed" in',
    'its cell and is included in its time. Layouts are each library\'s own (NHWC tessera/TF.js; NCHW ONNX and jax-js convolutions).',
    'Ratios are peer ms / tessera ms: > 1 means tessera is faster; "best peer" is the fastest of TF.js, ORT and jax-js for that cell.',
    'Training rows time one awaited `model.trainOnBatch` (TF.js only). "n/a": the peer has no graph/function for that case here.',
    'The libraries of a row are timed interleaved (round-robin, the first rotating), so machine load falls on all of them alike;',
    'each cell is that library\'s median.',
    ...(result.options.settle > 0
      ? [`Before each library's turn: an untimed ${result.options.settle} ms pause (ORT's pool worker spin-waits ~22 ms of CPU after every run`,
        'and would take a core from the next library) and one untimed re-entry iteration; then one timed iteration (up to 20 back to back',
        'where another library of the row is far slower). The same for every library (bench/measure.mjs).']
      : ['One iteration per library per round, no pause (--settle=0).']),
    '',
  );
  return out.join('\n');
}
