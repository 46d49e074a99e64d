/**
 * TF.js's environment and engine handles: `env()` (flags and the platform: fetch, now, string coding),
 * `engine()` (scopes, registered variables, the active backend) and `backend()` (the active backend with
 * TF.js's query methods). They are thin views over tessera's engine, so programs and test harnesses written
 * for TF.js find the calls they use; kernels and the tape stay private.
 */
import { ENGINE, collectTensors } from './engine.js';
import type { Tensor } from './tensor.js';
import type { Backend } from './backends/backend.js';
import { variableRegistry, type Variable } from './variable.js';

type FlagValue = number | boolean | string;

const nodeProcess = (globalThis as { process?: { versions?: { node?: string } } }).process;
const isNodeRuntime = nodeProcess?.versions?.node != null && typeof window === 'undefined';

/** The flags tessera understands; anything else may be set by a program and read back. */
const FLAG_DEFAULTS: Record<string, () => FlagValue> = {
  IS_BROWSER: () => typeof window !== 'undefined' && typeof document !== 'undefined',
  IS_NODE: () => isNodeRuntime,
  IS_CHROME: () => {
    const nav = (globalThis as { navigator?: { userAgent?: string; vendor?: string } }).navigator;
    return nav?.userAgent != null && /Chrome/.test(nav.userAgent) && /Google Inc/.test(nav.vendor ?? '');
  },
  IS_TEST: () => false,
  DEBUG: () => false,
  PROD: () => false,
  EPSILON: () => 1e-7,
  TENSORLIKE_CHECK_SHAPE_CONSISTENCY: () => true,
  KEEP_INTERMEDIATE_TENSORS: () => false,
  DEPRECATION_WARNINGS_ENABLED: () => true,
  /**
   * tessera: on a backend that can lose its device (webgpu), fit/fitDataset copy the weights and
   * optimizer state to the host at every epoch end so they can resume after a loss (fit_recovery.ts).
   */
  FIT_DEVICE_LOSS_SNAPSHOT: () => true,
  /**
   * tessera: on webgpu, weights saved as float16 (`quantizeWeights: 'float16'`) stay float16 on the
   * GPU after loadLayersModel: half the bytes, two halves per 32-bit word, widened exactly to float32
   * in the matMul / conv2d / depthwiseConv2d shaders (unpack2x16float; accumulation stays float32)
   * and by a small widening kernel for any other use. Predictions equal float32 storage's; data()
   * gives the float32 values; `tf.memory().numBytes` counts 2 bytes per such element (TF.js: 4).
   * A variable that training updates takes float32 storage. Off: float32 storage, as TF.js. The
   * load option `float16Weights` overrides it per load.
   */
  WEBGPU_FLOAT16_WEIGHTS: () => true,
  /** tessera: predict / predictOnBatch replay a recorded plan per input signature (src/models/predict_plan.ts). */
  PREDICT_PLAN: () => true,
  /** tessera: fit / fitDataset / trainOnBatch replay a recorded training step per input signature (src/models/train_plan.ts). */
  TRAIN_PLAN: () => true,
  /**
   * tessera: LSTM and ConvLSTM2D layers (tanh activation, hardSigmoid or sigmoid recurrent activation) run each
   * time step's gates as the fused lstmCell kernel, and its gradient as one kernel (src/ops/lstm_cell.ts): on the
   * backend named here ('webgpu': there a kernel call is a GPU dispatch; on wasm the unfused cell's SIMD kernels beat
   * the fused cell's scalar loop), on every backend (true) or none (false).
   */
  LSTM_FUSED_CELL: () => 'webgpu',
  /**
   * tessera: the gradient of unmasked attention (headDim <= 128) runs as the attentionGrad kernel (two webgpu
   * dispatches) instead of composed matMuls and elementwise ops, and a multi-head layer's attention reads and writes
   * its heads packed, with no head split / merge copies (src/ops/attention.ts): on the backend named here ('webgpu':
   * there a kernel call is a GPU dispatch; on wasm the composed SIMD kernels beat the packed forms' scalar js loops),
   * on every backend (true) or none (false).
   */
  ATTENTION_FUSED_GRAD: () => 'webgpu',
  /** tessera: the recorded plan replaces written-out attention by the attention kernel (src/plan/pattern_attention.ts); off to compare. */
  PLAN_ATTENTION_PATTERN: () => true,
  /** tessera: the recorded plan ends fused elementwise kernels with the reduction that reads them (src/plan/fuse.ts); off to compare. */
  PLAN_FUSE_REDUCTIONS: () => true,
  /** tessera: the recorded plan merges bias gradients into their weight-gradient matMuls (src/plan/pattern_bias_grad.ts); off to compare. */
  PLAN_BIAS_GRAD: () => true,
};

