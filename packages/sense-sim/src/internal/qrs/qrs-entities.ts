import { createHash } from 'node:crypto';
import { scriptLogPath, scriptLogText } from '../reload/script-log.js';
import type { ReloadRecord, ReloadStatus } from '../site/reload-history.js';
import type { Site, SiteApp, SiteDataConnection, SiteReloadTask, SiteStream, SiteUser } from '../site/site.js';
import { stableGuid } from '../site/stable-guid.js';
import { appObjectCondensed, appObjectFull, appObjectSources } from './qrs-app-objects.js';

/** The QRS entity types the simulator serves, as they appear in the URL (`/qrs/app/object/full`). */
export type QrsEntityType =
  | 'app'
  | 'stream'
  | 'dataconnection'
  | 'reloadtask'
  | 'executionresult'
  | 'app/object'
  | 'user';

// QRS writes "never" (unpublished, never reloaded, no next run) as the .NET SqlDateTime minimum.
const NEVER = '1753-01-01T00:00:00.000Z';
const EMPTY_GUID = '00000000-0000-0000-0000-000000000000';
// The site model has no dates for streams, users, connections and tasks; this is the default it uses for apps.
const SITE_TIME = '2026-01-05T08:00:00.000Z';
const SERVICE_ACCOUNT = 'INTERNAL\\sa_repository';
// The engine version the simulator reports by default: apps "were saved" by it.
const SAVED_IN_PRODUCT_VERSION = '12.2027.0';
// Opaque on a real server (a hash of the repository's migration state); it only has to be stable.
const MIGRATION_HASH = createHash('sha1').update(`qixflow-sense-sim ${SAVED_IN_PRODUCT_VERSION}`).digest('hex');
// AvailabilityStatusEnum: 0 NotApplicable, 1 Available, 2 NoActiveRoute, 3 NoConfiguredRoute, 4 NotSynced, 5 NotMigrated.
const AVAILABLE = 1;
// TaskExecutionStatus: 0 NeverStarted, 1 Triggered, 2 Started, 3 Queued, 4 AbortInitiated, 5 Aborting,
// 6 Aborted, 7 FinishedSuccess, 8 FinishedFail, 9 Skipped, 10 Retry, 11 Error, 12 Reset.
const NEVER_STARTED = 0;
/** TaskExecutionStatus Started: a run in progress. */
const STARTED = 2;
const FINISHED_SUCCESS = 7;
const TASK_EXECUTION_STATUS: Record<ReloadStatus, number> = { Aborted: 6, FinishedSuccess: 7, FinishedFail: 8 };
// ExecutionResultDetail.detailsType: 0 Error, 1 Warning, 2 Information.
const DETAIL_ERROR = 0;
const DETAIL_INFORMATION = 2;
// The one node of the simulated site: it runs every reload.
const NODE_NAME = 'sense-sim';
/** Top-level engine object types that the repository lists as App.Object (their children are not listed). */

type UserCondensed = {
  id: string;
  userId: string;
  userDirectory: string;
  userDirectoryConnectorName: string;
  name: string;
  privileges: null;
};

type StreamCondensed = { id: string; name: string; privileges: null };

type AppCondensed = {
  id: string;
  name: string;
  appId: string;
  publishTime: string;
  published: boolean;
  stream: StreamCondensed | null;
  savedInProductVersion: string;
  migrationHash: string;
  availabilityStatus: number;
  privileges: null;
};

type TagCondensed = { id: string; name: string; privileges: null };

type CustomPropertyValue = {
  id: string;
  createdDate: string;
  modifiedDate: string;
  modifiedByUserName: string;
  value: string;
  definition: { id: string; name: string; valueType: string; choiceValues: string[]; privileges: null };
  schemaPath: 'CustomPropertyValue';
};

/**
 * The entities of one QRS type as `/qrs/<type>` (condensed) or `/qrs/<type>/full` returns them,
 * derived from the site. Field names, order and enum numbers follow the QRS JSON; `privileges` is
 * null, as QRS answers when `?privileges=true` is not asked for.
 *
 * App.Object entries are the sheets, stories and master visualisations at the top level of each app
 * fixture's `objects`, then its master dimensions, measures and bookmarks.
 *
 * @example
 * const published = qrsEntities(site, 'app', 'full').filter((app) => app.published === true);
 */
