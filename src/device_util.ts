/**
 * TF.js's `device_util` namespace: isBrowser (a page or a worker), isMobile (the user agent, or
 * User-Agent Client Hints where the browser has them) and mockIsMobile (override isMobile in tests).
 */
let mobileOverride: boolean | undefined;

/**
 * Force isMobile() to `value` (undefined restores detection).
 * @example
 * ```js
 * tf.device_util.mockIsMobile(true);
 * ```
 */
export function mockIsMobile(value: boolean | undefined): void {
  mobileOverride = value;
}

const MOBILE_AGENT = /Mobi|Android|iPhone|iPad|iPod|BlackBerry|IEMobile|Opera Mini|Windows Phone|webOS|Silk|Kindle/i;

/**
 * Whether this looks like a phone or tablet (false outside a browser).
 * @example
 * ```js
 * tf.device_util.isMobile(); // false in Node
 * ```
 */
export function isMobile(nav?: Navigator): boolean {
  if (mobileOverride !== undefined) return mobileOverride;
  const n = nav ?? (typeof navigator !== 'undefined' ? navigator : undefined);
  if (!n) return false;
  if ((n as { product?: string }).product === 'ReactNative') return true;
  const hints = (n as { userAgentData?: { mobile?: boolean } }).userAgentData;
  if (hints && typeof hints.mobile === 'boolean' && hints.mobile) return true;
  const agent = n.userAgent || (n as { vendor?: string }).vendor || '';
  return MOBILE_AGENT.test(agent);
}

/**
 * True in a browser page or a web worker.
 * @example
 * ```js
 * tf.device_util.isBrowser(); // false in Node
 * ```
 */
export function isBrowser(): boolean {
  const g = globalThis as { window?: { document?: unknown }; WorkerGlobalScope?: unknown };
  return (g.window !== undefined && g.window.document != null) || g.WorkerGlobalScope !== undefined;
}
