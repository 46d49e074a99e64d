// 3-D convolution (NDHWC, filters [fd, fh, fw, inC, outC]), its input and filter backprops,
// and 3-D max / average pooling with its backprop, all through one walker (walk3d, which also
// runs the 2-D pooling backprop, assembly/pool.ts). Geometry arrives as 21 i32 in the params
// block (Conv3dGeometry field order). Convolutions vectorise over output channels (f32x4);
// pooling runs per channel. Max pooling ignores NaN taps and its backprop picks the last tap
// that is >= all earlier ones (TF.js's cpu backend).

@inline function at(base: usize, idx: i32): usize { return base + (<usize>idx << 2); }
@inline function g(params: usize, slot: i32): i32 { return load<i32>(params + (<usize>slot << 2)); }

const BATCH = 0, IN_D = 1, IN_H = 2, IN_W = 3, IN_C = 4, OUT_D = 5, OUT_H = 6, OUT_W = 7, OUT_C = 8;
const F_D = 9, F_H = 10, F_W = 11, S_D = 12, S_H = 13, S_W = 14, D_D = 15, D_H = 16, D_W = 17;
const P_F = 18, P_T = 19, P_L = 20;

@inline function inRange(i: i32, limit: i32): bool { return i >= 0 && i < limit; }

/** Accumulates acc[0..n) += s * row[0..n) (f32x4 body, scalar tail). */
@inline function axpy(acc: usize, row: usize, s: f32, n: i32): void {
  const sv = f32x4.splat(s);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(at(acc, i), f32x4.add(v128.load(at(acc, i)), f32x4.mul(sv, v128.load(at(row, i)))));
  for (; i < n; i++) store<f32>(at(acc, i), load<f32>(at(acc, i)) + s * load<f32>(at(row, i)));
}

/** sum(a[0..n) * b[0..n)). */
@inline function dot(a: usize, b: usize, n: i32): f32 {
  let accv = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) accv = f32x4.add(accv, f32x4.mul(v128.load(at(a, i)), v128.load(at(b, i))));
  let acc = f32x4.extract_lane(accv, 0) + f32x4.extract_lane(accv, 1) + f32x4.extract_lane(accv, 2) + f32x4.extract_lane(accv, 3);
  for (; i < n; i++) acc += load<f32>(at(a, i)) * load<f32>(at(b, i));
  return acc;
}

/**
 * The one driver of the 3-D convolutions and poolings (and of the 2-D pooling backprop, as depth 1):
 * for every output position, channel (pooling; once for convolutions) and in-volume tap, runs
 * the body of `kind`, with a / b / out:
 * 0 conv3d: x, f, y; 1 backprop input: dy, f, dx; 2 backprop filter: x, dy, df;
 * 3 max pool, 4 avg pool: x, -, y; 5 max pool backprop (last tap >= all earlier wins),
 * 6 avg pool backprop (dy / count spread), 7 max pool backprop (first maximal tap wins): x, dy, dx.
 */
