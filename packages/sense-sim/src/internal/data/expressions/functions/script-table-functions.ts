import type { Cell } from '../../model/loaded-model.js';
import type { Expression } from '../script-bridge.js';
import { numberCell, textCell, toNumber } from '../value-ops.js';
import {
  type EvaluateArgument,
  nameArgument,
  type ScriptFunctionTable,
  type ScriptHost,
  type ScriptTableView,
  scriptFn,
} from './script-host.js';

/** The text of an evaluated argument; undefined for NULL. */
function textArgument(argument: Expression | undefined, evaluate: EvaluateArgument): string | undefined {
  if (argument === undefined) return undefined;
  const value = evaluate(argument);
  return value === null ? undefined : value.text;
}

/** An integer argument (truncated); NaN when it is not a number. */
function integerArgument(argument: Expression | undefined, evaluate: EvaluateArgument): number {
  if (argument === undefined) return Number.NaN;
  return Math.trunc(toNumber(evaluate(argument)));
}

/** The script's table named by an argument (table names are evaluated: `TableNumber(name)` reads the variable). */
function tableArgument(
  argument: Expression | undefined,
  evaluate: EvaluateArgument,
  host: ScriptHost,
): ScriptTableView | undefined {
  const name = textArgument(argument, evaluate);
  return name === undefined ? undefined : host.tables().find((t) => t.name === name);
}

/**
 * Table functions over the tables the script holds at that moment (help.qlik.com "Table
 * functions"): tables count from 0 (TableNumber, TableName), fields of a table from 1 (FieldName,
 * FieldNumber). A table that does not exist gives NULL, a field that does not exist FieldNumber 0.
 */
export const SCRIPT_TABLE_FUNCTIONS: ScriptFunctionTable = {
  nooftables: scriptFn(0, 0, (_args, _evaluate, host) => numberCell(host.tables().length)),
  tablenumber: scriptFn(1, 1, ([table], evaluate, host): Cell => {
    const name = textArgument(table, evaluate);
    const index = name === undefined ? -1 : host.tables().findIndex((t) => t.name === name);
    return index < 0 ? null : numberCell(index);
  }),
  tablename: scriptFn(1, 1, ([number], evaluate, host): Cell => {
    const index = integerArgument(number, evaluate);
    const table = Number.isNaN(index) ? undefined : host.tables()[index];
    return table ? textCell(table.name) : null;
  }),
  noofrows: scriptFn(1, 1, ([table], evaluate, host): Cell => {
    const found = tableArgument(table, evaluate, host);
    return found ? numberCell(found.rowCount) : null;
  }),
  nooffields: scriptFn(1, 1, ([table], evaluate, host): Cell => {
    const found = tableArgument(table, evaluate, host);
    return found ? numberCell(found.fields.length) : null;
  }),
  fieldname: scriptFn(2, 2, ([number, table], evaluate, host): Cell => {
    const index = integerArgument(number, evaluate);
    const found = tableArgument(table, evaluate, host);
    const name = found && index >= 1 ? found.fields[index - 1] : undefined;
    return name === undefined ? null : textCell(name);
  }),
  fieldnumber: scriptFn(2, 2, ([field, table], evaluate, host): Cell => {
    const name = field ? nameArgument(field, evaluate, host) : undefined;
    const found = tableArgument(table, evaluate, host);
    return numberCell(found && name !== undefined ? found.fields.indexOf(name) + 1 : 0);
  }),
  // The field's distinct values in load order, counted from 1.
  fieldvalue: scriptFn(2, 2, ([field, number], evaluate, host): Cell => {
    const name = field ? nameArgument(field, evaluate, host) : undefined;
    const index = integerArgument(number, evaluate);
    if (name === undefined || Number.isNaN(index) || index < 1) return null;
    return host.fieldValues(name)[index - 1] ?? null;
  }),
  fieldvaluecount: scriptFn(1, 1, ([field], evaluate, host): Cell => {
    const name = field ? nameArgument(field, evaluate, host) : undefined;
    return name === undefined ? null : numberCell(host.fieldValues(name).length);
  }),
};
