import { ColumnBuilder } from './column-builder.js';
import type { Cell, DataColumn, DataTable, Dual } from './loaded-model.js';

/** The cell of `column` in row `row` (NULL past its end). */
function columnCell(column: DataColumn, row: number): Cell {
  const symbol = column.rows[row] ?? -1;
  return symbol < 0 ? null : (column.values[symbol] as Dual);
}

/**
 * The rows of a columnar table, each with one cell per field: for the few readers that want rows
 * (tests, small tables). Allocates an array per row, so not for the reload's large tables.
 */
export function tableRows(table: DataTable): Cell[][] {
  const rows: Cell[][] = new Array(table.rowCount);
  for (let r = 0; r < table.rowCount; r++) rows[r] = table.columns.map((column) => columnCell(column, r));
  return rows;
}

/**
 * A columnar table of rows of cells (tests, small tables read whole).
 *
 * @example
 * const table = dataTableOf('T', ['A'], [[textDual('x')], [null]]);
 * table.rowCount; // 2
 */
export function dataTableOf(
  name: string,
  fields: readonly string[],
  rows: readonly (readonly Cell[])[],
  comment?: string,
): DataTable {
  const builders = fields.map(() => new ColumnBuilder());
  for (const row of rows) {
    for (let c = 0; c < builders.length; c++) (builders[c] as ColumnBuilder).push(row[c] ?? null);
  }
  const columns = builders.map((builder) => builder.finish());
  return comment === undefined
    ? { name, fields, rowCount: rows.length, columns }
    : { name, fields, rowCount: rows.length, columns, comment };
}

/** {@link tableRows} of a table that may be missing (none: no rows). */
export function rowsOf(table: DataTable | undefined): Cell[][] {
  return table ? tableRows(table) : [];
}