export interface Platform {
  /** `options.isBinary` is a hint TF.js passes for weight shards; the default fetch ignores it. */
  fetch(path: string, init?: RequestInit, options?: { isBinary?: boolean }): Promise<Response>;
  now(): number;
  encode(text: string, encoding?: string): Uint8Array;
  decode(bytes: Uint8Array, encoding?: string): string;
  isTypedArray(a: unknown): boolean;
}

const defaultPlatform: Platform = {
  fetch: (path, init) => fetch(path, init),
  now: () => performance.now(),
  encode: (text, encoding = 'utf-8') => {
    if (encoding.toLowerCase() !== 'utf-8' && encoding.toLowerCase() !== 'utf8') {
      throw new Error(`encode: only utf-8 is supported, got '${encoding}'`);
    }
    return new TextEncoder().encode(text);
  },
  decode: (bytes, encoding = 'utf-8') => new TextDecoder(encoding).decode(bytes),
  isTypedArray: (a) => ArrayBuffer.isView(a) && !(a instanceof DataView),
};

/** TF.js `getQueryParams('?a=1&b')` -> {a: '1', b: ''}: names end at '=', '&' or '?'. */
export function getQueryParams(queryString: string): Record<string, string> {
  const params: Record<string, string> = {};
  for (const m of queryString.matchAll(/[?&]([^=?&]+)(?:=([^&]*))?/g)) params[decodeURIComponent(m[1])] = decodeURIComponent(m[2] ?? '');
  return params;
}

/** TF.js's Environment: evaluated flags plus the platform. */
export class Environment {
  private flags: Record<string, FlagValue> = {};
  private evaluators: Record<string, () => FlagValue | Promise<FlagValue>> = { ...FLAG_DEFAULTS };
  private setHooks: Record<string, (value: FlagValue) => void> = {};
  /** Flags given in the page URL as `?tfjsflags=NAME:value,...` (TF.js's debugging override). */
  private urlFlags: Record<string, FlagValue> = {};
  /** The platform object (fetch, now, text encoding) tessera uses. */
  platform: Platform = defaultPlatform;
  /** TF.js's `getQueryParams`: a URL query string's `name=value` pairs (percent-decoded; a bare name maps to ''). */
  getQueryParams = getQueryParams;
  /** The platform's name: 'node' or 'browser' unless `setPlatform` changed it. */
  platformName = isNodeRuntime ? 'node' : 'browser';

  /** TF.js's `global`: the global object (non-enumerable: it refers back to itself, so walks over env() must not enter it). */
  declare global: unknown;

  /** `global` is the global object (TF.js's constructor argument); its location's query may override flags. */
  constructor(global: unknown = globalThis) {
    Object.defineProperty(this, 'global', { value: global, writable: true, configurable: true, enumerable: false });
    this.populateURLFlags();
  }

