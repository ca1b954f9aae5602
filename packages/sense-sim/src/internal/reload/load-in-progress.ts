import { type LoadPrefix, type LoadQuery, type LoadStatement, placeTable, type QualifyRule } from '@qixflow/script';
import { type ScriptTableView, valueKey } from '../data/expressions/functions/script-host.js';
import type { Cell } from '../data/model/loaded-model.js';
import type { ColumnTable } from './column-table.js';
import type { RecordScope } from './record-scope.js';
import type { WorkTable } from './work-table.js';

/**
 * Input records kept for Previous. Previous(Previous(x)) reaches two back; deeper nesting than
 * this is not written in practice, and keeping every record would double a LOAD's memory.
 */
const PREVIOUS_DEPTH = 16;

/**
 * One LOAD (one stage of a preceding-load chain) while it runs, as the inter-record functions see
 * it: the table it produces — the rows of the table it concatenates to, then its own rows so far
 * (Peek, Lookup, RowNo, Exists) — and the input records its WHERE kept (Previous). The
 * projection reports each row it makes through {@link accept}; its own table is read live.
 */
export class LoadInProgress implements ScriptTableView {
  readonly name: string;
  readonly fields: readonly string[];
  readonly #outputs: number;
  readonly #own: ColumnTable;
  readonly #base: WorkTable | undefined;
  readonly #baseRows: number;
  /** For each field of the view, its column in the base table (-1: none). */
  readonly #baseColumns: readonly number[];
  readonly #scope: RecordScope;
  /** Source rows the LOAD made rows from, the latest last (a window, see {@link PREVIOUS_DEPTH}). */
  #accepted: number[] = [];
  #depth = 0;
  readonly #values = new Map<string, { keys: Set<string>; indexed: number }>();

  /**
   * @param own the table the LOAD adds its rows to (its fields are the LOAD's, in order)
   * @param base the table the rows will be concatenated to, if any
   */
  constructor(name: string, own: ColumnTable, base: WorkTable | undefined, scope: RecordScope) {
    this.name = name;
    const outputs = own.fields;
    const extra = base ? base.fields.filter((f) => !outputs.includes(f)) : [];
    this.fields = [...outputs, ...extra];
    this.#outputs = outputs.length;
    this.#own = own;
    this.#base = base;
    this.#baseRows = base ? base.rowCount : 0;
    this.#baseColumns = this.fields.map((f) => (base ? base.fields.indexOf(f) : -1));
    this.#scope = scope;
  }

  /** Rows of the table before this LOAD's first: RowNo() counts on from them ("not reset" by concatenation). */
  get rowBase(): number {
    return this.#baseRows;
  }

  get rowCount(): number {
    return this.#baseRows + this.#own.rowCount;
  }

  cell(row: number, column: number): Cell {
    if (row < this.#baseRows) {
      const from = this.#baseColumns[column] ?? -1;
      return from < 0 ? null : (this.#base as WorkTable).cell(row, from);
    }
    return column < this.#outputs ? this.#own.cell(row - this.#baseRows, column) : null;
  }

  /** The projection made a row from source row `record` (a record WHERE kept): Previous now reads it. */
  accept(record: number): void {
    const accepted = this.#accepted;
    // WHILE makes several rows of one record: it is still one previous record.
    if (accepted.length > 0 && accepted[accepted.length - 1] === record) return;
    accepted.push(record);
    if (accepted.length > 2 * PREVIOUS_DEPTH) this.#accepted = accepted.slice(-PREVIOUS_DEPTH);
  }

  /** `evaluate` over the record kept before the current one (one further back per nesting); NULL when there is none. */
  previous(evaluate: () => Cell): Cell {
    const record = this.#accepted[this.#accepted.length - 1 - this.#depth];
    if (record === undefined) return null;
    const current = this.#scope.use(record);
    this.#depth++;
    try {
      return evaluate();
    } finally {
      this.#depth--;
      this.#scope.use(current);
    }
  }

  /** Whether this LOAD's own rows so far hold `key` (a {@link valueKey}) in `field`. */
  holds(field: string, key: string): boolean {
    const column = this.fields.indexOf(field);
    if (column < 0 || column >= this.#outputs) return false;
    let seen = this.#values.get(field);
    if (!seen) {
      seen = { keys: new Set(), indexed: 0 };
      this.#values.set(field, seen);
    }
    const own = this.#own;
    const rows = own.rowCount;
    for (; seen.indexed < rows; seen.indexed++) {
      const cell = own.cell(seen.indexed, column);
      if (cell !== null) seen.keys.add(valueKey(cell));
    }
    return seen.keys.has(key);
  }
}

/**
 * What a LOAD stage needs of the running script (the script's state is one): the LOAD statement
 * running, the tables its rows may continue, QUALIFY's names, and where the stage in progress is
 * kept for the inter-record functions.
 */
export interface LoadContext {
  readonly loadStatement: LoadStatement | undefined;
  readonly tables: readonly WorkTable[];
  readonly lastTable: WorkTable | undefined;
  readonly qualify: readonly QualifyRule[];
  loading: LoadInProgress | undefined;
}

/** Prefixes after which a LOAD's rows never join an existing table's (Peek reads only its own). */
const OWN_TABLE_PREFIXES: ReadonlySet<LoadPrefix['kind']> = new Set([
  'NoConcatenatePrefix',
  'JoinPrefix',
  'KeepPrefix',
  'MappingPrefix',
  'CrossTablePrefix',
  'GenericPrefix',
  'IntervalMatchPrefix',
]);

/**
 * Starts a LOAD stage producing `outputs` into `rows`: the inter-record functions read it until
 * {@link endLoad}. The statement's top stage (not a preceding load below it) continues the table
 * it will be concatenated to, explicitly (CONCATENATE) or implicitly (same fields).
 */
export function beginLoad(state: LoadContext, query: LoadQuery, own: ColumnTable, scope: RecordScope): LoadInProgress {
  const statement = state.loadStatement;
  const top = statement !== undefined && statement.query === query;
  const name = top ? (statement.label ?? '') : '';
  const base = top ? concatenationBase(state, statement, own.fields, name) : undefined;
  const load = new LoadInProgress(name, own, base, scope);
  state.loading = load;
  return load;
}

/** Ends what {@link beginLoad} started. */
export function endLoad(state: LoadContext, load: LoadInProgress): void {
  if (state.loading === load) state.loading = undefined;
}

function concatenationBase(
  state: LoadContext,
  statement: LoadStatement,
  outputs: readonly string[],
  name: string,
): WorkTable | undefined {
  const explicit = statement.prefixes.some((p) => p.kind === 'ConcatenatePrefix');
  if (!explicit && statement.prefixes.some((p) => OWN_TABLE_PREFIXES.has(p.kind))) return undefined;
  // Without a label the table's own name is not known yet: its names are compared unqualified.
  const placement = placeTable({
    statement,
    defaultName: name,
    fields: outputs,
    tables: state.tables,
    lastTable: state.lastTable,
    qualify: name === '' ? [] : state.qualify,
  });
  return placement.kind === 'concatenate' ? placement.target : undefined;
}
