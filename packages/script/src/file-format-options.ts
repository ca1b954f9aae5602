import type { FileFormat } from './ast.js';

/** The common settings of a file format specification, decoded. Null means "not specified". */
export interface FileFormatOptions {
  /** `qvd`, `txt`, `ooxml`, `biff`, `json`, `parquet`, `xml`, `xmlsimple`, `fix`, `dif`, `html`, `kml`, `qvx`, … */
  readonly fileType: string | null;
  /** `utf8`, `unicode`, `ansi`, `oem`, `mac`, or `codepage <n>`. */
  readonly encoding: string | null;
  readonly labels: 'embedded' | 'explicit' | 'none' | null;
  /** The delimiter character(s): `delimiter is '\t'` and `delimiter is tab` give a tab, `spaces` a space. */
  readonly delimiter: string | null;
  readonly quoting: 'standard' | 'msq' | 'none' | null;
  /** `header is n lines`. */
  readonly headerLines: number | null;
  /** `table is …` (sheet or table name, unquoted). */
  readonly table: string | null;
}

const FILE_TYPES = new Set([
  'qvd',
  'qvx',
  'qvs',
  'txt',
  'csv',
  'fix',
  'dif',
  'biff',
  'ooxml',
  'html',
  'xml',
  'xmlsimple',
  'xmlsax',
  'kml',
  'json',
  'parquet',
]);
const ENCODINGS = new Set(['utf8', 'unicode', 'ansi', 'oem', 'mac']);

function unquote(value: string): string {
  const v = value.trim();
  if (v.length >= 2) {
    const a = v[0];
    const b = v[v.length - 1];
    if ((a === "'" && b === "'") || (a === '"' && b === '"')) return v.slice(1, -1).replaceAll(a + a, a);
    if (a === '[' && b === ']') return v.slice(1, -1).replaceAll(']]', ']');
  }
  return v;
}

function decodeDelimiter(value: string): string {
  const v = value.trim();
  const lower = v.toLowerCase();
  if (lower === 'tab') return '\t';
  if (lower === 'spaces' || lower === 'space') return ' ';
  const raw = unquote(v);
  if (raw === '\\t') return '\t';
  return raw;
}

/**
 * Reads the usual settings out of a {@link FileFormat} node.
 *
 * @example
 * ```ts
 * const { ast } = parseScript("LOAD * FROM [lib://Data/x.csv] (txt, utf8, embedded labels, delimiter is ';');");
 * const load = ast.body[0];
 * if (load?.kind === 'LoadStatement' && load.query.kind === 'Load' && load.query.source.kind === 'FromSource') {
 *   fileFormatOptions(load.query.source.format!); // { fileType: 'txt', encoding: 'utf8', labels: 'embedded', delimiter: ';', … }
 * }
 * ```
 */
export function fileFormatOptions(format: FileFormat): FileFormatOptions {
  let fileType: string | null = null;
  let encoding: string | null = null;
  let labels: FileFormatOptions['labels'] = null;
  let delimiter: string | null = null;
  let quoting: FileFormatOptions['quoting'] = null;
  let headerLines: number | null = null;
  let table: string | null = null;
  for (const spec of format.specs) {
    const name = spec.name;
    const value = spec.value ?? '';
    if (FILE_TYPES.has(name)) fileType = name;
    else if (ENCODINGS.has(name)) encoding = name;
    else if (name === 'codepage is') encoding = `codepage ${value.trim()}`;
    else if (name === 'embedded labels') labels = 'embedded';
    else if (name === 'explicit labels') labels = 'explicit';
    else if (name === 'no labels') labels = 'none';
    else if (name === 'delimiter is') delimiter = decodeDelimiter(value);
    else if (name === 'msq') quoting = 'msq';
    else if (name === 'no quotes') quoting = 'none';
    else if (name === 'header is') {
      const n = Number.parseInt(value, 10);
      headerLines = Number.isNaN(n) ? null : n;
    } else if (name === 'table is') table = unquote(value);
  }
  if (quoting === null && fileType === 'txt') quoting = 'standard';
  return { fileType, encoding, labels, delimiter, quoting, headerLines, table };
}
