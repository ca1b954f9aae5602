import { QixflowError } from '../errors.js';
import type { CloudRestClient } from '../qrs/cloud-rest-client.js';
import { advanceCursor, type CursorState, callOptions, PolledCursor } from './cursor-poll.js';
import type { SiteChangeCursor, SiteChangeEvent } from './site-change-events.js';

const NEVER = '1970-01-01T00:00:00.000Z';
const PAGE = 100;
/** Pages one listing may take in one poll (1 000 000 entries). */
const MAX_PAGES = 10_000;
/** The audit event types that say an app was deleted, in the order they are preferred. */
const DELETED_TYPES = ['com.qlik.app.deleted', 'com.qlik.v1.app.deleted'];

interface CloudItem {
  id: string;
  name: string;
  resourceId: string;
  resourceType: string;
  createdAt: string;
  updatedAt: string;
  spaceId?: string;
  resourceAttributes?: { lastReloadTime?: string; published?: boolean; publishTime?: string };
}

interface CloudReload {
  id: string;
  appId: string;
  status: string;
  creationTime: string;
  startTime?: string;
  endTime?: string;
  duration?: string;
  log?: string;
}

interface CloudAudit {
  id: string;
  eventType: string;
  eventTime: string;
  data?: { id?: unknown; appId?: unknown; attributes?: { id?: unknown } };
}

interface Page<T> {
  data: T[];
  links?: { next?: { href?: string } };
}

/** The cursor's `cloud` part as the poller writes it. */
interface CloudPart {
  pending: string[];
  lastReloads: Record<string, string>;
  started?: string[];
  spaces?: Record<string, string>;
  audits?: { type: string; since: string } | null;
}
type State = Omit<CursorState, 'cloud'> & { cloud: CloudPart };
type Signal = AbortSignal | undefined;

const FINISHED = new Set(['SUCCEEDED', 'FAILED', 'CANCELED', 'EXCEEDED_LIMIT']);

/** Options of a {@link CloudChangePoller}. */
export interface CloudChangePollerOptions {
  /** Lines of log a `reload.failed` carries; default 20. */
  readonly logTailLines?: number;
  /**
   * When the audit log cannot be read (403: the user lacks the permission): a full item listing to
   * notice deleted apps every this many polls; default 10.
   */
  readonly deletionSweepEvery?: number;
  /** How far back each audit query reaches before the newest deletion seen (late audit events), ms; default 300 000. */
  readonly auditOverlapMs?: number;
}

/**
 * Polls a Qlik Cloud tenant for what changed since its cursor, without a full listing after the
 * first: the app items changed since the cursor (`/api/v1/items`, newest `updatedAt` first, read
 * until the cursor's date), the reloads (`/api/v1/reloads`, newest first, until the cursor's
 * `creationTime`; reloads seen queued or running are looked up again until they end) and the
 * deletions in the tenant's audit log (`/api/v1/audits?eventType=com.qlik.app.deleted`, from the
 * newest deletion seen). An app unknown to the cursor is `app.created`; one whose space became set
 * with `published` is `app.published`; one whose `lastReloadTime` moved is `app.reloaded`; else
 * `app.updated`. A reload seen running or ended for the first time is `task.started`; a FAILED one
 * `reload.failed` with the tail of its log. `stream` is the space's name. The cursor moves only
 * when a whole poll succeeded.
 */
export class CloudChangePoller {
  readonly #cloud: CloudRestClient;
  readonly #logTailLines: number;
  readonly #sweepEvery: number;
  readonly #overlapMs: number;
  readonly #cursor: PolledCursor<State>;
  /** Polls since the last full listing (audits unreadable); a restart sweeps at once. */
  #sinceSweep = Number.POSITIVE_INFINITY;

