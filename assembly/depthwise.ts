// Depthwise conv2d (NHWC, filter [fh, fw, inC, mult]; output channel c*mult+m reads input channel c)
// with the fused epilogue, and its two backprops. The filter flattens to [tap][outC], so with the
// input expanded to outC channels (x[.., c] repeated mult times; no copy when mult is 1) every
// kernel is an elementwise multiply-accumulate over the channel axis, 16 channels per register
// block. Taps outside the image are skipped by clipping the (ky, kx) ranges per output pixel.
import { epilogueRow } from './matmul';
import { madd } from './simd_math';
import {
  geo, outIndex, validRange, G_BATCH, G_INH, G_INW, G_INC, G_OUTH, G_OUTW, G_OUTC, G_FH, G_FW, G_SH, G_SW, G_DH, G_DW, G_PT, G_PL,
} from './conv';

@inline function at(base: usize, idx: i32): usize { return base + (<usize>idx << 2); }

/** Bytes of scratch the depthwise kernels need (an expanded input image when mult > 1, plus a row). */
export function depthwiseScratchBytes(inH: i32, inW: i32, inC: i32, mult: i32): i32 {
  return (mult == 1 ? 0 : inH * inW * inC * mult * 4) + inC * mult * 4 + 16;
}

/** dst[p, c*mult+m] = x[p, c] for the pixels [0, pixels). */
function expand(x: usize, pixels: i32, inC: i32, mult: i32, dst: usize): void {
  for (let p = 0; p < pixels; p++) {
    for (let c = 0; c < inC; c++) {
      const v = load<f32>(at(x, p * inC + c));
      const d = at(dst, (p * inC + c) * mult);
      for (let m = 0; m < mult; m++) store<f32>(d + (<usize>m << 2), v);
    }
  }
}

/**
 * One output pixel: o[c] = sum over taps of img[iy, ix, c] * f[tap, c] for c0 <= c < C, taps in
 * the rows [kyLo, kyHi) and columns [kxLo, kxHi).
 */
function depthwisePixel(
  img: usize, f: usize, o: usize, C: i32, inW: i32, fw: i32, iy0: i32, ix0: i32, dH: i32, dW: i32,
  kyLo: i32, kyHi: i32, kxLo: i32, kxHi: i32, c0: i32,
): void {
  let c = c0;
  for (; c + 16 <= C; c += 16) {
    let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0;
    for (let ky = kyLo; ky < kyHi; ky++) {
      const row = (iy0 + ky * dH) * inW;
      for (let kx = kxLo; kx < kxHi; kx++) {
        const xp = at(img, (row + ix0 + kx * dW) * C + c);
        const fp = at(f, (ky * fw + kx) * C + c);
        a0 = madd(v128.load(xp), v128.load(fp), a0);
        a1 = madd(v128.load(xp, 16), v128.load(fp, 16), a1);
        a2 = madd(v128.load(xp, 32), v128.load(fp, 32), a2);
        a3 = madd(v128.load(xp, 48), v128.load(fp, 48), a3);
      }
    }
    const op = at(o, c);
    v128.store(op, a0); v128.store(op, a1, 16); v128.store(op, a2, 32); v128.store(op, a3, 48);
  }
  for (; c + 4 <= C; c += 4) {
    let a0 = f32x4.splat(0);
    for (let ky = kyLo; ky < kyHi; ky++) {
      const row = (iy0 + ky * dH) * inW;
      for (let kx = kxLo; kx < kxHi; kx++) {
        a0 = madd(v128.load(at(img, (row + ix0 + kx * dW) * C + c)), v128.load(at(f, (ky * fw + kx) * C + c)), a0);
      }
    }
    v128.store(at(o, c), a0);
  }
  for (; c < C; c++) {
    let s: f32 = 0;
    for (let ky = kyLo; ky < kyHi; ky++) {
      const row = (iy0 + ky * dH) * inW;
      for (let kx = kxLo; kx < kxHi; kx++) s += load<f32>(at(img, (row + ix0 + kx * dW) * C + c)) * load<f32>(at(f, (ky * fw + kx) * C + c));
    }
    store<f32>(at(o, c), s);
  }
}

/**
 * Four adjacent output pixels whose windows lie inside the image along x, 8 channels per block
 * (8 accumulators; each filter load serves four pixels). Channels past the last full block of 8
 * are left to depthwisePixel. ps: bytes between the pixels' inputs. Returns the channels done.
 */
