/**
 * `tf.nextFrame()` (TF.js name): a promise that resolves on the next animation frame in a page, or on the
 * next macrotask elsewhere (workers, Node), so long loops can hand control back to the event loop.
 * @example
 * ```js
 * for (let epoch = 0; epoch < 10; epoch++) {
 *   await model.fit(xs, ys, { epochs: 1 });
 *   await tf.nextFrame(); // let the page repaint
 * }
 * ```
 */
export function nextFrame(): Promise<void> {
  return new Promise((resolve) => {
    const immediate = (globalThis as { setImmediate?: (cb: () => void) => unknown }).setImmediate;
    const raf = (globalThis as { requestAnimationFrame?: (cb: () => void) => unknown }).requestAnimationFrame;
    if (typeof raf === 'function' && typeof document !== 'undefined' && document.visibilityState !== 'hidden') raf(() => resolve());
    else if (typeof immediate === 'function') immediate(resolve);
    else setTimeout(resolve, 0);
  });
}
