// 2-D max / average pooling over NHWC and its backprop. Only in-image taps take part: the
// (ky, kx) ranges are clipped per output pixel, so padding never wins a max and an average
// divides by the in-image tap count. No tap at all: max gives -Infinity, avg 0. Max uses
// f32x4.pmax, so NaN never wins (TF.js ignores it). The backprop routes dy to the first maximal
// tap (none in an all-NaN window) or spreads dy / count over the window; it runs scalar per channel.
// op 2 is int8MaxPool: C packed words of four int8 codes per pixel, i8x16.max_s per byte; op 3
// int8AvgPool, one word at a time: the i32 sums of the four codes over the taps, divided by the tap
// count in f32 and rounded half to even (f32x4.nearest), exact for up to 65535 taps (see
// src/ops/quantized_pool.ts).
import { geo, validRange, G_BATCH, G_INH, G_INW, G_INC, G_OUTH, G_OUTW, G_FH, G_FW, G_SH, G_SW, G_DH, G_DW, G_PT, G_PL } from './conv';

@inline function at(base: usize, idx: i32): usize { return base + (<usize>idx << 2); }

/** out = pool(x); op 0 = max, 1 = avg, 2 = int8 max, 3 = int8 avg over packed words. */
export function pool(x: usize, out: usize, params: usize, op: i32): void {
  const batch = geo(params, G_BATCH), inH = geo(params, G_INH), inW = geo(params, G_INW), C = geo(params, G_INC);
  const outH = geo(params, G_OUTH), outW = geo(params, G_OUTW);
  const fh = geo(params, G_FH), fw = geo(params, G_FW), sH = geo(params, G_SH), sW = geo(params, G_SW);
  const dH = geo(params, G_DH), dW = geo(params, G_DW), pT = geo(params, G_PT), pL = geo(params, G_PL);
  const isMax = op == 0, isInt8 = op >= 2;
  for (let b = 0; b < batch; b++) {
    const img = at(x, b * inH * inW * C);
    for (let oy = 0; oy < outH; oy++) {
      const iy0 = oy * sH - pT;
      const ry = validRange(iy0, dH, fh, inH);
      const kyLo = <i32>(ry >> 32), kyHi = <i32>(ry & 0xffffffff);
      for (let ox = 0; ox < outW; ox++) {
        const ix0 = ox * sW - pL;
        const rx = validRange(ix0, dW, fw, inW);
        const kxLo = <i32>(rx >> 32), kxHi = <i32>(rx & 0xffffffff);
        const count = (kyHi - kyLo) * (kxHi - kxLo);
        const o = at(out, ((b * outH + oy) * outW + ox) * C);
        let c = 0;
        for (; c + 4 <= C && op < 3; c += 4) {
          let acc = isInt8 ? i8x16.splat(-128) : isMax ? f32x4.splat(-Infinity) : f32x4.splat(0);
          for (let ky = kyLo; ky < kyHi; ky++) {
            const row = (iy0 + ky * dH) * inW;
            for (let kx = kxLo; kx < kxHi; kx++) {
              const v = v128.load(at(img, (row + ix0 + kx * dW) * C + c));
              acc = isInt8 ? i8x16.max_s(acc, v) : isMax ? f32x4.pmax(acc, v) : f32x4.add(acc, v); // pmax: acc < v ? v : acc, so NaN never wins
            }
          }
          if (op == 1) acc = count > 0 ? f32x4.div(acc, f32x4.splat(<f32>count)) : f32x4.splat(0);
          v128.store(at(o, c), acc);
        }
        for (; c < C; c++) {
          if (isInt8) {
            let q = i8x16.splat(op == 2 ? -128 : 0);
            for (let ky = kyLo; ky < kyHi; ky++) {
              for (let kx = kxLo; kx < kxHi; kx++) {
                const v = i32x4.splat(load<i32>(at(img, ((iy0 + ky * dH) * inW + ix0 + kx * dW) * C + c)));
                q = op == 2 ? i8x16.max_s(q, v) : i32x4.add(q, i32x4.extend_low_i16x8_s(i16x8.extend_low_i8x16_s(v)));
              }
            }
            if (op == 3) {
              q = i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.div(f32x4.convert_i32x4_s(q), f32x4.splat(<f32>count))));
              q = i8x16.narrow_i16x8_s(i16x8.narrow_i32x4_s(q, q), q);
            }
            store<i32>(at(o, c), i32x4.extract_lane(q, 0));
            continue;
          }
          let acc: f32 = isMax ? -Infinity : 0;
          for (let ky = kyLo; ky < kyHi; ky++) {
            const row = (iy0 + ky * dH) * inW;
            for (let kx = kxLo; kx < kxHi; kx++) {
              const v = load<f32>(at(img, (row + ix0 + kx * dW) * C + c));
              acc = isMax ? (v > acc ? v : acc) : acc + v; // NaN never wins (TF.js)
            }
          }
          if (!isMax) acc = count > 0 ? acc / <f32>count : 0;
          store<f32>(at(o, c), acc);
        }
      }
    }
  }
}

