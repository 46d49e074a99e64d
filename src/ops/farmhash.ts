/**
 * FarmHash Fingerprint64 (farmhashna Hash64, the function TensorFlow's StringToHashBucketFast
 * uses), over UTF-8 bytes, in BigInt arithmetic mod 2^64. Written from the published FarmHash
 * algorithm; the bucket values it gives are checked against TF.js's cpu backend in tests.
 */
const MASK = (1n << 64n) - 1n;
const K0 = 0xc3a5c85c97cb3127n;
const K1 = 0xb492b66fbe98f273n;
const K2 = 0x9ae16a3b2f90404fn;
const KMUL = 0x9ddfea08eb382d69n;

const u64 = (x: bigint) => x & MASK;
const mul64 = (a: bigint, b: bigint) => (a * b) & MASK;
const add64 = (...xs: bigint[]) => xs.reduce((s, x) => (s + x) & MASK, 0n);
const rot = (x: bigint, r: bigint) => (r === 0n ? x : u64((x >> r) | (x << (64n - r))));
const shiftMix = (x: bigint) => x ^ (x >> 47n);

/** Little-endian unsigned load of `n` bytes at `at`. */
function load(s: Uint8Array, at: number, n: number): bigint {
  let v = 0n;
  for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(s[at + i]);
  return v;
}
const load64 = (s: Uint8Array, at: number) => load(s, at, 8);
const load32 = (s: Uint8Array, at: number) => load(s, at, 4);

function mix16(u: bigint, v: bigint, m = KMUL): bigint {
  let a = mul64(u ^ v, m);
  a ^= a >> 47n;
  let b = mul64(v ^ a, m);
  b ^= b >> 47n;
  return mul64(b, m);
}

/** Two 64-bit lanes mixed from 32 bytes (w, x, y, z) and seeds a, b. */
function weak32(w: bigint, x: bigint, y: bigint, z: bigint, a: bigint, b: bigint): [bigint, bigint] {
  a = add64(a, w);
  b = rot(add64(b, a, z), 21n);
  const c = a;
  a = add64(a, x, y);
  b = add64(b, rot(a, 44n));
  return [add64(a, z), add64(b, c)];
}
const weak32At = (s: Uint8Array, at: number, a: bigint, b: bigint) =>
  weak32(load64(s, at), load64(s, at + 8), load64(s, at + 16), load64(s, at + 24), a, b);

function upTo16(s: Uint8Array, n: number): bigint {
  const m = add64(K2, BigInt(n * 2));
  if (n >= 8) {
    const a = add64(load64(s, 0), K2);
    const b = load64(s, n - 8);
    return mix16(add64(mul64(rot(b, 37n), m), a), mul64(add64(rot(a, 25n), b), m), m);
  }
  if (n >= 4) return mix16(add64(load32(s, 0) << 3n, BigInt(n)) & MASK, load32(s, n - 4), m);
  if (n > 0) {
    const y = BigInt(s[0] + (s[n >> 1] << 8));
    const z = BigInt(n + (s[n - 1] << 2));
    return mul64(shiftMix(mul64(K2, y) ^ mul64(K0, z)), K2);
  }
  return K2;
}

function upTo32(s: Uint8Array, n: number): bigint {
  const m = add64(K2, BigInt(n * 2));
  const a = mul64(load64(s, 0), K1);
  const b = load64(s, 8);
  const c = mul64(load64(s, n - 8), m);
  const d = mul64(load64(s, n - 16), K2);
  return mix16(add64(rot(add64(a, b), 43n), rot(c, 30n), d), add64(a, rot(add64(b, K2), 18n), c), m);
}

function upTo64(s: Uint8Array, n: number): bigint {
  const m = add64(K2, BigInt(n * 2));
  const a = mul64(load64(s, 0), K2);
  const b = load64(s, 8);
  const c = mul64(load64(s, n - 8), m);
  const d = mul64(load64(s, n - 16), K2);
  const y = add64(rot(add64(a, b), 43n), rot(c, 30n), d);
  const z = mix16(y, add64(a, rot(add64(b, K2), 18n), c), m);
  const e = mul64(load64(s, 16), m);
  const f = load64(s, 24);
  const g = mul64(add64(y, load64(s, n - 32)), m);
  const h = mul64(add64(z, load64(s, n - 24)), m);
  return mix16(add64(rot(add64(e, f), 43n), rot(g, 30n), h), add64(e, rot(add64(f, a), 18n), g), m);
}

/** Fingerprint64 of the bytes, as an unsigned 64-bit BigInt. */
export function fingerprint64(s: Uint8Array): bigint {
  const n = s.length;
  if (n <= 16) return upTo16(s, n);
  if (n <= 32) return upTo32(s, n);
  if (n <= 64) return upTo64(s, n);
  const seed = 81n;
  let x = seed;
  let y = add64(mul64(seed, K1), 113n);
  let z = mul64(shiftMix(add64(mul64(y, K2), 113n)), K2);
  let v: [bigint, bigint] = [0n, 0n];
  let w: [bigint, bigint] = [0n, 0n];
  x = add64(mul64(x, K2), load64(s, 0));
  const end = ((n - 1) >> 6) * 64;
  const last64 = end + ((n - 1) & 63) - 63;
  // one 64-byte block of the main loop; the final block reuses it with multiplier m and extra mixing
  const block = (at: number, m: bigint, final: boolean) => {
    x = mul64(rot(add64(x, y, v[0], load64(s, at + 8)), 37n), m);
    y = mul64(rot(add64(y, v[1], load64(s, at + 48)), 42n), m);
    x ^= final ? mul64(w[1], 9n) : w[1];
    y = final ? add64(y, mul64(v[0], 9n), load64(s, at + 40)) : add64(y, v[0], load64(s, at + 40));
    z = mul64(rot(add64(z, w[0]), 33n), m);
    v = weak32At(s, at, mul64(v[1], m), add64(x, w[0]));
    w = weak32At(s, at + 32, add64(z, w[1]), add64(y, load64(s, at + 16)));
    [z, x] = [x, z];
  };
  for (let at = 0; at !== end; at += 64) block(at, K1, false);
  const m = add64(K1, (z & 0xffn) << 1n);
  w[0] = add64(w[0], BigInt((n - 1) & 63));
  v[0] = add64(v[0], w[0]);
  w[0] = add64(w[0], v[0]);
  block(last64, m, true);
  return mix16(add64(mix16(v[0], w[0], m), mul64(shiftMix(y), K0), z), add64(mix16(v[1], w[1], m), x), m);
}