  /** The flags set so far, by name. */
  get features(): Record<string, FlagValue> {
    return this.flags;
  }
  /** TF.js `registerFlag(name, evaluate, setHook?)`: setHook runs on every set(); a URL override applies at once. */
  registerFlag(name: string, evaluate: () => FlagValue | Promise<FlagValue>, setHook?: (value: FlagValue) => void): void {
    this.evaluators[name] = evaluate;
    if (setHook) this.setHooks[name] = setHook;
    else delete this.setHooks[name];
    if (this.urlFlags[name] != null) {
      const value = this.urlFlags[name];
      if (!(this.getBool('IS_TEST') || this.getBool('PROD'))) console.warn(`Setting feature override from URL ${name}: ${value}.`); // TF.js's wording
      this.set(name, value);
    }
  }
  /** The value of flag `name` (its default when unset). */
  get(name: string): FlagValue {
    if (name in this.flags) return this.flags[name];
    const evaluate = this.evaluators[name];
    if (!evaluate) throw new Error(`Cannot evaluate flag '${name}': no evaluation function found.`);
    const value = evaluate();
    if (value instanceof Promise) throw new Error(`Flag ${name} cannot be synchronously evaluated. Please use getAsync() instead.`); // TF.js's wording
    this.flags[name] = value;
    return value;
  }
  /** TF.js `getAsync`: the flag's value, awaiting an evaluator that returns a Promise (then cached). */
  async getAsync(name: string): Promise<FlagValue> {
    if (name in this.flags) return this.flags[name];
    const evaluate = this.evaluators[name];
    if (!evaluate) throw new Error(`Cannot evaluate flag '${name}': no evaluation function found.`);
    this.flags[name] = await evaluate();
    return this.flags[name];
  }
  /** The value of a string flag. */
  getString(name: string): string {
    return this.get(name) as string;
  }
  /** The value of a boolean flag. */
  getBool(name: string): boolean {
    return this.get(name) as boolean;
  }
  /** The value of a numeric flag. */
  getNumber(name: string): number {
    return this.get(name) as number;
  }
  /** All flags set so far, by name. */
  getFlags(): Record<string, FlagValue> {
    return { ...this.flags };
  }
  /** Sets flag `name` (e.g. `tf.env().set('DEBUG', true)`). */
  set(name: string, value: FlagValue): void {
    this.flags[name] = value;
    this.setHooks[name]?.(value);
  }
  /** Sets several flags at once. */
  setFlags(flags: Record<string, FlagValue>): void {
    this.flags = { ...flags };
  }
  /** Forgets every flag set (back to the defaults). */
  reset(): void {
    this.flags = {};
    this.urlFlags = {};
    this.populateURLFlags();
  }
  /** Read `tfjsflags=A:true,B:200,C:text` from the global's location (true/false and numbers parsed, as TF.js). */
  private populateURLFlags(): void {
    const search = (this.global as { location?: { search?: unknown } } | undefined)?.location?.search;
    if (typeof search !== 'string') return;
    const spec = this.getQueryParams(search).tfjsflags;
    if (spec === undefined) return;
    for (const pair of spec.split(',')) {
      const [key, raw = ''] = pair.split(':');
      const lower = raw.toLowerCase();
      this.urlFlags[key] = lower === 'true' || lower === 'false' ? lower === 'true' : `${+lower}` === lower ? +lower : raw;
    }
  }
  /** Replaces the platform (fetch, now, text encoding) under `name`. */
  setPlatform(name: string, platform: Platform): void {
    this.platformName = name;
    this.platform = platform;
  }
}

/** TF.js's `ENV` (deprecated there in favour of `env()`): the same Environment object. */
export const ENV = new Environment();
/**
 * TF.js `env()`: the flags and platform.
 * @example
 * ```js
 * tf.env().set('DEBUG', false);
 * ```
 */
export function env(): Environment {
  return ENV;
}

/** TF.js's query methods on a backend (tessera computes in float32 on every backend). */
export interface BackendQueries {
  floatPrecision(): 16 | 32;
  epsilon(): number;
  numDataIds(): number;
}
export type BackendHandle = Backend & BackendQueries;

/**
 * TF.js `backend()`: the active backend object itself (so `backend().device` is the GPUDevice on webgpu), with
 * TF.js's query methods added where the backend has none.
 * @example
 * ```js
 * console.log(tf.backend());
 * ```
 */
