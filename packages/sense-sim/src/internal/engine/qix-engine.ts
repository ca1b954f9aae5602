import { join } from 'node:path';
import type { WebSocket } from 'ws';
import { type Clock, systemClock } from '../../clock.js';
import type { CalculationOptions } from '../../options.js';
import { binarySourcesFirst } from '../reload/binary-sources-first.js';
import { recordReload } from '../reload/record-reload.js';
import { reloadApp } from '../reload/reload-app.js';
import type { ReloadBudgets } from '../reload/reload-budget.js';
import type { ReloadRecord } from '../site/reload-history.js';
import type { Site } from '../site/site.js';
import { AppDoc } from './app/app-doc.js';
import { AppStore } from './app/app-store.js';
import { OpenDoc } from './doc/open-doc.js';
import { assertAppAccess } from './doc/section-access-gate.js';
import type { Engine, EngineConnectionContext } from './engine.js';
import { EngineFaults } from './engine-faults.js';
import type { HandlerContext } from './handlers/handler-context.js';
import { handlersByName, handlerTables } from './handlers/handler-tables.js';
import { ReloadTaskRunner } from './reload-task-runner.js';
import { CalculationSlot } from './rpc/calculation-slot.js';
import { Connection, type ConnectionDeps } from './rpc/connection.js';
import type { EngineSession } from './session/engine-session.js';
import { SessionRegistry } from './session/session-registry.js';

/** Engine-wide settings. */
export interface QixEngineOptions {
  version: string;
  site: Site;
  workDir: string;
  /** Reload the apps when the engine starts (and restarts). */
  reloadOnStart: boolean;
  /** Limits of every reload; the defaults when absent. */
  reloadBudgets?: Readonly<ReloadBudgets>;
  /** How calculations are scheduled (see `SimulatorOptions.calculations`); default `inline`. */
  calculations?: CalculationOptions;
  /** Seconds a session on a `/app/SessionApp_<id>` URL outlives its last socket (default 0). */
  sessionAppGraceSeconds?: number;
  /**
   * The simulator's clock: engine sessions' activity and linger (`/ttl`, session-app grace), bookmarks' modify
   * time and reload task runs read it.
   */
  clock?: Clock;
}

/** Counters the simulator exposes for leak checks. */
export interface EngineCounters {
  requests: number;
  openConnections: number;
  /** Requests answered with a result, by method (how much work the engine completed). */
  completed: Record<string, number>;
  /** Requests answered `LOCERR_GENERIC_ABORTED` (CancelRequest, AbortAll …), by method. */
  aborted: Record<string, number>;
  /** Milliseconds spent in the handlers, by method (what the engine's own work cost). */
  busyMs: Record<string, number>;
}

/**
 * The simulated QIX engine: engine sessions keyed by user + app + identity, apps from the site
 * (persisted by DoSave), and the JSON-RPC connections that talk to them.
 */
export class QixEngine implements Engine, HandlerContext {
  readonly options: QixEngineOptions;
  readonly apps: AppStore;
  readonly sessions: SessionRegistry;
  readonly faults = new EngineFaults();
  /** The site's reload tasks: started through QRS, by schedule or by chain. */
  readonly tasks: ReloadTaskRunner;
  readonly counters: EngineCounters = {
    requests: 0,
    openConnections: 0,
    completed: {},
    aborted: {},
    busyMs: {},
  };
  readonly #deps: ConnectionDeps;

