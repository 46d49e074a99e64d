/**
 * `tf.data` (TF.js names and semantics, the subset programs use to feed `fitDataset`): a Dataset is a
 * recipe for an async iterator, so every `iterator()` call starts a fresh pass. Sources: `array`,
 * `generator`, `zip`; transforms: `map`, `mapAsync`, `filter`, `take`, `skip`, `batch` (stacks elements
 * into tensors, recursively through objects and arrays), `shuffle` (buffered, optionally seeded),
 * `prefetch`, `repeat`, `concatenate`; sinks: `forEachAsync`, `toArray`.
 */
import { Tensor } from '../tensor.js';
import { tensor } from '../ops/creation.js';
import { stack } from '../ops/layout.js';

export interface DataIterator<T> {
  next(): Promise<IteratorResult<T>>;
}
type Source<T> = () => DataIterator<T> | Promise<DataIterator<T>>;

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

/**
 * A lazy, possibly asynchronous sequence of elements (`tf.data.array`, `csv`, `generator`): `map`, `batch`,
 * `shuffle`, `take`, `forEachAsync`, and `model.fitDataset`.
 */
export class Dataset<T = unknown> {
  constructor(private readonly source: Source<T>, readonly size: number | null = null) {}

  /** A fresh pass over the data. */
  async iterator(): Promise<DataIterator<T>> {
    return this.source();
  }

  private derive<U>(make: (it: DataIterator<T>) => DataIterator<U>, size: number | null): Dataset<U> {
    return new Dataset<U>(async () => make(await this.iterator()), size);
  }

  /**
   * A dataset of `f(element)`.
   * @example
   * ```js
   * const squares = tf.data.array([1, 2, 3]).map((x) => x * x);
   * ```
   */
  map<U>(f: (x: T) => U): Dataset<U> {
    return this.derive<U>((it) => ({
      async next(): Promise<IteratorResult<U>> {
        const r = await it.next();
        return r.done ? { done: true, value: undefined } : { done: false, value: f(r.value) };
      },
    }), this.size);
  }
  /**
   * A dataset of the awaited `f(element)`.
   * @example
   * ```js
   * const ds = tf.data.array(['a.json', 'b.json']).mapAsync(async (url) => (await fetch(url)).json());
   * ```
   */
  mapAsync<U>(f: (x: T) => Promise<U>): Dataset<U> {
    return this.derive<U>((it) => ({
      async next(): Promise<IteratorResult<U>> {
        const r = await it.next();
        return r.done ? { done: true, value: undefined } : { done: false, value: await f(r.value) };
      },
    }), this.size);
  }
  /**
   * A dataset of the elements for which `pred` is true.
   * @example
   * ```js
   * const even = tf.data.array([1, 2, 3, 4]).filter((x) => x % 2 === 0);
   * ```
   */
  filter(pred: (x: T) => boolean): Dataset<T> {
    return this.derive((it) => ({
      async next() {
        for (;;) {
          const r = await it.next();
          if (r.done || pred(r.value)) return r;
        }
      },
    }), null);
  }
  /**
   * A dataset of the first `count` elements.
   * @example
   * ```js
   * const first = tf.data.array([1, 2, 3]).take(2);
   * ```
   */
  take(count: number): Dataset<T> {
    const n = count < 0 ? Infinity : count;
    return this.derive((it) => {
      let i = 0;
      return { next: async () => (i++ < n ? it.next() : { done: true, value: undefined }) };
    }, this.size == null ? null : Math.min(this.size, n));
  }
  /**
   * A dataset without the first `count` elements.
   * @example
   * ```js
   * const rest = tf.data.array([1, 2, 3]).skip(1);
   * ```
   */
  skip(count: number): Dataset<T> {
    return this.derive((it) => {
      let skipped = false;
      return {
        async next() {
          if (!skipped) {
            skipped = true;
            for (let i = 0; i < count; i++) if ((await it.next()).done) return { done: true, value: undefined };
          }
          return it.next();
        },
      };
    }, this.size == null ? null : Math.max(0, this.size - count));
  }
  /** Groups of `batchSize` consecutive elements stacked into tensors (the last one smaller unless smallLastBatch is false). */
  batch(batchSize: number, smallLastBatch = true): Dataset<unknown> {
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`dataset.batch: batchSize must be a positive integer, got ${batchSize}`);
    const size = this.size == null ? null : smallLastBatch ? Math.ceil(this.size / batchSize) : Math.floor(this.size / batchSize);
    return this.derive((it) => ({
      async next() {
        const items: T[] = [];
        while (items.length < batchSize) {
          const r = await it.next();
          if (r.done) break;
          items.push(r.value);
        }
        if (items.length === 0 || (!smallLastBatch && items.length < batchSize)) return { done: true, value: undefined };
        return { done: false, value: batchElements(items) };
      },
    }), size);
  }
  /** Random order within a sliding buffer of `bufferSize` elements (a full shuffle when it holds the whole dataset). */
  shuffle(bufferSize: number, seed?: string | number, reshuffleEachIteration = true): Dataset<T> {
    if (!Number.isInteger(bufferSize) || bufferSize < 1) throw new Error(`dataset.shuffle: bufferSize must be a positive integer, got ${bufferSize}`);
    const base = seed == null ? undefined : typeof seed === 'number' ? seed : [...seed].reduce((h, ch) => Math.imul(h, 31) + ch.charCodeAt(0), 7);
    let pass = 0;
    return new Dataset<T>(async () => {
      const it = await this.iterator();
      const rand = uniform(base == null ? undefined : base + (reshuffleEachIteration ? pass++ : 0));
      const buffer: T[] = [];
      let exhausted = false;
      return {
        async next() {
          while (!exhausted && buffer.length < bufferSize) {
            const r = await it.next();
            if (r.done) exhausted = true;
            else buffer.push(r.value);
          }
          if (buffer.length === 0) return { done: true, value: undefined };
          const k = Math.floor(rand() * buffer.length);
          const value = buffer[k];
          buffer[k] = buffer[buffer.length - 1];
          buffer.pop();
          return { done: false, value };
        },
      };
    }, this.size);
  }
  /** Read up to `bufferSize` elements ahead. */
  prefetch(bufferSize: number): Dataset<T> {
    return this.derive((it) => {
      const ahead: Promise<IteratorResult<T>>[] = [];
      return {
        next() {
          while (ahead.length < Math.max(1, bufferSize)) ahead.push(it.next());
          return ahead.shift()!;
        },
      };
    }, this.size);
  }
  /** The dataset `count` times (forever when omitted). */
  repeat(count?: number): Dataset<T> {
    const times = count == null || count < 0 ? Infinity : count;
    return new Dataset<T>(() => {
      let done = 0;
      let it: DataIterator<T> | null = null;
      return {
        next: async (): Promise<IteratorResult<T>> => {
          while (done < times) {
            it ??= await this.iterator();
            const r = await it.next();
            if (!r.done) return r;
            it = null;
            done++;
          }
          return { done: true, value: undefined };
        },
      };
    }, this.size == null || !Number.isFinite(times) ? null : this.size * times);
  }
  /**
   * This dataset's elements followed by `other`'s.
   * @example
   * ```js
   * const both = tf.data.array([1, 2]).concatenate(tf.data.array([3]));
   * ```
   */
  concatenate(other: Dataset<T>): Dataset<T> {
    return new Dataset<T>(async () => {
      const a = await this.iterator();
      let b: DataIterator<T> | null = null;
      let inB = false;
      return {
        async next() {
          if (!inB) {
            const r = await a.next();
            if (!r.done) return r;
            inB = true;
          }
          b ??= await other.iterator();
          return b.next();
        },
      };
    }, this.size == null || other.size == null ? null : this.size + other.size);
  }

  /**
   * Calls `f` on every element, in order; resolves when done.
   * @example
   * ```js
   * await tf.data.array([1, 2, 3]).forEachAsync((x) => console.log(x));
   * ```
   */
  async forEachAsync(f: (x: T) => void | Promise<void>): Promise<void> {
    const it = await this.iterator();
    for (let r = await it.next(); !r.done; r = await it.next()) await f(r.value);
  }
  /**
   * All elements in an array.
   * @example
   * ```js
   * const xs = await tf.data.array([1, 2, 3]).map((x) => x + 1).toArray(); // [2, 3, 4]
   * ```
   */
  async toArray(): Promise<T[]> {
    const out: T[] = [];
    await this.forEachAsync((x) => {
      out.push(x);
    });
    return out;
  }
}

