import type { QrsClient } from '../qrs/qrs-client.js';
import { advanceCursor, type CursorState, callOptions, PolledCursor } from './cursor-poll.js';
import type { SiteChangeCursor, SiteChangeEvent } from './site-change-events.js';

/** QRS's "never" (a task that never ran, an app never reloaded). */
const NEVER = '1753-01-01T00:00:00.000Z';
/** TaskExecutionStatus values the feed reads. */
const STARTED = 2;
const FINISHED_SUCCESS = 7;
const FINISHED_FAIL = 8;

interface QrsApp {
  id: string;
  name: string;
  description?: string;
  createdDate: string;
  modifiedDate: string;
  publishTime?: string;
  published?: boolean;
  stream?: { name?: string } | null;
  lastReloadTime?: string;
}

interface QrsRun {
  id: string;
  modifiedDate: string;
  taskID: string;
  appID: string;
  status: number;
  startTime: string;
  stopTime: string;
  duration: number;
  fileReferenceID?: string;
  details?: { message?: string; detailsType?: number }[];
}

type State = CursorState;

/** What a successful task run tells the app.reloaded event of its app. */
interface RunInfo {
  durationMs: number;
  taskId: string;
}

/**
 * Polls QRS for what changed since its cursor, as few and as small requests as QRS allows: the first
 * poll lists the apps and execution results once (no events: that is the starting point); every
 * later poll asks only for apps and execution results modified since the newest date it has seen
 * (`filter=modifiedDate ge '…'`, the ones seen at exactly that date skipped), plus `/app/count` to
 * notice deletions — the app list (condensed) is read again only when the count says an app is gone.
 * The cursor moves only when a whole poll succeeded, so a failed poll is repeated, never half-applied.
 */
export class QrsChangePoller {
  readonly #qrs: QrsClient;
  readonly #logTailLines: number;
  readonly #cursor: PolledCursor<State>;

  constructor(qrs: QrsClient, cursor: SiteChangeCursor | undefined, options: { logTailLines?: number } = {}) {
    this.#qrs = qrs;
    this.#logTailLines = options.logTailLines ?? 20;
    this.#cursor = new PolledCursor(cursor);
  }

  /** Where the poller stands (a copy), or undefined before the first poll. */
  cursor(): SiteChangeCursor | undefined {
    return this.#cursor.current();
  }

