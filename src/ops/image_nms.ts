/**
 * The nonMaxSuppression family of tf.image (TF.js semantics, including soft-NMS and padding).
 * Selection is sequential and data-dependent, so it runs on the host: the synchronous forms read
 * boxes and scores with dataSync (js, wasm; webgpu throws and wants the *Async forms), the async
 * forms with data().
 */
import type { Tensor } from '../tensor.js';
import { tensor1d, scalar } from './creation.js';
import { hostValues, type Input } from './operand.js';
import { check, imageArg } from './image_util.js';

interface Params { maxOutputSize: number; iouThreshold: number; scoreThreshold: number; softNmsSigma: number }

/** Converts and validates the arguments as TF.js does (messages included); maxOutputSize is capped at the box count. */
function prepare(
  op: string, boxes: Input, scores: Input, maxOutputSize: number, iouThreshold?: number | null, scoreThreshold?: number | null,
  softNmsSigma?: number | null, requireFloat = true,
): { b: Tensor; s: Tensor; p: Params; created: Tensor[] } {
  const created: Tensor[] = [];
  try {
    const b = imageArg(boxes, 'boxes', op, requireFloat ? 'float32' : undefined);
    if (b !== boxes) created.push(b);
    const s = imageArg(scores, 'scores', op, requireFloat ? 'float32' : undefined);
    if (s !== scores) created.push(s);
    const iou = iouThreshold ?? 0.5;
    const sigma = softNmsSigma ?? 0;
    const numBoxes = b.shape[0];
    check(0 <= iou && iou <= 1, () => `iouThreshold must be in [0, 1], but was '${iou}'`);
    check(b.rank === 2, () => `boxes must be a 2D tensor, but was of rank '${b.rank}'`);
    check(b.shape[1] === 4, () => `boxes must have 4 columns, but 2nd dimension was ${b.shape[1]}`);
    check(s.rank === 1, () => 'scores must be a 1D tensor');
    check(s.shape[0] === numBoxes, () => `scores has incompatible shape with boxes. Expected ${numBoxes}, but was ${s.shape[0]}`);
    check(0 <= sigma && sigma <= 1, () => `softNmsSigma must be in [0, 1], but was '${sigma}'`);
    const p = { maxOutputSize: Math.min(maxOutputSize, numBoxes), iouThreshold: iou, scoreThreshold: scoreThreshold ?? -Infinity, softNmsSigma: sigma };
    return { b, s, p, created };
  } catch (e) {
    for (const t of created) t.dispose();
    throw e;
  }
}

function iou(boxes: ArrayLike<number>, i: number, j: number): number {
  const box = (k: number) => {
    const [y1, x1, y2, x2] = [boxes[4 * k], boxes[4 * k + 1], boxes[4 * k + 2], boxes[4 * k + 3]];
    return { ymin: Math.min(y1, y2), xmin: Math.min(x1, x2), ymax: Math.max(y1, y2), xmax: Math.max(x1, x2) };
  };
  const a = box(i), b = box(j);
  const areaA = (a.ymax - a.ymin) * (a.xmax - a.xmin);
  const areaB = (b.ymax - b.ymin) * (b.xmax - b.xmin);
  if (areaA <= 0 || areaB <= 0) return 0;
  const overlap = Math.max(Math.min(a.ymax, b.ymax) - Math.max(a.ymin, b.ymin), 0) *
    Math.max(Math.min(a.xmax, b.xmax) - Math.max(a.xmin, b.xmin), 0);
  return overlap / (areaA + areaB - overlap);
}

interface Candidate { score: number; index: number; checkedUpTo: number }

/** Higher score first; equal scores by lower box index. */
const before = (a: Candidate, b: Candidate) => a.score > b.score || (a.score === b.score && a.index < b.index);

/**
 * Greedy selection: take the best remaining candidate; drop it if it overlaps a selected box
 * with IoU >= iouThreshold; with soft-NMS (sigma > 0) its score decays by exp(-0.5 iou^2 / sigma)
 * per selected box it overlaps and it goes back into the queue if still above scoreThreshold.
 */
