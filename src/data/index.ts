/**
 * The `tf.data` namespace: Dataset and its sources (array, generator, zip, csv).
 */
export { Dataset, array, generator, zip } from './dataset.js';
export { csv, csvFromText } from './csv.js';
export type { CSVConfig, ColumnConfig } from './csv.js';