/** dx from dy through the pooling windows of x (dx zeroed first, contributions summed in f32). */
export function poolBackprop(dy: usize, x: usize, dx: usize, params: usize, op: i32): void {
  const batch = geo(params, G_BATCH), inH = geo(params, G_INH), inW = geo(params, G_INW), C = geo(params, G_INC);
  const outH = geo(params, G_OUTH), outW = geo(params, G_OUTW);
  const fh = geo(params, G_FH), fw = geo(params, G_FW), sH = geo(params, G_SH), sW = geo(params, G_SW);
  const dH = geo(params, G_DH), dW = geo(params, G_DW), pT = geo(params, G_PT), pL = geo(params, G_PL);
  memory.fill(dx, 0, <usize>(batch * inH * inW * C) << 2);
  for (let b = 0; b < batch; b++) {
    const base = b * inH * inW;
    for (let oy = 0; oy < outH; oy++) {
      const iy0 = oy * sH - pT;
      const ry = validRange(iy0, dH, fh, inH);
      const kyLo = <i32>(ry >> 32), kyHi = <i32>(ry & 0xffffffff);
      for (let ox = 0; ox < outW; ox++) {
        const ix0 = ox * sW - pL;
        const rx = validRange(ix0, dW, fw, inW);
        const kxLo = <i32>(rx >> 32), kxHi = <i32>(rx & 0xffffffff);
        const count = (kyHi - kyLo) * (kxHi - kxLo);
        if (count <= 0) continue;
        const g = at(dy, ((b * outH + oy) * outW + ox) * C);
        for (let c = 0; c < C; c++) {
          const d = load<f32>(at(g, c));
          if (op == 0) {
            let best = -1;
            let bestVal: f32 = -Infinity;
            for (let ky = kyLo; ky < kyHi; ky++) {
              const row = base + (iy0 + ky * dH) * inW;
              for (let kx = kxLo; kx < kxHi; kx++) {
                const xi = (row + ix0 + kx * dW) * C + c;
                const v = load<f32>(at(x, xi));
                if (v > bestVal || (best < 0 && v == bestVal)) { best = xi; bestVal = v; }
              }
            }
            if (best >= 0) store<f32>(at(dx, best), load<f32>(at(dx, best)) + d); // all-NaN window: no tap won
          } else {
            const share = d / <f32>count;
            for (let ky = kyLo; ky < kyHi; ky++) {
              const row = base + (iy0 + ky * dH) * inW;
              for (let kx = kxLo; kx < kxHi; kx++) {
                const xi = (row + ix0 + kx * dW) * C + c;
                store<f32>(at(dx, xi), load<f32>(at(dx, xi)) + share);
              }
            }
          }
        }
      }
    }
  }
}