export function qrsEntities(site: Site, type: QrsEntityType, shape: 'condensed' | 'full'): Record<string, unknown>[] {
  const full = shape === 'full';
  switch (type) {
    case 'app': {
      const choices = customPropertyChoices(site);
      return [...site.apps.values()].map((app) => (full ? appFull(app, choices) : appCondensed(app)));
    }
    case 'stream':
      return [...site.streams.values()].map((stream) => (full ? streamFull(stream) : streamCondensed(stream)));
    case 'dataconnection':
      return [...site.dataConnections.values()].map((c) => (full ? dataConnectionFull(c) : dataConnectionCondensed(c)));
    case 'reloadtask':
      return [...site.reloadTasks.values()].map((task) =>
        full ? reloadTaskFull(site, task) : reloadTaskCondensed(site, task),
      );
    case 'executionresult':
      return [...site.reloadTasks.values()].map((task) =>
        full ? executionResultFull(site, task) : executionResultCondensed(site, task),
      );
    case 'app/object':
      return [...site.apps.values()]
        .flatMap(appObjectSources)
        .map((source) =>
          full ? appObjectFull(source, { appCondensed, userCondensed, userName }) : appObjectCondensed(source),
        );
    case 'user':
      return [...site.users.values()].map((user) => (full ? userFull(user) : userCondensed(user)));
  }
}

/**
 * The body of `GET /qrs/about`.
 *
 * @example
 * qrsAbout('34.12.1').buildVersion; // '34.12.1'
 */
export function qrsAbout(buildVersion: string): Record<string, unknown> {
  return {
    buildVersion,
    // QRS formats this one date the .NET invariant way, not as ISO 8601
    buildDate: '1/5/2026 8:00:00 AM',
    databaseProvider: 'Devart.Data.PostgreSql',
    // NodeType: 0 Undefined, 1 Central, 2 Rim — the simulator is a single central node
    nodeType: 1,
    sharedPersistence: true,
    requiresBootstrap: false,
    singleNodeOnly: false,
    schemaPath: 'About',
  };
}

// ---------------------------------------------------------------------------------------------
// Users and streams

function userName(user: SiteUser): string {
  return `${user.userDirectory}\\${user.userId}`;
}

function userCondensed(user: SiteUser): UserCondensed {
  return {
    id: user.id,
    userId: user.userId,
    userDirectory: user.userDirectory,
    // INTERNAL users come from no user directory connector; others are named after their directory
    userDirectoryConnectorName: user.userDirectory.toUpperCase() === 'INTERNAL' ? '' : user.userDirectory,
    name: user.name,
    privileges: null,
  };
}

function userFull(user: SiteUser): Record<string, unknown> {
  const condensed = userCondensed(user);
  return {
    id: user.id,
    createdDate: SITE_TIME,
    modifiedDate: SITE_TIME,
    modifiedByUserName: SERVICE_ACCOUNT,
    customProperties: [],
    userId: condensed.userId,
    userDirectory: condensed.userDirectory,
    userDirectoryConnectorName: condensed.userDirectoryConnectorName,
    name: condensed.name,
    roles: [],
    attributes: [],
    inactive: false,
    removedExternally: false,
    blacklisted: false,
    deleteProhibited: false,
    tags: [],
    privileges: null,
    schemaPath: 'User',
  };
}

function streamCondensed(stream: SiteStream): StreamCondensed {
  return { id: stream.id, name: stream.name, privileges: null };
}

function streamFull(stream: SiteStream): Record<string, unknown> {
  return {
    id: stream.id,
    createdDate: SITE_TIME,
    modifiedDate: SITE_TIME,
    modifiedByUserName: userName(stream.owner),
    customProperties: [],
    owner: userCondensed(stream.owner),
    name: stream.name,
    tags: [],
    privileges: null,
    schemaPath: 'Stream',
  };
}

// ---------------------------------------------------------------------------------------------
// Apps

function appCondensed(app: SiteApp): AppCondensed {
  return {
    id: app.id,
    name: app.name,
    // Real servers leave appId empty; the id is what clients open
    appId: '',
    publishTime: app.publishTime ?? NEVER,
    published: app.stream !== undefined,
    stream: app.stream ? streamCondensed(app.stream) : null,
    savedInProductVersion: SAVED_IN_PRODUCT_VERSION,
    migrationHash: MIGRATION_HASH,
    availabilityStatus: AVAILABLE,
    privileges: null,
  };
}

