/**
 * The work of tf.data.csv / csvFromText (csv.ts) on each iteration: read the text, parse the rows
 * (quoted fields with the delimiter, doubled quotes or newlines inside), check the column configs and
 * convert each field. Loads on the first iteration with the other async-only modules (src/async_parts.ts).
 */
import type { ColumnConfig, CSVConfig } from './csv.js';

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

/** The iterator over the rows of `text` (the text, or a function that fetches it) as csv.ts's Dataset yields them. */
export async function csvRows(text: string | (() => Promise<string>), config: CSVConfig): Promise<{ next(): Promise<IteratorResult<unknown>> }> {
  const delimiter = config.delimiter ?? ',';
  const hasHeader = config.hasHeader ?? true;
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
}
