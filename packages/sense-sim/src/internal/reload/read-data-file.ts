import { readFile, stat } from 'node:fs/promises';
import type { FileFormatOptions } from '@qixflow/script';
import type { ColumnBuilder } from '../data/model/column-builder.js';
import { type Cell, type Dual, textDual } from '../data/model/loaded-model.js';
import { ColumnTable } from './column-table.js';
import { NO_PACING, type Pacer } from './reload-budget.js';
import { ExecutionError } from './script-error.js';

/**
 * The simulator's QVD format: QVDs are written by STORE as JSON (the real format is binary and
 * out of scope), keeping duals so dates and numbers survive a round trip.
 */
interface QvdJson {
  qvd: 1;
  table: string;
  fields: string[];
  rows: ([string, number | null] | null)[][];
}

/** How a file is read inside a reload. */
export interface ReadOptions {
  /** The name messages use (the path as the script wrote it); never the host path. Default: `path`. */
  shownAs?: string;
  /** Paces the per-record loops (a reload's guard). Default: no pacing. */
  pacer?: Pacer;
  /** Told the file's size before it is read whole; throws to refuse it (the memory budget). */
  expectBytes?: (bytes: number) => void;
  /**
   * Reads a delimited file's values (the script's automatic interpretation: numbers, dates … per
   * its format variables, NullInterpret); an empty value is an empty text unless this says NULL.
   * Default: an empty value is NULL, plain numbers become numbers, everything else is text (how
   * the simulator's database tables read).
   */
  interpret?: (text: string) => Cell;
}

/**
 * A file's text, told to `options.expectBytes` first (the memory budget); a file that cannot be
 * read is a script error quoting `options.shownAs`, never the host path.
 */
export async function readScriptFile(path: string, options: ReadOptions = {}): Promise<string> {
  const shownAs = options.shownAs ?? path;
  try {
    if (options.expectBytes) options.expectBytes((await stat(path)).size);
    return await readFile(path, 'utf8');
  } catch (error) {
    if (error instanceof ExecutionError) throw error;
    const code = (error as { code?: string }).code;
    throw new ExecutionError(
      code === 'ENOENT' ? `Cannot open file: '${shownAs}'` : `Cannot read file '${shownAs}' (${code})`,
    );
  }
}

/** Reads a data file in the format its extension and format spec say: qvd (JSON), txt/csv, json. */
export async function readDataFile(
  path: string,
  format: Partial<FileFormatOptions>,
  options: ReadOptions = {},
): Promise<ColumnTable> {
  const shownAs = options.shownAs ?? path;
  const pacer = options.pacer ?? NO_PACING;
  const text = await readScriptFile(path, options);
  const type = format.fileType ?? extensionType(path);
  if (type === 'qvd') return fromQvd(text, shownAs, pacer);
  if (type === 'json') return fromJson(text, shownAs, pacer);
  if (type === 'txt' || type === 'csv' || type === null)
    return fromDelimited(text, format, pacer, options.interpret ?? plainCell);
  throw new ExecutionError(`File format '${type}' is not supported by the simulator (supported: qvd, txt/csv, json)`);
}

/** Writes a table as the simulator's QVD (JSON) or as delimited text. */
export function serializeTable(
  table: string,
  fields: readonly string[],
  rows: Iterable<readonly Cell[]>,
  type: 'qvd' | 'txt',
): string {
  return [...serializedChunks(table, fields, rows, type)].join('');
}

/**
 * The serialized table in pieces (a header, one piece per row, a trailer), so STORE can write
 * a large table without building one huge string in one go. The pieces joined are exactly
 * {@link serializeTable}'s output.
 */
export function* serializedChunks(
  table: string,
  fields: readonly string[],
  rows: Iterable<readonly Cell[]>,
  type: 'qvd' | 'txt',
): Generator<string> {
  if (type === 'qvd') {
    const header = JSON.stringify({ qvd: 1, table, fields: [...fields], rows: [] } satisfies QvdJson);
    yield header.slice(0, -2);
    let first = true;
    for (const cells of rows) {
      const row = cells.map((c) => (c === null ? null : [c.text, Number.isNaN(c.num) ? null : c.num]));
      yield first ? JSON.stringify(row) : `,${JSON.stringify(row)}`;
      first = false;
    }
    yield ']}';
    return;
  }
  const quote = (s: string): string => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  yield `${fields.map(quote).join(',')}\r\n`;
  for (const row of rows) yield `${row.map((c) => quote(c?.text ?? '')).join(',')}\r\n`;
}

function extensionType(path: string): string | null {
  const match = /\.([a-z0-9]+)$/i.exec(path);
  const ext = match?.[1]?.toLowerCase();
  if (ext === 'qvd' || ext === 'json') return ext;
  if (ext === 'csv' || ext === 'txt' || ext === 'tab') return 'txt';
  return null;
}

