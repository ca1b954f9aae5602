import type { LoadedModel } from '../data/loaded-model.js';
import type { AppDoc } from '../engine/app/app-doc.js';
import type { Site } from '../site/site.js';
import type { ReloadBudgets } from './reload-budget.js';
import { runScript } from './run-script.js';
import { ScriptError } from './script-error.js';
import { scriptEvaluator } from './script-evaluator.js';

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
  options: {
    dataDir: string;
    signal?: AbortSignal;
    onProgress?: (line: string) => void;
    now?: () => number;
    budgets?: Readonly<ReloadBudgets>;
  },
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
      ...(options.budgets ? { budgets: options.budgets } : {}),
      onProgress: progress,
    });
    // An abort that lands after the last yield still wins: the previous data stays.
    if (options.signal?.aborted) throw new ScriptError('Reload aborted', { line: 0, column: 0, statement: '' });
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
