// Writes examples/report.html for `npm start`: a static, self-contained page (inline CSS and SVG,
// no scripts or external files) with the timing tables of the kernel families and model forward
// passes per backend, and for each training workflow its final metrics and loss / accuracy curves
// (drawn by examples/plot.mjs, the same charts the live demo page shows); the compression workflow
// adds its table and bar charts (accuracy, weight file size, predict time per model form).
import { writeFileSync } from 'node:fs';
import { barChart, historyCharts } from './plot.mjs';

const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

function timingTable(title, rows) {
  if (!rows.length) return '';
  const body = rows.map((r) => r.error
    ? `<tr><td>${esc(r.backend)}</td><td>${esc(r.family)}</td><td colspan="3" class="bad">${esc(r.error.split('\n')[0].slice(0, 120))}</td></tr>`
    : `<tr><td>${esc(r.backend)}</td><td>${esc(r.family)}</td><td class="num">${r.ms.toFixed(2)}</td><td class="num">${esc(r.rate)}</td><td>${r.agrees === null ? '(reference)' : r.agrees ? 'yes' : '<span class="bad">NO</span>'}</td></tr>`).join('\n');
  return `<h2>${esc(title)}</h2>
<table><thead><tr><th>backend</th><th>what</th><th>median ms</th><th>throughput</th><th>matches js</th></tr></thead>
<tbody>
${body}
</tbody></table>`;
}

/** Text a language-model workflow generated (tf.text.generate), prompt in bold. */
function samplesBlock(samples) {
  if (!samples?.length) return '';
  const rows = samples.map((s) => `<li>temperature ${s.temperature}${s.temperature === 0 ? ' (greedy)' : ''}:<pre><b>${esc(s.prompt)}</b>${esc(s.text)}</pre></li>`).join('\n');
  return `<p>Samples (tf.text.generate):</p><ul class="samples">${rows}</ul>`;
}

const kb = (n) => (n == null ? '-' : `${(n / 1024).toFixed(2)} KiB`);

/** The compression workflow's comparison: a table and bar charts of accuracy, weight bytes and predict time. */
function compressionBlock(rows, targets, timingBackend) {
  if (!rows?.length) return '';
  const base = rows[0];
  const body = rows.map((r) => `<tr><td>${esc(r.model)}</td><td class="num">${(100 * r.accuracy).toFixed(1)}%</td><td class="num">${kb(r.weightBytes)}</td>` +
    `<td class="num">${(100 * r.weightBytes / base.weightBytes).toFixed(0)}%</td><td class="num">${kb(r.gzipBytes)}</td><td class="num">${kb(r.jsonBytes)}</td><td class="num">${r.ms.toFixed(2)}</td></tr>`).join('\n');
  const charts = [
    barChart({ title: 'held-out accuracy (%)', bars: rows.map((r) => ({ name: r.model, value: 100 * r.accuracy })), format: (v) => v.toFixed(1) }),
    barChart({ title: 'weight file (KiB)', bars: rows.map((r) => ({ name: r.model, value: r.weightBytes / 1024 })), format: (v) => v.toFixed(2) }),
    barChart({ title: `predict, 200 images, ${timingBackend} (ms)`, bars: rows.map((r) => ({ name: r.model, value: r.ms })), format: (v) => v.toFixed(2) }),
  ];
  const verdict = targets ? `<p>Target (${esc(targets.target)}): accuracy drop ${(100 * targets.accuracyDrop).toFixed(1)} points (at most 1), weight file ${(100 * targets.sizeRatio).toFixed(0)}% of float32 (at most 30%): ${targets.ok ? '<span class="ok">met</span>' : '<span class="bad">NOT met</span>'}.</p>` : '';
  return `<table><thead><tr><th>model</th><th>accuracy</th><th>weight file</th><th>of float32</th><th>gzipped</th><th>model.json</th><th>predict ms / batch of 200 (${esc(timingBackend)})</th></tr></thead>
<tbody>
${body}
</tbody></table>${verdict}
<div class="charts">${charts.join('\n')}</div>`;
}

function workflowSection(w) {
  if (w.error) return `<section><h3>${esc(w.name)}</h3><p class="bad">failed: ${esc(w.error)}</p></section>`;
  const metrics = Object.entries(w.metrics).map(([k, v]) => `${esc(k)} = ${v.toFixed(4)}`).join(', ');
  const verdict = `${esc(w.check.goal)}: ${w.check.ok ? '<span class="ok">met</span>' : '<span class="bad">NOT met</span>'}`;
  return `<section><h3>${esc(w.name)}</h3>
<p>${w.epochs} epochs on ${esc(w.backend)} in ${(w.trainMs / 1000).toFixed(1)} s, ${w.params} parameters; ${metrics}. ${verdict}.
Tensors left after the run: ${w.leaked}.</p>
<div class="charts">${historyCharts(w.name, w.history, { epochs: w.epochs }).join('\n')}</div>${samplesBlock(w.samples)}${compressionBlock(w.compression, w.targets, w.timingBackend)}</section>`;
}

/** Render the report to `path`. `data`: {date, browser, backend, kernels, models, workflows, totalS}. */
export function writeReport(path, data) {
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>tessera demo report</title>
<style>
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 64rem; padding: 0 1rem; color: #222; }
table { border-collapse: collapse; margin-bottom: 1rem; }
th, td { border-bottom: 1px solid #ddd; padding: .25rem .7rem; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.charts { display: flex; flex-wrap: wrap; gap: 1rem; }
pre { white-space: pre-wrap; background: #f6f6f6; padding: .4rem; }
.ok { color: #1a7f37; font-weight: 600; } .bad { color: #c62828; font-weight: 600; }
</style></head><body>
<h1>tessera demo report</h1>
<p>Written by <code>npm start</code> on ${esc(data.date)} in ${esc(data.browser)} (headless; WebGPU adapter: ${esc(data.adapter ?? 'none')};
${data.cores} logical cores). Training ran on the <b>${esc(data.backend)}</b> backend; the whole demo took ${data.totalS.toFixed(0)} s.</p>
<h2>Training workflows</h2>
${data.workflows.map(workflowSection).join('\n')}
${timingTable('Kernel families', data.kernels)}
${timingTable('Model forward passes (predict)', data.models)}
</body></html>
`;
  writeFileSync(path, html);
}
