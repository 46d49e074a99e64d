/**
 * Page-side helpers shared by the webgpu kernel pages (webgpu_kernels.page.ts,
 * webgpu_conv_kernels.page.ts; bundled for Chromium, so nothing Node-only here): the per-case
 * result they report, a resettable deterministic PRNG and the closeness test against js.
 */

/** One comparison: `bad` of `total` elements outside tolerance, `first` describes the first. */
export interface CaseResult { group: string; name: string; bad: number; total: number; first: string }

/** Linear congruential PRNG in [0, 1); `reset` replays the sequence so every group gets the same inputs. */
export class Lcg {
  private state: number;
  constructor(private readonly seed: number) {
    this.state = seed;
  }
  reset(): void {
    this.state = this.seed;
  }
  next(): number {
    this.state = (this.state * 1664525 + 1013904223) >>> 0;
    return this.state / 4294967296;
  }
}

export const sizeOf = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** |got - want| <= atol + rtol * |want|; NaN must meet NaN and +-Infinity itself. */
export function close(got: number, want: number, rtol: number, atol: number): boolean {
  if (want !== want) return got !== got;
  if (!Number.isFinite(want)) return got === want;
  return Math.abs(got - want) <= atol + rtol * Math.abs(want);
}