function appFull(app: SiteApp, choices: ReadonlyMap<string, string[]>): Record<string, unknown> {
  const condensed = appCondensed(app);
  return {
    id: app.id,
    createdDate: app.createdDate,
    modifiedDate: app.modifiedDate,
    modifiedByUserName: userName(app.owner),
    customProperties: app.customProperties.map((cp) => customPropertyValue(app, cp.name, cp.value, choices)),
    owner: userCondensed(app.owner),
    name: app.name,
    appId: condensed.appId,
    sourceAppId: EMPTY_GUID,
    targetAppId: EMPTY_GUID,
    publishTime: condensed.publishTime,
    published: condensed.published,
    tags: app.tags.map(tag),
    description: app.description,
    stream: condensed.stream,
    // Stands in for the size of the .qvf: deterministic and grows with the app's content
    fileSize: Buffer.byteLength(JSON.stringify(app.fixture)),
    lastReloadTime: app.lastReloadTime ?? NEVER,
    thumbnail: '',
    savedInProductVersion: condensed.savedInProductVersion,
    migrationHash: condensed.migrationHash,
    dynamicColor: '',
    availabilityStatus: condensed.availabilityStatus,
    privileges: null,
    schemaPath: 'App',
  };
}

function tag(name: string): TagCondensed {
  return { id: stableGuid('tag', name), name, privileges: null };
}

/** A definition lists every value in use, which is what the QMC offers as choices. */
function customPropertyChoices(site: Site): Map<string, string[]> {
  const values = new Map<string, Set<string>>();
  for (const app of site.apps.values()) {
    for (const cp of app.customProperties) {
      const set = values.get(cp.name) ?? new Set<string>();
      set.add(cp.value);
      values.set(cp.name, set);
    }
  }
  return new Map([...values].map(([name, set]) => [name, [...set].sort()]));
}

function customPropertyValue(
  app: SiteApp,
  name: string,
  value: string,
  choices: ReadonlyMap<string, string[]>,
): CustomPropertyValue {
  return {
    id: stableGuid('custompropertyvalue', `${app.id}\u0000${name}\u0000${value}`),
    createdDate: app.createdDate,
    modifiedDate: app.modifiedDate,
    modifiedByUserName: userName(app.owner),
    value,
    definition: {
      id: stableGuid('custompropertydefinition', name),
      name,
      valueType: 'Text',
      choiceValues: choices.get(name) ?? [value],
      privileges: null,
    },
    schemaPath: 'CustomPropertyValue',
  };
}

// ---------------------------------------------------------------------------------------------
// App objects

function dataConnectionCondensed(connection: SiteDataConnection): Record<string, unknown> {
  return {
    id: connection.id,
    privileges: null,
    name: connection.name,
    connectionstring: connection.connectionString,
    type: connection.type,
    // The simulated engine lists the connection under the repository id, so the two agree
    engineObjectId: connection.id,
    // No credentials in fixtures; a password is write-only in QRS, so it is never part of the answer
    username: '',
    // logOn: 0 LOG_ON_SERVICE_USER, 1 LOG_ON_CURRENT_USER; architecture: 0 Undefined, 1 x86, 2 x64
    logOn: 0,
    architecture: 0,
  };
}

function dataConnectionFull(connection: SiteDataConnection): Record<string, unknown> {
  const { id, privileges, ...rest } = dataConnectionCondensed(connection);
  return {
    id,
    createdDate: SITE_TIME,
    modifiedDate: SITE_TIME,
    modifiedByUserName: userName(connection.owner),
    customProperties: [],
    owner: userCondensed(connection.owner),
    ...rest,
    tags: [],
    privileges,
    schemaPath: 'DataConnection',
  };
}

function reloadTaskCondensed(site: Site, task: SiteReloadTask): Record<string, unknown> {
  return {
    id: task.id,
    privileges: null,
    name: task.name,
    // TaskType: 0 Reload, 1 ExternalProgram, 2 UserSync, 3 Distribute
    taskType: 0,
    enabled: task.enabled,
    // QMC defaults: 1440 minutes, no retries
    taskSessionTimeout: 1440,
    maxRetries: 0,
    operational: reloadTaskOperational(site, task),
  };
}

function reloadTaskFull(site: Site, task: SiteReloadTask): Record<string, unknown> {
  const condensed = reloadTaskCondensed(site, task);
  return {
    id: task.id,
    createdDate: SITE_TIME,
    modifiedDate: SITE_TIME,
    modifiedByUserName: userName(task.app.owner),
    customProperties: [],
    app: appCondensed(taskApp(site, task)),
    isManuallyTriggered: false,
    operational: condensed.operational,
    name: task.name,
    taskType: condensed.taskType,
    enabled: condensed.enabled,
    taskSessionTimeout: condensed.taskSessionTimeout,
    maxRetries: condensed.maxRetries,
    tags: [],
    isPartialReload: false,
    privileges: null,
    schemaPath: 'ReloadTask',
  };
}

/** The task's app as the repository holds it now (a save replaces the entity the task was made with). */
function taskApp(site: Site, task: SiteReloadTask): SiteApp {
  return site.apps.get(task.app.id) ?? task.app;
}

