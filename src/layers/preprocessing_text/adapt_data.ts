/**
 * What the Keras-style `adapt(data)` of the preprocessing layers accepts, read batch by batch on
 * the host: a tensor, a (nested) JS array, or a `tf.data` Dataset of either. Each batch comes
 * back as flat values plus its shape; strings stay strings.
 */
import type { Tensor } from '../../tensor.js';
import { tensor } from '../../ops/creation.js';
import { Dataset } from '../../data/dataset.js';
import type { TensorLike } from '../../util.js';

export type AdaptInput = Tensor | TensorLike | string[] | string[][] | Dataset<Tensor | TensorLike | string[]>;

export interface HostBatch {
  values: ArrayLike<number> | string[];
  shape: number[];
}

function isTensorLikeObject(x: unknown): x is Tensor {
  return typeof x === 'object' && x !== null && typeof (x as Tensor).data === 'function' && Array.isArray((x as Tensor).shape);
}

async function readBatch(op: string, item: unknown): Promise<HostBatch> {
  if (isTensorLikeObject(item)) {
    const values = (await item.data()) as unknown as ArrayLike<number> | string[];
    return { values, shape: item.shape.slice() };
  }
  if (Array.isArray(item) || ArrayBuffer.isView(item)) {
    const t = tensor(item as TensorLike);
    try {
      return { values: (await t.data()) as unknown as ArrayLike<number> | string[], shape: t.shape.slice() };
    } finally {
      t.dispose();
    }
  }
  throw new Error(`${op}.adapt: data must be a Tensor, an array or a tf.data Dataset, got ${item === null ? 'null' : typeof item}`);
}

/** Calls `visit` once per batch of `data` (once for a tensor or array). */
export async function forEachAdaptBatch(op: string, data: AdaptInput, visit: (batch: HostBatch) => void): Promise<void> {
  if (data instanceof Dataset) {
    await data.forEachAsync(async (item) => visit(await readBatch(op, item)));
    return;
  }
  visit(await readBatch(op, data));
}
