import type { Site } from '@qixflow/core';
import type { ReloadFailureInfo } from '../app/app-snapshot.js';
import { scriptLogError } from './script-log-error.js';
import type { InventoryReloadFailure } from './site-inventory.js';

/**
 * A failed task run with its script error, read from the run's script log the way the QMC reads
 * it: `GET /qrs/reloadtask/<id>/scriptlog?fileReferenceId=…` (or, on servers from May 2025 on,
 * `…/scriptlogfile?executionResultId=…`) for a download reference, then the log at
 * `/qrs/download/reloadtask/<reference>/scriptlog.txt`. Without a readable log the failure is
 * still reported, with its task and time. An abort rejects; any other failure of these calls only
 * loses the line and the message.
 */
export async function readReloadFailure(
  site: Site,
  failure: InventoryReloadFailure,
  signal?: AbortSignal,
): Promise<ReloadFailureInfo> {
  const known: ReloadFailureInfo = { at: failure.at, task: failure.taskName };
  if (!failure.scriptLogAvailable) return known;
  const options = signal ? { signal } : {};
  const task = encodeURIComponent(failure.taskId);
  const references: [string, Record<string, string>][] = [];
  if (failure.fileReferenceId)
    references.push([`/reloadtask/${task}/scriptlog`, { fileReferenceId: failure.fileReferenceId }]);
  if (failure.executionResultId)
    references.push([`/reloadtask/${task}/scriptlogfile`, { executionResultId: failure.executionResultId }]);
  for (const [path, query] of references) {
    try {
      const answer = await site.qrs.get<{ value?: unknown } | undefined>(path, { query, ...options });
      const reference = typeof answer?.value === 'string' ? answer.value : undefined;
      if (reference === undefined || reference === '') continue;
      const log = await site.qrs.getText(
        `/download/reloadtask/${encodeURIComponent(reference)}/scriptlog.txt`,
        options,
      );
      const error = scriptLogError(log);
      return error ? { ...known, ...error } : known;
    } catch (error) {
      if (signal?.aborted) throw error;
    }
  }
  return known;
}
