import type { Cell, Dual } from '../../model/loaded-model.js';
import type { Expression } from '../script-bridge.js';
import { toNumber } from '../value-ops.js';

/** A table of the running load script as its functions read it (TableName, NoOfRows, Peek …). */
export interface ScriptTableView {
  readonly name: string;
  readonly fields: readonly string[];
  readonly rowCount: number;
  /** The cell of field `column` (an index into `fields`) in row `row` (0-based). */
  cell(row: number, column: number): Cell;
}

/** A file of the data folder as the file functions see it. */
export interface ScriptFile {
  readonly size: number;
  /** Last modification, in ms since the Unix epoch. */
  readonly modifiedMs: number;
  /** The QVD's header (table, fields, records); undefined when the file is not a QVD the simulator reads. */
  qvd(): { readonly table: string; readonly fields: readonly string[]; readonly records: number } | undefined;
}

/**
 * What the load script's own functions read from the running script: its tables, the LOAD in
 * progress and the reload's counters. The script executor provides it; chart expressions have
 * none, so these functions stay unknown there and the data layer never depends on the executor.
 */
export interface ScriptHost {
  /** The script's tables now, in creation order (TableNumber counts from 0 in this order). */
  tables(): readonly ScriptTableView[];
  /**
   * The table Peek and Lookup read when not given one: in a LOAD, the table it is producing (the
   * rows of the table it concatenates to, then the rows it has made so far); elsewhere the table
   * loaded last. Undefined when there is none.
   */
  currentTable(): ScriptTableView | undefined;
  /** A variable's text, or undefined when there is no such variable. */
  variable(name: string): string | undefined;
  /** Whether some table (or the LOAD in progress) has a field named `name`. */
  hasField(name: string): boolean;
  /** The distinct values of `field` over the script's tables, in load order. */
  fieldValues(field: string): readonly Dual[];
  /** Whether `value` has already been loaded into `field`, counting the rows of the LOAD in progress. */
  exists(field: string, value: Dual): boolean;
  /**
   * The value of `field` in the first row (load order) of `table` whose `matchField` holds
   * `value`; NULL when no row does. `table` undefined: the LOAD in progress.
   */
  lookup(table: string | undefined, field: string, matchField: string, value: Dual): Cell;
  /**
   * `evaluate` with the previous input record of the LOAD in progress (the last one its WHERE
   * kept) as the current record; NULL when there is none.
   */
  previous(evaluate: () => Cell): Cell;
  /** The file the LOAD in progress reads, as the script wrote it (`lib://…`); undefined outside such a LOAD. */
  currentFile(): string | undefined;
  /** A file of the data folder (`lib://…` as the script wrote it); undefined when there is no such file. */
  file(path: string): ScriptFile | undefined;
  /** AutoNumber: the number of `key` in counter `counter` — 1, 2, … in order of first appearance, for the whole reload. */
  autoNumber(key: string, counter: string): number;
}

/**
 * The identity of a value for Exists and AutoNumber: numbers (and numeric text) by their number,
 * anything else by its exact text — the way a field's symbol table tells values apart.
 */
export function valueKey(value: Dual): string {
  const num = toNumber(value);
  return Number.isNaN(num) ? `t${value.text}` : `n${num}`;
}

/** Computes an argument in the current row. */
export type EvaluateArgument = (argument: Expression) => Cell;

/** A function of the load script: its arguments unevaluated, the row's evaluator, the script. */
export type ScriptFunction = (args: readonly Expression[], evaluate: EvaluateArgument, host: ScriptHost) => Cell;

/** A script function with the number of arguments it accepts. */
export interface ScriptFunctionSpec {
  readonly min: number;
  readonly max: number;
  readonly fn: ScriptFunction;
}

/** Script functions by lower-case name. */
export type ScriptFunctionTable = Readonly<Record<string, ScriptFunctionSpec>>;

/** Shorthand for a spec. */
export function scriptFn(min: number, max: number, body: ScriptFunction): ScriptFunctionSpec {
  return { min, max, fn: body };
}

/**
 * An argument that names a field (or table): a bare name is the name itself (`Peek(Amount)`,
 * `Exists(OrderID)`), unless it is a variable and no field has that name — then, as any other
 * expression (`Peek('Amount')`, `Peek(vField)`), it is evaluated and its text is the name.
 * Undefined for NULL.
 */
export function nameArgument(argument: Expression, evaluate: EvaluateArgument, host: ScriptHost): string | undefined {
  if (argument.kind === 'FieldRef') {
    const variable = host.hasField(argument.name) ? undefined : host.variable(argument.name);
    if (variable === undefined) return argument.name;
    return variable;
  }
  const value = evaluate(argument);
  return value === null ? undefined : value.text;
}
