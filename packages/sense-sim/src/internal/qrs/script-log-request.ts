import { scriptLogText } from '../reload/script-log.js';
import type { ReloadRecord } from '../site/reload-history.js';
import type { Site } from '../site/site.js';
import { stableGuid } from '../site/stable-guid.js';
import { executionResultId } from './qrs-entities.js';

/** What a script log request answers: a download reference, the log itself, or 404. */
export type ScriptLogAnswer =
  | { kind: 'reference'; value: string }
  | { kind: 'file'; text: string }
  | { kind: 'not-found' };

/**
 * The two steps QRS clients (the QMC, Butler) take to read the log of a task's last run:
 * `GET /qrs/reloadtask/<taskId>/scriptlog?fileReferenceId=<lastExecutionResult.fileReferenceID>`
 * (or, since May 2025, `…/scriptlogfile?executionResultId=<lastExecutionResult.id>`) answers
 * `{"value": <reference>}`; `GET /qrs/download/reloadtask/<reference>/<any name>.txt` answers the log.
 * Undefined when `path` (lower-cased segments after `/qrs`) is neither; a reference or a run the
 * site does not know is a 404. The simulator's reference stays valid for the run it names (a real
 * one expires after a while).
 *
 * @example
 * ```ts
 * scriptLogRequest(site, ['reloadtask', taskId, 'scriptlog'], url); // { kind: 'reference', value: '…' }
 * ```
 */
export function scriptLogRequest(site: Site, path: readonly string[], url: URL): ScriptLogAnswer | undefined {
  const [first, second, third, fourth] = path;
  if (first === 'reloadtask' && second !== undefined && (third === 'scriptlog' || third === 'scriptlogfile')) {
    if (path.length !== 3) return { kind: 'not-found' };
    const task = [...site.reloadTasks.values()].find((t) => t.id.toLowerCase() === second);
    const run = task && site.reloads.lastOfTask(task.id);
    if (!task || !run) return { kind: 'not-found' };
    const asked = third === 'scriptlog' ? param(url, 'fileReferenceId') : param(url, 'executionResultId');
    const expected = third === 'scriptlog' ? run.fileReferenceId : executionResultId(task);
    if (asked?.toLowerCase() !== expected.toLowerCase()) return { kind: 'not-found' };
    return { kind: 'reference', value: downloadReference(run) };
  }
  if (first === 'download' && second === 'reloadtask' && third !== undefined) {
    if (path.length !== 4 || fourth === undefined) return { kind: 'not-found' };
    const run = site.reloads.tasks().find((r) => downloadReference(r) === third);
    return run ? { kind: 'file', text: scriptLogText(run) } : { kind: 'not-found' };
  }
  return undefined;
}

function downloadReference(run: ReloadRecord): string {
  return stableGuid('scriptlog.download', run.executionId);
}

/** A query parameter by name, any case (clients write `fileReferenceId` and `fileReferenceID`). */
function param(url: URL, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of url.searchParams) if (key.toLowerCase() === wanted) return value;
  return undefined;
}
