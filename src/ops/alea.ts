/**
 * The Alea generator behind tf.seededRandom and every seeded draw (internal: not re-exported, so
 * `export * from './creation.js'` does not make these public), and uniformDraws for recorded plans.
 */

/** seededRandom's generator (Alea), without the tracing check. */
export function aleaGenerator(seed?: number | string | null): () => number {
  const key = String(seed ?? Math.random());
  let mashState = 0xefc8249d;
  const mash = (text: string): number => {
    for (let i = 0; i < text.length; i++) {
      mashState += text.charCodeAt(i);
      let h = 0.02519603282416938 * mashState;
      mashState = h >>> 0;
      h -= mashState;
      h *= mashState;
      mashState = h >>> 0;
      h -= mashState;
      mashState += h * 0x100000000;
    }
    return (mashState >>> 0) * 2.3283064365386963e-10;
  };
  let s0 = mash(' '), s1 = mash(' '), s2 = mash(' ');
  let carry = 1;
  s0 -= mash(key); if (s0 < 0) s0 += 1;
  s1 -= mash(key); if (s1 < 0) s1 += 1;
  s2 -= mash(key); if (s2 < 0) s2 += 1;
  return () => {
    const t = 2091639 * s0 + carry * 2.3283064365386963e-10;
    s0 = s1;
    s1 = s2;
    carry = t | 0;
    return (s2 = t - carry);
  };
}

/**
 * `n` float32 draws in [0, 1) from seededRandom(seed), for internal users that feed fresh draws
 * to each replay of a recorded plan themselves (Dropout's mask, see layers/core/dropout.ts).
 */
export function uniformDraws(n: number, seed?: number | string | null): Float32Array {
  const rand = aleaGenerator(seed);
  return Float32Array.from({ length: n }, () => rand());
}
