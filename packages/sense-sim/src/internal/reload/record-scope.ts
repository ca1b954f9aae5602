import type { ScriptHost } from '../data/expressions/functions/script-host.js';
import type { Cell } from '../data/model/loaded-model.js';
import type { ColumnTable } from './column-table.js';
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

/** What a record scope reads of the running script besides the record (the script state is one). */
export interface RecordScopeOwner {
  readonly variables: ReadonlyMap<string, string>;
  readonly variablesVersion: number;
  readonly mappings: ReadonlyMap<string, ReadonlyMap<string, Cell>>;
  readonly functions: ScriptHost;
}

/**
 * The {@link RecordScope} of a LOAD over `source`: one object for the whole LOAD, its counters
 * plain fields (moving to the next record runs once per record, so it must cost next to nothing).
 */
export class RecordCursor implements RecordScope {
  recNo = 0;
  rowNo = 0;
  iterNo = 0;
  readonly variables: ReadonlyMap<string, string>;
  readonly script: ScriptHost;
  #row = -1;
  readonly #source: ColumnTable;
  readonly #index: ReadonlyMap<string, number>;
  readonly #owner: RecordScopeOwner;

  constructor(source: ColumnTable, owner: RecordScopeOwner) {
    this.#source = source;
    this.#index = new Map(source.fields.map((f, i) => [f, i]));
    this.#owner = owner;
    this.variables = owner.variables;
    this.script = owner.functions;
  }

  get variablesVersion(): number {
    return this.#owner.variablesVersion;
  }

  value(field: string): Cell | undefined {
    const i = this.#index.get(field);
    return i === undefined ? undefined : this.#source.cell(this.#row, i);
  }

  mapping(name: string): ReadonlyMap<string, Cell> | undefined {
    return this.#owner.mappings.get(name);
  }

  at(row: number, recNo: number, rowNo: number, iterNo: number): void {
    this.#row = row;
    this.recNo = recNo;
    this.rowNo = rowNo;
    this.iterNo = iterNo;
  }

  use(row: number): number {
    const replaced = this.#row;
    this.#row = row;
    return replaced;
  }
}
