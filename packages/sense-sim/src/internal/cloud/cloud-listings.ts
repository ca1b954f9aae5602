import { randomUUID } from 'node:crypto';
import { systemClock } from '../../clock.js';
import type { QixEngine } from '../engine/qix-engine.js';
import { recordReload } from '../reload/record-reload.js';
import { reloadApp } from '../reload/reload-app.js';
import type { ReloadRecord } from '../site/reload-history.js';
import type { Site, SiteApp } from '../site/site.js';
import { stableGuid } from '../site/stable-guid.js';

/** Qlik Cloud reload status names. */
type CloudReloadStatus = 'QUEUED' | 'RELOADING' | 'SUCCEEDED' | 'FAILED';

/** A reload as `/api/v1/reloads` shows it. */
export interface CloudReload {
  id: string;
  appId: string;
  tenantId: string;
  userId: string;
  type: 'hub' | 'chronos' | 'external' | 'automations';
  status: CloudReloadStatus;
  log: string;
  partial: boolean;
  creationTime: string;
  startTime?: string;
  endTime?: string;
  duration?: string;
  links: { self: { href: string } };
}

/** A page of a listing: its entries and the cursor of the next page, if any. */
export interface CloudPage<T> {
  data: T[];
  next: string | undefined;
}

interface Started {
  id: string;
  appId: string;
  userId: string;
  creationTime: string;
  startTime: string | undefined;
  record: ReloadRecord | undefined;
}

const MAX_LIMIT = 100;

/**
 * The Qlik Cloud listings a watcher reads, made from the site's apps and reload history: items
 * (`/api/v1/items?resourceType=app`, newest `updatedAt` first) and reloads (`/api/v1/reloads`,
 * newest first), each paged by an opaque cursor (the sort key of the last entry shown, so entries
 * added meanwhile neither repeat nor shift a page), and `POST /api/v1/reloads`, which runs the app's
 * reload in the engine as a reload task would.
 */
export class CloudListings {
  readonly #site: Site;
  readonly #engine: QixEngine;
  readonly #tenantId: string;
  readonly #started = new Map<string, Started>();
  /** executionId of a record → id of the reload started through the API that made it. */
  readonly #byExecution = new Map<string, string>();

  constructor(site: Site, engine: QixEngine, tenantId: string) {
    this.#site = site;
    this.#engine = engine;
    this.#tenantId = tenantId;
  }

