/**
 * `tf.data` (TF.js names and semantics, the subset programs use to feed `fitDataset`): a Dataset is a
 * recipe for an async iterator, so every `iterator()` call starts a fresh pass. Sources: `array`,
 * `generator`, `zip`; transforms: `map`, `mapAsync`, `filter`, `take`, `skip`, `batch` (stacks elements
 * into tensors, recursively through objects and arrays), `shuffle` (buffered, optionally seeded),
 * `prefetch`, `repeat`, `concatenate`; sinks: `forEachAsync`, `toArray`.
 */
export interface DataIterator<T> {
  next(): Promise<IteratorResult<T>>;
}
type Source<T> = () => DataIterator<T> | Promise<DataIterator<T>>;
type Iterators = typeof import('./dataset_iterators.js');

/** The iterators (dataset_iterators.ts), loaded on the first iteration with the async parts (src/async_parts.ts). */
const iterators = async (): Promise<Iterators> => (await import('../async_parts.js')).datasetIterators;

/**
 * A lazy, possibly asynchronous sequence of elements (`tf.data.array`, `csv`, `generator`): `map`, `batch`,
 * `shuffle`, `take`, `forEachAsync`, and `model.fitDataset`. A Dataset records its recipe and checks the
 * arguments; what runs on iteration (async) is in dataset_iterators.ts.
 */
export class Dataset<T = unknown> {
  constructor(private readonly source: Source<T>, readonly size: number | null = null) {}

  /** A fresh pass over the data. */
  async iterator(): Promise<DataIterator<T>> {
    return this.source();
  }

  /** A dataset whose pass is `make(a pass of this one, the iterators)`. */
  private derive<U>(make: (it: DataIterator<T>, its: Iterators) => DataIterator<U>, size: number | null): Dataset<U> {
    return new Dataset<U>(async () => {
      const its = await iterators();
      return make(await this.iterator(), its);
    }, size);
  }

  /**
   * A dataset of `f(element)`.
   * @example
   * ```js
   * const squares = tf.data.array([1, 2, 3]).map((x) => x * x);
   * ```
   */
  map<U>(f: (x: T) => U): Dataset<U> {
    return this.derive<U>((it, its) => its.mapIterator(it, f, false), this.size);
  }
  /**
   * A dataset of the awaited `f(element)`.
   * @example
   * ```js
   * const ds = tf.data.array(['a.json', 'b.json']).mapAsync(async (url) => (await fetch(url)).json());
   * ```
   */
  mapAsync<U>(f: (x: T) => Promise<U>): Dataset<U> {
    return this.derive<U>((it, its) => its.mapIterator(it, f, true), this.size);
  }
  /**
   * A dataset of the elements for which `pred` is true.
   * @example
   * ```js
   * const even = tf.data.array([1, 2, 3, 4]).filter((x) => x % 2 === 0);
   * ```
   */
  filter(pred: (x: T) => boolean): Dataset<T> {
    return this.derive((it, its) => its.filterIterator(it, pred), null);
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
    return this.derive((it, its) => its.takeIterator(it, n), this.size == null ? null : Math.min(this.size, n));
  }
  /**
   * A dataset without the first `count` elements.
   * @example
   * ```js
   * const rest = tf.data.array([1, 2, 3]).skip(1);
   * ```
   */
  skip(count: number): Dataset<T> {
    return this.derive((it, its) => its.skipIterator(it, count), this.size == null ? null : Math.max(0, this.size - count));
  }
  /** Groups of `batchSize` consecutive elements stacked into tensors (the last one smaller unless smallLastBatch is false). */
  batch(batchSize: number, smallLastBatch = true): Dataset<unknown> {
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`dataset.batch: batchSize must be a positive integer, got ${batchSize}`);
    const size = this.size == null ? null : smallLastBatch ? Math.ceil(this.size / batchSize) : Math.floor(this.size / batchSize);
    return this.derive((it, its) => its.batchIterator(it, batchSize, smallLastBatch), size);
  }
  /** Random order within a sliding buffer of `bufferSize` elements (a full shuffle when it holds the whole dataset). */
  shuffle(bufferSize: number, seed?: string | number, reshuffleEachIteration = true): Dataset<T> {
    if (!Number.isInteger(bufferSize) || bufferSize < 1) throw new Error(`dataset.shuffle: bufferSize must be a positive integer, got ${bufferSize}`);
    const base = seed == null ? undefined : typeof seed === 'number' ? seed : [...seed].reduce((h, ch) => Math.imul(h, 31) + ch.charCodeAt(0), 7);
    let pass = 0;
    return this.derive((it, its) => its.shuffleIterator(it, bufferSize, base == null ? undefined : base + (reshuffleEachIteration ? pass++ : 0)), this.size);
  }
  /** Read up to `bufferSize` elements ahead. */
  prefetch(bufferSize: number): Dataset<T> {
    return this.derive((it, its) => its.prefetchIterator(it, bufferSize), this.size);
  }
  /** The dataset `count` times (forever when omitted). */
  repeat(count?: number): Dataset<T> {
    const times = count == null || count < 0 ? Infinity : count;
    return new Dataset<T>(async () => (await iterators()).repeatIterator(() => this.iterator(), times),
      this.size == null || !Number.isFinite(times) ? null : this.size * times);
  }
  /**
   * This dataset's elements followed by `other`'s.
   * @example
   * ```js
   * const both = tf.data.array([1, 2]).concatenate(tf.data.array([3]));
   * ```
   */
  concatenate(other: Dataset<T>): Dataset<T> {
    return this.derive((it, its) => its.concatenateIterator(it, () => other.iterator()), this.size == null || other.size == null ? null : this.size + other.size);
  }

  /**
   * Calls `f` on every element, in order; resolves when done.
   * @example
   * ```js
   * await tf.data.array([1, 2, 3]).forEachAsync((x) => console.log(x));
   * ```
   */
  async forEachAsync(f: (x: T) => void | Promise<void>): Promise<void> {
    const its = await iterators();
    return its.forEachElement(await this.iterator(), f);
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
    const its = await iterators();
    return its.zipIterator(await Promise.all(entries.map(([, d]) => d.iterator())), isList ? null : entries.map(([k]) => k));
  }, sizes.every((s) => s != null) ? Math.min(...(sizes as number[])) : null);
}