export function backend(): BackendHandle {
  const real = ENGINE.backend;
  const queries: BackendQueries = {
    floatPrecision: () => 32,
    epsilon: () => 1e-7,
    numDataIds: () => real.memory().numBuffers,
  };
  return new Proxy(real, {
    get(target, key) {
      if (!(key in target) && key in queries) return queries[key as keyof BackendQueries];
      const value = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as BackendHandle;
}

/**
 * TF.js `engine()`: scopes, variables and the active backend, for programs and test harnesses.
 * @example
 * ```js
 * console.log(tf.engine().backendName);
 * ```
 */
export function engine() {
  return {
    get backend(): BackendHandle {
      return backend();
    },
    get backendName(): string {
      return ENGINE.getBackend();
    },
    get registeredVariables(): Record<string, Variable> {
      return Object.fromEntries(variableRegistry);
    },
    startScope(_name?: string): void {
      ENGINE.startScope();
    },
    endScope(result?: unknown): void {
      ENGINE.endScope(result);
    },
    /** Dispose every variable (TF.js's test harness calls this between specs). */
    disposeVariables(): void {
      for (const v of [...variableRegistry.values()]) v.dispose();
    },
    /**
     * Dispose every live tensor and variable (TF.js's test harness resets the engine around each
     * suite). Objects that held tensors, such as optimizers and models, are unusable afterwards.
     */
    reset(): void {
      for (const v of [...variableRegistry.values()]) v.dispose();
      for (const t of [...ENGINE.liveTensors]) t.dispose();
    },
    memory: () => ENGINE.memory(),
  };
}

/**
 * TF.js `enableProdMode()`: sets the PROD flag (tessera runs no extra debug checks either way).
 * @example
 * ```js
 * tf.enableProdMode(); // skips debug-only checks
 * ```
 */
export function enableProdMode(): void {
  ENV.set('PROD', true);
}
/**
 * TF.js `enableDebugMode()`: sets the DEBUG flag.
 * @example
 * ```js
 * tf.enableDebugMode(); // checks every kernel output for NaN
 * ```
 */
export function enableDebugMode(): void {
  ENV.set('DEBUG', true);
  console.warn('Debugging mode is ON. The output of every math call will be downloaded to CPU and checked for NaNs. This significantly impacts performance.');
}
/**
 * TF.js `deprecationWarn(msg)`: a console warning unless deprecation warnings are disabled.
 * @example
 * ```js
 * tf.deprecationWarn('myOp is deprecated; use myOp2');
 * ```
 */
export function deprecationWarn(msg: string): void {
  if (ENV.getBool('DEPRECATION_WARNINGS_ENABLED')) {
    console.warn(`${msg} You can disable deprecation warnings with tf.disableDeprecationWarnings().`);
  }
}
/**
 * Turns off the console warnings printed for deprecated names.
 * @example
 * ```js
 * tf.disableDeprecationWarnings();
 * ```
 */
export function disableDeprecationWarnings(): void {
  ENV.set('DEPRECATION_WARNINGS_ENABLED', false);
  console.warn('TensorFlow.js deprecation warnings have been disabled.');
}

/**
 * TF.js `time(fn)`: `{wallMs, kernelMs}`. tessera does not time kernels one by one: kernelMs is the time fn
 * took to run and its device work to finish (on js and wasm kernels run inside fn, so it includes the op
 * layer's small overhead); wallMs adds reading the result back.
 * @example
 * ```js
 * const { wallMs, kernelMs } = await tf.time(() => tf.matMul(tf.ones([64, 64]), tf.ones([64, 64])));
 * ```
 */
export async function time(fn: () => unknown): Promise<{ wallMs: number; kernelMs: number }> {
  const t0 = performance.now();
  const result = fn();
  await ENGINE.backend.sync();
  const kernelMs = performance.now() - t0;
  const tensors = new Set<Tensor>();
  collectTensors(result, tensors);
  await Promise.all([...tensors].map((t) => t.data()));
  return { wallMs: performance.now() - t0, kernelMs };
}