export function walk3d(a: usize, b: usize, out: usize, params: usize, kind: i32): void {
  const batch = g(params, BATCH), inD = g(params, IN_D), inH = g(params, IN_H), inW = g(params, IN_W), inC = g(params, IN_C);
  const outD = g(params, OUT_D), outH = g(params, OUT_H), outW = g(params, OUT_W), outC = g(params, OUT_C);
  const fd = g(params, F_D), fh = g(params, F_H), fw = g(params, F_W);
  const sD = g(params, S_D), sH = g(params, S_H), sW = g(params, S_W);
  const dD = g(params, D_D), dH = g(params, D_H), dW = g(params, D_W);
  const pF = g(params, P_F), pT = g(params, P_T), pL = g(params, P_L);
  const pool = kind >= 3;
  const yC = pool ? inC : outC, nC = pool ? inC : 1;
  if (kind == 0) memory.fill(out, 0, <usize>(batch * outD * outH * outW * outC) << 2);
  else if (kind == 2) memory.fill(out, 0, <usize>(fd * fh * fw * inC * outC) << 2);
  else if (kind == 1 || kind >= 5) memory.fill(out, 0, <usize>(batch * inD * inH * inW * inC) << 2);
  for (let bi = 0; bi < batch; bi++) {
    for (let od = 0; od < outD; od++) {
      for (let oy = 0; oy < outH; oy++) {
        for (let ox = 0; ox < outW; ox++) {
          const yBase = (((bi * outD + od) * outH + oy) * outW + ox) * yC;
          for (let c = 0; c < nC; c++) {
            let best = -1;
            let bestVal: f32 = -Infinity;
            let sum: f32 = 0;
            let count = 0;
            for (let pass = 0; pass < 2; pass++) {
              // pass 0 runs the body / finds the max and sum; pass 1 (avg backprop only) spreads dy / count
              if (pass == 1 && !(kind == 6 && count > 0)) break;
              const share = pass == 1 ? load<f32>(at(b, yBase + c)) / <f32>count : 0;
              for (let kd = 0; kd < fd; kd++) {
                const id = od * sD - pF + kd * dD;
                if (!inRange(id, inD)) continue;
                for (let ky = 0; ky < fh; ky++) {
                  const iy = oy * sH - pT + ky * dH;
                  if (!inRange(iy, inH)) continue;
                  for (let kx = 0; kx < fw; kx++) {
                    const ix = ox * sW - pL + kx * dW;
                    if (!inRange(ix, inW)) continue;
                    const xBase = (((bi * inD + id) * inH + iy) * inW + ix) * inC;
                    const fBase = ((kd * fh + ky) * fw + kx) * inC * outC;
                    if (kind == 0) {
                      for (let ci = 0; ci < inC; ci++) axpy(at(out, yBase), at(b, fBase + ci * outC), load<f32>(at(a, xBase + ci)), outC);
                    } else if (kind == 1) {
                      for (let ci = 0; ci < inC; ci++) {
                        const p = at(out, xBase + ci);
                        store<f32>(p, load<f32>(p) + dot(at(a, yBase), at(b, fBase + ci * outC), outC));
                      }
                    } else if (kind == 2) {
                      for (let ci = 0; ci < inC; ci++) axpy(at(out, fBase + ci * outC), at(b, yBase), load<f32>(at(a, xBase + ci)), outC);
                    } else if (pass == 1) {
                      store<f32>(at(out, xBase + c), load<f32>(at(out, xBase + c)) + share);
                    } else {
                      const v = load<f32>(at(a, xBase + c));
                      if (v > bestVal || (v == bestVal && (best < 0 || kind != 7))) { best = xBase + c; bestVal = v; } // NaN never wins
                      sum += v;
                      count++;
                    }
                  }
                }
              }
            }
            if (kind == 3 || kind == 4) {
              store<f32>(at(out, yBase + c), kind == 3 ? bestVal : count == 0 ? 0 : sum / <f32>count);
            } else if ((kind == 5 || kind == 7) && best >= 0) {
              store<f32>(at(out, best), load<f32>(at(out, best)) + load<f32>(at(b, yBase + c)));
            }
          }
        }
      }
    }
  }
}

export function conv3d(x: usize, f: usize, y: usize, params: usize): void { walk3d(x, f, y, params, 0); }
export function conv3dBackpropInput(dy: usize, f: usize, dx: usize, params: usize): void { walk3d(dy, f, dx, params, 1); }
export function conv3dBackpropFilter(x: usize, dy: usize, df: usize, params: usize): void { walk3d(x, dy, df, params, 2); }
export function pool3d(x: usize, out: usize, params: usize, op: i32): void { walk3d(x, 0, out, params, 3 + op); }
export function pool3dBackprop(dy: usize, x: usize, dx: usize, params: usize, op: i32): void { walk3d(x, dy, dx, params, 5 + op); }
