/** What every site change event carries. */
export interface SiteChangeBase {
  readonly appId: string;
  readonly appName: string;
  /** The stream the app is published to, when it is. */
  readonly stream: string | undefined;
  /** When it happened (ISO), as the repository dates it. */
  readonly at: string;
}

/** An app was created (or copied, imported). */
export interface AppCreatedEvent extends SiteChangeBase {
  readonly type: 'app.created';
}

/** An app changed in a way that is no publish and no reload: renamed, saved, described … */
export interface AppUpdatedEvent extends SiteChangeBase {
  readonly type: 'app.updated';
  /** The properties that changed as far as the repository shows (`name`, `description`, `modifiedDate` …). */
  readonly changed: readonly string[];
}

/** An app was published to a stream. */
export interface AppPublishedEvent extends SiteChangeBase {
  readonly type: 'app.published';
}

/** An app was deleted. */
export interface AppDeletedEvent extends SiteChangeBase {
  readonly type: 'app.deleted';
}

/** An app was reloaded successfully (by a task or by a client), and saved. */
export interface AppReloadedEvent extends SiteChangeBase {
  readonly type: 'app.reloaded';
  /** How long the reload took, when a reload task ran it. */
  readonly durationMs: number | undefined;
  /** The reload task that ran it, if one did. */
  readonly taskId: string | undefined;
}

/** A reload task's run failed. */
export interface ReloadFailedEvent extends SiteChangeBase {
  readonly type: 'reload.failed';
  readonly taskId: string;
  readonly taskName: string;
  /** What the scheduler noted (the reload provider's message). */
  readonly error: string;
  /** The last lines of the run's script log (where the script error is). */
  readonly logTail: readonly string[];
}

/** A reload task started a run. */
export interface TaskStartedEvent extends SiteChangeBase {
  readonly type: 'task.started';
  readonly taskId: string;
  readonly taskName: string;
}

/** A change of the site: apps created, updated, published, deleted, reloaded; reloads failed; tasks started. */
export type SiteChangeEvent =
  | AppCreatedEvent
  | AppUpdatedEvent
  | AppPublishedEvent
  | AppDeletedEvent
  | AppReloadedEvent
  | ReloadFailedEvent
  | TaskStartedEvent;

/**
 * Where a change feed stands: give it back (`site.changes({ cursor })`) and the feed goes on after
 * the last change it reported, without a full listing and without repeating or losing a change —
 * across reconnects, re-handshakes and restarts of the watcher. Plain JSON: store it as is.
 */
export interface SiteChangeCursor {
  readonly version: 1;
  /** The newest app `modifiedDate` seen, and the apps seen with exactly that date. */
  readonly appsSince: string;
  readonly appsAtSince: readonly string[];
  /** The newest execution result `modifiedDate` seen, and the results seen with exactly that date. */
  readonly runsSince: string;
  readonly runsAtSince: readonly string[];
  /** Every app the feed knows: id → name and stream (to tell created from updated, and to name deleted apps). */
  readonly apps: Readonly<
    Record<string, { readonly name: string; readonly stream: string | undefined; readonly created?: string }>
  >;
  /** Reload task names by id. */
  readonly tasks: Readonly<Record<string, string>>;
  /** The last successful task run of each app (its app's reload may show in a later poll). */
  readonly lastRuns: Readonly<
    Record<string, { readonly taskId: string; readonly durationMs: number; readonly stopTime: string }>
  >;
  /**
   * Set on a Qlik Cloud feed, where the fields above mean: `appsSince`/`appsAtSince` the newest item
   * `updatedAt` seen and the apps at it, `runsSince`/`runsAtSince` the newest reload `creationTime`
   * seen and the reloads at it, `lastRuns` each app's last successful reload (`taskId` = reload id).
   */
  readonly cloud?: {
    /** Reloads seen queued or running: looked up again until they end. */
    readonly pending: readonly string[];
    /** Each app's `lastReloadTime` as last seen. */
    readonly lastReloads: Readonly<Record<string, string>>;
    /** Pending reloads already told as `task.started`. */
    readonly started?: readonly string[];
    /** Space names by id (the `stream` of published apps). */
    readonly spaces?: Readonly<Record<string, string>>;
    /**
     * Where deleted apps are read from: the audit log's deletion event type and the newest deletion
     * seen in it; null when the audit log cannot be read (a full listing every few polls instead).
     */
    readonly audits?: { readonly type: string; readonly since: string } | null;
  };
}
