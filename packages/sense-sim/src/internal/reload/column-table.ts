import { ColumnBuilder } from '../data/model/column-builder.js';
import type { Cell, DataTable } from '../data/model/loaded-model.js';
import { runStepsPaced } from '../data/model/work-steps.js';
import type { Pacer } from './reload-budget.js';

/**
 * A table while the script works on it, stored by column as the engine stores it: per field a
 * {@link ColumnBuilder} (the field's distinct values once and a typed array of their numbers), so
 * a million-row table of a few hundred values is a few hundred objects and some typed arrays,
 * not a million row arrays of cells. Rows are read by (row, column); {@link row} makes one when a
 * caller needs a whole row (small tables, keys of joins).
 *
 * @example
 * const table = new ColumnTable(['A', 'B']);
 * table.pushRow([numberDual(1), null]);
 * table.cell(0, 0); // 1
 */
export class ColumnTable {
  fields: string[];
  columns: ColumnBuilder[];
  /** Rows of a table without fields (AUTOGENERATE's records); with fields, the columns' length. */
  #bareRows: number;

  constructor(fields: string[], columns?: ColumnBuilder[], rowCount = 0) {
    this.fields = fields;
    this.columns = columns ?? fields.map(() => new ColumnBuilder());
    this.#bareRows = rowCount;
  }

  /** A table of rows of cells (sources read whole: inline tables, small files). */
  static fromRows(fields: string[], rows: readonly (readonly Cell[])[]): ColumnTable {
    const table = new ColumnTable(fields, undefined, rows.length);
    for (const row of rows) table.pushRow(row);
    return table;
  }

  /** A table that continues a finished one (BINARY), paced by `pacer`. */
  static async fromData(table: DataTable, pacer: Pacer): Promise<ColumnTable> {
    const columns: ColumnBuilder[] = [];
    for (const column of table.columns) columns.push(await runStepsPaced(ColumnBuilder.ofSteps(column), pacer));
    return new ColumnTable([...table.fields], columns, table.rowCount);
  }

  get rowCount(): number {
    const first = this.columns[0];
    return first ? first.length : this.#bareRows;
  }

  /** The cell at (`row`, `column`). */
  cell(row: number, column: number): Cell {
    const builder = this.columns[column];
    return builder ? builder.cell(row) : null;
  }

  /** Row `row` as an array of cells (allocates: not for per-record loops over large tables). */
  row(row: number): Cell[] {
    const columns = this.columns;
    const out: Cell[] = new Array(columns.length);
    for (let c = 0; c < columns.length; c++) out[c] = (columns[c] as ColumnBuilder).cell(row);
    return out;
  }

  /** Appends a row (missing cells are NULL). */
  pushRow(cells: readonly Cell[]): void {
    const columns = this.columns;
    for (let c = 0; c < columns.length; c++) (columns[c] as ColumnBuilder).push(cells[c] ?? null);
    if (columns.length === 0) this.#bareRows++;
  }

  /** Adds a field, NULL in the rows the table has. */
  addField(name: string): void {
    const column = new ColumnBuilder();
    column.pushNulls(this.rowCount);
    this.fields.push(name);
    this.columns.push(column);
  }

  /** Removes the field at `index`. */
  dropField(index: number): void {
    const rows = this.rowCount;
    this.fields.splice(index, 1);
    this.columns.splice(index, 1);
    if (this.columns.length === 0) this.#bareRows = rows;
  }

  /** Takes over `other`'s fields and rows (a join's result replacing its target). */
  replaceWith(other: ColumnTable): void {
    this.#bareRows = other.rowCount;
    this.fields = other.fields;
    this.columns = other.columns;
  }

  /**
   * A table of the rows `rows` (in that order; -1 gives a row of NULLs), each column keeping
   * the values' symbols: a copy costs one lookup per distinct value, then typed-array work.
   */
  async select(rows: ArrayLike<number>, pacer: Pacer): Promise<ColumnTable> {
    const out = new ColumnTable([...this.fields], undefined, rows.length);
    const pairs = this.columns.map((column, c) => ({
      from: column,
      to: out.columns[c] as ColumnBuilder,
      map: ColumnBuilder.symbolMap(column),
    }));
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i] as number;
      for (const { from, to, map } of pairs) to.pushFrom(from, r < 0 ? -1 : r, map);
      if (pacer.due()) await pacer.pause();
    }
    return out;
  }

  /** The finished table for the data model (the columns must not change afterwards). */
  toData(name: string): DataTable {
    return {
      name,
      fields: [...this.fields],
      rowCount: this.rowCount,
      columns: this.columns.map((column) => column.finish()),
    };
  }
}
