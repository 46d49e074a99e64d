// Line and bar charts as inline SVG strings, with no dependencies: used by `npm start` (examples/demo.mjs,
// which writes them into examples/report.html) and by the live page of `npm run serve`
// (examples/index.html redraws them after every epoch). Works the same in Node and browsers.

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b'];

const escapeXml = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

/** A short label for an axis tick. */
function tickLabel(v) {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1000 || a < 0.01) return v.toExponential(1);
  return Number(v.toPrecision(3)).toString();
}

/** About `count` evenly spaced round numbers covering [lo, hi]. */
function niceTicks(lo, hi, count = 5) {
  const span = hi - lo || Math.abs(hi) || 1;
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const ticks = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

/**
 * An SVG line chart. `series`: [{name, values: number[] (one per epoch), color?}]; x is the epoch
 * (1-based). Options: title, xLabel, yLabel, width, height, yMin/yMax (fixed range, e.g. 0..1 for
 * accuracy), xMax (fixed epoch range, so a live chart does not rescale as epochs arrive), logY
 (log10 y axis, for positive values spanning decades, e.g. a loss falling from 100 to 0.1).
 */
export function lineChart({ title = '', series, xLabel = 'epoch', yLabel = '', width = 440, height = 260, yMin, yMax, xMax, logY = false }) {
  if (!logY) return drawChart({ title, series, xLabel, yLabel, width, height, yMin, yMax, xMax, logTicks: false });
  const logSeries = series.map((s) => ({ ...s, values: s.values.map((v) => (v > 0 ? Math.log10(v) : NaN)) }));
  return drawChart({ title, series: logSeries, xLabel, yLabel: `${yLabel} (log scale)`, width, height, xMax, logTicks: true });
}

function drawChart({ title, series, xLabel, yLabel, width, height, yMin, yMax, xMax, logTicks }) {
  const pad = { left: 58, right: 14, top: title ? 30 : 12, bottom: 60 };
  const w = width - pad.left - pad.right;
  const h = height - pad.top - pad.bottom;
  const finite = series.flatMap((s) => s.values.filter(Number.isFinite));
  let lo = yMin ?? (finite.length ? Math.min(...finite) : 0);
  let hi = yMax ?? (finite.length ? Math.max(...finite) : 1);
  if (yMin === undefined && !logTicks && lo > 0 && lo < 0.25 * hi) lo = 0;
  if (logTicks) {
    lo = Math.floor(lo);
    hi = Math.ceil(hi);
  }
  if (hi === lo) {
    hi += Math.abs(hi) * 0.1 || 1;
    lo -= Math.abs(lo) * 0.1 || 0;
  }
  const n = Math.max(xMax ?? 0, ...series.map((s) => s.values.length), 2);
  const x = (i) => pad.left + ((i - 1) / (n - 1)) * w;
  const y = (v) => pad.top + (1 - (v - lo) / (hi - lo)) * h;
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="11">`];
  out.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#fff"/>`);
  if (title) out.push(`<text x="${width / 2}" y="18" text-anchor="middle" font-size="13" font-weight="600">${escapeXml(title)}</text>`);
  const yTicks = logTicks ? niceTicks(lo, hi, 5).filter(Number.isInteger) : niceTicks(lo, hi);
  for (const t of yTicks) {
    if (t < lo - 1e-12 || t > hi + 1e-12) continue;
    out.push(`<line x1="${pad.left}" x2="${pad.left + w}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" stroke="#e6e6e6"/>`);
    out.push(`<text x="${pad.left - 6}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end">${logTicks ? (t < -2 || t > 3 ? `1e${t}` : String(10 ** t)) : tickLabel(t)}</text>`);
  }
  for (const t of niceTicks(1, n, 6).filter((t) => Number.isInteger(t) && t >= 1 && t <= n)) {
    out.push(`<line x1="${x(t).toFixed(1)}" x2="${x(t).toFixed(1)}" y1="${pad.top + h}" y2="${pad.top + h + 4}" stroke="#333"/>`);
    out.push(`<text x="${x(t).toFixed(1)}" y="${pad.top + h + 16}" text-anchor="middle">${t}</text>`);
  }
  out.push(`<line x1="${pad.left}" x2="${pad.left}" y1="${pad.top}" y2="${pad.top + h}" stroke="#333"/>`);
  out.push(`<line x1="${pad.left}" x2="${pad.left + w}" y1="${pad.top + h}" y2="${pad.top + h}" stroke="#333"/>`);
  out.push(`<text x="${pad.left + w / 2}" y="${pad.top + h + 32}" text-anchor="middle">${escapeXml(xLabel)}</text>`);
  if (yLabel) out.push(`<text transform="translate(14 ${pad.top + h / 2}) rotate(-90)" text-anchor="middle">${escapeXml(yLabel)}</text>`);
  series.forEach((s, k) => {
    const color = s.color ?? COLORS[k % COLORS.length];
    const pts = s.values.map((v, i) => (Number.isFinite(v) ? `${x(i + 1).toFixed(1)},${y(Math.min(Math.max(v, lo), hi)).toFixed(1)}` : null)).filter(Boolean);
    if (pts.length > 1) out.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts.join(' ')}"/>`);
    if (pts.length === 1) out.push(`<circle cx="${pts[0].split(',')[0]}" cy="${pts[0].split(',')[1]}" r="3" fill="${color}"/>`);
    const lx = pad.left + k * 130;
    out.push(`<line x1="${lx}" x2="${lx + 18}" y1="${height - 10}" y2="${height - 10}" stroke="${color}" stroke-width="2"/>`);
    out.push(`<text x="${lx + 22}" y="${height - 6}">${escapeXml(s.name)}</text>`);
  });
  out.push('</svg>');
  return out.join('');
}

