import { randomUUID } from 'node:crypto';
import type { ReloadRecord } from '../site/reload-history.js';
import type { Site } from '../site/site.js';
import type { RepositoryChange } from '../site/site-changes.js';
import { type CloudPage, pageSorted } from './cloud-listings.js';
import type { ReloadIdOf } from './cloud-webhooks.js';

/**
 * The app event types the tenant's audit log records. App lifecycle events carry the engine's
 * names (`com.qlik.app.*`, the `system-events.engine.app` channel of qlik.dev's event reference);
 * a finished reload is `com.qlik.v1.app.reload.finished` (which replaced `com.qlik.app.reload.ended`).
 */
const CLOUD_AUDIT_TYPES = [
  'com.qlik.app.created',
  'com.qlik.app.deleted',
  'com.qlik.app.published',
  'com.qlik.v1.app.reload.finished',
] as const;

/** One entry of `/api/v1/audits`. */
export interface CloudAudit {
  id: string;
  eventId: string;
  eventType: (typeof CLOUD_AUDIT_TYPES)[number];
  eventTime: string;
  eventTypeVersion: string;
  source: string;
  contentType: 'application/json';
  tenantId: string;
  userId: string;
  data: Record<string, unknown>;
  links: { self: { href: string } };
}

/** What `GET /api/v1/audits` filters and sorts by. */
export interface CloudAuditQuery {
  readonly eventType?: string | undefined;
  readonly source?: string | undefined;
  readonly userId?: string | undefined;
  /** Inclusive bounds of `eventTime` (ISO), from `eventTime=start/end` (either may be empty). */
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly ascending: boolean;
  readonly limit: number;
  readonly next: string | undefined;
}

/**
 * The tenant's audit log of app events (`GET /api/v1/audits`, `GET /api/v1/audits/types`): made
 * from the repository's change feed (created, deleted, published) and the reload history. A
 * deleted app keeps its name in the event. The last `keep` events are kept (Qlik Cloud keeps 90 days).
 */
export class CloudAudits {
  readonly #events: CloudAudit[] = [];
  readonly #names = new Map<string, { name: string; spaceId: string }>();
  readonly #stop: (() => void)[] = [];
  readonly #site: Site;
  readonly #tenantId: string;
  readonly #reloadIdOf: ReloadIdOf;
  readonly #keep: number;

  constructor(site: Site, tenantId: string, reloadIdOf: ReloadIdOf, keep = 50_000) {
    this.#site = site;
    this.#tenantId = tenantId;
    this.#reloadIdOf = reloadIdOf;
    this.#keep = keep;
    for (const app of site.apps.values()) this.#names.set(app.id, { name: app.name, spaceId: app.stream?.id ?? '' });
    this.#stop.push(site.changes.listen((change) => this.#onChange(change)));
    this.#stop.push(site.reloads.listen((record) => this.#onReload(record)));
  }

  /** The event types the log holds (`/api/v1/audits/types`). */
  types(): readonly string[] {
    return CLOUD_AUDIT_TYPES;
  }

  /** A page of events matching the query. */
  list(query: CloudAuditQuery): CloudPage<CloudAudit> {
    const matching = this.#events.filter(
      (e) =>
        (query.eventType === undefined || e.eventType === query.eventType) &&
        (query.source === undefined || e.source === query.source) &&
        (query.userId === undefined || e.userId === query.userId) &&
        (query.from === undefined || e.eventTime >= query.from) &&
        (query.to === undefined || e.eventTime <= query.to),
    );
    return pageSorted(matching, query.limit, query.next, (e) => [e.eventTime, e.id], query.ascending);
  }

  /** Stops listening to the site. */
  close(): void {
    for (const stop of this.#stop.splice(0)) stop();
  }

  #onChange(change: RepositoryChange): void {
    if (change.objectType !== 'App') return;
    const app = this.#site.apps.get(change.objectId);
    const known = app ? { name: app.name, spaceId: app.stream?.id ?? '' } : this.#names.get(change.objectId);
    if (app) this.#names.set(app.id, known ?? { name: '', spaceId: '' });
    const attributes = { id: change.objectId, name: known?.name ?? '', spaceId: known?.spaceId ?? '' };
    if (change.changeType === 'Add') this.#record('com.qlik.app.created', attributes, change.at);
    else if (change.changeType === 'Delete') {
      this.#names.delete(change.objectId);
      this.#record('com.qlik.app.deleted', attributes, change.at);
    } else if (change.changedProperties.includes('published'))
      this.#record('com.qlik.app.published', { ...attributes, published: true }, change.at);
  }

  #onReload(record: ReloadRecord): void {
    if (record.trigger === 'start-up') return;
    const ok = record.status === 'FinishedSuccess';
    this.#record(
      'com.qlik.v1.app.reload.finished',
      {
        id: record.appId,
        appId: record.appId,
        name: record.appName,
        reloadId: this.#reloadIdOf(record),
        status: ok ? 'ok' : 'error',
        duration: record.durationMs,
        startedAt: record.startTime,
        endedAt: record.stopTime,
      },
      record.stopTime,
    );
  }

  #record(eventType: CloudAudit['eventType'], attributes: Record<string, unknown>, at: string): void {
    const id = randomUUID().replaceAll('-', '').slice(0, 24);
    this.#events.push({
      id,
      eventId: randomUUID(),
      eventType,
      eventTime: at,
      eventTypeVersion: eventType.startsWith('com.qlik.v1.') ? '1.0' : '0.1',
      source: 'com.qlik/engine',
      contentType: 'application/json',
      tenantId: this.#tenantId,
      userId: '',
      data: eventType.startsWith('com.qlik.v1.') ? attributes : { attributes },
      links: { self: { href: `/api/v1/audits/${id}` } },
    });
    if (this.#events.length > this.#keep) this.#events.splice(0, this.#events.length - this.#keep);
  }
}