  constructor(cloud: CloudRestClient, cursor: SiteChangeCursor | undefined, options: CloudChangePollerOptions = {}) {
    this.#cloud = cloud;
    this.#logTailLines = options.logTailLines ?? 20;
    this.#sweepEvery = Math.max(1, options.deletionSweepEvery ?? 10);
    this.#overlapMs = options.auditOverlapMs ?? 300_000;
    if (cursor && cursor.cloud === undefined)
      throw new TypeError('site.changes: this cursor is of a QSEoW site, not of a Qlik Cloud tenant');
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
        if (next.cloud.audits === undefined) next.cloud.audits = await this.#auditStart(signal);
        const reloads = await this.#reloads(next, events, signal);
        const items = await this.#changedItems(next.appsSince, signal);
        await this.#items(next, events, items, reloads, signal);
        await this.#deletions(next, events, signal);
      },
    );
  }

  async #bootstrap(signal: Signal): Promise<State> {
    const items = await this.#changedItems(NEVER, signal);
    const first = await this.#cloud.get<Page<CloudReload>>('reloads', callOptions({ limit: PAGE }, signal));
    const state: State = {
      version: 1,
      appsSince: NEVER,
      appsAtSince: [],
      runsSince: NEVER,
      runsAtSince: [],
      apps: {},
      tasks: {},
      lastRuns: {},
      cloud: { pending: [], lastReloads: {}, started: [], spaces: {}, audits: await this.#auditStart(signal) },
    };
    this.#sinceSweep = 0;
    for (const item of items) {
      const stream = await this.#streamOf(state, item, signal);
      state.apps[item.resourceId] = { name: item.name, stream, created: item.createdAt };
      const reloaded = item.resourceAttributes?.lastReloadTime;
      if (reloaded) state.cloud.lastReloads[item.resourceId] = reloaded;
      advanceCursor(state, 'apps', item.updatedAt, item.resourceId);
    }
    for (const reload of first.data) {
      advanceCursor(state, 'runs', reload.creationTime, reload.id);
      if (FINISHED.has(reload.status)) continue;
      state.cloud.pending.push(reload.id);
      if (reload.startTime) state.cloud.started?.push(reload.id);
    }
    return state;
  }

  /**
   * Where deletions are read from: the audit log's deletion type and the newest deletion in it, or
   * null when the audit log cannot be read (then a full listing every few polls tells deletions).
   */
  async #auditStart(signal: Signal): Promise<{ type: string; since: string } | null> {
    try {
      const types = await this.#cloud.get<{ data?: unknown }>('audits/types', callOptions(undefined, signal));
      const known = Array.isArray(types.data) ? types.data : [];
      const type = DELETED_TYPES.find((t) => known.includes(t));
      if (type === undefined) return null;
      const newest = await this.#cloud.get<Page<CloudAudit>>(
        'audits',
        callOptions({ eventType: type, sort: '-eventTime', limit: 1 }, signal),
      );
      return { type, since: newest.data[0]?.eventTime ?? NEVER };
    } catch (error) {
      if (unreadable(error)) return null;
      throw error;
    }
  }

  /** Reloads since the cursor and the pending ones that ended: task.started, reload.failed; successes by app. */
  async #reloads(state: State, events: SiteChangeEvent[], signal: Signal) {
    const fresh = await this.#freshReloads(state.runsSince, state.runsAtSince, signal);
    const seen: CloudReload[] = [];
    const pending: string[] = [];
    for (const id of state.cloud.pending) {
      const reload = await this.#cloud
        .get<CloudReload>(`reloads/${encodeURIComponent(id)}`, callOptions(undefined, signal))
        .catch(() => undefined);
      if (reload === undefined) continue; // gone (its app deleted): nothing more to tell
      seen.push(reload);
    }
    for (const reload of fresh.reverse()) {
      advanceCursor(state, 'runs', reload.creationTime, reload.id);
      seen.push(reload);
    }
    const started = new Set(state.cloud.started ?? []);
    const successes = new Map<string, { durationMs: number; taskId: string }>();
    for (const reload of seen) {
      if (reload.startTime && !started.has(reload.id)) {
        started.add(reload.id);
        events.push({
          type: 'task.started',
          ...this.#base(state, reload.appId),
          taskId: reload.id,
          taskName: '',
          at: reload.startTime,
        });
      }
      if (!FINISHED.has(reload.status)) {
        pending.push(reload.id);
        continue;
      }
      started.delete(reload.id);
      if (reload.status === 'SUCCEEDED') {
        const durationMs = parseDuration(reload.duration);
        successes.set(reload.appId, { durationMs, taskId: reload.id });
        state.lastRuns[reload.appId] = { taskId: reload.id, durationMs, stopTime: reload.endTime ?? '' };
      } else if (reload.status === 'FAILED') events.push(this.#failed(state, reload));
    }
    state.cloud.pending = pending;
    state.cloud.started = [...started];
    return successes;
  }

  /** The reloads newer than the cursor (newest first). */
  async #freshReloads(since: string, atSince: readonly string[], signal: Signal): Promise<CloudReload[]> {
    const fresh: CloudReload[] = [];
    for await (const reload of this.#entries<CloudReload>('reloads', { limit: PAGE }, signal)) {
      if (reload.creationTime < since) break;
      if (reload.creationTime === since && atSince.includes(reload.id)) continue;
      fresh.push(reload);
    }
    return fresh;
  }

  #failed(state: State, reload: CloudReload): SiteChangeEvent {
    const lines = (reload.log ?? '').split(/\r?\n/).filter((l) => l.trim() !== '');
    const error = lines.filter((l) => /fail|error/i.test(l)).pop() ?? 'the reload failed';
    return {
      type: 'reload.failed',
      ...this.#base(state, reload.appId),
      taskId: reload.id,
      taskName: '',
      error,
      logTail: this.#logTailLines > 0 ? lines.slice(-this.#logTailLines) : [],
      at: reload.endTime ?? reload.creationTime,
    };
  }

  #base(state: State, appId: string) {
    const app = state.apps[appId];
    return { appId, appName: app?.name ?? '', stream: app?.stream };
  }

  /** Items changed since the cursor: created, published, reloaded or else updated. */
  async #items(
    state: State,
    events: SiteChangeEvent[],
    items: readonly CloudItem[],
    reloads: ReadonlyMap<string, { durationMs: number; taskId: string }>,
    signal: Signal,
  ): Promise<void> {
    const since = state.appsSince;
    const changed = items.filter((i) => i.updatedAt > since || !state.appsAtSince.includes(i.resourceId)).reverse();
    for (const item of changed) {
      advanceCursor(state, 'apps', item.updatedAt, item.resourceId);
      const id = item.resourceId;
      const known = state.apps[id];
      const stream = await this.#streamOf(state, item, signal);
      const base = { appId: id, appName: item.name, stream };
      state.apps[id] = { name: item.name, stream, created: item.createdAt };
      const reloadedAt = item.resourceAttributes?.lastReloadTime || undefined;
      const before = state.cloud.lastReloads[id];
      if (reloadedAt !== undefined) state.cloud.lastReloads[id] = reloadedAt;
      let told = false;
      if (!known) {
        events.push({ type: 'app.created', ...base, at: item.createdAt > since ? item.createdAt : item.updatedAt });
        told = true;
      } else if (stream !== undefined && known.stream === undefined) {
        events.push({ type: 'app.published', ...base, at: item.resourceAttributes?.publishTime || item.updatedAt });
        told = true;
      }
      if (reloadedAt !== undefined && reloadedAt !== before && (known !== undefined || reloadedAt > since)) {
        const last = state.lastRuns[id];
        const run = reloads.get(id) ?? (last ? { durationMs: last.durationMs, taskId: last.taskId } : undefined);
        events.push({
          type: 'app.reloaded',
          ...base,
          at: reloadedAt,
          durationMs: run?.durationMs,
          taskId: run?.taskId,
        });
        told = true;
      }
      if (!told) {
        const what = known && known.name !== item.name ? ['name', 'updatedAt'] : ['updatedAt'];
        events.push({ type: 'app.updated', ...base, changed: what, at: item.updatedAt });
      }
    }
  }

  /** Deleted apps: from the audit log, or (audits unreadable) a full listing every few polls. */
  async #deletions(state: State, events: SiteChangeEvent[], signal: Signal): Promise<void> {
    const audits = state.cloud.audits;
    if (audits) {
      try {
        return await this.#auditedDeletions(state, audits, events, signal);
      } catch (error) {
        if (!unreadable(error)) throw error;
        state.cloud.audits = null; // the permission went away: sweep instead
      }
    }
    this.#sinceSweep += 1;
    if (this.#sinceSweep < this.#sweepEvery) return;
    const present = new Set((await this.#changedItems(NEVER, signal)).map((i) => i.resourceId));
    this.#sinceSweep = 0;
    const at = new Date().toISOString();
    for (const id of Object.keys(state.apps)) if (!present.has(id)) this.#deleted(state, events, id, at);
  }

  async #auditedDeletions(
    state: State,
    audits: { type: string; since: string },
    events: SiteChangeEvent[],
    signal: Signal,
  ): Promise<void> {
    const from = new Date(Math.max(0, Date.parse(audits.since) - this.#overlapMs)).toISOString();
    const query = { eventType: audits.type, eventTime: `${from}/`, sort: '+eventTime', limit: PAGE };
    let since = audits.since;
    for await (const audit of this.#entries<CloudAudit>('audits', query, signal)) {
      const id = audit.data?.attributes?.id ?? audit.data?.id ?? audit.data?.appId;
      if (typeof id === 'string') this.#deleted(state, events, id, audit.eventTime);
      if (audit.eventTime > since) since = audit.eventTime;
    }
    state.cloud.audits = { type: audits.type, since };
  }

  /** An app the cursor knows is gone: app.deleted (an app it never knew, or already told, is nothing). */
  #deleted(state: State, events: SiteChangeEvent[], id: string, at: string): void {
    const app = state.apps[id];
    if (!app) return;
    delete state.apps[id];
    delete state.cloud.lastReloads[id];
    delete state.lastRuns[id];
    events.push({ type: 'app.deleted', appId: id, appName: app.name, stream: app.stream, at });
  }

  /** The app items changed since `since` (all of them from NEVER), newest first. */
  async #changedItems(since: string, signal: Signal): Promise<CloudItem[]> {
    const out: CloudItem[] = [];
    const query = { resourceType: 'app', sort: '-updatedAt', limit: PAGE };
    for await (const item of this.#entries<CloudItem>('items', query, signal)) {
      if (item.updatedAt < since) break;
      out.push(item);
    }
    return out;
  }

  /**
   * The entries of a listing, page by page through `links.next.href`, read only as far as the caller
   * iterates. A tenant that keeps answering with a next page (more than MAX_PAGES, or the same link
   * again) ends the poll with ERR_PROTOCOL instead of keeping it forever.
   */
  async *#entries<T>(path: string, query: Record<string, string | number>, signal: Signal): AsyncGenerator<T> {
    let next: string | undefined = path;
    let q: Record<string, string | number> | undefined = query;
    const seen = new Set<string>();
    for (let pages = 0; next !== undefined; pages++) {
      if (pages >= MAX_PAGES || seen.has(next))
        throw new QixflowError('ERR_PROTOCOL', `the tenant's /api/v1/${path} listing does not end (${pages} pages)`);
      seen.add(next);
      const page: Page<T> = await this.#cloud.get<Page<T>>(next, callOptions(q, signal));
      yield* page.data ?? [];
      next = page.links?.next?.href;
      q = undefined;
    }
  }

  /** A published app's space name (looked up once per space; its id when the space cannot be read). */
  async #streamOf(state: State, item: CloudItem, signal: Signal): Promise<string | undefined> {
    if (item.resourceAttributes?.published !== true || !item.spaceId) return undefined;
    state.cloud.spaces ??= {};
    const spaces = state.cloud.spaces;
    const known = spaces[item.spaceId];
    if (known !== undefined) return known;
    const space = await this.#cloud
      .get<{ name?: unknown }>(`spaces/${encodeURIComponent(item.spaceId)}`, callOptions(undefined, signal))
      .catch((error: unknown) => {
        if (unreadable(error)) return undefined;
        throw error;
      });
    const name = typeof space?.name === 'string' && space.name !== '' ? space.name : item.spaceId;
    spaces[item.spaceId] = name;
    return name;
  }
}

/** The tenant refuses this user the resource (403) or does not have it (404). */
function unreadable(error: unknown): boolean {
  return error instanceof QixflowError && (error.status === 403 || error.status === 404);
}

/** ISO 8601 `PT1H2M3.5S` → ms (0 when absent or unreadable). */
function parseDuration(value: string | undefined): number {
  const m = value ? /^PT(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?$/.exec(value) : null;
  if (!m) return 0;
  return Math.round((Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0)) * 1000);
}
