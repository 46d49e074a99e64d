// Node profile behind bench/matmul_ladder.md's issue-9 cache-blocking steps: for one build of the
// kernel module, times the two halves of matMul's batch-1 packed path on one thread, packing
// (matMulPackRange, A and B timed apart) and the product from the packed
// operands (matMulPackedRange), best of 12 rounds of process CPU time (the machine is shared).
// MTILE / NTILE cut the product into the 2-thread path's units (run one after another here).
// Run: node --experimental-wasm-relaxed-simd bench/matmul_pack_profile.mjs build/tessera-relaxed.wasm
//      [SHAPES='[[M,N,K],...]'] [MTILE=128] [NTILE=384] [TRANS=a|b|ab: op(A), op(B) transposed]
import { readFileSync } from 'node:fs';
import { loadKernelModule } from './kernel_module.mjs';

const A_ROWS = 60, B_COLUMNS = 64; // assembly/matmul_pack.ts's PACK_ROWS and PACK_SPAN: rows of A / columns of B per pack unit
const file = process.argv[2] ?? 'build/tessera-relaxed.wasm';
const transA = (process.env.TRANS ?? '').includes('a') ? 1 : 0;
const transB = (process.env.TRANS ?? '').includes('b') ? 1 : 0;
const shapes = JSON.parse(process.env.SHAPES ?? '[[1024,1024,1024],[197,3072,768],[1024,2048,256],[512,512,512]]');
const { ex, memory, alloc, reset } = await loadKernelModule(readFileSync(file));
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
for (const [M, N, K] of shapes) {
  reset(); // each shape allocates from the heap base again
  const a = alloc(M * K * 4), b = alloc(K * N * 4), c = alloc(M * N * 4), packed = alloc(ex.matMulPackedBytes(M, N, K));
  new Float32Array(memory.buffer, a, M * K).fill(0.5);
  new Float32Array(memory.buffer, b, K * N).fill(0.25);
  const aUnits = Math.ceil(M / A_ROWS), allUnits = aUnits + Math.ceil(N / B_COLUMNS);
  const mTile = Number(process.env.MTILE ?? M), nTile = Number(process.env.NTILE ?? N);
  const tiles = Math.ceil(M / mTile) * Math.ceil(N / nTile);
  let bestA = Infinity, bestB = Infinity, bestPack = Infinity, bestCompute = Infinity;
  for (let r = 0; r < 12; r++) {
    let t = cpuMs();
    ex.matMulPackRange(a, b, M, N, K, transA, transB, packed, 0, aUnits);
    const tA = cpuMs() - t;
    t = cpuMs();
    ex.matMulPackRange(a, b, M, N, K, transA, transB, packed, aUnits, allUnits);
    const tB = cpuMs() - t;
    t = cpuMs();
    ex.matMulPackedRange(packed, c, M, N, K, 0, 1, 0, 0, 0, 1, 0, tiles, mTile, nTile);
    bestCompute = Math.min(bestCompute, cpuMs() - t);
    bestA = Math.min(bestA, tA);
    bestB = Math.min(bestB, tB);
    bestPack = Math.min(bestPack, tA + tB);
  }
  const flops = 2 * M * N * K;
  const gf = (ms) => (flops / ms / 1e6).toFixed(1);
  console.log(`${M}x${N}x${K} (MxNxK)${transA ? ' tA' : ''}${transB ? ' tB' : ''}: pack ${bestPack.toFixed(2)} ms (A ${bestA.toFixed(2)}, B ${bestB.toFixed(2)}), product ${bestCompute.toFixed(2)} ms = ${gf(bestCompute)} GFLOP/s, both ${gf(bestPack + bestCompute)} GFLOP/s, packing ${(100 * bestPack / (bestPack + bestCompute)).toFixed(0)}%`);
}
