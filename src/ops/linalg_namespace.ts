/** The `tf.linalg` namespace (TF.js members only); the ops live in linalg.ts. */
export { bandPart, gramSchmidt, qr } from './linalg.js';
