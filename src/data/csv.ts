/**
 * `tf.data.csv(source, config)` (TF.js semantics): rows of a CSV file as a Dataset of objects keyed by
 * column name, numbers parsed as numbers; with `columnConfigs[col].isLabel` each element is
 * `{xs: {features}, ys: {labels}}`, ready for `map` + `batch` + fitDataset. `source` is a URL fetched
 * with util.fetch (http(s):, data:, ...), or the CSV text itself via `csvFromText`. Quoted fields
 * (with the delimiter, doubled quotes or newlines inside) are handled.
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

/** Split CSV text into rows of raw fields. */
function parseRows(text: string, delimiter: string, whitespace: boolean): string[][] {
  if (whitespace) return text.split(/\r?\n/).filter((l) => l.trim()).map((l) => l.trim().split(/\s+/));
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === delimiter) {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      if (row.length > 1 || row[0] !== '') rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  row.push(field);
  if (row.length > 1 || row[0] !== '') rows.push(row);
  return rows;
}

function convert(raw: string, name: string, cfg: ColumnConfig | undefined, line: number): unknown {
  if (raw === '') {
    if (cfg?.default !== undefined) return cfg.default;
    if (cfg?.required) throw new Error(`data.csv: required column '${name}' is empty in line ${line}`);
    return undefined;
  }
  const dtype = cfg?.dtype;
  if (dtype === 'string') return raw;
  if (dtype === 'bool') return raw === '1' || raw.toLowerCase() === 'true' ? 1 : 0;
  const n = Number(raw);
  if (dtype === 'int32') return Number.isNaN(n) ? raw : Math.trunc(n);
  return raw.trim() !== '' && !Number.isNaN(n) ? n : raw;
}

/**
 * A CSV Dataset over text (parsed once per iteration).
 * @example
 * ```js
 * const rows = await tf.data.csvFromText('a,b\n1,2\n3,4').toArray(); // [{a: 1, b: 2}, {a: 3, b: 4}]
 * ```
 */
export function csvFromText(text: string | (() => Promise<string>), config: CSVConfig = {}): Dataset<unknown> {
  const delimiter = config.delimiter ?? ',';
  const hasHeader = config.hasHeader ?? true;
  return new Dataset<unknown>(async () => {
    const body = typeof text === 'string' ? text : await text();
    const rows = parseRows(body, delimiter, !!config.delimWhitespace);
    const header = hasHeader ? rows.shift() ?? [] : [];
    const names = config.columnNames ?? header;
    if (!names.length) throw new Error('data.csv: no column names (give columnNames or a header row)');
    const cfgs = config.columnConfigs ?? {};
    for (const k of Object.keys(cfgs)) if (!names.includes(k)) throw new Error(`data.csv: the column configs name '${k}', which is not a column (${names.join(', ')})`);
    const wanted = config.configuredColumnsOnly ? names.filter((n) => n in cfgs) : names;
    const hasLabels = Object.values(cfgs).some((c) => c.isLabel);
    let i = 0;
    return {
      async next(): Promise<IteratorResult<unknown>> {
        if (i >= rows.length) return { done: true, value: undefined };
        const row = rows[i++];
        const line = i + (hasHeader ? 1 : 0);
        if (row.length !== names.length) throw new Error(`data.csv: line ${line} has ${row.length} fields, expected ${names.length} (${names.join(', ')})`);
        const xs: Record<string, unknown> = {};
        const ys: Record<string, unknown> = {};
        for (const name of wanted) {
          const v = convert(row[names.indexOf(name)], name, cfgs[name], line);
          (cfgs[name]?.isLabel ? ys : xs)[name] = v;
        }
        return { done: false, value: hasLabels ? { xs, ys } : xs };
      },
    };
  });
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
