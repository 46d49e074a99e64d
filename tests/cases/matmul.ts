/**
 * Case tables: matMul. Sizes around tile edges (1, 3, 17, 31/32/33, 63/64/65), K >= 1000, every
 * transpose combination, batch broadcasting, zero-size, int32. Tolerance grows with K.
 */
import type { CaseRow } from './types.js';

/** Tolerance for a float32 dot product of length K over N(0,1) values. */
const tolFor = (K: number) => ({ atol: 1e-5 + 4e-6 * K, rtol: 1e-3 });

function mm(M: number, K: number, N: number, tA = false, tB = false): CaseRow {
  const aShape = tA ? [K, M] : [M, K];
  const bShape = tB ? [N, K] : [K, N];
  const flags = tA || tB ? ` t${tA ? 'A' : ''}${tB ? 'B' : ''}` : '';
  return {
    name: `matMul ${M}x${K} @ ${K}x${N}${flags}`,
    op: (ts, [a, b]) => ts.matMul(a, b, tA, tB),
    inputs: [{ shape: aShape }, { shape: bShape }],
    tol: tolFor(K),
  };
}

function batched(aShape: number[], bShape: number[], tA = false, tB = false): CaseRow {
  const K = tA ? aShape[aShape.length - 2] : aShape[aShape.length - 1];
  return {
    name: `matMul [${aShape}] @ [${bShape}]${tA || tB ? ` t${tA ? 'A' : ''}${tB ? 'B' : ''}` : ''}`,
    op: (ts, [a, b]) => ts.matMul(a, b, tA, tB),
    inputs: [{ shape: aShape }, { shape: bShape }],
    tol: tolFor(Math.max(K, 1)),
  };
}

const SQUARE = [1, 3, 17, 31, 32, 33, 63, 64, 65];

/** Sizes off the 4-row x 8-column register tile, for the ragged rows below. */
const RAGGED = [1, 3, 5, 7, 9, 17, 33, 65];
const EPILOGUES = ['linear', 'relu', 'relu6', 'elu', 'leakyrelu', 'prelu', 'sigmoid', 'gelu'] as const;

/**
 * Ragged shapes: M, N, K walk RAGGED with different strides so every size meets every other in
 * some row, mixed with the four transpose combinations, batch 1 or 3 and a bias + activation
 * epilogue (fused.matMul). M * N * K crosses 2^18, so both the in-place (small) and the packed
 * kernel paths meet partial tiles.
 */
function ragged(i: number): CaseRow {
  const M = RAGGED[i % 8], N = RAGGED[(3 * i + 1 + (i >> 3)) % 8], K = RAGGED[(5 * i + 2 + 3 * (i >> 3)) % 8];
  const tA = (i & 1) === 1, tB = (i & 2) === 2;
  const batch = i % 3 === 0 ? [3] : [];
  const act = EPILOGUES[i % EPILOGUES.length];
  return {
    name: `ragged fused.matMul [${batch}${batch.length ? ',' : ''}${M}x${K}] @ [${K}x${N}] t${tA ? 'A' : '-'}${tB ? 'B' : '-'} + bias ${act}`,
    op: (ts, [a, b, bias, pw]) => ts.fused.matMul({ a, b, transposeA: tA, transposeB: tB, bias, activation: act, preluActivationWeights: pw, leakyreluAlpha: 0.3 }),
    inputs: [
      { shape: [...batch, ...(tA ? [K, M] : [M, K])] }, { shape: [...batch, ...(tB ? [N, K] : [K, N])] }, { shape: [N] }, { shape: [N] },
    ],
    tol: tolFor(K),
  };
}
const COMBOS: [boolean, boolean][] = [[false, false], [true, false], [false, true], [true, true]];

export const matMulCases: CaseRow[] = [
  ...SQUARE.map((n) => mm(n, n, n)),
  mm(1, 1, 1, true, true),
  mm(1, 17, 1),
  mm(5, 1, 7),
  mm(1, 64, 65),
  mm(65, 64, 1),
  mm(31, 33, 32),
  mm(33, 31, 63),
  mm(128, 17, 3),
  mm(3, 1031, 17),
  mm(17, 2048, 33),
  mm(64, 1000, 64),
  mm(1, 4096, 1),
  ...COMBOS.map(([a, b]) => mm(17, 31, 33, a, b)),
  ...COMBOS.map(([a, b]) => mm(63, 64, 65, a, b)),
  ...COMBOS.map(([a, b]) => mm(5, 1025, 3, a, b)),
  ...Array.from({ length: 24 }, (_, i) => ragged(i)),
  // packed path (M * N * K >= 2^18) with partial tiles on both edges
  ...COMBOS.slice(1).map(([a, b]) => mm(65, 65, 65, a, b)),
  mm(7, 1031, 37),
  mm(197, 33, 65, false, true),
  // one row or one column (read in place, no tile): every transpose, both sides of 2^18
  ...COMBOS.map(([a, b]) => mm(1, 67, 33, a, b)),
  ...COMBOS.map(([a, b]) => mm(35, 67, 1, a, b)),
  mm(1, 513, 517, false, true),
  mm(517, 513, 1, true, false),
  batched([2, 1, 5, 7], [3, 7, 4]),
  batched([4, 5, 6], [6, 7]),
  batched([5, 6], [4, 6, 7]),
  batched([1, 5, 6], [3, 6, 7]),
  batched([3, 33, 17], [3, 17, 31]),
  batched([2, 3, 6, 5], [3, 6, 4], true, false),
  batched([2, 3, 5, 6], [1, 4, 6], false, true),
  batched([7, 6, 5], [7, 4, 6], true, true),
  batched([0, 5], [5, 3]),
  batched([3, 0], [0, 4]),
  batched([2, 0, 5], [5, 3]),
  batched([0, 3, 4], [4, 2]),
  {
    name: 'matMul int32 [3,5] @ [5,4]',
    op: (ts, [a, b]) => ts.matMul(a, b),
    inputs: [{ shape: [3, 5], kind: 'int' }, { shape: [5, 4], kind: 'int' }],
  },
];
