import type { CloudRestClient } from '../qrs/cloud-rest-client.js';
import type { SiteChangeCursor, SiteChangeEvent } from './site-change-events.js';

const NEVER = '1970-01-01T00:00:00.000Z';
const PAGE = 100;

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

interface Page<T> {
  data: T[];
  links?: { next?: { href?: string } };
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends object ? Mutable<T[K]> : T[K] };
type State = Mutable<SiteChangeCursor> & { cloud: { pending: string[]; lastReloads: Record<string, string> } };

const FINISHED = new Set(['SUCCEEDED', 'FAILED', 'CANCELED', 'EXCEEDED_LIMIT']);

/**
 * Polls a Qlik Cloud tenant for what changed since its cursor: the app items (`/api/v1/items`,
 * newest `updatedAt` first — read until the cursor's date; every item once more to notice deleted
 * apps) and the reloads (`/api/v1/reloads`, newest first, read until the cursor's `creationTime`;
 * reloads seen queued or running are looked up again until they end). An app unknown to the cursor
 * is `app.created`; one whose space became set with `published` is `app.published`; one whose
 * `lastReloadTime` moved is `app.reloaded` (duration and reload id from its reload); else
 * `app.updated`. A FAILED reload is `reload.failed` with the tail of its log. The cursor moves only
 * when a whole poll succeeded.
 */
export class CloudChangePoller {
  readonly #cloud: CloudRestClient;
  readonly #logTailLines: number;
  #state: State | undefined;

  constructor(cloud: CloudRestClient, cursor: SiteChangeCursor | undefined, options: { logTailLines?: number } = {}) {
    this.#cloud = cloud;
    this.#logTailLines = options.logTailLines ?? 20;
    if (cursor && cursor.cloud === undefined)
      throw new TypeError('site.changes: this cursor is of a QSEoW site, not of a Qlik Cloud tenant');
    this.#state = cursor ? (structuredClone(cursor) as State) : undefined;
  }

  /** Where the poller stands (a copy), or undefined before the first poll. */
  cursor(): SiteChangeCursor | undefined {
    return this.#state ? structuredClone(this.#state) : undefined;
  }

  /** One poll: the changes since the cursor, oldest first ([] for the first poll without a cursor). */
  async poll(signal?: AbortSignal): Promise<SiteChangeEvent[]> {
    if (!this.#state) {
      this.#state = await this.#bootstrap(signal);
      return [];
    }
    const next = structuredClone(this.#state);
    const events: SiteChangeEvent[] = [];
    const reloads = await this.#reloads(next, events, signal);
    const items = await this.#list<CloudItem>('items', { resourceType: 'app', sort: '-updatedAt' }, signal);
    this.#items(next, events, items, reloads);
    const present = new Set(items.map((i) => i.resourceId));
    const now = new Date().toISOString();
    for (const [id, app] of Object.entries(next.apps)) {
      if (present.has(id)) continue;
      delete next.apps[id];
      delete next.cloud.lastReloads[id];
      events.push({ type: 'app.deleted', appId: id, appName: app.name, stream: app.stream, at: now });
    }
    this.#state = next;
    return events.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  }

  async #bootstrap(signal: AbortSignal | undefined): Promise<State> {
    const items = await this.#list<CloudItem>('items', { resourceType: 'app', sort: '-updatedAt' }, signal);
    const first = await this.#cloud.get<Page<CloudReload>>('reloads', opts({ limit: PAGE }, signal));
    const state: State = {
      version: 1,
      appsSince: NEVER,
      appsAtSince: [],
      runsSince: NEVER,
      runsAtSince: [],
      apps: {},
      tasks: {},
      lastRuns: {},
      cloud: { pending: [], lastReloads: {} },
    };
    for (const item of items) {
      state.apps[item.resourceId] = { name: item.name, stream: streamOf(item), created: item.createdAt };
      const reloaded = item.resourceAttributes?.lastReloadTime;
      if (reloaded) state.cloud.lastReloads[item.resourceId] = reloaded;
      advance(state, 'apps', item.updatedAt, item.resourceId);
    }
    for (const reload of first.data) {
      advance(state, 'runs', reload.creationTime, reload.id);
      if (!FINISHED.has(reload.status)) state.cloud.pending.push(reload.id);
    }
    return state;
  }

