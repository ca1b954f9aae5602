import type { Expression } from '@qixflow/script';
import { type EvaluationEnvironment, evaluateRow, type RowContext } from '../../data/evaluate-expression.js';
import { formatSettings } from '../../data/format-settings.js';
import type { Cell, LoadedModel } from '../../data/loaded-model.js';
import { type RowScope, runScript } from '../../reload/run-script.js';
import { ScriptError } from '../../reload/script-error.js';
import type { Site } from '../../site/site.js';
import type { AppDoc } from '../app/app-doc.js';

/** What a reload reports (GetProgress: qErrorData, persistent progress). */
export interface ReloadOutcome {
  ok: boolean;
  log: string[];
  error: ScriptError | undefined;
}

/**
 * Reloads an app from its script: runs the executor against the site's data folder and
 * connections, and on success stores the new data model on the app (every session of the app
 * then rebuilds its data engine). A failed reload keeps the previous data, as the engine does.
 */
export async function reloadApp(
  app: AppDoc,
  site: Site,
  options: { dataDir: string; signal?: AbortSignal; onProgress?: (line: string) => void; now?: () => number },
): Promise<ReloadOutcome> {
  const log: string[] = [];
  const progress = (line: string): void => {
    log.push(line);
    options.onProgress?.(line);
  };
  progress(`Started loading data`);
  try {
    const model: LoadedModel = await runScript(app.script, {
      dataDir: options.dataDir,
      connections: [...site.dataConnections.values()].map((c) => ({
        name: c.name,
        type: c.type,
        connectionString: c.connectionString,
      })),
      evaluate: scriptEvaluator(options.now),
      ...(options.signal ? { signal: options.signal } : {}),
      onProgress: progress,
    });
    app.setData(model, new Date(options.now?.() ?? Date.now()).toISOString());
    progress(`App saved`);
    return { ok: true, log, error: undefined };
  } catch (error) {
    if (error instanceof ScriptError) {
      progress(`The following error occurred: ${error.message}`);
      return { ok: false, log, error };
    }
    throw error;
  }
}

/**
 * Row-level evaluation for LOAD expressions, with the script's own format variables. The
 * evaluation environment and the row adapter are made once per variables version and per scope,
 * not per call: LOAD expressions run millions of times.
 */
function scriptEvaluator(now?: () => number): (expression: Expression, scope: RowScope) => Cell {
  let env: EvaluationEnvironment | undefined;
  let envVersion = -1;
  let envScope: RowScope | undefined;
  let row: RowContext | undefined;
  let rowScope: RowScope | undefined;
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
      };
      envVersion = scope.variablesVersion;
    }
    envScope = scope;
    if (rowScope !== scope || !row) {
      const current = scope;
      row = {
        value: (field) => current.value(field),
        recNo: () => current.recNo,
        rowNo: () => current.rowNo,
        iterNo: () => current.iterNo,
      };
      rowScope = scope;
    }
    return evaluateRow(expression, row, env);
  };
}