  /** The items of the site's apps, newest `updatedAt` first (ties by id). */
  items(limit: number, cursor: string | undefined): CloudPage<Record<string, unknown>> {
    const all = [...this.#site.apps.values()].map((app) => this.#item(app));
    return pageSorted(all, limit, cursor, (i) => [i.updatedAt, i.id]);
  }

  /** The reloads, newest first; only one app's with `appId`. */
  reloads(appId: string | undefined, limit: number, cursor: string | undefined): CloudPage<CloudReload> {
    const shown: CloudReload[] = [...this.#started.values()].map((s) => this.#fromStarted(s));
    for (const record of this.#site.reloads.all()) {
      if (this.#byExecution.has(record.executionId)) continue;
      shown.push(this.#fromRecord(record.executionId, record, 'system', record.startTime, record.trigger));
    }
    const mine = appId === undefined ? shown : shown.filter((r) => r.appId === appId);
    return pageSorted(mine, limit, cursor, (r) => [r.creationTime, r.id]);
  }

  /** One reload by id. */
  reload(id: string): CloudReload | undefined {
    return this.reloads(undefined, Number.MAX_SAFE_INTEGER, undefined).data.find((r) => r.id === id);
  }

  /**
   * Starts a reload of an app (`POST /api/v1/reloads`): answers it QUEUED at once; the reload runs in
   * the engine and is recorded like any other. Undefined for an unknown app.
   */
  start(appId: string, userId: string): CloudReload | undefined {
    const app = this.#engine.apps.get(appId);
    if (!app || !this.#site.apps.has(appId)) return undefined;
    const started: Started = {
      id: randomUUID().replaceAll('-', '').slice(0, 24),
      appId,
      userId,
      creationTime: new Date().toISOString(),
      startTime: undefined,
      record: undefined,
    };
    this.#started.set(started.id, started);
    const answer = this.#fromStarted(started);
    setImmediate(() => void this.#run(started));
    return answer;
  }

  async #run(started: Started): Promise<void> {
    const app = this.#engine.apps.get(started.appId);
    if (!app) return;
    started.startTime = new Date().toISOString();
    const busy = app.reloading;
    app.reloading = true;
    const now = () => (this.#engine.options.clock ?? systemClock).now();
    try {
      const outcome = busy
        ? {
            ok: false,
            log: [`The app ${app.id} is being reloaded already`],
            error: undefined,
            startedAt: now(),
            stoppedAt: now(),
          }
        : await reloadApp(app, this.#site, {
            dataDir: this.#engine.dataDir,
            apps: () => this.#engine.apps.list(),
            now,
            ...(this.#engine.options.reloadBudgets ? { budgets: this.#engine.options.reloadBudgets } : {}),
          });
      if (outcome.ok) await this.#engine.apps.save(app, { announce: false });
      // The record is tied to the API's reload before listeners (webhooks) hear of it.
      const executionId = randomUUID();
      this.#byExecution.set(executionId, started.id);
      started.record = recordReload(this.#site, app, outcome, { trigger: 'engine', executionId });
    } finally {
      if (!busy) app.reloading = false;
    }
  }

  /** The API reload id of a recorded reload (its executionId when it was not started through the API). */
  reloadIdOf(record: ReloadRecord): string {
    return this.#byExecution.get(record.executionId) ?? record.executionId;
  }

  #item(app: SiteApp): { id: string; updatedAt: string } & Record<string, unknown> {
    return {
      id: stableGuid('item', app.id),
      name: app.name,
      description: app.description,
      resourceId: app.id,
      resourceType: 'app',
      resourceCreatedAt: app.createdDate,
      resourceUpdatedAt: app.modifiedDate,
      createdAt: app.createdDate,
      updatedAt: app.modifiedDate,
      ownerId: app.owner.id,
      creatorId: app.owner.id,
      updaterId: app.owner.id,
      tenantId: this.#tenantId,
      spaceId: app.stream?.id ?? '',
      resourceAttributes: {
        id: app.id,
        name: app.name,
        description: app.description,
        createdDate: app.createdDate,
        modifiedDate: app.modifiedDate,
        lastReloadTime: app.lastReloadTime ?? '',
        published: app.stream !== undefined,
        publishTime: app.publishTime ?? '',
        spaceId: app.stream?.id ?? '',
        owner: app.owner.userId,
        ownerId: app.owner.id,
      },
      links: { self: { href: `/api/v1/items/${stableGuid('item', app.id)}` } },
    };
  }

  #fromStarted(s: Started): CloudReload {
    if (s.record) return this.#fromRecord(s.id, s.record, s.userId, s.creationTime, 'external');
    return {
      ...this.#base(s.id, s.appId, s.userId, s.creationTime, 'external'),
      status: s.startTime === undefined ? 'QUEUED' : 'RELOADING',
      ...(s.startTime !== undefined ? { startTime: s.startTime } : {}),
    };
  }

  #fromRecord(id: string, r: ReloadRecord, userId: string, creationTime: string, trigger: string): CloudReload {
    return {
      ...this.#base(id, r.appId, userId, creationTime, trigger),
      status: r.status === 'FinishedSuccess' ? 'SUCCEEDED' : 'FAILED',
      log: r.log.join('\n'),
      startTime: r.startTime,
      endTime: r.stopTime,
      duration: isoDuration(r.durationMs),
    };
  }

  #base(id: string, appId: string, userId: string, creationTime: string, trigger: string): CloudReload {
    return {
      id,
      appId,
      tenantId: this.#tenantId,
      userId,
      type: trigger === 'task' ? 'chronos' : trigger === 'external' ? 'external' : 'hub',
      status: 'QUEUED',
      log: '',
      partial: false,
      creationTime,
      links: { self: { href: `/api/v1/reloads/${id}` } },
    };
  }
}

/** Parses `limit` (1..100, default 10 as Qlik's listings do). */
export function pageLimit(value: string | null): number | undefined {
  if (value === null || value === '') return 10;
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 && n <= MAX_LIMIT ? n : undefined;
}

function compareDesc(at1: string, id1: string, at2: string, id2: string): number {
  if (at1 !== at2) return at1 < at2 ? 1 : -1;
  return id1 < id2 ? 1 : id1 > id2 ? -1 : 0;
}

/**
 * One page of `entries` in the order of their sort key (`[time, id]`; newest first, or oldest first
 * with `ascending`), starting after the entry a cursor names: entries added meanwhile neither repeat
 * nor shift a page.
 */
export function pageSorted<T>(
  entries: T[],
  limit: number,
  cursor: string | undefined,
  key: (entry: T) => [string, string],
  ascending = false,
): CloudPage<T> {
  const order = (a: [string, string], b: [string, string]) => {
    const desc = compareDesc(a[0], a[1], b[0], b[1]);
    return ascending ? -desc : desc;
  };
  const sorted = [...entries].sort((a, b) => order(key(a), key(b)));
  let from = 0;
  if (cursor !== undefined) {
    const after = decodeCursor(cursor, ascending);
    from = sorted.findIndex((e) => order(after, key(e)) < 0);
    if (from < 0) from = sorted.length;
  }
  const data = sorted.slice(from, from + limit);
  const last = data.at(-1);
  const more = from + limit < sorted.length && last !== undefined;
  return { data, next: more ? encodeCursor(key(last)) : undefined };
}

function encodeCursor([at, id]: [string, string]): string {
  return Buffer.from(JSON.stringify([at, id])).toString('base64url');
}

/** The sort key a cursor stands for; an unreadable cursor starts from the top. */
function decodeCursor(cursor: string, ascending: boolean): [string, string] {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && typeof parsed[0] === 'string' && typeof parsed[1] === 'string')
      return [parsed[0], parsed[1]];
  } catch {
    // fall through
  }
  return ascending ? ['', ''] : ['\uffff', '\uffff'];
}

/** Milliseconds as an ISO 8601 duration (`PT1.5S`). */
function isoDuration(ms: number): string {
  return `PT${(ms / 1000).toFixed(3).replace(/\.?0+$/, '')}S`;
}
