import type { Expression } from '@qixflow/script';
import { compiledRowEvaluator } from '../data/compile-expression.js';
import type { EvaluationEnvironment, RowContext } from '../data/evaluate-expression.js';
import { formatSettings } from '../data/format-settings.js';
import { callScriptFunction } from '../data/functions/script-functions.js';
import type { Cell } from '../data/loaded-model.js';
import type { EvaluateRow, RowScope } from './reload-environment.js';

/**
 * Row-level evaluation for LOAD expressions, with the script's own format variables. The
 * evaluation environment and the row adapter are made once per variables version and per scope,
 * not per call: LOAD expressions run millions of times. `forScope` binds one scope for a whole
 * LOAD (no statement runs while it does, so the variables cannot change).
 */
export function scriptEvaluator(now?: () => number): EvaluateRow {
  let env: EvaluationEnvironment | undefined;
  let envVersion = -1;
  let envScope: RowScope | undefined;
  let rowScope: RowScope | undefined;
  let evaluate: ((expression: Expression) => Cell) | undefined;

  const environment = (scope: RowScope): EvaluationEnvironment => {
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
    return env;
  };

  const bound = (scope: RowScope, withEnv: EvaluationEnvironment): ((expression: Expression) => Cell) => {
    const row: RowContext = {
      value: (field) => scope.value(field),
      recNo: () => scope.recNo,
      rowNo: () => scope.rowNo,
      iterNo: () => scope.iterNo,
    };
    return compiledRowEvaluator(row, withEnv);
  };

  const evaluateRow = (expression: Expression, scope: RowScope): Cell => {
    const withEnv = environment(scope);
    if (rowScope !== scope || !evaluate) {
      evaluate = bound(scope, withEnv);
      rowScope = scope;
    }
    return evaluate(expression);
  };
  return Object.assign(evaluateRow, {
    forScope: (scope: RowScope) => {
      const withEnv = environment(scope);
      const evaluateBound = bound(scope, withEnv);
      return (expression: Expression): Cell => {
        envScope = scope;
        return evaluateBound(expression);
      };
    },
  });
}
