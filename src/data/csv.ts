/**
 * `tf.data.csv(source, config)` (TF.js semantics): rows of a CSV file as a Dataset of objects keyed by
 * column name, numbers parsed as numbers; with `columnConfigs[col].isLabel` each element is
 * `{xs: {features}, ys: {labels}}`, ready for `map` + `batch` + fitDataset. `source` is a URL fetched
 * with util.fetch (http(s):, data:, ...), or the CSV text itself via `csvFromText`. Quoted fields
 * (with the delimiter, doubled quotes or newlines inside) are handled. The parser (csv_reader.ts) loads on
 * the first iteration, with the other async-only modules.
 */
import { fetch } from '../util_public.js';
import { Dataset } from './dataset.js';

/**
 * How one CSV column is read: dtype, default, whether it is required or a label.
 */
export interface ColumnConfig {
  required?: boolean;
  dtype?: 'float32' | 'int32' | 'bool' | 'string';
  default?: number | string | boolean;
  isLabel?: boolean;
}
/**
 * Options of `tf.data.csv`: header, delimiter, column names and per-column configs.
 */
export interface CSVConfig {
  hasHeader?: boolean;
  columnNames?: string[];
  columnConfigs?: Record<string, ColumnConfig>;
  configuredColumnsOnly?: boolean;
  delimiter?: string;
  delimWhitespace?: boolean;
}

/**
 * A CSV Dataset over text (parsed once per iteration).
 * @example
 * ```js
 * const rows = await tf.data.csvFromText('a,b\n1,2\n3,4').toArray(); // [{a: 1, b: 2}, {a: 3, b: 4}]
 * ```
 */
export function csvFromText(text: string | (() => Promise<string>), config: CSVConfig = {}): Dataset<unknown> {
  // the parsing loads with the async parts on the first iteration (src/async_parts.ts: csv_reader.ts)
  return new Dataset<unknown>(async () => (await import('../async_parts.js')).csvRows(text, config));
}

/**
 * TF.js `tf.data.csv(url, config)`.
 * @example
 * ```js
 * const ds = tf.data.csv('https://example.com/data.csv', { columnConfigs: { label: { isLabel: true } } });
 * ```
 */
export function csv(source: string, config: CSVConfig = {}): Dataset<unknown> {
  if (typeof source !== 'string') throw new Error('data.csv: expected a URL string');
  return csvFromText(async () => {
    const res = await fetch(source);
    if (!res.ok) throw new Error(`data.csv: fetching '${source.slice(0, 80)}' failed with status ${res.status}`);
    return res.text();
  }, config);
}