/**
 * The two charts of a training run from its history (fit()'s History.history): losses
 * (loss, val_loss) and metrics (acc, val_acc, ...; fixed 0..1 when they are accuracies).
 */
export function historyCharts(title, history, { epochs, width, height } = {}) {
  const keys = Object.keys(history);
  const lossKeys = keys.filter((k) => k.endsWith('loss'));
  const metricKeys = keys.filter((k) => !k.endsWith('loss'));
  const losses = lossKeys.flatMap((k) => history[k]).filter((v) => Number.isFinite(v));
  const logY = losses.length > 1 && Math.min(...losses) > 0 && Math.max(...losses) / Math.min(...losses) > 100;
  const charts = [lineChart({ title: `${title}: loss`, series: lossKeys.map((k) => ({ name: k, values: history[k] })), yLabel: 'loss', xMax: epochs, width, height, logY })];
  if (metricKeys.length) {
    const accuracies = metricKeys.every((k) => /acc/.test(k));
    charts.push(lineChart({
      title: `${title}: ${accuracies ? 'accuracy' : 'metrics'}`,
      series: metricKeys.map((k) => ({ name: k, values: history[k] })),
      yLabel: accuracies ? 'accuracy' : '', yMin: accuracies ? 0 : undefined, yMax: accuracies ? 1 : undefined, xMax: epochs, width, height,
    }));
  }
  return charts;
}

/**
 * An SVG bar chart: one bar per `bars` entry ({name (short: it is written under the bar), value,
 * color?}), labelled with its value (`format(value)`). The y axis starts at 0. Options: title, yLabel, width, height.
 */
export function barChart({ title = '', bars, yLabel = '', format = tickLabel, width = 60 + 84 * bars.length, height = 220 }) {
  const pad = { left: 50, right: 10, top: title ? 30 : 12, bottom: 24 };
  const w = width - pad.left - pad.right;
  const h = height - pad.top - pad.bottom;
  const finite = bars.map((b) => b.value).filter(Number.isFinite);
  const hi = Math.max(...finite, 0) || 1;
  const ticks = niceTicks(0, hi, 4);
  const top = Math.max(1.15 * hi, ticks[ticks.length - 1]); // headroom for the value labels
  const y = (v) => pad.top + (1 - v / top) * h;
  const slot = w / Math.max(bars.length, 1);
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="11">`];
  out.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#fff"/>`);
  if (title) out.push(`<text x="${width / 2}" y="18" text-anchor="middle" font-size="13" font-weight="600">${escapeXml(title)}</text>`);
  for (const t of ticks) {
    out.push(`<line x1="${pad.left}" x2="${pad.left + w}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" stroke="#e6e6e6"/>`);
    out.push(`<text x="${pad.left - 6}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end">${tickLabel(t)}</text>`);
  }
  bars.forEach((b, k) => {
    const x = pad.left + k * slot + slot * 0.15;
    const v = Number.isFinite(b.value) ? Math.max(b.value, 0) : 0;
    out.push(`<rect x="${x.toFixed(1)}" y="${y(v).toFixed(1)}" width="${(slot * 0.7).toFixed(1)}" height="${(pad.top + h - y(v)).toFixed(1)}" fill="${b.color ?? COLORS[k % COLORS.length]}"/>`);
    out.push(`<text x="${(x + slot * 0.35).toFixed(1)}" y="${(y(v) - 4).toFixed(1)}" text-anchor="middle">${escapeXml(Number.isFinite(b.value) ? format(b.value) : '-')}</text>`);
    out.push(`<text x="${(x + slot * 0.35).toFixed(1)}" y="${pad.top + h + 14}" text-anchor="middle" font-size="10">${escapeXml(b.name)}</text>`);
  });
  out.push(`<line x1="${pad.left}" x2="${pad.left}" y1="${pad.top}" y2="${pad.top + h}" stroke="#333"/>`);
  out.push(`<line x1="${pad.left}" x2="${pad.left + w}" y1="${pad.top + h}" y2="${pad.top + h}" stroke="#333"/>`);
  if (yLabel) out.push(`<text transform="translate(14 ${pad.top + h / 2}) rotate(-90)" text-anchor="middle">${escapeXml(yLabel)}</text>`);
  out.push('</svg>');
  return out.join('');
}
