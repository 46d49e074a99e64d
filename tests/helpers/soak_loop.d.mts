// Types for soak_loop.mjs (the soak loop shared by Node and the browser page).
import type * as TS from '../../src/index.js';

export interface LoopSizes { warmFitSteps: number; warmPredicts: number; fitSteps: number; predicts: number }
export interface LoopReport<S> { backend: string; warm: S; mid: S; end: S; seconds: number; finalLoss: number }
export const PREDICT_BATCHES: number[];
export const CI_WEBGPU_SOAK: LoopSizes;
export const FULL_WEBGPU_SOAK: LoopSizes;
export function runSoakLoop<S>(ts: typeof TS, backend: string, sizes: LoopSizes, snapshot: (ts: typeof TS) => S | Promise<S>): Promise<LoopReport<S>>;
export interface PageSnapshot {
  numTensors: number; numBytes: number; gpuLiveBuffers: number; gpuLiveBytes: number; gpuPooledBytes: number;
  gpuBuffersExisting: number; pipelines: number; heapUsed?: number; heapTotal?: number; gcRan: boolean;
}
export function pageSnapshot(ts: typeof TS): Promise<PageSnapshot>;
export function webgpuSoakProblems(r: LoopReport<PageSnapshot>): string[];
export function describeWebgpuSoak(r: LoopReport<PageSnapshot>): string;
