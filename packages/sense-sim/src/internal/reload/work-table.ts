import { ColumnTable } from './column-table.js';

/** A table the script holds (named, mutable while the script runs). */
export class WorkTable extends ColumnTable {
  name: string;
  /** Made by (or joined with) a LOAD DISTINCT: rows added later by JOIN or CONCATENATE are deduplicated too. */
  distinct: boolean;

  constructor(name: string, table: ColumnTable, distinct = false) {
    super(table.fields, table.columns, table.rowCount);
    this.name = name;
    this.distinct = distinct;
  }
}
