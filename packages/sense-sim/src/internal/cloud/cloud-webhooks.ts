import { createHmac, randomUUID } from 'node:crypto';
import { CallbackDelivery } from '../http/callback-delivery.js';
import type { ReloadRecord } from '../site/reload-history.js';
import type { Site } from '../site/site.js';
import type { RepositoryChange } from '../site/site-changes.js';

/** The app event types the simulator's webhooks deliver. */
const CLOUD_EVENT_TYPES = [
  'com.qlik.v1.app.created',
  'com.qlik.v1.app.deleted',
  'com.qlik.v1.app.published',
  'com.qlik.v1.app.reload.finished',
  'com.qlik.v1.app.data.updated',
] as const;

/** One of {@link CLOUD_EVENT_TYPES}. */
export type CloudEventType = (typeof CLOUD_EVENT_TYPES)[number];

/** A webhook as kept (the secret is never shown back). */
export interface CloudWebhook {
  readonly id: string;
  readonly name: string;
  readonly url: string;
  readonly eventTypes: readonly CloudEventType[];
  readonly enabled: boolean;
  readonly ownerId: string;
  readonly createdAt: string;
  readonly secret: string | undefined;
}

/** Thrown for a webhook Qlik Cloud would refuse (400). */
export class CloudWebhookError extends Error {
  override readonly name = 'CloudWebhookError';
}

/** Resolves the API reload id of a recorded reload. */
export type ReloadIdOf = (record: ReloadRecord) => string;

/**
 * Qlik Cloud webhooks: each app event of a subscribed type is POSTed to the webhook's URL as a
 * CloudEvents 1.0 JSON body, signed (when the webhook has a secret) with `qlik-signature` = hex
 * HMAC-SHA256 of the body. Events come from the repository's change feed (created, deleted,
 * published) and the reload history (reload finished, data updated on success). A failed delivery is
 * retried after each of `retryDelaysMs`, then dropped; one webhook's deliveries go in order.
 */
export class CloudWebhooks {
  readonly #hooks = new Map<string, CloudWebhook>();
  readonly #delivery: CallbackDelivery;
  readonly #stop: (() => void)[] = [];
  readonly #site: Site;
  readonly #source: string;
  readonly #reloadIdOf: ReloadIdOf;

  constructor(site: Site, source: string, reloadIdOf: ReloadIdOf, retryDelaysMs?: readonly number[]) {
    this.#site = site;
    this.#source = source;
    this.#reloadIdOf = reloadIdOf;
    this.#delivery = new CallbackDelivery((id) => this.#hooks.has(id), { retryDelaysMs, timeoutMs: 10_000 });
    this.#stop.push(site.changes.listen((change) => this.#onChange(change)));
    this.#stop.push(site.reloads.listen((record) => this.#onReload(record)));
  }

  /** Adds a webhook from the body of `POST /api/v1/webhooks`. */
  create(body: unknown, ownerId: string): CloudWebhook {
    if (typeof body !== 'object' || body === null) throw new CloudWebhookError('the body must be a JSON object');
    const b = body as Record<string, unknown>;
    if (typeof b.name !== 'string' || b.name === '') throw new CloudWebhookError('name is required');
    if (typeof b.url !== 'string') throw new CloudWebhookError('url is required');
    let url: URL;
    try {
      url = new URL(b.url);
    } catch {
      throw new CloudWebhookError('url must be an absolute URL');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new CloudWebhookError('url must be https');
    const types = Array.isArray(b.eventTypes) ? b.eventTypes : [];
    for (const t of types)
      if (!CLOUD_EVENT_TYPES.includes(t as CloudEventType))
        throw new CloudWebhookError(`unknown event type ${String(t)}`);
    const secret = b.secret === undefined || b.secret === null || b.secret === '' ? undefined : b.secret;
    if (secret !== undefined && (typeof secret !== 'string' || secret.length < 32 || secret.length > 64))
      throw new CloudWebhookError('secret must be 32 to 64 characters');
    const hook: CloudWebhook = {
      id: randomUUID(),
      name: b.name,
      url: url.href,
      eventTypes: types as CloudEventType[],
      enabled: b.enabled !== false,
      ownerId,
      createdAt: new Date().toISOString(),
      secret,
    };
    this.#hooks.set(hook.id, hook);
    return hook;
  }

  /** Deliveries answered 2xx. */
  get delivered(): number {
    return this.#delivery.delivered;
  }

  /** Deliveries given up on after their retries. */
  get failed(): number {
    return this.#delivery.failed;
  }

  /** A webhook by id. */
  get(id: string): CloudWebhook | undefined {
    return this.#hooks.get(id);
  }

  /** Every webhook. */
  list(): CloudWebhook[] {
    return [...this.#hooks.values()];
  }

  /** Removes a webhook (pending deliveries are dropped); false when unknown. */
  delete(id: string): boolean {
    return this.#hooks.delete(id);
  }

  /** Stops listening and forgets every webhook. */
  close(): void {
    for (const stop of this.#stop) stop();
    this.#hooks.clear();
  }

  /** A webhook as the API answers it: no secret, only whether one is set. */
  static shown(hook: CloudWebhook): Record<string, unknown> {
    const { secret, ...rest } = hook;
    return { ...rest, eventTypes: [...hook.eventTypes], hasSecret: secret !== undefined, level: 'tenant' };
  }

  #onChange(change: RepositoryChange): void {
    if (change.objectType !== 'App') return;
    const app = this.#site.apps.get(change.objectId);
    const data: Record<string, unknown> = {
      id: change.objectId,
      name: app?.name ?? '',
      spaceId: app?.stream?.id ?? '',
    };
    if (change.changeType === 'Add') this.#emit('com.qlik.v1.app.created', change.objectId, data, change.at);
    else if (change.changeType === 'Delete') this.#emit('com.qlik.v1.app.deleted', change.objectId, data, change.at);
    else if (change.changedProperties.includes('published'))
      this.#emit('com.qlik.v1.app.published', change.objectId, { ...data, published: true }, change.at);
  }

  #onReload(record: ReloadRecord): void {
    if (record.trigger === 'start-up') return;
    const ok = record.status === 'FinishedSuccess';
    const data = {
      id: record.appId,
      appId: record.appId,
      name: record.appName,
      reloadId: this.#reloadIdOf(record),
      status: ok ? 'ok' : 'error',
      isPartialReload: false,
      duration: record.durationMs,
      startedAt: record.startTime,
      endedAt: record.stopTime,
      ...(record.error ? { errorMessage: record.error.message } : {}),
    };
    this.#emit('com.qlik.v1.app.reload.finished', record.appId, data, record.stopTime);
    if (ok) this.#emit('com.qlik.v1.app.data.updated', record.appId, data, record.stopTime);
  }

  #emit(type: CloudEventType, appId: string, data: Record<string, unknown>, time: string): void {
    for (const hook of this.#hooks.values()) {
      if (!hook.enabled || !hook.eventTypes.includes(type)) continue;
      const event = {
        specversion: '1.0',
        cloudEventsVersion: '0.1',
        type,
        source: this.#source,
        id: randomUUID(),
        time,
        datacontenttype: 'application/json',
        subject: appId,
        extensions: { ownerId: hook.ownerId, spaceId: data.spaceId ?? '' },
        data,
      };
      const body = JSON.stringify(event);
      const headers: Record<string, string> = { 'user-agent': 'Qlik-Webhooks' };
      if (hook.secret !== undefined)
        headers['qlik-signature'] = createHmac('sha256', hook.secret).update(body).digest('hex');
      this.#delivery.send(hook.id, hook.url, body, headers);
    }
  }
}
