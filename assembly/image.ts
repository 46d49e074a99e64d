// Image kernels over NHWC f32: table-driven resize (bilinear lerp, or a nearest raw-word copy that
// keeps int32 data intact), its adjoint as a scatter-add, and cropAndResize with the sample
// positions computed in f64 in the same operation order as the js reference. Channel loops run
// four lanes at a time (f32x4) where the channel count allows.

@inline function at(base: usize, idx: i32): usize { return base + (<usize>idx << 2); }
@inline function tab(table: usize, i: i32): f32 { return load<f32>(at(table, i)); }

/**
 * Bilinear lerp of C channels from four pixel rows into out (tl, tr, bl, br point at channel 0).
 * A call, not inlined: resize and cropAndResize share one copy (module size, issue 10).
 */
function lerpPixel(tl: usize, tr: usize, bl: usize, br: usize, o: usize, C: i32, fx: f32, fy: f32): void {
  let c = 0;
  const vx = f32x4.splat(fx), vy = f32x4.splat(fy);
  for (; c + 4 <= C; c += 4) {
    const a = v128.load(at(tl, c)), b = v128.load(at(tr, c));
    const d = v128.load(at(bl, c)), e = v128.load(at(br, c));
    const top = f32x4.add(a, f32x4.mul(f32x4.sub(b, a), vx));
    const bottom = f32x4.add(d, f32x4.mul(f32x4.sub(e, d), vx));
    v128.store(at(o, c), f32x4.add(top, f32x4.mul(f32x4.sub(bottom, top), vy)));
  }
  for (; c < C; c++) {
    const a = load<f32>(at(tl, c)), b = load<f32>(at(tr, c));
    const d = load<f32>(at(bl, c)), e = load<f32>(at(br, c));
    const top = a + (b - a) * fx;
    const bottom = d + (e - d) * fx;
    store<f32>(at(o, c), top + (bottom - top) * fy);
  }
}

/**
 * out [batch,outH,outW,C] from x [batch,inH,inW,C] by the source table (rowLo, rowHi, rowFrac,
 * colLo, colHi, colFrac; see KernelAttrs.resize). nearest != 0 copies x[rowLo, colLo] as raw words.
 */
export function resize(x: usize, table: usize, out: usize, batch: i32, inH: i32, inW: i32, C: i32, outH: i32, outW: i32, nearest: i32): void {
  const colBase = 3 * outH;
  let o = out;
  const pixelBytes = <usize>C << 2;
  for (let b = 0; b < batch; b++) {
    const img = at(x, b * inH * inW * C);
    for (let y = 0; y < outH; y++) {
      const top = at(img, <i32>tab(table, y) * inW * C);
      const bottom = at(img, <i32>tab(table, outH + y) * inW * C);
      const fy = tab(table, 2 * outH + y);
      for (let xo = 0; xo < outW; xo++) {
        const left = <i32>tab(table, colBase + xo) * C;
        if (nearest) {
          memory.copy(o, at(top, left), pixelBytes);
        } else {
          const right = <i32>tab(table, colBase + outW + xo) * C;
          lerpPixel(at(top, left), at(top, right), at(bottom, left), at(bottom, right), o, C, tab(table, colBase + 2 * outW + xo), fy);
        }
        o += pixelBytes;
      }
    }
  }
}

/** dx += w * dy over C channels (a call: resizeBackprop's four taps share one copy). */
function scatterPixel(dst: usize, src: usize, C: i32, w: f32): void {
  if (w == 0) return;
  let c = 0;
  const vw = f32x4.splat(w);
  for (; c + 4 <= C; c += 4) v128.store(at(dst, c), f32x4.add(v128.load(at(dst, c)), f32x4.mul(v128.load(at(src, c)), vw)));
  for (; c < C; c++) store<f32>(at(dst, c), load<f32>(at(dst, c)) + load<f32>(at(src, c)) * w);
}

