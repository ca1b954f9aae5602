import { prepareModel } from '../data/data-engine.js';
import type { LoadedModel } from '../data/model/loaded-model.js';
import type { AppDoc } from '../engine/app/app-doc.js';
import type { Site } from '../site/site.js';
import { appBinaryLoader } from './app-binary-loader.js';
import { DEFAULT_RELOAD_BUDGETS, type ReloadBudgets, ReloadGuard } from './reload-budget.js';
import { runScript } from './run-script.js';
import { BudgetExceeded, ExecutionError, ScriptError } from './script-error.js';
import { scriptEvaluator } from './script-evaluator.js';

/** What a reload reports (GetProgress: qErrorData, persistent progress). */
export interface ReloadOutcome {
  ok: boolean;
  log: string[];
  error: ScriptError | undefined;
  /** When the reload started and ended (ms since the epoch), for the repository's records. */
  startedAt: number;
  stoppedAt: number;
}

/** Where errors of the model build (after the last statement) are reported. */
const AFTER_SCRIPT = { line: 0, column: 0, statement: '' };

/**
 * Reloads an app from its script: runs the executor against the site's data folder and
 * connections, then builds the associative model of the result — paced by the same guard, so it
 * yields every few milliseconds, is abortable and counts against the budgets — and only then
 * stores the new data on the app. Every session of the app then makes its data engine (its own
 * selections) over that one shared model: no request builds it. A failed or aborted reload keeps
 * the previous data and model, as the engine does.
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
    /** The apps BINARY may load (the engine's); without it BINARY reads `.qvf` files only. */
    apps?: () => readonly AppDoc[];
    /** When a successful reload is stamped (qLastReloadTime); default when it ends. */
    reloadTime?: string;
  },
): Promise<ReloadOutcome> {
  const now = options.now ?? Date.now;
  const startedAt = now();
  const log: string[] = [];
  const progress = (line: string): void => {
    log.push(line);
    options.onProgress?.(line);
  };
  progress(`Started loading data`);
  const guard = new ReloadGuard(options.budgets ?? DEFAULT_RELOAD_BUDGETS, options.signal);
  try {
    const model: LoadedModel = await runScript(app.script, {
      dataDir: options.dataDir,
      connections: [...site.dataConnections.values()].map((c) => ({
        name: c.name,
        type: c.type,
        connectionString: c.connectionString,
      })),
      folderMappings: site.dataFolderMappings,
      ...(options.apps ? { binary: appBinaryLoader(options.apps) } : {}),
      evaluate: scriptEvaluator(options.now),
      ...(options.signal ? { signal: options.signal } : {}),
      guard,
      onProgress: progress,
    });
    await buildModel(model, guard);
    // An abort that lands after the last yield still wins: the previous data stays.
    if (options.signal?.aborted) throw new ScriptError('Reload aborted', AFTER_SCRIPT);
    const stoppedAt = now();
    app.setData(model, options.reloadTime ?? new Date(stoppedAt).toISOString());
    progress(`App saved`);
    return { ok: true, log, error: undefined, startedAt, stoppedAt };
  } catch (error) {
    if (error instanceof ScriptError) {
      // Messages reach clients, QRS and terminals: the simulator's own folders are not theirs to see.
      const shown = hideHostPath(error, options.dataDir);
      progress(`The following error occurred: ${shown.message}`);
      return { ok: false, log, error: shown, startedAt, stoppedAt: now() };
    }
    throw error;
  }
}

/** The error with the data folder's absolute path (in a file name the executor quotes) shown as `<data folder>`. */
function hideHostPath(error: ScriptError, dataDir: string): ScriptError {
  if (dataDir === '' || !error.message.includes(dataDir)) return error;
  return new ScriptError(error.message.split(dataDir).join('<data folder>'), error);
}

/** The model build after the script, with its errors (abort, budgets) as script errors. */
async function buildModel(model: LoadedModel, guard: ReloadGuard): Promise<void> {
  try {
    await prepareModel(model, guard);
  } catch (error) {
    if (error instanceof BudgetExceeded)
      throw new ScriptError(`${error.message} while building the data model`, AFTER_SCRIPT);
    if (error instanceof ExecutionError) throw new ScriptError(error.message, AFTER_SCRIPT);
    throw error;
  }
}
