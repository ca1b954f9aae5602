import type { WebSocket } from 'ws';
import type { Site } from '../site/site.js';
import { AppDoc } from './app/app-doc.js';
import { AppStore } from './app/app-store.js';
import { OpenDoc } from './doc/open-doc.js';
import type { Engine, EngineConnectionContext } from './engine.js';
import { EngineFaults } from './engine-faults.js';
import { handlerTables } from './handlers/handler-tables.js';
import { Connection, type ConnectionDeps } from './rpc/connection.js';
import type { EngineSession } from './session/engine-session.js';
import { SessionRegistry } from './session/session-registry.js';

/** Engine-wide settings. */
export interface QixEngineOptions {
  version: string;
  site: Site;
  workDir: string;
}

/** Counters the simulator exposes for leak checks. */
export interface EngineCounters {
  requests: number;
  openConnections: number;
}

/**
 * The simulated QIX engine: engine sessions keyed by user + app + identity, apps from the site
 * (persisted by DoSave), and the JSON-RPC connections that talk to them.
 */
export class QixEngine implements Engine {
  readonly options: QixEngineOptions;
  readonly apps: AppStore;
  readonly sessions: SessionRegistry;
  readonly faults = new EngineFaults();
  readonly counters: EngineCounters = { requests: 0, openConnections: 0 };
  readonly #deps: ConnectionDeps;

  private constructor(options: QixEngineOptions) {
    this.options = options;
    this.apps = new AppStore(options.site, options.workDir);
    this.sessions = new SessionRegistry((session) => this.#sessionCreated(session));
    const tables = handlerTables(this);
    this.#deps = { handlers: (qType) => tables[qType], faults: this.faults, counters: this.counters };
  }

  static async start(options: QixEngineOptions): Promise<QixEngine> {
    const engine = new QixEngine(options);
    await engine.apps.load();
    return engine;
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
  }

  async close(): Promise<void> {
    this.sessions.endAll();
  }

  /** Opens an app in a session (OpenDoc, session apps). */
  openDoc(session: EngineSession, app: AppDoc, noData: boolean): OpenDoc {
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
