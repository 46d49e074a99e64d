/**
 * How WebGPU faults reach the user. Each flush of recorded dispatches is one Batch: it knows
 * which tensors it wrote (and with which kernel) and which earlier batches produced its inputs.
 * The batch's outcome is the first of: a failed pipeline compile, a validation / out-of-memory /
 * internal error caught by the error scopes around its submit, a fault word set by a checking
 * kernel (fault_words.ts: gather's computed indices), an uncaptured device error seen while it
 * was recorded, or the failure of a batch it read from. A failed batch marks every
 * tensor it wrote as bad with an Error naming the kernel; reads and later ops on those tensors
 * throw it. Batches that succeed drop their bookkeeping so nothing accumulates.
 */

/** What a batch tracks on each buffer handle it writes. */
export interface FaultTarget {
  /** Set when the data is unusable (GPU error, device lost): the message every use throws. */
  failure: string | null;
  /** The unresolved batch that last wrote this data (null once that batch succeeded). */
  producer: Batch | null;
}

export class Batch {
  /** Tensors written in this batch, with the kernel that wrote them. */
  readonly outputs = new Map<FaultTarget, string>();
  /** Unresolved batches whose outputs this batch reads. */
  readonly deps = new Set<Batch>();
  /** Errors that belong to this batch but were raised outside its error scopes. */
  readonly extraErrors: string[] = [];
  /** Resolves to the failure message, or null when the batch ran cleanly. */
  outcome: Promise<string | null> | null = null;
  resolved = false;

  /** Record that `kernel` wrote `t` in this batch. */
  wrote(t: FaultTarget, kernel: string): void {
    t.producer = this;
    t.failure = null;
    this.outputs.set(t, kernel);
  }

  /** Record that this batch reads `t` (so a failure of its producer propagates). */
  reads(t: FaultTarget): void {
    if (t.producer && t.producer !== this && !t.producer.resolved) this.deps.add(t.producer);
  }

  /** Seal the batch with the promise of its own GPU error (null = none). */
  seal(own: Promise<string | null>): Promise<string | null> {
    const deps = [...this.deps];
    this.outcome = own
      .then(async (msg) => {
        if (msg) return msg;
        if (this.extraErrors.length) return this.extraErrors.join('\n');
        for (const d of deps) {
          const m = await (d.outcome ?? Promise.resolve(null));
          if (m) return `an input was computed by a failed batch: ${m}`;
        }
        return null;
      })
      .then((msg) => {
        this.finish(msg);
        return msg;
      });
    return this.outcome;
  }

  private finish(msg: string | null): void {
    this.resolved = true;
    for (const [t, kernel] of this.outputs) {
      if (t.producer !== this) continue;
      t.producer = null;
      if (msg) t.failure = `webgpu: kernel '${kernel}' failed, so this tensor holds no valid data: ${msg}`;
    }
    this.outputs.clear();
    this.deps.clear();
  }
}

/** The error kinds every submit is scoped for. */
export const SCOPE_FILTERS: GPUErrorFilter[] = ['validation', 'out-of-memory', 'internal'];

export function pushScopes(device: GPUDevice): void {
  for (const f of SCOPE_FILTERS) device.pushErrorScope(f);
}

/** Pop the scopes `pushScopes` pushed (innermost first) into one message, or null. */
export function popScopes(device: GPUDevice): Promise<string | null> {
  const pops: Promise<GPUError | null>[] = [];
  for (let i = SCOPE_FILTERS.length - 1; i >= 0; i--) pops.push(device.popErrorScope());
  return Promise.all(pops).then(
    (errs) => {
      const msgs = errs.map((e, i) => (e ? `${SCOPE_FILTERS[SCOPE_FILTERS.length - 1 - i]} error: ${e.message}` : '')).filter(Boolean);
      return msgs.length ? msgs.join('\n') : null;
    },
    // popErrorScope rejects only when the device is lost; the loss handler reports that.
    (e: unknown) => `GPU error scope could not be read: ${(e as Error).message ?? e}`,
  );
}

/** The message for any use of data that lived on a lost device. */
export function lostMessage(reason: string, message: string): string {
  return (
    `WebGPU device lost (${reason || 'unknown'}${message ? `: ${message}` : ''}); tensors that lived on it are gone. ` +
    `'await tf.ready()' or 'await tf.setBackend("webgpu")' gets a new device, 'await tf.setBackend("wasm")' moves on without one`
  );
}
