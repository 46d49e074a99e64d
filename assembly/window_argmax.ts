// Window maxima that report their winning tap, over NHWC x: grayscale dilation (TF.js
// dilation2d, [fh, fw, C] filters) and its input and filter backprops (per output element the
// max of x + filter over the in-image taps, starting from -2^53, TF.js's Number.MIN_SAFE_INTEGER
// in f32; the backprops route dy to the winning tap, the first strictly greater in (ky, kx)
// order), and maxPoolWithArgmax. Geometry in the ConvGeometry params block.
import { geo, G_BATCH, G_INH, G_INW, G_INC, G_OUTH, G_OUTW, G_FH, G_FW, G_SH, G_SW, G_DH, G_DW, G_PT, G_PL } from './conv';

@inline function at(base: usize, idx: i32): usize { return base + (<usize>idx << 2); }

const START: f32 = -9007199254740991.0;

/**
 * mode 0: out = dilation; 1: out = dx (zeroed here); 2: out = dFilter (zeroed here); 3: max pooling
 * with argmax (no filter, from -Infinity): out = values, idx = the winner's flat index in x (less the
 * batch offset unless includeBatch), -1 when no tap won.
 */
function dilationWalk(x: usize, f: usize, dy: usize, out: usize, params: usize, mode: i32, idx: usize = 0, includeBatch: i32 = 0): void {
  const batch = geo(params, G_BATCH), inH = geo(params, G_INH), inW = geo(params, G_INW), C = geo(params, G_INC);
  const outH = geo(params, G_OUTH), outW = geo(params, G_OUTW);
  const fh = geo(params, G_FH), fw = geo(params, G_FW), sH = geo(params, G_SH), sW = geo(params, G_SW);
  const dH = geo(params, G_DH), dW = geo(params, G_DW), pT = geo(params, G_PT), pL = geo(params, G_PL);
  if (mode == 1) memory.fill(out, 0, <usize>(batch * inH * inW * C) << 2);
  if (mode == 2) memory.fill(out, 0, <usize>(fh * fw * C) << 2);
  let o = 0;
  for (let b = 0; b < batch; b++) {
    for (let oy = 0; oy < outH; oy++) {
      const y0 = oy * sH - pT;
      for (let ox = 0; ox < outW; ox++) {
        const x0 = ox * sW - pL;
        for (let c = 0; c < C; c++) {
          let value: f32 = mode == 3 ? -Infinity : START;
          let xBest = mode == 3 ? -1 : ((b * inH + max(y0, 0)) * inW + max(x0, 0)) * C + c;
          let fBest = c;
          for (let ky = 0; ky < fh; ky++) {
            const iy = y0 + ky * dH;
            if (iy < 0 || iy >= inH) continue;
            for (let kx = 0; kx < fw; kx++) {
              const ix = x0 + kx * dW;
              if (ix < 0 || ix >= inW) continue;
              const xi = ((b * inH + iy) * inW + ix) * C + c;
              const fi = (ky * fw + kx) * C + c;
              const xv = load<f32>(at(x, xi));
              const v = mode == 3 ? xv : xv + load<f32>(at(f, fi)); // NaN never wins
              if (v > value) { value = v; xBest = xi; fBest = fi; }
            }
          }
          if (mode == 0 || mode == 3) {
            store<f32>(at(out, o), value);
            if (mode == 3) store<i32>(at(idx, o), xBest < 0 || includeBatch != 0 ? xBest : xBest - b * inH * inW * C);
          } else {
            const p = at(out, mode == 1 ? xBest : fBest);
            store<f32>(p, load<f32>(p) + load<f32>(at(dy, o)));
          }
          o++;
        }
      }
    }
  }
}

export function dilation2d(x: usize, f: usize, out: usize, params: usize): void { dilationWalk(x, f, 0, out, params, 0); }
export function dilation2dBackpropInput(x: usize, f: usize, dy: usize, dx: usize, params: usize): void { dilationWalk(x, f, dy, dx, params, 1); }
export function dilation2dBackpropFilter(x: usize, f: usize, dy: usize, df: usize, params: usize): void { dilationWalk(x, f, dy, df, params, 2); }

/** values / indexes of each window's first strict maximum (from -Infinity; NaN never wins). */
export function maxPoolWithArgmax(x: usize, values: usize, indexes: usize, params: usize, includeBatch: i32): void {
  dilationWalk(x, 0, 0, values, params, 3, indexes, includeBatch);
}
