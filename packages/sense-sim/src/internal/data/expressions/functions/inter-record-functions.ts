import type { Cell } from '../../model/loaded-model.js';
import type { Expression, FieldRef } from '../script-bridge.js';
import { booleanCell, toNumber } from '../value-ops.js';
import { nameArgument, type ScriptFunctionTable, type ScriptTableView, scriptFn } from './script-host.js';

/** Field references made for `Exists('Field')` (the current record's value of that field), one per call site. */
const currentValueRefs = new WeakMap<Expression, Map<string, FieldRef>>();

function currentValueRef(argument: Expression, name: string): FieldRef {
  let byName = currentValueRefs.get(argument);
  if (!byName) {
    byName = new Map();
    currentValueRefs.set(argument, byName);
  }
  let ref = byName.get(name);
  if (!ref) {
    ref = { kind: 'FieldRef', name, span: argument.span };
    byName.set(name, ref);
  }
  return ref;
}

/** Row `row` of `table` (negative counts from the end, -1 the last row); undefined when out of range. */
function rowIndex(table: ScriptTableView, row: number): number | undefined {
  if (Number.isNaN(row)) return undefined;
  const index = row < 0 ? table.rowCount + Math.trunc(row) : Math.trunc(row);
  return index >= 0 && index < table.rowCount ? index : undefined;
}

/**
 * Inter-record functions of the load script (help.qlik.com "Inter-record functions"). Field
 * names may be written bare or as strings (see {@link nameArgument}).
 */
export const INTER_RECORD_FUNCTIONS: ScriptFunctionTable = {
  /**
   * Peek(field[, row[, table]]): a value of a row already loaded — row from 0, negative from the
   * end (default -1, the last); the table defaults to the one being loaded, counting the rows this
   * LOAD has made (and those of the table it concatenates to). NULL when there is no such row or field.
   */
  peek: scriptFn(1, 3, ([field, row, table], evaluate, host): Cell => {
    const name = field ? nameArgument(field, evaluate, host) : undefined;
    const tableName = table ? evaluate(table)?.text : undefined;
    if (name === undefined || (table && tableName === undefined)) return null;
    const current = host.currentTable();
    const view =
      tableName === undefined || tableName === current?.name
        ? current
        : host.tables().find((t) => t.name === tableName);
    if (!view) return null;
    const column = view.fields.indexOf(name);
    const index = rowIndex(view, row ? toNumber(evaluate(row)) : -1);
    return column < 0 || index === undefined ? null : view.cell(index, column);
  }),
  /** Previous(expr): `expr` over the previous input record that WHERE did not discard; NULL for the first. */
  previous: scriptFn(
    1,
    1,
    ([expression], evaluate, host): Cell => host.previous(() => evaluate(expression as Expression)),
  ),
  /**
   * Exists(field[, expr]): whether the value (by default the current record's value of `field`)
   * has already been loaded into `field` — rows this LOAD has made count, so `WHERE NOT
   * Exists(Id)` also keeps only the first of repeated ids.
   */
  exists: scriptFn(1, 2, ([field, expression], evaluate, host): Cell => {
    const name = nameArgument(field as Expression, evaluate, host);
    if (name === undefined) return booleanCell(false);
    const value = evaluate(expression ?? currentValueRef(field as Expression, name));
    return booleanCell(value !== null && host.exists(name, value));
  }),
  /**
   * Lookup(field, matchField, matchValue[, table]): `field` of the first row (load order) whose
   * `matchField` holds `matchValue`; NULL when none does. The table defaults to the one being loaded.
   */
  lookup: scriptFn(3, 4, ([field, matchField, matchValue, table], evaluate, host): Cell => {
    const name = nameArgument(field as Expression, evaluate, host);
    const match = nameArgument(matchField as Expression, evaluate, host);
    const value = evaluate(matchValue as Expression);
    const tableName = table ? evaluate(table)?.text : undefined;
    if (name === undefined || match === undefined || value === null || (table && tableName === undefined)) return null;
    return host.lookup(tableName, name, match, value);
  }),
};
