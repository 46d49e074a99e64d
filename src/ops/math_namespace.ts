/** The `tf.math` namespace (TF.js members only); confusionMatrix lives in search.ts. */
export { confusionMatrix } from './search.js';
