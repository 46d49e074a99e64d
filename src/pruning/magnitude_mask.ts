/**
 * The low-magnitude mask (tfmot semantics), computed on the host from a weight's values: the weight is
 * viewed as 2-D [prod(shape[:-1]), shape[-1]], cut into blocks of blockSize, each block scored by its mean
 * |w| (tfmot's average pooling of |w|; 1x1 blocks score each weight), and the k = round(blocks * (1 - sparsity))
 * best blocks are kept (at least one): the threshold is the k-th largest score and blocks scoring >= it stay 1.
 */

export type BlockSize = [number, number];

/** The 2-D view [rows, cols] a weight is blocked in. */
export function blockView(shape: readonly number[]): [number, number] {
  if (shape.length === 0) return [1, 1];
  if (shape.length === 1) return [1, shape[0]];
  const cols = shape[shape.length - 1];
  return [shape.slice(0, -1).reduce((a, b) => a * b, 1), cols];
}

export function checkBlockSize(fn: string, blockSize: unknown): BlockSize {
  const ok = Array.isArray(blockSize) && blockSize.length === 2 && blockSize.every((d) => Number.isInteger(d) && d > 0);
  if (!ok) throw new Error(`${fn}: blockSize must be two positive integers [rows, cols] (e.g. [1, 1] or [1, 4]), got ${JSON.stringify(blockSize)}`);
  return [blockSize[0], blockSize[1]];
}

/** Throw unless the block divides the weight's 2-D view. */
export function checkBlockFits(fn: string, layerName: string, weightName: string, shape: readonly number[], block: BlockSize): void {
  const [rows, cols] = blockView(shape);
  if (rows % block[0] !== 0 || cols % block[1] !== 0) {
    throw new Error(
      `${fn}: blockSize [${block}] does not divide weight '${weightName}' of layer '${layerName}' ` +
      `(shape [${shape}], blocked as [${rows}, ${cols}])`,
    );
  }
}

/**
 * The low-magnitude mask of a weight's values at a sparsity: 1 for kept entries, 0 for pruned ones, in
 * the weight's own (row-major) order; blocks of blockSize (of the [rows, last dim] view) are ranked by mean |w|.
 * @example
 * ```js
 * tf.pruning.magnitudeMask([0.1, -3, 0.5, 2], [2, 2], 0.5, [1, 1]); // [0, 1, 0, 1]
 * tf.pruning.magnitudeMask([0.1, -3, 0.5, 2], [2, 2], 0.5, [1, 2]); // [1, 1, 0, 0]
 * ```
 */
export function magnitudeMask(values: ArrayLike<number>, shape: readonly number[], sparsity: number, block: BlockSize): Float32Array {
  const [rows, cols] = blockView(shape);
  const [br, bc] = block;
  const bRows = rows / br;
  const bCols = cols / bc;
  const scores = new Float64Array(bRows * bCols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) scores[Math.floor(r / br) * bCols + Math.floor(c / bc)] += Math.abs(values[r * cols + c]);
  }
  const perBlock = br * bc;
  for (let i = 0; i < scores.length; i++) scores[i] /= perBlock;
  const k = Math.max(1, Math.round(scores.length * (1 - sparsity)));
  const threshold = Float64Array.from(scores).sort()[scores.length - k];
  const mask = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) mask[r * cols + c] = scores[Math.floor(r / br) * bCols + Math.floor(c / bc)] >= threshold ? 1 : 0;
  }
  return mask;
}
