import type { RowScope } from './reload-environment.js';

/**
 * A scope moved from record to record during one LOAD. A record is a row of the LOAD's source
 * table, read cell by cell where an expression names a field: no row array per record.
 */
export type RecordScope = RowScope & {
  at(row: number, recNo: number, rowNo: number, iterNo: number): void;
  /** Makes source row `row` the current record (Previous reads another one), returning the row it replaces. */
  use(row: number): number;
};
