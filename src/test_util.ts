/**
 * TF.js's public `test_util` namespace, for programs' own tests: array and number comparisons
 * that throw an Error (TF.js's wording) on a mismatch, the float32 test epsilon, string
 * encoding, and the video-element helpers of browser tests. As in TF.js, two non-finite values
 * (NaN and NaN, Infinity and -Infinity) count as close; a finite value is never close to NaN.
 */
import { encodeString } from './util_public.js';

type Nested = number | boolean | string | Uint8Array | ArrayLike<unknown> | Nested[];

/** TF.js TEST_EPSILON_FLOAT32 / FLOAT16. */
export const TEST_EPSILON_FLOAT32 = 1e-3;
/**
 * The comparison tolerance TF.js's tests use for float16 backends.
 */
export const TEST_EPSILON_FLOAT16 = 1e-1;

/**
 * The tolerance for closeness checks on the active backend (every tessera backend is float32).
 * @example
 * ```js
 * tf.test_util.testEpsilon(); // 1e-3 for float32 backends
 * ```
 */
export function testEpsilon(): number {
  return TEST_EPSILON_FLOAT32;
}

const isTyped = (x: unknown): x is ArrayLike<number> => ArrayBuffer.isView(x) && !(x instanceof DataView);

function shapeOf(x: unknown): number[] {
  const shape: number[] = [];
  let cur = x;
  while (Array.isArray(cur) || isTyped(cur)) {
    shape.push((cur as ArrayLike<unknown>).length);
    cur = (cur as ArrayLike<unknown>)[0];
  }
  return shape;
}

function flat(x: unknown, out: unknown[] = []): unknown[] {
  if (Array.isArray(x) || isTyped(x)) for (const v of Array.from(x as ArrayLike<unknown>)) flat(v, out);
  else out.push(x);
  return out;
}

function areClose(a: number, e: number, epsilon: number): boolean {
  if (!Number.isFinite(a) && !Number.isFinite(e)) return true;
  return !(Number.isNaN(a) || Number.isNaN(e) || Math.abs(a - e) > epsilon);
}

function comparePredicate(actual: unknown, expected: unknown, close: (a: unknown, e: unknown) => boolean): void {
  // plain arrays against plain arrays must agree in kind and shape; a typed array may stand for either
  if (isTyped(actual) === isTyped(expected)) {
    const aType = (actual as object).constructor.name, eType = (expected as object).constructor.name;
    if (aType !== eType) throw new Error(`Arrays are of different type. Actual: ${aType}. Expected: ${eType}`);
  }
  if (Array.isArray(actual) && Array.isArray(expected)) {
    const as = shapeOf(actual), es = shapeOf(expected);
    if (as.join() !== es.join()) throw new Error(`Arrays have different shapes. Actual: [${as}]. Expected: [${es}]`);
  }
  const a = isTyped(actual) ? Array.from(actual) : flat(actual);
  const e = isTyped(expected) ? Array.from(expected) : flat(expected);
  if (a.length !== e.length) {
    throw new Error(`Arrays have different lengths actual: ${a.length} vs expected: ${e.length}.\nActual:   ${a}.\nExpected: ${e}.`);
  }
  e.forEach((ev, i) => {
    if (!close(a[i], ev)) throw new Error(`Arrays differ: actual[${i}] = ${a[i]}, expected[${i}] = ${ev}.\nActual:   ${a}.\nExpected: ${e}.`);
  });
}

const asArray = (x: Nested): unknown => (typeof x === 'number' || typeof x === 'boolean' || typeof x === 'string' ? [x] : x);

/**
 * Every element within `epsilon` (default testEpsilon()) of the expected one.
 * @example
 * ```js
 * tf.test_util.expectArraysClose(await tf.tensor([1, 2]).data(), [1, 2.0001]);
 * ```
 */
export function expectArraysClose(actual: Nested, expected: Nested, epsilon?: number): void {
  const eps = epsilon ?? testEpsilon();
  comparePredicate(asArray(actual), asArray(expected), (a, e) => areClose(a as number, e as number, eps));
}

/**
 * Every element equal (strings compared as strings).
 * @example
 * ```js
 * tf.test_util.expectArraysEqual(await tf.tensor1d([1, 2], 'int32').data(), [1, 2]);
 * ```
 */
