import { evaluateRow } from '../../data/evaluate-expression.js';
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
      evaluate: (expression, scope) => evaluateInScript(expression, scope, options.now),
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

/** Row-level evaluation for LOAD expressions, with the script's own format variables. */
function evaluateInScript(expression: Parameters<typeof evaluateRow>[0], scope: RowScope, now?: () => number): Cell {
  const variable = (name: string): string | undefined => scope.variables.get(name);
  return evaluateRow(
    expression,
    {
      value: (field) => scope.value(field),
      recNo: () => scope.recNo,
      rowNo: () => scope.rowNo,
      iterNo: () => scope.iterNo,
    },
    {
      settings: formatSettings(variable),
      variable,
      ...(now ? { now } : {}),
      mapping: (name) => {
        const map = scope.mapping(name);
        return map ? { lookup: (key) => map.get(key.text) } : undefined;
      },
    },
  );
}