function select(boxes: ArrayLike<number>, scores: ArrayLike<number>, p: Params): { indices: number[]; scores: number[] } {
  const queue: Candidate[] = [];
  for (let i = 0; i < scores.length; i++) if (scores[i] > p.scoreThreshold) queue.push({ score: scores[i], index: i, checkedUpTo: 0 });
  queue.sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
  const scale = p.softNmsSigma > 0 ? -0.5 / p.softNmsSigma : 0;
  const picked: number[] = [];
  const pickedScores: number[] = [];
  while (picked.length < p.maxOutputSize && queue.length > 0) {
    const cand = queue.shift()!;
    const original = cand.score;
    if (original < p.scoreThreshold) break;
    let suppressed = false;
    for (let j = picked.length - 1; j >= cand.checkedUpTo; j--) {
      const overlap = iou(boxes, cand.index, picked[j]);
      if (overlap >= p.iouThreshold) {
        suppressed = true;
        break;
      }
      cand.score *= overlap <= p.iouThreshold ? Math.exp(scale * overlap * overlap) : 0;
      if (cand.score <= p.scoreThreshold) break;
    }
    cand.checkedUpTo = picked.length;
    if (suppressed) continue;
    if (cand.score === original) {
      picked.push(cand.index);
      pickedScores.push(cand.score);
    } else if (cand.score > p.scoreThreshold) {
      let at = 0;
      while (at < queue.length && before(queue[at], cand)) at++;
      queue.splice(at, 0, cand);
    }
  }
  return { indices: picked, scores: pickedScores };
}

function padded(sel: { indices: number[] }, maxOutputSize: number, pad: boolean) {
  const valid = sel.indices.length;
  const indices = pad ? [...sel.indices, ...new Array(Math.max(0, maxOutputSize - valid)).fill(0)] : sel.indices;
  return { selectedIndices: tensor1d(indices, 'int32'), validOutputs: scalar(valid, 'int32') };
}

/** Runs the selection; the tensors `prepare` converted from arrays are freed whether it returns or throws. */
function finish<T>(created: Tensor[], compute: () => T): T {
  try {
    return compute();
  } finally {
    for (const t of created) t.dispose();
  }
}
async function finishAsync<T>(created: Tensor[], compute: () => Promise<T>): Promise<T> {
  try {
    return await compute();
  } finally {
    for (const t of created) t.dispose();
  }
}

/**
 * TF.js image.nonMaxSuppression(boxes, scores, maxOutputSize, iouThreshold = 0.5, scoreThreshold = -Infinity) -> int32 indices.
 * @example
 * ```js
 * tf.image.nonMaxSuppression(tf.tensor2d([[0, 0, 1, 1], [0, 0, 1, 0.9]]), tf.tensor1d([0.9, 0.8]), 1).print(); // [0]
 * ```
 */
export function nonMaxSuppression(boxes: Input, scores: Input, maxOutputSize: number, iouThreshold = 0.5, scoreThreshold = -Infinity): Tensor {
  const { b, s, p, created } = prepare('nonMaxSuppression', boxes, scores, maxOutputSize, iouThreshold, scoreThreshold);
  return finish(created, () => tensor1d(select(hostValues('nonMaxSuppression', b), hostValues('nonMaxSuppression', s), p).indices, 'int32'));
}

/**
 * The async form of `nonMaxSuppression` (reads the boxes without blocking).
 * @example
 * ```js
 * (await tf.image.nonMaxSuppressionAsync(tf.tensor2d([[0, 0, 1, 1], [0, 0, 1, 0.9]]), tf.tensor1d([0.9, 0.8]), 1)).print(); // [0]
 * ```
 */
export async function nonMaxSuppressionAsync(boxes: Input, scores: Input, maxOutputSize: number, iouThreshold = 0.5, scoreThreshold = -Infinity): Promise<Tensor> {
  const { b, s, p, created } = prepare('nonMaxSuppressionAsync', boxes, scores, maxOutputSize, iouThreshold, scoreThreshold);
  return finishAsync(created, async () => {
    const [bv, sv] = await Promise.all([b.data(), s.data()]);
    return tensor1d(select(bv, sv, p).indices, 'int32');
  });
}