function depthwiseQuad(
  img: usize, f: usize, o: usize, C: i32, inW: i32, fw: i32, iy0: i32, ix0: i32, dH: i32, dW: i32,
  kyLo: i32, kyHi: i32, ps: usize,
): i32 {
  const ldo = <usize>C << 2;
  let c = 0;
  for (; c + 8 <= C; c += 8) {
    let a0 = f32x4.splat(0), a1 = a0, b0 = a0, b1 = a0, d0 = a0, d1 = a0, e0 = a0, e1 = a0;
    for (let ky = kyLo; ky < kyHi; ky++) {
      let xp = at(img, ((iy0 + ky * dH) * inW + ix0) * C + c);
      let fp = at(f, ky * fw * C + c);
      const xStep = <usize>(dW * C) << 2;
      for (let kx = 0; kx < fw; kx++) {
        const f0 = v128.load(fp), f1 = v128.load(fp, 16);
        a0 = madd(v128.load(xp), f0, a0); a1 = madd(v128.load(xp, 16), f1, a1);
        const x1 = xp + ps;
        b0 = madd(v128.load(x1), f0, b0); b1 = madd(v128.load(x1, 16), f1, b1);
        const x2 = x1 + ps;
        d0 = madd(v128.load(x2), f0, d0); d1 = madd(v128.load(x2, 16), f1, d1);
        const x3 = x2 + ps;
        e0 = madd(v128.load(x3), f0, e0); e1 = madd(v128.load(x3, 16), f1, e1);
        xp += xStep; fp += ldo;
      }
    }
    const op = at(o, c);
    v128.store(op, a0); v128.store(op, a1, 16);
    v128.store(op + ldo, b0); v128.store(op + ldo, b1, 16);
    v128.store(op + 2 * ldo, d0); v128.store(op + 2 * ldo, d1, 16);
    v128.store(op + 3 * ldo, e0); v128.store(op + 3 * ldo, e1, 16);
  }
  return c;
}

/** out = act(depthwiseConv2d(x, f) + bias). scratch: depthwiseScratchBytes. */
export function depthwiseConv2d(
  x: usize, f: usize, out: usize, params: usize, mult: i32, bias: usize, biasSize: i32, act: i32, alpha: f32,
  prelu: usize, preluSize: i32, scratch: usize,
): void {
  const batch = geo(params, G_BATCH), inH = geo(params, G_INH), inW = geo(params, G_INW), inC = geo(params, G_INC);
  const outH = geo(params, G_OUTH), outW = geo(params, G_OUTW);
  const fh = geo(params, G_FH), fw = geo(params, G_FW), sH = geo(params, G_SH), sW = geo(params, G_SW);
  const dH = geo(params, G_DH), dW = geo(params, G_DW), pT = geo(params, G_PT), pL = geo(params, G_PL);
  const C = inC * mult;
  const ps = <usize>(sW * C) << 2;
  for (let b = 0; b < batch; b++) {
    let img = at(x, b * inH * inW * inC);
    if (mult != 1) {
      expand(img, inH * inW, inC, mult, scratch);
      img = scratch;
    }
    for (let oy = 0; oy < outH; oy++) {
      const iy0 = oy * sH - pT;
      const ry = validRange(iy0, dH, fh, inH);
      const kyLo = <i32>(ry >> 32), kyHi = <i32>(ry & 0xffffffff);
      const orow = at(out, (b * outH + oy) * outW * C);
      let ox = 0;
      while (ox < outW) {
        const ix0 = ox * sW - pL;
        let c0 = 0;
        let n = 1;
        if (ox + 4 <= outW && ix0 >= 0 && (ox + 3) * sW - pL + (fw - 1) * dW < inW) { // four interior pixels
          c0 = depthwiseQuad(img, f, at(orow, ox * C), C, inW, fw, iy0, ix0, dH, dW, kyLo, kyHi, ps);
          n = 4;
        }
        for (let p = 0; p < n; p++) {
          const px0 = ix0 + p * sW;
          const rx = validRange(px0, dW, fw, inW);
          const o = at(orow, (ox + p) * C);
          if (c0 < C) depthwisePixel(img, f, o, C, inW, fw, iy0, px0, dH, dW, kyLo, kyHi, <i32>(rx >> 32), <i32>(rx & 0xffffffff), c0);
          if (bias || act != 0) epilogueRow(o, C, bias, biasSize, act, alpha, prelu, preluSize);
        }
        ox += n;
      }
    }
  }
}

/** acc[0..C) += a[0..C) * b[0..C). */
function mulAccRow(acc: usize, a: usize, b: usize, C: i32): void {
  let c = 0;
  for (; c + 4 <= C; c += 4) v128.store(at(acc, c), madd(v128.load(at(a, c)), v128.load(at(b, c)), v128.load(at(acc, c))));
  for (; c < C; c++) store<f32>(at(acc, c), load<f32>(at(acc, c)) + load<f32>(at(a, c)) * load<f32>(at(b, c)));
}

/**
 * dx, gathered per input pixel: the output pixels that read it through tap (ky, kx) contribute
 * dy * f[tap] per output channel; the mult output channels of input channel c are then summed.
 */
