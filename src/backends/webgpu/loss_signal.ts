/**
 * Device-loss signal the webgpu backend races its waits against (flushes, queue drains, failed
 * maps), so a lost device never hangs a caller. `Promise.race([work, pendingForever])` would leave
 * one reaction on the never-settling promise per call, a leak of a few hundred bytes per
 * `data()` that the webgpu soak (tests/browser/soak_webgpu.test.ts) measures; here each wait
 * registers a waiter that is removed again when its work settles.
 */
export class LossSignal {
  private fired = false;
  private readonly waiters = new Set<() => void>();

  /** Wake every pending race (the device is lost); later races return at once. */
  fire(): void {
    this.fired = true;
    for (const w of [...this.waiters]) w();
    this.waiters.clear();
  }

  /** Settles with `work`, or resolves (to undefined) when the signal fires first. */
  race<T>(work: Promise<T>): Promise<T | void> {
    if (this.fired) return Promise.resolve();
    return new Promise<T | void>((resolve, reject) => {
      const wake = () => resolve();
      this.waiters.add(wake);
      work.then(
        (v) => { this.waiters.delete(wake); resolve(v); },
        (e) => { this.waiters.delete(wake); reject(e); },
      );
    });
  }
}
