import { readFileSync } from 'node:fs';
import {
  type ScriptFile,
  type ScriptHost,
  type ScriptTableView,
  valueKey,
} from '../data/expressions/functions/script-host.js';
import type { ColumnBuilder } from '../data/model/column-builder.js';
import type { Cell, Dual } from '../data/model/loaded-model.js';
import type { DataFolder } from './data-folder.js';
import type { LoadInProgress } from './load-in-progress.js';
import type { ReloadGuard } from './reload-budget.js';
import type { WorkTable } from './work-table.js';

/**
 * What the script functions read of the running script (the script's state is one): its tables,
 * the LOAD in progress, variables, the file being read, AutoNumber's counters, and the data folder
 * and guard for the file functions.
 */
export interface ScriptFunctionState {
  readonly tables: readonly WorkTable[];
  readonly loading: LoadInProgress | undefined;
  readonly lastTable: WorkTable | undefined;
  readonly variables: ReadonlyMap<string, string>;
  readonly currentFile: string | undefined;
  readonly autoNumbers: Map<string, Map<string, number>>;
  readonly folder: Pick<DataFolder, 'fileStats'>;
  readonly guard: Pick<ReloadGuard, 'expectBytes'>;
}

/** A live view of a script table (its name, fields and rows change as statements run). */
function tableView(table: WorkTable): ScriptTableView {
  return {
    get name() {
      return table.name;
    },
    get fields() {
      return table.fields;
    },
    get rowCount() {
      return table.rowCount;
    },
    cell: (row, column) => table.cell(row, column),
  };
}

/**
 * The running script as the script functions read it (see {@link ScriptHost}). What it derives
 * from the tables — field names, a field's values, Exists and Lookup indexes — is cached: while a
 * LOAD runs the script's tables do not change, so the caches live as long as that LOAD; between
 * statements they live as long as the tables look the same (names, fields, columns and row counts).
 */
export class ScriptFunctionHost implements ScriptHost {
  readonly #state: ScriptFunctionState;
  readonly #views = new WeakMap<WorkTable, ScriptTableView>();
  readonly #rowArrayIds = new WeakMap<object, number>();
  #nextId = 1;
  #cacheKey: unknown;
  #fieldNames: Set<string> | undefined;
  readonly #values = new Map<string, Dual[]>();
  readonly #existing = new Map<string, Set<string>>();
  readonly #lookups = new Map<string, Map<string, number>>();

  constructor(state: ScriptFunctionState) {
    this.#state = state;
  }

  tables(): readonly ScriptTableView[] {
    return this.#state.tables.map((t) => this.#view(t));
  }

  currentTable(): ScriptTableView | undefined {
    const state = this.#state;
    if (state.loading) return state.loading;
    return state.lastTable ? this.#view(state.lastTable) : undefined;
  }

  variable(name: string): string | undefined {
    return this.#state.variables.get(name);
  }

