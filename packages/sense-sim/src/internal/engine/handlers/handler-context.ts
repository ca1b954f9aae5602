import type { ReloadBudgets } from '../../reload/reload-budget.js';
import type { Site } from '../../site/site.js';
import type { AppDoc } from '../app/app-doc.js';
import type { AppStore } from '../app/app-store.js';
import type { OpenDoc } from '../doc/open-doc.js';
import type { EngineSession } from '../session/engine-session.js';

/**
 * What the method handlers use of the engine, and nothing else; `QixEngine` implements it. Its own
 * file so that the handlers never import the engine that builds their tables.
 */
export interface HandlerContext {
  readonly options: {
    /** The engine version (EngineVersion, ProductVersion). */
    readonly version: string;
    readonly site: Site;
    /** Limits of every reload; the defaults when absent. */
    readonly reloadBudgets?: Readonly<ReloadBudgets>;
  };
  readonly apps: Pick<AppStore, 'get' | 'list' | 'create' | 'delete' | 'save'>;
  /** The folder folder connections point into. */
  readonly dataDir: string;
  /** Opens an app in a session (OpenDoc, session apps). */
  openDoc(session: EngineSession, app: AppDoc, noData: boolean): OpenDoc;
  /** A new session app (never saved). */
  createSessionApp(id: string): AppDoc;
}
