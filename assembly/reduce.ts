// Reductions over the inner axis of an [outer, inner] view, and row softmax / logSoftmax.
// float32 sum/mean accumulate in f64x2 lanes (the js reference sums in f64), max/min use
// NaN-propagating f32x4.max/min, softmax uses the f32x4 polynomial exp.
import { loadAs64, storeAs } from './scalar_ops';
import { expF32x4, expF32x4Called } from './simd_math';

export function sumRowF32(x: usize, n: i32): f64 {
  let s0 = f64x2.splat(0), s1 = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(x + (<usize>i << 2));
    s0 = f64x2.add(s0, f64x2.promote_low_f32x4(v));
    s1 = f64x2.add(s1, f64x2.promote_low_f32x4(v128.shuffle<u32>(v, v, 2, 3, 0, 1)));
  }
  const s = f64x2.add(s0, s1);
  let r = f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
  for (; i < n; i++) r += <f64>load<f32>(x + (<usize>i << 2));
  return r;
}

/** max (isMax) or min of a float32 row, NaN if any element is NaN; +-Infinity when empty. */
export function extremeRowF32(x: usize, n: i32, isMax: bool): f32 {
  let m = f32x4.splat(isMax ? -Infinity : Infinity);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(x + (<usize>i << 2));
    m = isMax ? f32x4.max(m, v) : f32x4.min(m, v);
  }
  let r = isMax
    ? max(max(f32x4.extract_lane(m, 0), f32x4.extract_lane(m, 1)), max(f32x4.extract_lane(m, 2), f32x4.extract_lane(m, 3)))
    : min(min(f32x4.extract_lane(m, 0), f32x4.extract_lane(m, 1)), min(f32x4.extract_lane(m, 2), f32x4.extract_lane(m, 3)));
  for (; i < n; i++) {
    const v = load<f32>(x + (<usize>i << 2));
    r = isMax ? max(r, v) : min(r, v);
  }
  return r;
}

function reduceRow(op: i32, x: usize, n: i32, isInt: i32): f64 {
  if (!isInt && (op == 0 || op == 1)) {
    const s = sumRowF32(x, n);
    return op == 1 ? s / <f64>n : s;
  }
  if (!isInt && (op == 2 || op == 3)) return <f64>extremeRowF32(x, n, op == 2);
  switch (op) {
    case 0:
    case 1: {
      let s: f64 = 0;
      for (let i = 0; i < n; i++) s += loadAs64(x + (<usize>i << 2), isInt);
      return op == 1 ? s / <f64>n : s;
    }
    case 4: {
      let p: f64 = 1;
      for (let i = 0; i < n; i++) p *= loadAs64(x + (<usize>i << 2), isInt);
      return p;
    }
    case 2:
    case 3: { // int inputs (never NaN)
      let m: f64 = op == 2 ? -Infinity : Infinity;
      for (let i = 0; i < n; i++) { const v = loadAs64(x + (<usize>i << 2), isInt); m = op == 2 ? max(m, v) : min(m, v); }
      return m;
    }
    case 5:
    case 6: {
      let best = 0;
      let m: f64 = op == 5 ? -Infinity : Infinity;
      for (let i = 0; i < n; i++) {
        const v = loadAs64(x + (<usize>i << 2), isInt);
        if (op == 5 ? v > m : v < m) { m = v; best = i; } // NaN never wins (TF.js ignores it)
      }
      return <f64>best;
    }
    case 7: {
      for (let i = 0; i < n; i++) if (loadAs64(x + (<usize>i << 2), isInt) != 0) return 1;
      return 0;
    }
    case 8: {
      for (let i = 0; i < n; i++) if (loadAs64(x + (<usize>i << 2), isInt) == 0) return 0;
      return 1;
    }
    case 9: {
      let m: f64 = -Infinity;
      for (let i = 0; i < n; i++) { const v = loadAs64(x + (<usize>i << 2), isInt); if (v != v) return NaN; if (v > m) m = v; }
      if (m == -Infinity || m == Infinity) return m;
      let s: f64 = 0;
      for (let i = 0; i < n; i++) s += Math.exp(loadAs64(x + (<usize>i << 2), isInt) - m);
      return m + Math.log(s);
    }
    default: return NaN;
  }
}

/** out[o] = reduce(x[o*inner .. (o+1)*inner)). Kinds: 0 float32, 1 int32, 2 bool. */
export function reduce(op: i32, x: usize, out: usize, outer: i32, inner: i32, inKind: i32, outKind: i32): void {
  const isInt = inKind != 0 ? 1 : 0;
  for (let o = 0; o < outer; o++) {
    const r = reduceRow(op, x + (<usize>o * <usize>inner << 2), inner, isInt);
    storeAs(out + (<usize>o << 2), r, outKind);
  }
}