/** Fixture schedules are free text, so there is no next run. */
function reloadTaskOperational(site: Site, task: SiteReloadTask): Record<string, unknown> {
  return {
    id: stableGuid('reloadtask.operational', task.id),
    lastExecutionResult: executionResultCondensed(site, task),
    nextExecution: NEVER,
    privileges: null,
  };
}

/**
 * The task's one ExecutionResult (QRS overwrites it at each run): its last run since the site
 * started; before any, the fixture's history — a successful run at the app's last reload time if
 * it has one, otherwise never started.
 */
function executionResultCondensed(site: Site, task: SiteReloadTask): Record<string, unknown> {
  const since = site.reloads.runningSince(task.id);
  if (since !== undefined) return withoutLog(task, { node: NODE_NAME, status: STARTED, start: since, stop: NEVER });
  const run = site.reloads.lastOfTask(task.id);
  if (run) {
    const log = scriptLogText(run);
    return {
      id: executionResultId(task),
      executingNodeName: NODE_NAME,
      status: TASK_EXECUTION_STATUS[run.status],
      startTime: run.startTime,
      stopTime: run.stopTime,
      duration: run.durationMs,
      fileReferenceID: run.fileReferenceId,
      scriptLogAvailable: true,
      details: executionDetails(run),
      scriptLogLocation: scriptLogPath(run),
      scriptLogSize: Buffer.byteLength(log),
      privileges: null,
    };
  }
  const last = taskApp(site, task).lastReloadTime;
  return last
    ? withoutLog(task, { node: NODE_NAME, status: FINISHED_SUCCESS, start: last, stop: last })
    : withoutLog(task, { node: '', status: NEVER_STARTED, start: NEVER, stop: NEVER });
}

/** An ExecutionResult with no script log: a run in progress, or one the fixture only dates. */
function withoutLog(
  task: SiteReloadTask,
  run: { node: string; status: number; start: string; stop: string },
): Record<string, unknown> {
  return {
    id: executionResultId(task),
    executingNodeName: run.node,
    status: run.status,
    startTime: run.start,
    stopTime: run.stop,
    duration: 0,
    fileReferenceID: EMPTY_GUID,
    scriptLogAvailable: false,
    details: [],
    scriptLogLocation: '',
    scriptLogSize: 0,
    privileges: null,
  };
}

function executionResultFull(site: Site, task: SiteReloadTask): Record<string, unknown> {
  const { id, privileges, ...condensed } = executionResultCondensed(site, task);
  const run = site.reloads.lastOfTask(task.id);
  return {
    id,
    createdDate: SITE_TIME,
    modifiedDate: site.reloads.runningSince(task.id) ?? run?.stopTime ?? SITE_TIME,
    modifiedByUserName: SERVICE_ACCOUNT,
    taskID: task.id,
    executionID: run?.executionId ?? EMPTY_GUID,
    appID: task.app.id,
    executingNodeID: run ? stableGuid('servernodeconfiguration', NODE_NAME) : EMPTY_GUID,
    ...condensed,
    privileges,
    schemaPath: 'ExecutionResult',
  };
}

/**
 * The id of a task's ExecutionResult: stable, as the one row a task has.
 *
 * @example
 * executionResultId(task) === qrsEntities(site, 'reloadtask', 'full')[0].operational.lastExecutionResult.id;
 */
export function executionResultId(task: SiteReloadTask): string {
  // The same id record-reload.ts announces in change notifications.
  return stableGuid('executionresult', task.id);
}

/**
 * What the scheduler noted during a run, as the QMC's task details show it: the state changes and,
 * for a failed reload, the reload provider's message that sends the reader to the script log (the
 * script error itself is in the log, not here).
 */
function executionDetails(run: ReloadRecord): Record<string, unknown>[] {
  const notes: [number, string, string][] = [
    [DETAIL_INFORMATION, 'Changing task state to Triggered', run.startTime],
    [DETAIL_INFORMATION, `Trying to start task. Sending task to slave scheduler ${NODE_NAME}`, run.startTime],
    [DETAIL_INFORMATION, 'Changing task state from Triggered to Started', run.startTime],
    [DETAIL_INFORMATION, 'Reference to scriptlog added', run.stopTime],
  ];
  if (run.status === 'FinishedFail')
    notes.push([
      DETAIL_ERROR,
      'Message from ReloadProvider: Reload failed in Engine. Check engine or script logs.',
      run.stopTime,
    ]);
  notes.push([DETAIL_INFORMATION, `Changing task state from Started to ${run.status}`, run.stopTime]);
  return notes.map(([detailsType, message, detailCreatedDate], i) => ({
    id: stableGuid('executionresultdetail', `${run.executionId}\u0000${i}`),
    privileges: null,
    detailsType,
    message,
    detailCreatedDate,
  }));
}
