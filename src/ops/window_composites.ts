/**
 * Window ops with TF.js names: dilation2d (grayscale morphological dilation, the dilation2d
 * kernel and its two backprops), and two ops composed from existing kernels (no kernel of their
 * own; they run on the device of every backend): localResponseNormalization (a windowed sum of
 * squares along channels as a difference of cumsums) and maxPoolWithArgmax (max pool plus
 * TF.js's flattened argmax positions, its windows gathered tap by tap from a -Infinity-padded
 * copy of x). Gradients of the composed ops flow through their parts (TF.js has none for
 * maxPoolWithArgmax).
 */
import type { Tensor } from '../tensor.js';
import { fmtShape } from '../util.js';
import { runOp, toTensor, type Input } from './operand.js';
import { add, div, greater, mul, pow, sub, where } from './binary.js';
import { square } from './unary.js';
import { gather } from './indexing.js';
import { pad, reshape, slice } from './layout.js';
import { fill, tensor } from './creation.js';
import { cumsum } from './scan.js';
import { assertFloat32, composite, convGeometry, geometryAttrs, parsePair, type Pair } from './conv_util.js';
import { ENGINE } from '../engine.js';

/** TF.js localResponseNormalization(x, depthRadius = 5, bias = 1, alpha = 1, beta = 0.5) over the last axis. */
export function localResponseNormalization(x: Input, depthRadius = 5, bias = 1, alpha = 1, beta = 0.5): Tensor {
  return composite(() => {
    const t = toTensor(x, 'localResponseNormalization', 'x');
    if (t.rank !== 3 && t.rank !== 4) {
      throw new Error(`Error in localResponseNormalization: x must be rank 3 or 4 but got rank ${t.rank}.`);
    }
    if (!Number.isInteger(depthRadius)) {
      throw new Error(`Error in localResponseNormalization: depthRadius must be an integer but got depthRadius ${depthRadius}.`);
    }
    const depth = t.shape[t.rank - 1];
    const r = Math.min(Math.max(depthRadius, 0), depth);
    // window sum over channels [c - r, c + r] = C[c + 2r + 1] - C[c], C the cumsum of the squares padded by r + 1 before and r after
    const padding = t.shape.map((): [number, number] => [0, 0]);
    padding[t.rank - 1] = [r + 1, r];
    const c = cumsum(pad(square(t), padding), t.rank - 1);
    const begin = t.shape.map(() => 0);
    const hi = slice(c, [...begin.slice(0, -1), 2 * r + 1], t.shape);
    const lo = slice(c, begin, t.shape);
    return div(t, pow(add(mul(sub(hi, lo), alpha), bias), beta));
  });
}

interface Taps {
  /** One [batch, outH, outW, C] view of x per filter tap, -Infinity where the tap falls in the padding. */
  views: Tensor[];
  /** Per tap: unpadded input row of each output row / column (-1 in the padding). */
  rows: number[][];
  cols: number[][];
  ky: number[];
  kx: number[];
}

function windowTaps(x: Tensor, g: ReturnType<typeof convGeometry>): Taps {
  const padded = pad(x, [[0, 0], [g.padTop, g.padBottom], [g.padLeft, g.padRight], [0, 0]], -Infinity);
  const taps: Taps = { views: [], rows: [], cols: [], ky: [], kx: [] };
  for (let ky = 0; ky < g.filterH; ky++) {
    for (let kx = 0; kx < g.filterW; kx++) {
      const rows = Array.from({ length: g.outH }, (_, o) => o * g.strideH + ky * g.dilationH);
      const cols = Array.from({ length: g.outW }, (_, o) => o * g.strideW + kx * g.dilationW);
      const view = gather(gather(padded, tensor(rows, [g.outH], 'int32'), 1), tensor(cols, [g.outW], 'int32'), 2);
      taps.views.push(view);
      taps.rows.push(rows.map((p) => (p - g.padTop >= 0 && p - g.padTop < g.inH ? p - g.padTop : -1)));
      taps.cols.push(cols.map((p) => (p - g.padLeft >= 0 && p - g.padLeft < g.inW ? p - g.padLeft : -1)));
      taps.ky.push(ky);
      taps.kx.push(kx);
    }
  }
  return taps;
}

function as4d(op: string, x: Input, rankMessage: string): { x4: Tensor; finish: (y: Tensor) => Tensor } {
  const t = toTensor(x, op, 'x');
  if (t.rank !== 3 && t.rank !== 4) throw new Error(rankMessage.replace('$RANK', String(t.rank)));
  if (t.rank === 4) return { x4: t, finish: (y) => y };
  return { x4: reshape(t, [1, ...t.shape]), finish: (y) => reshape(y, y.shape.slice(1)) };
}