/** dx [batch,inH,inW,C] = adjoint of resize applied to dy [batch,outH,outW,C] (scatter of the four weighted taps). */
export function resizeBackprop(dy: usize, table: usize, dx: usize, batch: i32, inH: i32, inW: i32, C: i32, outH: i32, outW: i32): void {
  memory.fill(dx, 0, <usize>(batch * inH * inW * C) << 2);
  const colBase = 3 * outH;
  let src = dy;
  const pixelBytes = <usize>C << 2;
  for (let b = 0; b < batch; b++) {
    const img = at(dx, b * inH * inW * C);
    for (let y = 0; y < outH; y++) {
      const top = at(img, <i32>tab(table, y) * inW * C);
      const bottom = at(img, <i32>tab(table, outH + y) * inW * C);
      const fy = tab(table, 2 * outH + y);
      for (let xo = 0; xo < outW; xo++) {
        const left = <i32>tab(table, colBase + xo) * C;
        const right = <i32>tab(table, colBase + outW + xo) * C;
        const fx = tab(table, colBase + 2 * outW + xo);
        scatterPixel(at(top, left), src, C, (1 - fy) * (1 - fx));
        scatterPixel(at(top, right), src, C, (1 - fy) * fx);
        scatterPixel(at(bottom, left), src, C, fy * (1 - fx));
        scatterPixel(at(bottom, right), src, C, fy * fx);
        src += pixelBytes;
      }
    }
  }
}

@inline function samplePos(crop: i32, lo: f64, hi: f64, inSize: i32, i: i32): f64 {
  const last = <f64>(inSize - 1);
  return crop > 1 ? lo * last + <f64>i * (((hi - lo) * last) / <f64>(crop - 1)) : 0.5 * (lo + hi) * last;
}

/** TF.js cropAndResize (see KernelAttrs.cropAndResize); boxes f32 [numBoxes,4], boxInd i32. */
export function cropAndResize(
  image: usize, boxes: usize, boxInd: usize, out: usize, numBoxes: i32, batch: i32, inH: i32, inW: i32, C: i32,
  cropH: i32, cropW: i32, nearest: i32, extrapolation: f32,
): void {
  memory.fill(out, 0, <usize>(numBoxes * cropH * cropW * C) << 2);
  const fill = f32x4.splat(extrapolation);
  for (let n = 0; n < numBoxes; n++) {
    const y1 = <f64>load<f32>(at(boxes, 4 * n)), x1 = <f64>load<f32>(at(boxes, 4 * n + 1));
    const y2 = <f64>load<f32>(at(boxes, 4 * n + 2)), x2 = <f64>load<f32>(at(boxes, 4 * n + 3));
    const b = load<i32>(at(boxInd, n));
    if (b < 0 || b >= batch) continue;
    const img = at(image, b * inH * inW * C);
    for (let y = 0; y < cropH; y++) {
      const inY = samplePos(cropH, y1, y2, inH, y);
      for (let xo = 0; xo < cropW; xo++) {
        const inX = samplePos(cropW, x1, x2, inW, xo);
        const o = at(out, ((n * cropH + y) * cropW + xo) * C);
        if (!(inY >= 0 && inY <= <f64>(inH - 1) && inX >= 0 && inX <= <f64>(inW - 1))) {
          let c = 0;
          for (; c + 4 <= C; c += 4) v128.store(at(o, c), fill);
          for (; c < C; c++) store<f32>(at(o, c), extrapolation);
          continue;
        }
        if (nearest) {
          const py = <i32>Math.floor(inY + 0.5), px = <i32>Math.floor(inX + 0.5);
          memory.copy(o, at(img, (py * inW + px) * C), <usize>C << 2);
          continue;
        }
        const top = <i32>Math.floor(inY), bottom = <i32>Math.ceil(inY);
        const left = <i32>Math.floor(inX), right = <i32>Math.ceil(inX);
        lerpPixel(at(img, (top * inW + left) * C), at(img, (top * inW + right) * C), at(img, (bottom * inW + left) * C),
          at(img, (bottom * inW + right) * C), o, C, <f32>(inX - <f64>left), <f32>(inY - <f64>top));
      }
    }
  }
}