export function expectArraysEqual(actual: Nested, expected: Nested): void {
  const a = asArray(actual), e = asArray(expected);
  const first = (x: unknown) => (Array.isArray(x) ? flat(x)[0] : x);
  if (typeof first(a) === 'string' || typeof first(e) === 'string') {
    comparePredicate(a, e, (x, y) => x == y); // eslint-disable-line eqeqeq
  } else {
    comparePredicate(a, e, (x, y) => areClose(x as number, y as number, 0));
  }
}

/**
 * Throws unless |a - e| is within `epsilon` (testEpsilon() by default).
 * @example
 * ```js
 * tf.test_util.expectNumbersClose(1.0001, 1);
 * ```
 */
export function expectNumbersClose(a: number, e: number, epsilon?: number): void {
  if (!areClose(a, e, epsilon ?? testEpsilon())) throw new Error(`Numbers differ: actual === ${a}, expected === ${e}`);
}

/**
 * Throws unless every value lies within [low, high].
 * @example
 * ```js
 * tf.test_util.expectValuesInRange([0.2, 0.8], 0, 1);
 * ```
 */
export function expectValuesInRange(actual: ArrayLike<number>, low: number, high: number): void {
  for (let i = 0; i < actual.length; i++) {
    if (actual[i] < low || actual[i] > high) throw new Error(`Value out of range:${actual[i]} low: ${low}, high: ${high}`);
  }
}

/**
 * Throws unless the two ArrayBuffers hold the same bytes.
 * @example
 * ```js
 * tf.test_util.expectArrayBuffersEqual(new ArrayBuffer(4), new ArrayBuffer(4));
 * ```
 */
export function expectArrayBuffersEqual(actual: ArrayBuffer, expected: ArrayBuffer): void {
  const a = new Uint8Array(actual), e = new Uint8Array(expected);
  if (a.length !== e.length || a.some((v, i) => v !== e[i])) {
    throw new Error(`ArrayBuffers differ: ${a.length} bytes vs ${e.length} expected`);
  }
}

/**
 * Call `done()` when fn's promise rejects, `done.fail()` when it resolves (jasmine style).
 * @example
 * ```js
 * tf.test_util.expectPromiseToFail(() => model.save('bad://x'), done);
 * ```
 */
export function expectPromiseToFail(fn: () => Promise<unknown>, done: { (): void; fail(msg?: string): void }): void {
  fn().then(() => done.fail(), () => done());
}

/**
 * Strings (nested) encoded to UTF-8 bytes, in place.
 * @example
 * ```js
 * tf.test_util.encodeStrings(['a', ['b']]); // [Uint8Array [97], [Uint8Array [98]]]
 * ```
 */
export function encodeStrings(a: Nested): Nested {
  if (!Array.isArray(a)) return typeof a === 'string' ? encodeString(a) : a;
  for (let i = 0; i < a.length; i++) a[i] = typeof a[i] === 'string' ? encodeString(a[i] as string) : encodeStrings(a[i]);
  return a;
}

/**
 * A muted, inline, looping <video> playing `source` (a <source> element or a URL).
 * @example
 * ```js
 * const video = await tf.test_util.createVideoElement('video.mp4');
 * ```
 */
export function createVideoElement(source: HTMLSourceElement | string): Promise<HTMLVideoElement> {
  const video = document.createElement('video');
  if ('playsInline' in video) video.playsInline = true;
  video.muted = true;
  video.loop = true;
  video.style.position = 'fixed';
  video.style.left = '0px';
  video.style.top = '0px';
  video.preload = 'auto';
  if (typeof source === 'string') video.src = source;
  else video.appendChild(source);
  return new Promise((resolve) => video.addEventListener('loadeddata', () => resolve(video)));
}

/**
 * Start a video and resolve once it has a frame to show.
 * @example
 * ```js
 * await tf.test_util.play(video);
 * ```
 */
export async function play(video: HTMLVideoElement): Promise<void> {
  await video.play();
  if ('requestVideoFrameCallback' in video) {
    await new Promise<void>((resolve) => (video as any).requestVideoFrameCallback(() => resolve()));
  }
}