async function fromQvd(text: string, path: string, pacer: Pacer): Promise<ColumnTable> {
  let parsed: QvdJson;
  try {
    parsed = JSON.parse(text) as QvdJson;
  } catch {
    throw new ExecutionError(`'${path}' is not a QVD written by the simulator`);
  }
  if (parsed?.qvd !== 1 || !Array.isArray(parsed.fields) || !Array.isArray(parsed.rows)) {
    throw new ExecutionError(`'${path}' is not a QVD written by the simulator`);
  }
  const table = new ColumnTable(parsed.fields);
  const columns = table.columns;
  for (let i = 0; i < parsed.rows.length; i++) {
    const row = parsed.rows[i] ?? [];
    for (let c = 0; c < columns.length; c++) {
      const cell = row[c];
      (columns[c] as ColumnBuilder).push(
        cell === null || cell === undefined ? null : ({ text: cell[0], num: cell[1] ?? Number.NaN } as Dual),
      );
    }
    if (columns.length === 0) table.pushRow([]);
    if (pacer.due()) await pacer.pause();
  }
  return table;
}

async function fromJson(text: string, path: string, pacer: Pacer): Promise<ColumnTable> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ExecutionError(`'${path}' is not valid JSON`);
  }
  const records = Array.isArray(parsed) ? parsed : undefined;
  if (!records || records.some((r) => typeof r !== 'object' || r === null || Array.isArray(r))) {
    throw new ExecutionError(`'${path}': a JSON file must hold an array of objects`);
  }
  const fields: string[] = [];
  for (const record of records as Record<string, unknown>[])
    for (const key of Object.keys(record)) if (!fields.includes(key)) fields.push(key);
  const table = new ColumnTable(fields);
  for (const record of records as Record<string, unknown>[]) {
    table.pushRow(fields.map((f) => jsonCell(record[f])));
    if (pacer.due()) await pacer.pause();
  }
  return table;
}

function jsonCell(value: unknown): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return { text: String(value), num: value };
  if (typeof value === 'boolean') return { text: value ? 'true' : 'false', num: value ? -1 : 0 };
  return textDual(typeof value === 'string' ? value : JSON.stringify(value));
}

/** Delimited text: header from the first line with `embedded labels`, `@1…@n` with `no labels`. */
async function fromDelimited(
  text: string,
  format: Partial<FileFormatOptions>,
  pacer: Pacer,
  interpret: (text: string) => Cell,
): Promise<ColumnTable> {
  const delimiter = format.delimiter ?? guessDelimiter(text);
  const quoting = format.quoting ?? 'standard';
  let lines = await splitRecords(text.replace(/^\uFEFF/, ''), delimiter, quoting, pacer);
  lines = lines.slice(format.headerLines ?? 0).filter((l) => !(l.length === 1 && l[0] === ''));
  const labels = format.labels ?? 'embedded';
  const header = labels === 'none' ? (lines[0] ?? []).map((_, i) => `@${i + 1}`) : (lines.shift() ?? []);
  const table = new ColumnTable(header.map((h) => h.trim()));
  const columns = table.columns;
  for (let r = 0; r < lines.length; r++) {
    const cells = lines[r] ?? [];
    for (let i = 0; i < columns.length; i++) {
      const value = cells[i];
      // A missing value (a short line) is NULL; an empty one is read like any other text.
      (columns[i] as ColumnBuilder).push(value === undefined ? null : interpret(value));
    }
    if (columns.length === 0) table.pushRow([]);
    if (pacer.due()) await pacer.pause();
  }
  return table;
}

function plainCell(text: string): Cell {
  return text === '' ? null : textDual(text);
}

function guessDelimiter(text: string): string {
  const first = text.split(/\r?\n/, 1)[0] ?? '';
  for (const candidate of [',', ';', '\t', '|']) if (first.includes(candidate)) return candidate;
  return ',';
}

async function splitRecords(
  text: string,
  delimiter: string,
  quoting: 'standard' | 'msq' | 'none',
  pacer: Pacer,
): Promise<string[][]> {
  const records: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let inQuotes = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (inQuotes) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else inQuotes = false;
      } else cell += ch;
      continue;
    }
    if (ch === '"' && quoting !== 'none' && cell === '') {
      inQuotes = true;
    } else if (text.startsWith(delimiter, i)) {
      row.push(cell);
      cell = '';
      i += delimiter.length - 1;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      records.push(row);
      row = [];
      cell = '';
      if (pacer.due()) await pacer.pause();
    } else cell += ch;
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    records.push(row);
  }
  return records;
}