/**
 * TF.js `tf.data.array(items)`.
 * @example
 * ```js
 * await tf.data.array([1, 2, 3]).map((x) => x * 2).forEachAsync((x) => console.log(x)); // 2, 4, 6
 * ```
 */
export function array<T>(items: T[]): Dataset<T> {
  if (!Array.isArray(items)) throw new Error('data.array: expected an array');
  return new Dataset<T>(() => {
    let i = 0;
    return { next: async () => (i < items.length ? { done: false, value: items[i++] } : { done: true, value: undefined }) };
  }, items.length);
}

/**
 * TF.js `tf.data.generator(fn)`: fn returns a (sync or async) iterator, or is a generator function.
 * @example
 * ```js
 * const ds = tf.data.generator(function* () { for (let i = 0; i < 3; i++) yield i; });
 * ```
 */
export function generator<T>(make: () => Iterator<T> | AsyncIterator<T> | Promise<Iterator<T> | AsyncIterator<T>>): Dataset<T> {
  if (typeof make !== 'function') throw new Error('data.generator: expected a function that returns an iterator (e.g. a generator function)');
  return new Dataset<T>(async () => {
    const it = await make();
    if (!it || typeof it.next !== 'function') throw new Error('data.generator: the function must return an iterator');
    return { next: async () => (await it.next()) as IteratorResult<T> };
  });
}

/**
 * TF.js `tf.data.zip(datasets)`: elements combined into arrays or objects of the same shape; stops at the shortest.
 * @example
 * ```js
 * const ds = tf.data.zip({ xs: tf.data.array([1, 2]), ys: tf.data.array([3, 4]) });
 * ```
 */
export function zip(datasets: Dataset[] | Record<string, Dataset>): Dataset<unknown> {
  const isList = Array.isArray(datasets);
  const entries = Object.entries(datasets) as [string, Dataset][];
  const sizes = entries.map(([, d]) => d.size);
  return new Dataset<unknown>(async () => {
    const its = await Promise.all(entries.map(([, d]) => d.iterator()));
    return {
      async next() {
        const rs = await Promise.all(its.map((it) => it.next()));
        if (rs.some((r) => r.done)) return { done: true, value: undefined };
        if (isList) return { done: false, value: rs.map((r) => r.value) };
        return { done: false, value: Object.fromEntries(entries.map(([k], i) => [k, rs[i].value])) };
      },
    };
  }, sizes.every((s) => s != null) ? Math.min(...(sizes as number[])) : null);
}
