// Selection and scan kernels: topk (the k largest of each row, largest first, ties by index,
// NaN above every number) by a bounded heap of row indices, O(cols log k) per row; and the
// cumulative sum / product along the middle axis of an [outer, n, inner] view, accumulated in
// the element type (f32 rounding per step, i32 wrapping), rows of `inner` four lanes at a time.

@inline function at(base: usize, idx: i32): usize { return base + (<usize>idx << 2); }

/** Element i of a row as f64 (exact for both i32 and f32, so every comparison keeps its result). */
@inline function val(row: usize, i: i32, isInt: i32): f64 {
  return isInt ? <f64>load<i32>(at(row, i)) : <f64>load<f32>(at(row, i));
}

/** Value a at index ia ranks before value b at ib. */
@inline function before(a: f64, ia: i32, b: f64, ib: i32): bool {
  const aNaN = a != a;
  const bNaN = b != b;
  if (aNaN || bNaN) return aNaN && (!bNaN || ia < ib);
  return a > b || (a == b && ia < ib);
}

/** Heap of row indices in `heap`, the one ranking last at the root. */
@inline function heapBefore(row: usize, heap: usize, i: i32, j: i32, isInt: i32): bool {
  const a = load<i32>(at(heap, i));
  const b = load<i32>(at(heap, j));
  return before(val(row, a, isInt), a, val(row, b, isInt), b);
}

@inline function swap(heap: usize, i: i32, j: i32): void {
  const t = load<i32>(at(heap, i));
  store<i32>(at(heap, i), load<i32>(at(heap, j)));
  store<i32>(at(heap, j), t);
}

function siftDown(row: usize, heap: usize, size: i32, i: i32, isInt: i32): void {
  while (true) {
    const l = 2 * i + 1;
    const r = l + 1;
    let worst = i;
    if (l < size && heapBefore(row, heap, worst, l, isInt)) worst = l;
    if (r < size && heapBefore(row, heap, worst, r, isInt)) worst = r;
    if (worst == i) return;
    swap(heap, i, worst);
    i = worst;
  }
}

/** values/indices [rows, k] from x [rows, cols]; isInt selects i32 comparison. heap: k i32 of scratch. */
export function topk(x: usize, values: usize, indices: usize, rows: i32, cols: i32, k: i32, isInt: i32, heap: usize): void {
  if (k == 0) return;
  for (let r = 0; r < rows; r++) {
    const row = at(x, r * cols);
    let size = 0;
    for (let i = 0; i < cols; i++) {
      if (size < k) {
        store<i32>(at(heap, size), i);
        let c = size++;
        while (c > 0) {
          const p = (c - 1) >> 1;
          if (!heapBefore(row, heap, p, c, isInt)) break;
          swap(heap, p, c);
          c = p;
        }
      } else {
        const root = load<i32>(heap);
        if (before(val(row, i, isInt), i, val(row, root, isInt), root)) {
          store<i32>(heap, i);
          siftDown(row, heap, size, 0, isInt);
        }
      }
    }
    // pop the last-ranked entry into the last free output slot (the element's bits copied as they are)
    const vOut = at(values, r * k);
    const iOut = at(indices, r * k);
    while (size > 0) {
      const idx = load<i32>(heap);
      size--;
      store<i32>(at(vOut, size), load<i32>(at(row, idx)));
      store<i32>(at(iOut, size), idx);
      store<i32>(heap, load<i32>(at(heap, size)));
      siftDown(row, heap, size, 0, isInt);
    }
  }
}

@inline function combine<T>(a: T, b: T, prod: bool): T { return prod ? a * b : a + b; }

function scanRows<T>(x: usize, out: usize, outer: i32, n: i32, inner: i32, prod: bool, exclusive: bool, reverse: bool): void {
  const identity: T = prod ? <T>1 : <T>0;
  if (inner == 1) {
    // one running accumulator per line (the common last-axis scan)
    const step: isize = reverse ? -4 : 4;
    for (let o = 0; o < outer; o++) {
      const first = <usize>(o * n + (reverse ? n - 1 : 0)) << 2;
      let src = x + first;
      let dst = out + first;
      let acc = identity;
      for (let t = 0; t < n; t++) {
        const v = load<T>(src);
        if (exclusive) {
          store<T>(dst, acc);
          acc = combine<T>(acc, v, prod);
        } else {
          acc = combine<T>(acc, v, prod);
          store<T>(dst, acc);
        }
        src += step;
        dst += step;
      }
    }
    return;
  }
  const vecEnd = sizeof<T>() == 4 && inner >= 4 ? inner & ~3 : 0;
  for (let o = 0; o < outer; o++) {
    const block = o * n * inner;
    for (let t = 0; t < n; t++) {
      const j = reverse ? n - 1 - t : t;
      const jPrev = reverse ? j + 1 : j - 1;
      const dst = at(out, block + j * inner);
      const src = at(x, block + j * inner);
      const prevOut = at(out, block + jPrev * inner);
      const prevIn = at(x, block + jPrev * inner);
      let i = 0;
      if (t == 0) {
        if (exclusive) for (; i < inner; i++) store<T>(at(dst, i), identity);
        else memory.copy(dst, src, <usize>inner << 2);
        continue;
      }
      // inclusive: out[j] = out[jPrev] op x[j]; exclusive: out[j] = out[jPrev] op x[jPrev]
      const operand = exclusive ? prevIn : src;
      for (; i < vecEnd; i += 4) {
        const a = v128.load(at(prevOut, i));
        const b = v128.load(at(operand, i));
        let v: v128;
        if (isInteger<T>()) v = prod ? i32x4.mul(a, b) : i32x4.add(a, b);
        else v = prod ? f32x4.mul(a, b) : f32x4.add(a, b);
        v128.store(at(dst, i), v);
      }
      for (; i < inner; i++) store<T>(at(dst, i), combine<T>(load<T>(at(prevOut, i)), load<T>(at(operand, i)), prod));
    }
  }
}

/** Cumulative sum (op 0) or product (op 1) along n of x [outer, n, inner]; isInt selects i32. */
export function cumulative(x: usize, out: usize, outer: i32, n: i32, inner: i32, op: i32, exclusive: i32, reverse: i32, isInt: i32): void {
  if (isInt) scanRows<i32>(x, out, outer, n, inner, op == 1, exclusive != 0, reverse != 0);
  else scanRows<f32>(x, out, outer, n, inner, op == 1, exclusive != 0, reverse != 0);
}
