import { randomUUID } from 'node:crypto';
import type { AppDoc } from '../engine/app/app-doc.js';
import type { ReloadRecord, ReloadTrigger } from '../site/reload-history.js';
import type { Site } from '../site/site.js';
import { stableGuid } from '../site/stable-guid.js';
import type { ReloadOutcome } from './reload-app.js';

/**
 * Records a finished reload in the site's repository: the app's and (when a task ran it) the
 * task's last execution, and — only when it succeeded — the app's `lastReloadTime` and
 * `modifiedDate`. A failed or aborted reload leaves the app as it was: the engine keeps the previous
 * data and does not save the app, so QRS keeps the last successful reload time, as a real site does.
 * Session apps are not in the repository and are not recorded.
 *
 * A start-up `replay` stands for the reload the fixture's `lastReloadTime` says happened: its
 * record ends at that time (same duration) and the app's dates stay the fixture's.
 *
 * @example
 * ```ts
 * const outcome = await reloadApp(app, site, { dataDir });
 * recordReload(site, app, outcome, { trigger: 'engine' });
 * ```
 */
export function recordReload(
  site: Site,
  app: AppDoc,
  outcome: ReloadOutcome,
  how: {
    trigger: ReloadTrigger;
    taskId?: string;
    aborted?: boolean;
    replay?: boolean;
    startedAt?: number;
    executionId?: string;
  },
): ReloadRecord | undefined {
  if (app.isSessionApp) return undefined;
  // A task run starts when the scheduler starts it (QRS showed it Started then), a little before the reload.
  const durationMs = Math.max(0, outcome.stoppedAt - (how.startedAt ?? outcome.startedAt));
  const replayedStop = how.replay && outcome.ok && app.lastReloadTime ? Date.parse(app.lastReloadTime) : Number.NaN;
  const stoppedAt = Number.isFinite(replayedStop) ? replayedStop : outcome.stoppedAt;
  const error = outcome.error;
  const record: ReloadRecord = {
    appId: app.id,
    appName: app.title,
    taskId: how.taskId,
    trigger: how.trigger,
    status: outcome.ok ? 'FinishedSuccess' : how.aborted ? 'Aborted' : 'FinishedFail',
    executionId: how.executionId ?? randomUUID(),
    fileReferenceId: randomUUID(),
    startTime: new Date(stoppedAt - durationMs).toISOString(),
    stopTime: new Date(stoppedAt).toISOString(),
    durationMs,
    log: [...outcome.log],
    error: error ? { line: error.line, message: error.message, statement: error.statement } : undefined,
  };
  site.reloads.record(record);
  const entity = site.apps.get(app.id);
  if (entity && outcome.ok) {
    entity.lastReloadTime = app.lastReloadTime;
    if (!how.replay) entity.modifiedDate = app.modifiedDate;
  }
  announceReload(site, record, entity !== undefined && outcome.ok && !how.replay);
  return record;
}

/**
 * Tells change subscribers what a reload changed in the repository: the task's execution result
 * (when a task ran it) and, for a successful reload, the app's `lastReloadTime` and `modifiedDate`.
 */
function announceReload(site: Site, record: ReloadRecord, appChanged: boolean): void {
  if (record.taskId !== undefined) {
    site.changes.emit({
      objectType: 'ExecutionResult',
      objectId: stableGuid('executionresult', record.taskId),
      changeType: 'Update',
      changedProperties: ['status', 'startTime', 'stopTime', 'duration', 'fileReferenceID', 'details'],
      at: record.stopTime,
    });
  }
  if (appChanged) {
    site.changes.emit({
      objectType: 'App',
      objectId: record.appId,
      changeType: 'Update',
      changedProperties: ['lastReloadTime', 'modifiedDate'],
      at: record.stopTime,
    });
  }
}