  hasField(name: string): boolean {
    this.#validate();
    if (!this.#fieldNames) this.#fieldNames = new Set(this.#state.tables.flatMap((t) => t.fields));
    return this.#fieldNames.has(name) || (this.#state.loading?.fields.includes(name) ?? false);
  }

  fieldValues(field: string): readonly Dual[] {
    this.#validate();
    let values = this.#values.get(field);
    if (!values) {
      values = [];
      const seen = new Set<string>();
      for (const table of this.#state.tables) {
        const column = table.fields.indexOf(field);
        if (column < 0) continue;
        for (const cell of valuesInRowOrder(table.columns[column] as ColumnBuilder, table.rowCount)) {
          const key = valueKey(cell);
          if (!seen.has(key)) {
            seen.add(key);
            values.push(cell);
          }
        }
      }
      this.#values.set(field, values);
    }
    return values;
  }

  exists(field: string, value: Dual): boolean {
    this.#validate();
    const key = valueKey(value);
    let keys = this.#existing.get(field);
    if (!keys) {
      keys = new Set();
      for (const table of this.#state.tables) {
        const column = table.fields.indexOf(field);
        if (column < 0) continue;
        for (const cell of valuesInRowOrder(table.columns[column] as ColumnBuilder, table.rowCount)) {
          keys.add(valueKey(cell));
        }
      }
      this.#existing.set(field, keys);
    }
    return keys.has(key) || (this.#state.loading?.holds(field, key) ?? false);
  }

  lookup(table: string | undefined, field: string, matchField: string, value: Dual): Cell {
    const state = this.#state;
    const key = valueKey(value);
    const named = table === undefined ? undefined : state.tables.find((t) => t.name === table);
    const view =
      table === undefined || (state.loading && table === state.loading.name)
        ? this.currentTable()
        : named && this.#view(named);
    if (!view) return null;
    const column = view.fields.indexOf(field);
    const matchColumn = view.fields.indexOf(matchField);
    if (column < 0 || matchColumn < 0) return null;
    if (view === state.loading || !named) {
      // The table being loaded grows row by row: searched, not indexed.
      for (let r = 0; r < view.rowCount; r++) {
        const cell = view.cell(r, matchColumn);
        if (cell !== null && valueKey(cell) === key) return view.cell(r, column);
      }
      return null;
    }
    this.#validate();
    const indexKey = `${named.name}\u0000${matchField}`;
    let index = this.#lookups.get(indexKey);
    if (!index) {
      index = new Map();
      for (let r = 0; r < named.rowCount; r++) {
        const cell = named.cell(r, matchColumn);
        if (cell === null) continue;
        const k = valueKey(cell);
        if (!index.has(k)) index.set(k, r);
      }
      this.#lookups.set(indexKey, index);
    }
    const row = index.get(key);
    return row === undefined ? null : named.cell(row, column);
  }

  currentFile(): string | undefined {
    return this.#state.currentFile;
  }

  file(path: string): ScriptFile | undefined {
    const stats = this.#state.folder.fileStats(path);
    if (!stats) return undefined;
    const guard = this.#state.guard;
    let header: ReturnType<ScriptFile['qvd']> | null = null;
    return {
      size: stats.size,
      modifiedMs: stats.modifiedMs,
      qvd: () => {
        if (header === null) {
          guard.expectBytes(stats.size);
          header = qvdHeader(readFileSync(stats.full, 'utf8'));
        }
        return header;
      },
    };
  }

  previous(evaluate: () => Cell): Cell {
    return this.#state.loading ? this.#state.loading.previous(evaluate) : null;
  }

  autoNumber(key: string, counter: string): number {
    const counters = this.#state.autoNumbers;
    let numbers = counters.get(counter);
    if (!numbers) {
      numbers = new Map();
      counters.set(counter, numbers);
    }
    let number = numbers.get(key);
    if (number === undefined) {
      number = numbers.size + 1;
      numbers.set(key, number);
    }
    return number;
  }

  #view(table: WorkTable): ScriptTableView {
    let view = this.#views.get(table);
    if (!view) {
      view = tableView(table);
      this.#views.set(table, view);
    }
    return view;
  }

  /** Drops the caches when the tables may have changed since they were made. */
  #validate(): void {
    const key = this.#state.loading ?? this.#signature();
    if (key === this.#cacheKey) return;
    this.#cacheKey = key;
    this.#fieldNames = undefined;
    this.#values.clear();
    this.#existing.clear();
    this.#lookups.clear();
  }

  /** What the script's tables look like: any statement that changes them changes this text. */
  #signature(): string {
    return this.#state.tables
      .map((t) => `${t.name}\u0001${this.#rowArrayId(t.columns)}\u0001${t.rowCount}\u0001${t.fields.join('\u0002')}`)
      .join('\u0000');
  }

  #rowArrayId(rows: object): number {
    let id = this.#rowArrayIds.get(rows);
    if (id === undefined) {
      id = this.#nextId++;
      this.#rowArrayIds.set(rows, id);
    }
    return id;
  }
}

/**
 * The distinct values a column's rows hold, in the order rows first hold them: each value is
 * reached once through its symbol, so a million-row column of a hundred values yields a hundred.
 */
function* valuesInRowOrder(column: ColumnBuilder, rowCount: number): Generator<Dual> {
  const values = column.values;
  const met = new Uint8Array(values.length);
  let left = values.length;
  for (let r = 0; r < rowCount && left > 0; r++) {
    const symbol = column.symbolAt(r);
    if (symbol < 0 || met[symbol] === 1) continue;
    met[symbol] = 1;
    left--;
    yield values[symbol] as Dual;
  }
}

/** The header facts of a simulator QVD (JSON, see read-data-file.ts); undefined when the text is not one. */
function qvdHeader(text: string): ReturnType<ScriptFile['qvd']> {
  try {
    const qvd = JSON.parse(text) as { qvd?: unknown; table?: unknown; fields?: unknown; rows?: unknown };
    if (qvd.qvd !== 1 || !Array.isArray(qvd.fields) || !Array.isArray(qvd.rows)) return undefined;
    return {
      table: typeof qvd.table === 'string' ? qvd.table : '',
      fields: qvd.fields.map(String),
      records: qvd.rows.length,
    };
  } catch {
    return undefined;
  }
}