  /** Reloads since the cursor and the pending ones that ended: reload.failed; successes by app. */
  async #reloads(state: State, events: SiteChangeEvent[], signal: AbortSignal | undefined) {
    const fresh: CloudReload[] = [];
    let path: string | undefined = 'reloads';
    let query: Record<string, string | number> | undefined = { limit: PAGE };
    const since = state.runsSince;
    scan: while (path !== undefined) {
      const page: Page<CloudReload> = await this.#cloud.get<Page<CloudReload>>(path, opts(query, signal));
      for (const reload of page.data) {
        if (reload.creationTime < since) break scan;
        if (reload.creationTime === since && state.runsAtSince.includes(reload.id)) continue;
        fresh.push(reload);
      }
      path = page.links?.next?.href;
      query = undefined;
    }
    const ended: CloudReload[] = [];
    const pending: string[] = [];
    for (const id of state.cloud.pending) {
      const reload = await this.#cloud
        .get<CloudReload>(`reloads/${encodeURIComponent(id)}`, opts(undefined, signal))
        .catch(() => undefined);
      if (reload === undefined) continue; // gone (its app deleted): nothing more to tell
      if (FINISHED.has(reload.status)) ended.push(reload);
      else pending.push(id);
    }
    for (const reload of fresh.reverse()) {
      advance(state, 'runs', reload.creationTime, reload.id);
      if (FINISHED.has(reload.status)) ended.push(reload);
      else pending.push(reload.id);
    }
    state.cloud.pending = pending;
    const successes = new Map<string, { durationMs: number; taskId: string }>();
    for (const reload of ended) {
      const app = state.apps[reload.appId];
      if (reload.status === 'SUCCEEDED') {
        const durationMs = parseDuration(reload.duration);
        successes.set(reload.appId, { durationMs, taskId: reload.id });
        state.lastRuns[reload.appId] = { taskId: reload.id, durationMs, stopTime: reload.endTime ?? '' };
        continue;
      }
      if (reload.status !== 'FAILED') continue;
      const lines = (reload.log ?? '').split(/\r?\n/).filter((l) => l.trim() !== '');
      const error = lines.filter((l) => /fail|error/i.test(l)).pop() ?? 'the reload failed';
      events.push({
        type: 'reload.failed',
        appId: reload.appId,
        appName: app?.name ?? '',
        stream: app?.stream,
        taskId: reload.id,
        taskName: '',
        error,
        logTail: this.#logTailLines > 0 ? lines.slice(-this.#logTailLines) : [],
        at: reload.endTime ?? reload.creationTime,
      });
    }
    return successes;
  }

  /** Items changed since the cursor: created, published, reloaded or else updated. */
  #items(
    state: State,
    events: SiteChangeEvent[],
    items: readonly CloudItem[],
    reloads: ReadonlyMap<string, { durationMs: number; taskId: string }>,
  ): void {
    const since = state.appsSince;
    const changed = items
      .filter((i) => i.updatedAt > since || (i.updatedAt === since && !state.appsAtSince.includes(i.resourceId)))
      .reverse();
    for (const item of changed) {
      advance(state, 'apps', item.updatedAt, item.resourceId);
      const id = item.resourceId;
      const known = state.apps[id];
      const stream = streamOf(item);
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

  /** Every entry of a listing, following `links.next.href`. */
  async #list<T>(path: string, query: Record<string, string>, signal: AbortSignal | undefined): Promise<T[]> {
    const out: T[] = [];
    let next: string | undefined = path;
    let q: Record<string, string | number> | undefined = { ...query, limit: PAGE };
    while (next !== undefined) {
      const page: Page<T> = await this.#cloud.get<Page<T>>(next, opts(q, signal));
      out.push(...page.data);
      next = page.links?.next?.href;
      q = undefined;
    }
    return out;
  }
}

/** A published app's space (the simulator's space id; Qlik Cloud's managed space). */
function streamOf(item: CloudItem): string | undefined {
  return item.resourceAttributes?.published === true && item.spaceId ? item.spaceId : undefined;
}

/** ISO 8601 `PT1H2M3.5S` → ms (0 when absent or unreadable). */
function parseDuration(value: string | undefined): number {
  const m = value ? /^PT(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?$/.exec(value) : null;
  if (!m) return 0;
  return Math.round((Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0)) * 1000);
}

function advance(state: State, which: 'apps' | 'runs', at: string, id: string): void {
  const sinceKey = which === 'apps' ? 'appsSince' : 'runsSince';
  const atKey = which === 'apps' ? 'appsAtSince' : 'runsAtSince';
  if (at > state[sinceKey]) {
    state[sinceKey] = at;
    state[atKey] = [id];
  } else if (at === state[sinceKey] && !state[atKey].includes(id)) state[atKey].push(id);
}

function opts(query: Record<string, string | number> | undefined, signal: AbortSignal | undefined) {
  return { ...(query ? { query } : {}), ...(signal ? { signal } : {}) };
}
