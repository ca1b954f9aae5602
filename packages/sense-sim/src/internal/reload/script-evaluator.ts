import type { Expression } from '@qixflow/script';
import {
  type BoundExpression,
  compiledRowBinder,
  compiledRowEvaluator,
} from '../data/expressions/compile-expression.js';
import type { EvaluationEnvironment, RowContext } from '../data/expressions/evaluate-expression.js';
import { callScriptFunction } from '../data/expressions/functions/script-functions.js';
import { formatSettings } from '../data/formats/format-settings.js';
import type { Cell } from '../data/model/loaded-model.js';
import type { EvaluateRow, RowScope } from './reload-environment.js';

/**
 * Row-level evaluation for LOAD expressions, with the script's own format variables. The
 * evaluation environment and the row adapter are made once per variables version and per scope,
 * not per call: LOAD expressions run millions of times. `forScope` and `bindFor` bind one scope for
 * a whole LOAD (no statement runs while it does, so the variables cannot change).
 */
export function scriptEvaluator(now?: () => number): EvaluateRow {
  let env: EvaluationEnvironment | undefined;
  let envVersion = -1;
  let envScope: RowScope | undefined;
  let rowScope: RowScope | undefined;
  let evaluate: ((expression: Expression) => Cell) | undefined;

  /** An environment whose mapping tables and script functions are those of `scopeOf()`. */
  const makeEnvironment = (scope: RowScope, scopeOf: () => RowScope | undefined): EvaluationEnvironment => {
    const variables = scope.variables;
    const variable = (name: string): string | undefined => variables.get(name);
    return {
      settings: formatSettings(variable),
      variable,
      ...(now ? { now } : {}),
      mapping: (name) => {
        const map = scopeOf()?.mapping(name);
        return map ? { lookup: (key) => map.get(key.text) } : undefined;
      },
      callFunction: (call, evaluateArgument) => {
        const host = scopeOf()?.script;
        return host ? callScriptFunction(call, evaluateArgument, host) : undefined;
      },
    };
  };

  const environment = (scope: RowScope): EvaluationEnvironment => {
    if (!env || envVersion !== scope.variablesVersion || envScope?.variables !== scope.variables) {
      env = makeEnvironment(scope, () => envScope);
      envVersion = scope.variablesVersion;
      evaluate = undefined;
    }
    envScope = scope;
    return env;
  };

  const rowOf = (scope: RowScope): RowContext => ({
    value: (field) => scope.value(field),
    recNo: () => scope.recNo,
    rowNo: () => scope.rowNo,
    iterNo: () => scope.iterNo,
  });

  const evaluateRow = (expression: Expression, scope: RowScope): Cell => {
    const withEnv = environment(scope);
    if (rowScope !== scope || !evaluate) {
      evaluate = compiledRowEvaluator(rowOf(scope), withEnv);
      rowScope = scope;
    }
    return evaluate(expression);
  };
  return Object.assign(evaluateRow, {
    forScope: (scope: RowScope) => {
      const evaluateBound = compiledRowEvaluator(rowOf(scope), environment(scope));
      return (expression: Expression): Cell => {
        envScope = scope;
        return evaluateBound(expression);
      };
    },
    // An environment of its own, bound to this scope: nothing to re-point before each call.
    bindFor: (scope: RowScope): ((expression: Expression) => BoundExpression) =>
      compiledRowBinder(
        rowOf(scope),
        makeEnvironment(scope, () => scope),
      ),
  });
}
