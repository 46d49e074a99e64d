/**
 * What a `tf.data` Dataset does when it is iterated: the iterators of its transforms (map, filter, take,
 * skip, batch with TF.js's deep batching, seeded shuffle, prefetch, repeat, concatenate) and of `zip`, and
 * the forEachAsync loop. Iteration is async, so this module loads on the first iteration with the other
 * async-only modules (src/async_parts.ts); dataset.ts only records the recipe and checks the arguments.
 */
import { Tensor } from '../tensor.js';
import { tensor } from '../ops/creation.js';
import { stack } from '../ops/layout.js';
import type { DataIterator } from './dataset.js';

type Result<T> = Promise<IteratorResult<T>>;
const DONE = (): IteratorReturnResult<undefined> => ({ done: true, value: undefined });

/** A seeded uniform [0, 1) generator (LCG); unseeded uses Math.random. */
function uniform(seed?: number): () => number {
  if (seed == null) return Math.random;
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Stack a list of same-structured elements into one batched element (TF.js's deep batching). */
export function batchElements(items: unknown[]): unknown {
  const first = items[0];
  if (first instanceof Tensor) return stack(items as Tensor[]);
  if (typeof first === 'number' || typeof first === 'boolean') return tensor(items as number[]);
  if (typeof first === 'string') return items;
  if (Array.isArray(first)) {
    // arrays of numbers are values (rows of a tensor); arrays of tensors / objects are structure
    if (first.length === 0 || typeof first[0] === 'number' || Array.isArray(first[0])) return tensor(items as number[][]);
    return first.map((_, k) => batchElements(items.map((it) => (it as unknown[])[k])));
  }
  if (first && typeof first === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(first)) out[key] = batchElements(items.map((it) => (it as Record<string, unknown>)[key]));
    return out;
  }
  throw new Error(`dataset.batch: cannot batch elements of type ${first === null ? 'null' : typeof first}`);
}

/** map (the value is f's result, as it is) and mapAsync (`awaited`: the value is f's result awaited). */
export function mapIterator<T, U>(it: DataIterator<T>, f: (x: T) => U | Promise<U>, awaited: boolean): DataIterator<U> {
  return {
    async next(): Result<U> {
      const r = await it.next();
      return r.done ? DONE() : { done: false, value: (awaited ? await f(r.value) : f(r.value)) as U };
    },
  };
}

export function filterIterator<T>(it: DataIterator<T>, pred: (x: T) => boolean): DataIterator<T> {
  return {
    async next() {
      for (;;) {
        const r = await it.next();
        if (r.done || pred(r.value)) return r;
      }
    },
  };
}

export function takeIterator<T>(it: DataIterator<T>, n: number): DataIterator<T> {
  let i = 0;
  return { next: async () => (i++ < n ? it.next() : DONE()) };
}

export function skipIterator<T>(it: DataIterator<T>, count: number): DataIterator<T> {
  let skipped = false;
  return {
    async next() {
      if (!skipped) {
        skipped = true;
        for (let i = 0; i < count; i++) if ((await it.next()).done) return DONE();
      }
      return it.next();
    },
  };
}

export function batchIterator<T>(it: DataIterator<T>, batchSize: number, smallLastBatch: boolean): DataIterator<unknown> {
  return {
    async next() {
      const items: T[] = [];
      while (items.length < batchSize) {
        const r = await it.next();
        if (r.done) break;
        items.push(r.value);
      }
      if (items.length === 0 || (!smallLastBatch && items.length < batchSize)) return DONE();
      return { done: false, value: batchElements(items) };
    },
  };
}

/** Random order within a sliding buffer of `bufferSize` elements; `seed` undefined: Math.random. */
export function shuffleIterator<T>(it: DataIterator<T>, bufferSize: number, seed: number | undefined): DataIterator<T> {
  const rand = uniform(seed);
  const buffer: T[] = [];
  let exhausted = false;
  return {
    async next() {
      while (!exhausted && buffer.length < bufferSize) {
        const r = await it.next();
        if (r.done) exhausted = true;
        else buffer.push(r.value);
      }
      if (buffer.length === 0) return DONE();
      const k = Math.floor(rand() * buffer.length);
      const value = buffer[k];
      buffer[k] = buffer[buffer.length - 1];
      buffer.pop();
      return { done: false, value };
    },
  };
}

export function prefetchIterator<T>(it: DataIterator<T>, bufferSize: number): DataIterator<T> {
  const ahead: Result<T>[] = [];
  return {
    next() {
      while (ahead.length < Math.max(1, bufferSize)) ahead.push(it.next());
      return ahead.shift()!;
    },
  };
}

/** `times` passes, each from a fresh `pass()`. */
export function repeatIterator<T>(pass: () => Promise<DataIterator<T>>, times: number): DataIterator<T> {
  let done = 0;
  let it: DataIterator<T> | null = null;
  return {
    next: async (): Result<T> => {
      while (done < times) {
        it ??= await pass();
        const r = await it.next();
        if (!r.done) return r;
        it = null;
        done++;
      }
      return DONE();
    },
  };
}

/** `a`'s elements, then those of `second()` (started when `a` ends). */
export function concatenateIterator<T>(a: DataIterator<T>, second: () => Promise<DataIterator<T>>): DataIterator<T> {
  let b: DataIterator<T> | null = null;
  let inB = false;
  return {
    async next() {
      if (!inB) {
        const r = await a.next();
        if (!r.done) return r;
        inB = true;
      }
      b ??= await second();
      return b.next();
    },
  };
}

/** zip: arrays of the elements (keys null) or objects keyed by `keys`; stops at the shortest. */
export function zipIterator(its: DataIterator<unknown>[], keys: string[] | null): DataIterator<unknown> {
  return {
    async next() {
      const rs = await Promise.all(its.map((it) => it.next()));
      if (rs.some((r) => r.done)) return DONE();
      if (!keys) return { done: false, value: rs.map((r) => r.value) };
      return { done: false, value: Object.fromEntries(keys.map((k, i) => [k, rs[i].value])) };
    },
  };
}

/** Calls `f` on every element, in order. */
export async function forEachElement<T>(it: DataIterator<T>, f: (x: T) => void | Promise<void>): Promise<void> {
  for (let r = await it.next(); !r.done; r = await it.next()) await f(r.value);
}