export function depthwiseConv2dBackpropInput(dy: usize, f: usize, dx: usize, params: usize, mult: i32, scratch: usize): void {
  const batch = geo(params, G_BATCH), inH = geo(params, G_INH), inW = geo(params, G_INW), inC = geo(params, G_INC);
  const outH = geo(params, G_OUTH), outW = geo(params, G_OUTW);
  const fh = geo(params, G_FH), fw = geo(params, G_FW), sH = geo(params, G_SH), sW = geo(params, G_SW);
  const dH = geo(params, G_DH), dW = geo(params, G_DW), pT = geo(params, G_PT), pL = geo(params, G_PL);
  const C = inC * mult;
  for (let b = 0; b < batch; b++) {
    for (let iy = 0; iy < inH; iy++) {
      for (let ix = 0; ix < inW; ix++) {
        const o = at(dx, ((b * inH + iy) * inW + ix) * inC);
        const acc = mult == 1 ? o : scratch;
        memory.fill(acc, 0, <usize>C << 2);
        for (let ky = 0; ky < fh; ky++) {
          const oy = outIndex(iy, ky, pT, dH, sH, outH);
          if (oy < 0) continue;
          for (let kx = 0; kx < fw; kx++) {
            const ox = outIndex(ix, kx, pL, dW, sW, outW);
            if (ox < 0) continue;
            mulAccRow(acc, at(dy, ((b * outH + oy) * outW + ox) * C), at(f, (ky * fw + kx) * C), C);
          }
        }
        if (mult != 1) {
          for (let c = 0; c < inC; c++) {
            let s: f32 = 0;
            for (let m = 0; m < mult; m++) s += load<f32>(at(scratch, c * mult + m));
            store<f32>(at(o, c), s);
          }
        }
      }
    }
  }
}

/**
 * dFilter[tap, :] = sum over output pixels of xExpanded[tap input, :] * dy[pixel, :]; per tap and
 * output row, the in-image output columns are one strided run accumulated 16 channels at a time.
 */
export function depthwiseConv2dBackpropFilter(x: usize, dy: usize, df: usize, params: usize, mult: i32, scratch: usize): void {
  const batch = geo(params, G_BATCH), inH = geo(params, G_INH), inW = geo(params, G_INW), inC = geo(params, G_INC);
  const outH = geo(params, G_OUTH), outW = geo(params, G_OUTW);
  const fh = geo(params, G_FH), fw = geo(params, G_FW), sH = geo(params, G_SH), sW = geo(params, G_SW);
  const dH = geo(params, G_DH), dW = geo(params, G_DW), pT = geo(params, G_PT), pL = geo(params, G_PL);
  const C = inC * mult;
  memory.fill(df, 0, <usize>(fh * fw * C) << 2);
  const xStep = <usize>(sW * C) << 2, dyStep = <usize>C << 2;
  for (let b = 0; b < batch; b++) {
    let img = at(x, b * inH * inW * inC);
    if (mult != 1) {
      expand(img, inH * inW, inC, mult, scratch);
      img = scratch;
    }
    for (let ky = 0; ky < fh; ky++) {
      for (let kx = 0; kx < fw; kx++) {
        const run = validRange(kx * dW - pL, sW, outW, inW); // output columns with an in-image tap
        const oxA = <i32>(run >> 32), count = <i32>(run & 0xffffffff) - oxA;
        if (count <= 0) continue;
        const ix = oxA * sW - pL + kx * dW;
        const dfTap = at(df, (ky * fw + kx) * C);
        for (let oy = 0; oy < outH; oy++) {
          const iy = oy * sH - pT + ky * dH;
          if (iy < 0 || iy >= inH) continue;
          const xRun = at(img, (iy * inW + ix) * C);
          const dyRun = at(dy, ((b * outH + oy) * outW + oxA) * C);
          let c = 0;
          for (; c + 16 <= C; c += 16) {
            const dp = at(dfTap, c);
            let a0 = v128.load(dp), a1 = v128.load(dp, 16), a2 = v128.load(dp, 32), a3 = v128.load(dp, 48);
            let xp = at(xRun, c), gp = at(dyRun, c);
            for (let i = 0; i < count; i++) {
              a0 = madd(v128.load(xp), v128.load(gp), a0);
              a1 = madd(v128.load(xp, 16), v128.load(gp, 16), a1);
              a2 = madd(v128.load(xp, 32), v128.load(gp, 32), a2);
              a3 = madd(v128.load(xp, 48), v128.load(gp, 48), a3);
              xp += xStep; gp += dyStep;
            }
            v128.store(dp, a0); v128.store(dp, a1, 16); v128.store(dp, a2, 32); v128.store(dp, a3, 48);
          }
          for (; c < C; c++) {
            let s = load<f32>(at(dfTap, c));
            let xp = at(xRun, c), gp = at(dyRun, c);
            for (let i = 0; i < count; i++) {
              s += load<f32>(xp) * load<f32>(gp);
              xp += xStep; gp += dyStep;
            }
            store<f32>(at(dfTap, c), s);
          }
        }
      }
    }
  }
}
