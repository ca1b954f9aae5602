import type { Cell } from '../../model/loaded-model.js';
import type { Expression } from '../script-bridge.js';
import { numberCell } from '../value-ops.js';
import { hashText } from './hash-functions.js';
import { type ScriptFunctionTable, scriptFn, valueKey } from './script-host.js';

/**
 * Counters of the AutoNumberHash functions, apart from every AutoID a script can name (an AutoID
 * is text; these hold a character no script text contains).
 */
const HASH128_COUNTER = '\u0000hash128';
const HASH256_COUNTER = '\u0000hash256';

/**
 * Counter functions of the load script that keep state for the whole reload (help.qlik.com
 * "Counter functions"; RecNo, RowNo and IterNo are ordinary functions of the row).
 */
export const COUNTER_FUNCTIONS: ScriptFunctionTable = {
  /**
   * AutoNumber(expr[, AutoID]): 1, 2, 3 … for each distinct value in order of first appearance,
   * one counter per AutoID (and one for calls without). NULL stays NULL.
   */
  autonumber: scriptFn(1, 2, ([expression, id], evaluate, host): Cell => {
    const value = evaluate(expression as Expression);
    if (value === null) return null;
    const counter = id ? (evaluate(id)?.text ?? '') : '';
    return numberCell(host.autoNumber(valueKey(value), counter));
  }),
  /** AutoNumberHash128(expr, …): AutoNumber of the 128-bit hash of the combined values. */
  autonumberhash128: scriptFn(1, Number.POSITIVE_INFINITY, (args, evaluate, host) =>
    numberCell(host.autoNumber(hashText('md5', args.map(evaluate)), HASH128_COUNTER)),
  ),
  /** AutoNumberHash256(expr, …): AutoNumber of the 256-bit hash of the combined values. */
  autonumberhash256: scriptFn(1, Number.POSITIVE_INFINITY, (args, evaluate, host) =>
    numberCell(host.autoNumber(hashText('sha256', args.map(evaluate)), HASH256_COUNTER)),
  ),
};