/** TF.js dilation2d(x, filter [fh, fw, C], strides, pad, dilations = [1, 1], dataFormat = 'NHWC'). */
export function dilation2d(
  x: Input, filter: Input, strides: Pair, pad: 'same' | 'valid', dilations: Pair = [1, 1], dataFormat: 'NHWC' = 'NHWC',
): Tensor {
  return composite(() => {
    const { x4, finish } = as4d('dilation2d', x, 'Error in dilation2d: input must be rank 3 or 4, but got rank $RANK.');
    const f = toTensor(filter, 'dilation2d', 'filter');
    assertFloat32('dilation2d', x4, 'x');
    assertFloat32('dilation2d', f, 'filter');
    if (f.rank !== 3) throw new Error(`Error in dilation2d: filter must be rank 3, but got rank ${f.rank}.`);
    if (dataFormat !== 'NHWC') throw new Error(`Error in dilation2d: Only NHWC is currently supported, but got dataFormat of ${dataFormat}`);
    if (x4.shape[3] !== f.shape[2]) {
      throw new Error(`Error in dilation2d:  input and filter must have the same depth: ${x4.shape[3]} vs ${f.shape[2]}`);
    }
    const [sH, sW] = parsePair('dilation2d', 'strides', strides, 1);
    const [dH, dW] = parsePair('dilation2d', 'dilations', dilations, 1);
    // the geometry helper refuses strides and dilations > 1 together (conv2d's rule); dilation2d allows them
    const g = { ...convGeometry({
      op: 'dilation2d', xShape: x4.shape, filterH: f.shape[0], filterW: f.shape[1], outC: x4.shape[3],
      strides: dH > 1 || dW > 1 ? 1 : [sH, sW], dilations: [dH, dW], pad, what: `x ${fmtShape(x4.shape)}, filter ${fmtShape(f.shape)}`,
    }) };
    if ((sH > 1 || sW > 1) && (dH > 1 || dW > 1)) {
      const effH = (g.filterH - 1) * dH + 1, effW = (g.filterW - 1) * dW + 1;
      const outH = pad === 'same' ? Math.ceil(g.inH / sH) : Math.ceil((g.inH - effH + 1) / sH);
      const outW = pad === 'same' ? Math.ceil(g.inW / sW) : Math.ceil((g.inW - effW + 1) / sW);
      const alongH = pad === 'same' ? Math.max(0, (outH - 1) * sH + effH - g.inH) : 0;
      const alongW = pad === 'same' ? Math.max(0, (outW - 1) * sW + effW - g.inW) : 0;
      Object.assign(g, { outH, outW, strideH: sH, strideW: sW, padTop: Math.floor(alongH / 2), padBottom: alongH - Math.floor(alongH / 2),
        padLeft: Math.floor(alongW / 2), padRight: alongW - Math.floor(alongW / 2) });
    }
    const geometry = geometryAttrs(g);
    const y = runOp('dilation2d', [x4, f], [g.batch, g.outH, g.outW, g.inC], 'float32', geometry);
    ENGINE.record('dilation2d', [x4, f], [y], ([dy]) => [
      dy ? runOp('dilation2dBackpropInput', [x4, f, dy], x4.shape, 'float32', geometry) : null,
      dy ? runOp('dilation2dBackpropFilter', [x4, f, dy], f.shape, 'float32', geometry) : null,
    ]);
    return finish(y);
  });
}

/**
 * TF.js maxPoolWithArgmax(x [batch, H, W, C], filterSize, strides, pad, includeBatchInIndex = false)
 * -> {result, indexes}: indexes (int32) of the first maximal tap, flattened as
 * ((b * H + y) * W + x) * C + c with includeBatchInIndex, else (y * W + x) * C + c.
 */
export function maxPoolWithArgmax(
  x: Input, filterSize: Pair, strides: Pair, pad: 'same' | 'valid' | number, includeBatchInIndex = false,
): { result: Tensor; indexes: Tensor } {
  return composite(() => {
    const t = toTensor(x, 'maxPoolWithArgmax', 'x');
    if (t.rank !== 4) throw new Error(`maxPoolWithArgmax: x must be rank 4 [batch, height, width, channels], got shape ${fmtShape(t.shape)}`);
    const [fh, fw] = parsePair('maxPoolWithArgmax', 'filterSize', filterSize, 1);
    const g = convGeometry({
      op: 'maxPoolWithArgmax', xShape: t.shape, filterH: fh, filterW: fw, outC: t.shape[3], strides, dilations: 1, pad,
      what: `x ${fmtShape(t.shape)}, filterSize ${JSON.stringify(filterSize)}`,
    });
    const [batch, H, W, C] = t.shape;
    const taps = windowTaps(t, g);
    let best: Tensor | null = null;
    let index: Tensor | null = null;
    taps.views.forEach((v, i) => {
      // flattened position of this tap for every (b, oy, ox, c); a tap in the padding never wins (its value is -Infinity)
      const pos = new Int32Array(batch * g.outH * g.outW * C);
      let p = 0;
      for (let b = 0; b < batch; b++) {
        for (let oy = 0; oy < g.outH; oy++) {
          for (let ox = 0; ox < g.outW; ox++) {
            const iy = Math.max(taps.rows[i][oy], 0), ix = Math.max(taps.cols[i][ox], 0);
            const base = ((includeBatchInIndex ? b * H : 0) + iy) * W + ix;
            for (let c = 0; c < C; c++) pos[p++] = base * C + c;
          }
        }
      }
      const here = tensor(pos, v.shape, 'int32');
      // start below every tap, so a NaN tap never wins (TF.js ignores NaN) and the first maximal tap does
      const wins = greater(v, best ?? fill(v.shape, -Infinity));
      index = index ? where(wins, here, index) : here;
      best = where(wins, v, best ?? fill(v.shape, -Infinity));
    });
    return { result: best!, indexes: index! };
  });
}
