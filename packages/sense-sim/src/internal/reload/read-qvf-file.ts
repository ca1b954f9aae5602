import { ColumnBuilder } from '../data/model/column-builder.js';
import { type Cell, type DataTable, type LoadedModel, numberDual, textDual } from '../data/model/loaded-model.js';
import { type ReadOptions, readScriptFile } from './read-data-file.js';
import { NO_PACING } from './reload-budget.js';
import { ExecutionError } from './script-error.js';

/**
 * The simulator's `.qvf` file: an app's data model as JSON (the real format is a binary
 * container, out of scope), what BINARY loads from a `lib://` path of the data folder.
 *
 * ```json
 * { "qvf": 1,
 *   "tables": [{ "name": "Orders", "fields": ["OrderID", "Amount"],
 *                "rows": [[1, 9.5], ["2", ["9,50", 9.5]], [3, null]] }],
 *   "fieldComments": { "Amount": "in EUR" },
 *   "fieldTags": { "OrderID": ["$key"] } }
 * ```
 *
 * A cell is `null`, a number, a text (a text that reads as a number is a dual, as in an INLINE
 * load), or `[text, number | null]` — the dual of the simulator's QVD files. Variables are not
 * part of it: BINARY does not load them.
 */
interface QvfJson {
  qvf: 1;
  tables: { name: string; fields: string[]; rows: QvfCell[][] }[];
  fieldComments?: Record<string, string>;
  fieldTags?: Record<string, string[]>;
}

/** A cell of a `.qvf` file. */
type QvfCell = null | number | string | [string, number | null];

/** Reads a `.qvf` file written in the simulator's format; errors quote `options.shownAs`. */
export async function readQvfFile(path: string, options: ReadOptions = {}): Promise<LoadedModel> {
  const shownAs = options.shownAs ?? path;
  const pacer = options.pacer ?? NO_PACING;
  const text = await readScriptFile(path, options);
  const invalid = (why: string) => new ExecutionError(`'${shownAs}' is not an app file of the simulator: ${why}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalid('not JSON');
  }
  const qvf = parsed as Partial<QvfJson> | null;
  if (typeof qvf !== 'object' || qvf === null || qvf.qvf !== 1 || !Array.isArray(qvf.tables)) {
    throw invalid('expected { "qvf": 1, "tables": [...] }');
  }
  const tables: DataTable[] = [];
  for (const [t, table] of qvf.tables.entries()) {
    const where = `table ${t + 1}`;
    if (typeof table?.name !== 'string' || table.name === '') throw invalid(`${where} has no name`);
    const fields = table.fields;
    if (!Array.isArray(fields) || fields.some((f) => typeof f !== 'string') || new Set(fields).size !== fields.length)
      throw invalid(`table ${table.name} needs unique field names`);
    if (!Array.isArray(table.rows)) throw invalid(`table ${table.name} has no rows`);
    const columns = fields.map(() => new ColumnBuilder());
    for (let r = 0; r < table.rows.length; r++) {
      const row = table.rows[r];
      if (!Array.isArray(row) || row.length !== fields.length)
        throw invalid(`row ${r + 1} of table ${table.name} needs ${fields.length} cells`);
      for (let c = 0; c < row.length; c++) {
        const cell = qvfCell(row[c] as QvfCell, () => invalid(`row ${r + 1} of table ${table.name}: bad cell`));
        (columns[c] as ColumnBuilder).push(cell);
      }
      if (pacer.due()) await pacer.pause();
    }
    tables.push({
      name: table.name,
      fields: [...fields],
      rowCount: table.rows.length,
      columns: columns.map((column) => column.finish()),
    });
  }
  return {
    tables,
    fieldComments: new Map(stringEntries(qvf.fieldComments, (v) => typeof v === 'string', invalid)),
    fieldTags: new Map(
      stringEntries(qvf.fieldTags, (v) => Array.isArray(v) && v.every((t) => typeof t === 'string'), invalid),
    ),
    variables: new Map(),
    lineage: [],
  };
}

function qvfCell(cell: unknown, invalid: () => Error): Cell {
  if (cell === null) return null;
  if (typeof cell === 'number') return numberDual(cell);
  if (typeof cell === 'string') return textDual(cell);
  if (Array.isArray(cell) && typeof cell[0] === 'string' && (cell[1] === null || typeof cell[1] === 'number'))
    return { text: cell[0], num: cell[1] ?? Number.NaN };
  throw invalid();
}

function stringEntries<T>(
  record: unknown,
  valid: (value: unknown) => boolean,
  invalid: (why: string) => Error,
): [string, T][] {
  if (record === undefined) return [];
  if (typeof record !== 'object' || record === null || Array.isArray(record)) throw invalid('bad field comments/tags');
  const entries = Object.entries(record);
  for (const [field, value] of entries) if (!valid(value)) throw invalid(`bad comment/tags of field ${field}`);
  return entries as [string, T][];
}