  /** One poll: the changes since the cursor, oldest first ([] for the first poll without a cursor). */
  poll(signal?: AbortSignal): Promise<SiteChangeEvent[]> {
    return this.#cursor.poll(
      () => this.#bootstrap(signal),
      async (next, events) => {
        const reloads = await this.#runs(next, events, signal);
        await this.#apps(next, events, reloads, signal);
        await this.#deletions(next, events, signal);
      },
    );
  }

  async #bootstrap(signal: AbortSignal | undefined): Promise<State> {
    const apps = await this.#qrs.get<QrsApp[]>('/app/full', callOptions(undefined, signal));
    const runs = await this.#qrs.get<QrsRun[]>('/executionresult/full', callOptions(undefined, signal));
    const tasks = await this.#qrs.get<{ id: string; name: string }[]>('/reloadtask', callOptions(undefined, signal));
    const state: State = {
      version: 1,
      appsSince: NEVER,
      appsAtSince: [],
      runsSince: NEVER,
      runsAtSince: [],
      apps: {},
      tasks: Object.fromEntries(tasks.map((t) => [t.id, t.name])),
      lastRuns: {},
    };
    for (const app of apps) {
      state.apps[app.id] = { name: app.name, stream: streamOf(app), created: app.createdDate };
      advanceCursor(state, 'apps', app.modifiedDate, app.id);
    }
    for (const run of runs) advanceCursor(state, 'runs', run.modifiedDate, run.id);
    return state;
  }

  /** Execution results since the cursor: task.started and reload.failed; successes for app.reloaded. */
  async #runs(state: State, events: SiteChangeEvent[], signal: AbortSignal | undefined): Promise<Map<string, RunInfo>> {
    const filter = `modifiedDate ge '${state.runsSince}'`;
    const runs = await this.#qrs.get<QrsRun[]>(
      '/executionresult/full',
      callOptions({ filter, orderby: 'modifiedDate' }, signal),
    );
    const successes = new Map<string, RunInfo>();
    const sinceBefore = state.runsSince;
    for (const run of runs) {
      if (run.modifiedDate === state.runsSince && state.runsAtSince.includes(run.id)) continue;
      advanceCursor(state, 'runs', run.modifiedDate, run.id);
      const app = state.apps[run.appID];
      const base = { appId: run.appID, appName: app?.name ?? '', stream: app?.stream, taskId: run.taskID };
      const taskName = await this.#taskName(state, run.taskID, signal);
      // A run that started and ended between two polls was never seen Started: it started all the same.
      const unseenStart = run.status !== STARTED && run.startTime > sinceBefore && run.startTime !== NEVER;
      if (run.status === STARTED || unseenStart)
        events.push({ type: 'task.started', ...base, taskName, at: run.startTime });
      if (run.status === STARTED) continue;
      if (run.status === FINISHED_SUCCESS) {
        successes.set(run.appID, { durationMs: run.duration, taskId: run.taskID });
        state.lastRuns[run.appID] = { taskId: run.taskID, durationMs: run.duration, stopTime: run.stopTime };
      } else if (run.status === FINISHED_FAIL) {
        const error =
          (run.details ?? [])
            .map((d) => d.message ?? '')
            .filter((m) => /fail|error/i.test(m))
            .pop() ?? 'the reload failed';
        const logTail = await this.#logTail(run, signal);
        events.push({ type: 'reload.failed', ...base, taskName, error, logTail, at: run.stopTime });
      }
    }
    return successes;
  }

  /** Apps modified since the cursor: created, published, reloaded or else updated. */
  async #apps(
    state: State,
    events: SiteChangeEvent[],
    reloads: ReadonlyMap<string, RunInfo>,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const since = state.appsSince;
    const filter = `modifiedDate ge '${since}'`;
    const apps = await this.#qrs.get<QrsApp[]>('/app/full', callOptions({ filter, orderby: 'modifiedDate' }, signal));
    for (const app of apps) {
      if (app.modifiedDate === since && state.appsAtSince.includes(app.id)) continue;
      advanceCursor(state, 'apps', app.modifiedDate, app.id);
      const known = state.apps[app.id];
      const stream = streamOf(app);
      const base = { appId: app.id, appName: app.name, stream };
      state.apps[app.id] = { name: app.name, stream, created: app.createdDate };
      const reloaded = app.lastReloadTime !== undefined && app.lastReloadTime !== NEVER && app.lastReloadTime > since;
      let told = false;
      if (!known) {
        events.push({ type: 'app.created', ...base, at: app.createdDate > since ? app.createdDate : app.modifiedDate });
        told = true;
      }
      // Published since the last poll (also an app created and published in between).
      const newlyPublished = known ? known.stream === undefined : (app.publishTime ?? '') > since;
      if (app.published === true && stream !== undefined && newlyPublished) {
        events.push({ type: 'app.published', ...base, at: app.publishTime ?? app.modifiedDate });
        told = true;
      }
      if (reloaded && app.lastReloadTime !== undefined) {
        const run = reloads.get(app.id) ?? runOfReload(state.lastRuns[app.id], app.lastReloadTime);
        events.push({
          type: 'app.reloaded',
          ...base,
          at: app.lastReloadTime,
          durationMs: run?.durationMs,
          taskId: run?.taskId,
        });
        told = true;
      }
      if (!told) {
        const changed = known && known.name !== app.name ? ['name', 'modifiedDate'] : ['modifiedDate'];
        events.push({ type: 'app.updated', ...base, changed, at: app.modifiedDate });
      }
    }
  }

  /**
   * Apps gone since the cursor, found without listing every app: `/app/count` first; when it says
   * apps are gone, the known apps (ordered by `createdDate`) are halved and each half counted
   * (`createdDate ge … and createdDate le …`) until the ranges that lost apps are found — a few
   * tiny answers instead of the whole list. A range whose apps share one `createdDate` is listed
   * (only those apps); apps the cursor knows without a creation date are looked up by id.
   */
  async #deletions(state: State, events: SiteChangeEvent[], signal: AbortSignal | undefined): Promise<void> {
    const { value } = await this.#qrs.get<{ value: number }>('/app/count', callOptions(undefined, signal));
    if (value === Object.keys(state.apps).length) return;
    const dated = Object.entries(state.apps)
      .filter(([, app]) => app.created !== undefined)
      .map(([id, app]) => ({ id, created: app.created as string }))
      .sort((a, b) => (a.created < b.created ? -1 : a.created > b.created ? 1 : a.id < b.id ? -1 : 1));
    const gone = await this.#goneIn(dated, signal);
    for (const [id, app] of Object.entries(state.apps)) {
      if (app.created === undefined && !(await this.#exists(id, signal))) gone.add(id);
    }
    const now = new Date().toISOString();
    for (const id of gone) {
      const app = state.apps[id];
      if (!app) continue;
      delete state.apps[id];
      events.push({ type: 'app.deleted', appId: id, appName: app.name, stream: app.stream, at: now });
    }
  }

  /** The ids of `range` (sorted by creation date) that QRS no longer has. */
  async #goneIn(
    range: readonly { id: string; created: string }[],
    signal: AbortSignal | undefined,
  ): Promise<Set<string>> {
    const gone = new Set<string>();
    const first = range[0];
    const last = range[range.length - 1];
    if (!first || !last) return gone;
    const filter = `createdDate ge '${first.created}' and createdDate le '${last.created}'`;
    const { value } = await this.#qrs.get<{ value: number }>('/app/count', callOptions({ filter }, signal));
    if (value >= range.length) return gone;
    if (first.created === last.created) {
      const present = await this.#qrs.get<{ id: string }[]>('/app', callOptions({ filter }, signal));
      const ids = new Set(present.map((a) => a.id));
      for (const app of range) if (!ids.has(app.id)) gone.add(app.id);
      return gone;
    }
    // Split between two creation dates, so that no date straddles the halves.
    let middle = Math.floor(range.length / 2);
    while (middle < range.length && range[middle]?.created === range[middle - 1]?.created) middle++;
    if (middle >= range.length) {
      middle = Math.floor(range.length / 2);
      while (middle > 0 && range[middle]?.created === range[middle - 1]?.created) middle--;
    }
    for (const half of [range.slice(0, middle), range.slice(middle)])
      for (const id of await this.#goneIn(half, signal)) gone.add(id);
    return gone;
  }

  async #exists(id: string, signal: AbortSignal | undefined): Promise<boolean> {
    const { value } = await this.#qrs.get<{ value: number }>(
      '/app/count',
      callOptions({ filter: `id eq ${id}` }, signal),
    );
    return value > 0;
  }

  async #taskName(state: State, taskId: string, signal: AbortSignal | undefined): Promise<string> {
    const known = state.tasks[taskId];
    if (known !== undefined) return known;
    const task = await this.#qrs.get<{ name: string }>(`/reloadtask/${taskId}`, callOptions(undefined, signal));
    state.tasks[taskId] = task.name;
    return task.name;
  }

  /** The last lines of a run's script log; [] when QRS has none for it. */
  async #logTail(run: QrsRun, signal: AbortSignal | undefined): Promise<string[]> {
    if (this.#logTailLines <= 0 || run.fileReferenceID === undefined) return [];
    try {
      const { value } = await this.#qrs.get<{ value: string }>(
        `/reloadtask/${run.taskID}/scriptlog`,
        callOptions({ fileReferenceId: run.fileReferenceID }, signal),
      );
      const log = await this.#qrs.getText(
        `/download/reloadtask/${value}/scriptlog.txt`,
        callOptions(undefined, signal),
      );
      return log
        .split(/\r?\n/)
        .filter((line) => line.trim() !== '')
        .slice(-this.#logTailLines);
    } catch {
      return [];
    }
  }
}

/** A task run that ended when the app's reload is dated (within 5 s): the run that made it. */
function runOfReload(
  run: { taskId: string; durationMs: number; stopTime: string } | undefined,
  lastReloadTime: string,
): RunInfo | undefined {
  if (!run || Math.abs(Date.parse(run.stopTime) - Date.parse(lastReloadTime)) > 5000) return undefined;
  return { taskId: run.taskId, durationMs: run.durationMs };
}

function streamOf(app: QrsApp): string | undefined {
  return app.published === true && app.stream?.name ? app.stream.name : undefined;
}
