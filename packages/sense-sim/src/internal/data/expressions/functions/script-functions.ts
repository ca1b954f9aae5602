import type { Cell } from '../../model/loaded-model.js';
import { ExpressionError } from '../expression-error.js';
import type { FunctionCall } from '../script-bridge.js';
import { COUNTER_FUNCTIONS } from './counter-functions.js';
import { FILE_FUNCTIONS } from './file-functions.js';
import { INTER_RECORD_FUNCTIONS } from './inter-record-functions.js';
import type { EvaluateArgument, ScriptFunctionTable, ScriptHost } from './script-host.js';
import { SCRIPT_TABLE_FUNCTIONS } from './script-table-functions.js';

/** The functions only the load script has: they read the running script through a {@link ScriptHost}. */
const SCRIPT_FUNCTIONS: ScriptFunctionTable = {
  ...SCRIPT_TABLE_FUNCTIONS,
  ...INTER_RECORD_FUNCTIONS,
  ...COUNTER_FUNCTIONS,
  ...FILE_FUNCTIONS,
};

/**
 * Calls a script-only function (Peek, Exists, TableNumber, AutoNumber …) — undefined when `call`
 * names none, so the evaluator can report the function as unknown.
 *
 * @example
 * callScriptFunction(parseExpressionText("TableNumber('Orders')") as FunctionCall, evaluate, host);
 * // { text: '0', num: 0 } when Orders is the script's first table
 */
export function callScriptFunction(call: FunctionCall, evaluate: EvaluateArgument, host: ScriptHost): Cell | undefined {
  const key = call.name.toLowerCase();
  const spec = Object.hasOwn(SCRIPT_FUNCTIONS, key) ? SCRIPT_FUNCTIONS[key] : undefined;
  if (!spec) return undefined;
  const count = call.args.length;
  if (count < spec.min || count > spec.max) {
    const range =
      spec.min === spec.max
        ? `${spec.min}`
        : spec.max === Number.POSITIVE_INFINITY
          ? `at least ${spec.min}`
          : `${spec.min} to ${spec.max}`;
    throw new ExpressionError(`${call.name} takes ${range} argument${spec.max === 1 && spec.min === 1 ? '' : 's'}`);
  }
  return spec.fn(call.args, evaluate, host);
}