/**
 * Largest non-NaN element of a float32 row (-Infinity when none), with the one-instruction
 * pmax in four independent lanes-of-four. softmax needs no NaN here: a NaN element makes
 * exp(x - m) and so the row sum NaN, which turns the whole row NaN either way.
 */
function rowMaxIgnoringNaN(x: usize, n: i32): f32 {
  const ninf = f32x4.splat(-Infinity);
  let m0 = ninf, m1 = ninf, m2 = ninf, m3 = ninf;
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const p = x + (<usize>i << 2);
    m0 = f32x4.pmax(m0, v128.load(p));
    m1 = f32x4.pmax(m1, v128.load(p, 16));
    m2 = f32x4.pmax(m2, v128.load(p, 32));
    m3 = f32x4.pmax(m3, v128.load(p, 48));
  }
  for (; i + 4 <= n; i += 4) m0 = f32x4.pmax(m0, v128.load(x + (<usize>i << 2)));
  const m = f32x4.pmax(f32x4.pmax(m0, m1), f32x4.pmax(m2, m3));
  let r = max(max(f32x4.extract_lane(m, 0), f32x4.extract_lane(m, 1)), max(f32x4.extract_lane(m, 2), f32x4.extract_lane(m, 3)));
  for (; i < n; i++) {
    const v = load<f32>(x + (<usize>i << 2));
    if (v > r) r = v;
  }
  return r;
}

const TAIL: usize = memory.data(16, 16);

/** Row-wise softmax (log = 0) or logSoftmax (log = 1) of float32 [rows, cols]. */
export function softmax(x: usize, out: usize, rows: i32, cols: i32, log: i32): void {
  const full = cols & ~3;
  const restBytes = <usize>(cols - full) << 2;
  for (let r = 0; r < rows; r++) {
    const xr = x + (<usize>r * <usize>cols << 2);
    const or = out + (<usize>r * <usize>cols << 2);
    const m = rowMaxIgnoringNaN(xr, cols);
    const vm = f32x4.splat(m);
    // pass 2: e = exp(x - m), kept in out (softmax) and summed
    let vs = f32x4.splat(0);
    if (log) {
      for (let i = 0; i < full; i += 4) vs = f32x4.add(vs, expF32x4(f32x4.sub(v128.load(xr + (<usize>i << 2)), vm)));
    } else {
      let i = 0;
      let vs1 = f32x4.splat(0);
      for (; i + 8 <= full; i += 8) { // two independent exp chains per step
        const p = xr + (<usize>i << 2), q = or + (<usize>i << 2);
        const e0 = expF32x4(f32x4.sub(v128.load(p), vm));
        const e1 = expF32x4(f32x4.sub(v128.load(p, 16), vm));
        v128.store(q, e0);
        v128.store(q, e1, 16);
        vs = f32x4.add(vs, e0);
        vs1 = f32x4.add(vs1, e1);
      }
      for (; i < full; i += 4) {
        const e = expF32x4(f32x4.sub(v128.load(xr + (<usize>i << 2)), vm));
        v128.store(or + (<usize>i << 2), e);
        vs = f32x4.add(vs, e);
      }
      vs = f32x4.add(vs, vs1);
    }
    let s: f32 = f32x4.extract_lane(vs, 0) + f32x4.extract_lane(vs, 1) + f32x4.extract_lane(vs, 2) + f32x4.extract_lane(vs, 3);
    if (restBytes) {
      v128.store(TAIL, f32x4.splat(-Infinity));
      memory.copy(TAIL, xr + (<usize>full << 2), restBytes);
      const e = expF32x4Called(f32x4.sub(v128.load(TAIL), vm)); // padded lanes: exp(-inf) = 0
      // (if m is -inf/NaN the padded lanes are NaN, but then every real lane is NaN too)
      s += f32x4.extract_lane(e, 0) + f32x4.extract_lane(e, 1) + f32x4.extract_lane(e, 2) + f32x4.extract_lane(e, 3);
      if (!log) { v128.store(TAIL, e); memory.copy(or + (<usize>full << 2), TAIL, restBytes); }
    }
    if (log) {
      const ls = Mathf.log(s);
      const vls = f32x4.splat(ls);
      for (let i = 0; i < full; i += 4) {
        v128.store(or + (<usize>i << 2), f32x4.sub(f32x4.sub(v128.load(xr + (<usize>i << 2)), vm), vls));
      }
      for (let i = full; i < cols; i++) store<f32>(or + (<usize>i << 2), load<f32>(xr + (<usize>i << 2)) - m - ls);
    } else {
      const inv = f32x4.splat(<f32>1 / s);
      for (let i = 0; i < full; i += 4) v128.store(or + (<usize>i << 2), f32x4.mul(v128.load(or + (<usize>i << 2)), inv));
      const invS: f32 = <f32>1 / s;
      for (let i = full; i < cols; i++) store<f32>(or + (<usize>i << 2), load<f32>(or + (<usize>i << 2)) * invS);
    }
  }
}
