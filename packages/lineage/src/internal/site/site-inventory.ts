import type { Site } from '@qixflow/core';

/** An app as QRS lists it (the fields lineage uses). */
export interface InventoryApp {
  readonly id: string;
  readonly name: string;
  readonly streamId: string | null;
  readonly streamName: string | null;
  readonly owner: string | undefined;
  readonly published: boolean;
  readonly modifiedDate: string | null;
  readonly lastReloadTime: string | null;
  /** The app's last reload, run by a reload task, failed after its last successful one. */
  readonly lastReloadFailure: InventoryReloadFailure | null;
}

/** A failed run of a reload task (its last execution result), and where its script log is. */
export interface InventoryReloadFailure {
  /** stopTime of the run. */
  readonly at: string;
  readonly taskId: string;
  readonly taskName: string;
  /** The ExecutionResult id and fileReferenceID, which name the run's script log. */
  readonly executionResultId: string | undefined;
  readonly fileReferenceId: string | undefined;
  readonly scriptLogAvailable: boolean;
}

/** A stream. */
interface InventoryStream {
  readonly id: string;
  readonly name: string;
}

/** A data connection as QRS lists it. */
interface InventoryConnection {
  readonly id: string;
  readonly name: string;
  readonly type: string;
  readonly connectionString: string;
}

/** What QRS says about the site. */
export interface SiteInventory {
  readonly apps: InventoryApp[];
  readonly streams: InventoryStream[];
  readonly connections: InventoryConnection[];
  /** App id → names of the reload tasks that reload it. */
  readonly reloadTasks: ReadonlyMap<string, string[]>;
}

type Json = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** QRS writes "never" as 1753-01-01: treat dates before 1900 as absent. */
function qrsDate(v: unknown): string | null {
  const s = str(v);
  if (!s) return null;
  const year = Number(s.slice(0, 4));
  return Number.isFinite(year) && year >= 1900 ? s : null;
}

async function list(
  site: Site,
  path: string,
  filter: string | undefined,
  signal: AbortSignal | undefined,
): Promise<Json[]> {
  const answer = await site.qrs.get<unknown>(path, {
    ...(filter !== undefined ? { query: { filter } } : {}),
    ...(signal ? { signal } : {}),
  });
  return Array.isArray(answer) ? (answer.filter((x) => x !== null && typeof x === 'object') as Json[]) : [];
}

// TaskExecutionStatus 8 FinishedFail and 11 Error: the reload ran and did not finish (6 Aborted: someone stopped it).
const FAILED_STATUSES: ReadonlySet<unknown> = new Set([8, 11]);
const EMPTY_GUID = '00000000-0000-0000-0000-000000000000';

/** The task's last execution result when it is a failure. */
function taskFailure(task: Json, taskName: string): InventoryReloadFailure | undefined {
  const result = (task.operational as Json | undefined)?.lastExecutionResult as Json | undefined;
  const at = qrsDate(result?.stopTime);
  const taskId = str(task.id);
  if (!result || !at || !taskId || !FAILED_STATUSES.has(result.status)) return undefined;
  const fileReferenceId = str(result.fileReferenceID);
  return {
    at,
    taskId,
    taskName,
    executionResultId: str(result.id),
    fileReferenceId: fileReferenceId === EMPTY_GUID ? undefined : fileReferenceId,
    scriptLogAvailable: result.scriptLogAvailable === true,
  };
}

/** A failure counts when no successful reload came after it. */
function failureAfter(
  failure: InventoryReloadFailure | undefined,
  lastReloadTime: string | null,
): InventoryReloadFailure | null {
  if (!failure) return null;
  if (lastReloadTime !== null && Date.parse(lastReloadTime) >= Date.parse(failure.at)) return null;
  return failure;
}

/**
 * Reads the inventory from QRS: `/app/full` (with the caller's filter), `/stream/full`,
 * `/dataconnection/full` and `/reloadtask/full`. Credentials in connections are not kept.
 */
export async function readSiteInventory(
  site: Site,
  options: { filter?: string; signal?: AbortSignal },
): Promise<SiteInventory> {
  const [apps, streams, connections, tasks] = await Promise.all([
    list(site, '/app/full', options.filter, options.signal),
    list(site, '/stream/full', undefined, options.signal),
    list(site, '/dataconnection/full', undefined, options.signal),
    list(site, '/reloadtask/full', undefined, options.signal).catch(() => []),
  ]);
  const reloadTasks = new Map<string, string[]>();
  const failures = new Map<string, InventoryReloadFailure>();
  for (const t of tasks) {
    const appId = str((t.app as Json | undefined)?.id);
    const name = str(t.name);
    if (!appId || !name) continue;
    reloadTasks.set(appId, [...(reloadTasks.get(appId) ?? []), name]);
    const failure = taskFailure(t, name);
    const known = failures.get(appId);
    if (failure && (!known || Date.parse(failure.at) > Date.parse(known.at))) failures.set(appId, failure);
  }
  return {
    apps: apps
      .map((a) => {
        const stream = a.stream as Json | null | undefined;
        const owner = a.owner as Json | undefined;
        return {
          id: str(a.id) ?? '',
          name: str(a.name) ?? str(a.id) ?? '',
          streamId: str(stream?.id) ?? null,
          streamName: str(stream?.name) ?? null,
          owner: owner ? `${str(owner.userDirectory) ?? ''}\\${str(owner.userId) ?? ''}` : undefined,
          published: a.published === true,
          modifiedDate: qrsDate(a.modifiedDate),
          lastReloadTime: qrsDate(a.lastReloadTime),
          lastReloadFailure: failureAfter(failures.get(str(a.id) ?? ''), qrsDate(a.lastReloadTime)),
        };
      })
      .filter((a) => a.id !== '')
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    streams: streams
      .map((s) => ({ id: str(s.id) ?? '', name: str(s.name) ?? '' }))
      .filter((s) => s.id !== '')
      .sort((a, b) => (a.id < b.id ? -1 : 1)),
    connections: connections
      .map((c) => ({
        id: str(c.id) ?? '',
        name: str(c.name) ?? '',
        type: str(c.type) ?? '',
        connectionString: str(c.connectionstring) ?? '',
      }))
      .filter((c) => c.name !== '')
      .sort((a, b) => (a.name.toLowerCase() < b.name.toLowerCase() ? -1 : 1)),
    reloadTasks,
  };
}
