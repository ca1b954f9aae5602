import type { Expression } from '@qixflow/script';
import { type EvaluationEnvironment, type RowContext, rowEvaluator } from '../data/evaluate-expression.js';
import { formatSettings } from '../data/format-settings.js';
import { callScriptFunction } from '../data/functions/script-functions.js';
import type { Cell } from '../data/loaded-model.js';
import type { RowScope } from './reload-environment.js';

/**
 * Row-level evaluation for LOAD expressions, with the script's own format variables. The
 * evaluation environment and the row adapter are made once per variables version and per scope,
 * not per call: LOAD expressions run millions of times.
 */
export function scriptEvaluator(now?: () => number): (expression: Expression, scope: RowScope) => Cell {
  let env: EvaluationEnvironment | undefined;
  let envVersion = -1;
  let envScope: RowScope | undefined;
  let rowScope: RowScope | undefined;
  let evaluate: ((expression: Expression) => Cell) | undefined;
  return (expression, scope) => {
    if (!env || envVersion !== scope.variablesVersion || envScope?.variables !== scope.variables) {
      const variables = scope.variables;
      const variable = (name: string): string | undefined => variables.get(name);
      env = {
        settings: formatSettings(variable),
        variable,
        ...(now ? { now } : {}),
        mapping: (name) => {
          const map = envScope?.mapping(name);
          return map ? { lookup: (key) => map.get(key.text) } : undefined;
        },
        callFunction: (call, evaluateArgument) => {
          const host = envScope?.script;
          return host ? callScriptFunction(call, evaluateArgument, host) : undefined;
        },
      };
      envVersion = scope.variablesVersion;
      evaluate = undefined;
    }
    envScope = scope;
    if (rowScope !== scope || !evaluate) {
      const current = scope;
      const row: RowContext = {
        value: (field) => current.value(field),
        recNo: () => current.recNo,
        rowNo: () => current.rowNo,
        iterNo: () => current.iterNo,
      };
      evaluate = rowEvaluator(row, env);
      rowScope = scope;
    }
    return evaluate(expression);
  };
}