  private constructor(options: QixEngineOptions) {
    this.options = options;
    this.apps = new AppStore(options.site, options.workDir);
    const clock = options.clock ?? systemClock;
    this.tasks = new ReloadTaskRunner({
      site: options.site,
      apps: this.apps,
      dataDir: () => this.dataDir,
      budgets: options.reloadBudgets,
      clock,
    });
    this.sessions = new SessionRegistry((session) => this.#sessionCreated(session), {
      clock,
      ...(options.sessionAppGraceSeconds !== undefined
        ? { sessionAppGraceSeconds: options.sessionAppGraceSeconds }
        : {}),
    });
    const tables = handlerTables(this);
    this.#deps = {
      handlers: (qType) => handlersByName(tables, qType),
      faults: this.faults,
      counters: this.counters,
      ...(options.calculations?.model === 'queued' || options.calculations?.model === 'concurrent'
        ? { calculations: new CalculationSlot(options.calculations.model) }
        : {}),
      abortOnChange: options.calculations?.abortOnChange === true,
    };
  }

  static async start(options: QixEngineOptions): Promise<QixEngine> {
    const engine = new QixEngine(options);
    await engine.apps.load();
    if (options.reloadOnStart) await engine.reloadAll();
    engine.tasks.startSchedules();
    return engine;
  }

  /**
   * Reloads every app with a script: first in the order of the site's reload tasks (an extract
   * app before the apps reading its QVDs), then the others, each app's BINARY source before it.
   * Each reload is recorded in the site's repository as a run of the app's (first) reload task
   * when it has one; script errors leave that app without data and are recorded, not thrown. An app whose fixture says when it was last
   * reloaded replays that reload: it is stamped with the fixture's time.
   */
  async reloadAll(): Promise<ReloadRecord[]> {
    const ordered: AppDoc[] = [];
    const taskOf = new Map<AppDoc, string>();
    for (const task of this.options.site.reloadTasks.values()) {
      const app = this.apps.get(task.app.id);
      if (app && !ordered.includes(app)) {
        ordered.push(app);
        taskOf.set(app, task.id);
      }
    }
    for (const app of this.apps.list()) if (!ordered.includes(app)) ordered.push(app);
    const records: ReloadRecord[] = [];
    for (const app of binarySourcesFirst(ordered)) {
      if (app.script.trim() === '') continue;
      const replayed = app.lastReloadTime;
      const outcome = await reloadApp(app, this.options.site, {
        dataDir: this.dataDir,
        apps: () => this.apps.list(),
        now: () => (this.options.clock ?? systemClock).now(),
        ...(this.options.reloadBudgets ? { budgets: this.options.reloadBudgets } : {}),
        ...(replayed !== undefined ? { reloadTime: replayed } : {}),
      });
      const taskId = taskOf.get(app);
      const record = recordReload(this.options.site, app, outcome, {
        trigger: 'start-up',
        ...(taskId !== undefined ? { taskId } : {}),
        replay: replayed !== undefined,
      });
      if (record) records.push(record);
    }
    return records;
  }

  accept(socket: WebSocket, context: EngineConnectionContext): void {
    const { session, state } = this.sessions.join(context);
    const connection = new Connection(socket, session, this.#deps);
    session.attach(connection);
    connection.notify('OnConnected', { qSessionState: state });
  }

  /** Ends every session and reloads the apps from fixtures + saved files (unsaved changes are lost). */
  async restart(): Promise<void> {
    this.sessions.endAll();
    await this.apps.load();
    if (this.options.reloadOnStart) await this.reloadAll();
  }

  async close(): Promise<void> {
    this.tasks.close();
    this.sessions.endAll();
  }

  /** The folder folder connections point into: the site's data, or an empty folder of the engine's own. */
  get dataDir(): string {
    return this.options.site.dataDir ?? join(this.options.workDir, 'data');
  }

  /** Opens an app in a session (OpenDoc, session apps). */
  openDoc(session: EngineSession, app: AppDoc, noData: boolean): OpenDoc {
    assertAppAccess(app, session.user);
    const doc = new OpenDoc(session, app, noData);
    session.doc = doc;
    return doc;
  }

  /** A new session app (never saved). */
  createSessionApp(id: string): AppDoc {
    return new AppDoc({ id, name: id, script: '' }, { isSessionApp: true });
  }

  #sessionCreated(session: EngineSession): void {
    // `/app/SessionApp_<x>` creates and activates a session app (as Qlik Cloud does).
    if (session.urlAppId?.startsWith('SessionApp_')) {
      this.openDoc(session, this.createSessionApp(session.urlAppId), false);
    }
  }
}