/**
 * TF.js image.nonMaxSuppressionWithScore (soft-NMS when softNmsSigma > 0) -> {selectedIndices, selectedScores}.
 * @example
 * ```js
 * const { selectedIndices, selectedScores } = tf.image.nonMaxSuppressionWithScore(tf.tensor2d([[0, 0, 1, 1]]), tf.tensor1d([0.9]), 1);
 * ```
 */
export function nonMaxSuppressionWithScore(
  boxes: Input, scores: Input, maxOutputSize: number, iouThreshold = 0.5, scoreThreshold = -Infinity, softNmsSigma = 0,
): { selectedIndices: Tensor; selectedScores: Tensor } {
  const { b, s, p, created } = prepare('nonMaxSuppression', boxes, scores, maxOutputSize, iouThreshold, scoreThreshold, softNmsSigma, false);
  return finish(created, () => {
    const sel = select(hostValues('nonMaxSuppression', b), hostValues('nonMaxSuppression', s), p);
    return { selectedIndices: tensor1d(sel.indices, 'int32'), selectedScores: tensor1d(sel.scores) };
  });
}

/**
 * The async form of `nonMaxSuppressionWithScore` (soft-NMS).
 * @example
 * ```js
 * const { selectedIndices, selectedScores } = await tf.image.nonMaxSuppressionWithScoreAsync(tf.tensor2d([[0, 0, 1, 1]]), tf.tensor1d([0.9]), 1);
 * ```
 */
export async function nonMaxSuppressionWithScoreAsync(
  boxes: Input, scores: Input, maxOutputSize: number, iouThreshold = 0.5, scoreThreshold = -Infinity, softNmsSigma = 0,
): Promise<{ selectedIndices: Tensor; selectedScores: Tensor }> {
  const { b, s, p, created } = prepare('nonMaxSuppressionAsync', boxes, scores, maxOutputSize, iouThreshold, scoreThreshold, softNmsSigma, false);
  return finishAsync(created, async () => {
    const [bv, sv] = await Promise.all([b.data(), s.data()]);
    const sel = select(bv, sv, p);
    return { selectedIndices: tensor1d(sel.indices, 'int32'), selectedScores: tensor1d(sel.scores) };
  });
}

/**
 * TF.js image.nonMaxSuppressionPadded -> {selectedIndices (padded with 0 to maxOutputSize when asked), validOutputs}.
 * @example
 * ```js
 * const { selectedIndices, validOutputs } = tf.image.nonMaxSuppressionPadded(tf.tensor2d([[0, 0, 1, 1]]), tf.tensor1d([0.9]), 3, 0.5, 0, true);
 * ```
 */
export function nonMaxSuppressionPadded(
  boxes: Input, scores: Input, maxOutputSize: number, iouThreshold = 0.5, scoreThreshold = -Infinity, padToMaxOutputSize = false,
): { selectedIndices: Tensor; validOutputs: Tensor } {
  const { b, s, p, created } = prepare('nonMaxSuppression', boxes, scores, maxOutputSize, iouThreshold, scoreThreshold, null, false);
  return finish(created, () => padded(select(hostValues('nonMaxSuppression', b), hostValues('nonMaxSuppression', s), p), p.maxOutputSize, padToMaxOutputSize));
}

/**
 * The async form of `nonMaxSuppressionPadded`.
 * @example
 * ```js
 * const { selectedIndices, validOutputs } = await tf.image.nonMaxSuppressionPaddedAsync(tf.tensor2d([[0, 0, 1, 1]]), tf.tensor1d([0.9]), 3, 0.5, 0, true);
 * ```
 */
export async function nonMaxSuppressionPaddedAsync(
  boxes: Input, scores: Input, maxOutputSize: number, iouThreshold = 0.5, scoreThreshold = -Infinity, padToMaxOutputSize = false,
): Promise<{ selectedIndices: Tensor; validOutputs: Tensor }> {
  const { b, s, p, created } = prepare('nonMaxSuppressionAsync', boxes, scores, maxOutputSize, iouThreshold, scoreThreshold, null, false);
  return finishAsync(created, async () => {
    const [bv, sv] = await Promise.all([b.data(), s.data()]);
    return padded(select(bv, sv, p), p.maxOutputSize, padToMaxOutputSize);
  });
}
