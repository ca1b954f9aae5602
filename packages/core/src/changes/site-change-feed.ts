import { EventEmitter } from 'node:events';
import type { CloudRestClient } from '../qrs/cloud-rest-client.js';
import type { QrsClient } from '../qrs/qrs-client.js';
import { ChangeReceiver, type ChangeReceiverOptions } from './change-receiver.js';
import { CloudChangePoller } from './cloud-change-poller.js';
import { CloudWebhookSubscriptions } from './cloud-webhook-subscriptions.js';
import { QrsChangePoller } from './qrs-change-poller.js';
import { QrsChangeSubscriptions } from './qrs-change-subscriptions.js';
import type { SiteChangeCursor, SiteChangeEvent } from './site-change-events.js';

/** Options of `site.changes()`. */
export interface SiteChangesOptions {
  /**
   * How the feed learns that something changed: `'polling'` (default) polls QRS at an adaptive
   * interval; `'notifications'` runs a callback receiver ({@link SiteChangesOptions.receiver}),
   * subscribes to QRS change notifications and polls when a callback comes (plus a slow safety poll).
   * Both read the changes the same way, so they report the same events. On a Qlik Cloud tenant
   * (`auth.kind: 'cloud-jwt'`) the feed reads `/api/v1/items` and `/api/v1/reloads` instead of QRS,
   * and the notifications source registers a webhook (signed with a random secret, checked by the
   * receiver) instead of QRS subscriptions.
   */
  readonly source?: 'polling' | 'notifications';
  /** Where the notifications source listens for QRS callbacks (only with `source: 'notifications'`). */
  readonly receiver?: ChangeReceiverOptions;
  /** Notifications source: the poll made anyway when no callback comes, ms; default 60 000. */
  readonly safetyPollMs?: number;
  /** Where to go on from (a cursor a feed gave before); default: from now, after one listing. */
  readonly cursor?: SiteChangeCursor | undefined;
  /**
   * Shortest time between polls, ms: after a poll that found changes (polling), between polls that
   * callbacks asked for (notifications); default 2 000 (polling), 250 (notifications).
   */
  readonly minIntervalMs?: number;
  /**
   * Longest time between polls (the interval grows ×1.5 while nothing changes), ms; default 30 000.
   * The notifications source polls so while it has no subscription (QRS refused, receiver down).
   */
  readonly maxIntervalMs?: number;
  /** Only events of apps in these streams (names, any case); default every app. */
  readonly streams?: readonly string[];
  /** Lines of script log a `reload.failed` event carries; default 20. */
  readonly logTailLines?: number;
  /**
   * Qlik Cloud, when the user may not read the audit log (`/api/v1/audits` answers 403): deleted
   * apps are noticed by a full item listing every this many polls; default 10. With the audit log,
   * deletions come from its `com.qlik.app.deleted` events and no poll lists every app.
   */
  readonly deletionSweepEvery?: number;
  /** Stops the feed. */
  readonly signal?: AbortSignal;
}

/** What a feed needs of its site beyond QRS: to hear of new proxy sessions (re-handshakes). */
export interface SiteSessionEvents {
  on(event: 'session-created', listener: () => void): unknown;
  off(event: 'session-created', listener: () => void): unknown;
}

/** Events of a {@link SiteChangeFeed}. */
export interface SiteChangeFeedEvents {
  change: [event: SiteChangeEvent];
  /**
   * A poll failed (network, session), or QRS refused a subscription / the receiver could not listen
   * (notifications); the feed retries — from the same cursor, so nothing is lost.
   */
  error: [error: Error];
  /** The feed stopped (close(), its signal). */
  close: [];
}

/**
 * Site changes as they happen, over the site's one proxy session: an EventEmitter (`change`,
 * `error`) and an async iterable of {@link SiteChangeEvent}s. Two sources, one way of reading:
 * either the feed polls QRS at an adaptive interval (short after changes, growing while the site is
 * quiet), or (`source: 'notifications'`) QRS calls a small receiver back when an app or a task run
 * changes and the feed polls at once — a callback is only a hint, the poll with the cursor tells
 * what changed, so a callback lost, repeated or forged changes nothing but timing. `cursor()` tells
 * where the feed stands: persist it and pass it back to go on after a restart without losing or
 * repeating a change.
 *
 * @example
 * ```ts
 * const feed = site.changes({ streams: ['Sales'] });
 * for await (const event of feed) console.log(event.type, event.appName, event.at);
 * ```
 */
export class SiteChangeFeed extends EventEmitter<SiteChangeFeedEvents> implements AsyncIterable<SiteChangeEvent> {
  readonly #poller: QrsChangePoller | CloudChangePoller;
  readonly #options: SiteChangesOptions;
  readonly #abort = new AbortController();
  readonly #streams: ReadonlySet<string> | undefined;
  /** The notifications source's subscriptions (undefined: polling). */
  readonly #subscriptions: QrsChangeSubscriptions | CloudWebhookSubscriptions | undefined;
  readonly #site: SiteSessionEvents | undefined;
  readonly #onSession = (): void => this.#sessionCreated();
  #interval: number;
  #timer: NodeJS.Timeout | undefined;
  #running = false;
  #current: Promise<SiteChangeEvent[]> | undefined;
  #renewing: Promise<boolean> | undefined;
  /** A callback came during a poll: poll once more after it. */
  #again = false;
  #lastPollAt = 0;
  #closed: Promise<void> | undefined;
  #started = false;
  readonly #firstPoll: Promise<void>;
  #resolveFirstPoll: () => void = () => undefined;

  /** @internal Use `site.changes()`. */
  constructor(qrs: QrsClient, options: SiteChangesOptions = {}, site?: SiteSessionEvents, cloud?: CloudRestClient) {
    super();
    this.#options = options;
    const source = options.source ?? 'polling';
    if (source !== 'polling' && source !== 'notifications')
      throw new TypeError(`site.changes: source must be 'polling' or 'notifications', got ${String(source)}`);
    if (source === 'polling' && options.receiver !== undefined)
      throw new TypeError("site.changes: a receiver is only used with source: 'notifications'");
    const tail = options.logTailLines !== undefined ? { logTailLines: options.logTailLines } : {};
    if (!cloud && options.cursor?.cloud !== undefined)
      throw new TypeError('site.changes: this cursor is of a Qlik Cloud tenant, not of a QSEoW site');
    this.#poller = cloud
      ? new CloudChangePoller(cloud, options.cursor, {
          ...tail,
          ...(options.deletionSweepEvery !== undefined ? { deletionSweepEvery: options.deletionSweepEvery } : {}),
        })
      : new QrsChangePoller(qrs, options.cursor, tail);
    if (source === 'notifications') {
      const receiver = new ChangeReceiver(options.receiver ?? {}, () => this.#hinted());
      this.#subscriptions = cloud
        ? new CloudWebhookSubscriptions(cloud, receiver)
        : new QrsChangeSubscriptions(qrs, receiver);
      this.#site = site;
      site?.on('session-created', this.#onSession);
    }
    this.#streams = options.streams ? new Set(options.streams.map((s) => s.toLowerCase())) : undefined;
    this.#interval = this.#min;
    this.#firstPoll = new Promise((resolve) => {
      this.#resolveFirstPoll = resolve;
    });
    options.signal?.addEventListener('abort', () => void this.close(), { once: true });
    if (options.signal?.aborted) void this.close();
    else queueMicrotask(() => void this.#start());
  }

  get #min(): number {
    return this.#options.minIntervalMs ?? (this.#subscriptions ? 250 : 2000);
  }

  get #max(): number {
    return Math.max(this.#min, this.#options.maxIntervalMs ?? 30_000);
  }

  /** Where the feed stands now (after the changes it has emitted); undefined before its first poll. */
  cursor(): SiteChangeCursor | undefined {
    return this.#poller.cursor();
  }

  /**
   * Resolves once the feed has made its first poll (its starting point is set) and, with the
   * notifications source, has tried to subscribe (changes from then on are called back).
   */
  ready(): Promise<void> {
    return this.#firstPoll;
  }

  /** Polls now (instead of waiting for the interval); resolves with the changes found. */
  async pollNow(): Promise<SiteChangeEvent[]> {
    if (this.#closed) return [];
    if (this.#timer) clearTimeout(this.#timer);
    return await this.#tick();
  }

  /**
   * Stops the feed; iterators end. With the notifications source, also removes the QRS subscriptions
   * and stops the receiver: the promise resolves when that is done (it never rejects).
   */
  close(): Promise<void> {
    if (this.#closed) return this.#closed;
    this.#closed = this.#subscriptions?.close().catch(() => undefined) ?? Promise.resolve();
    if (this.#timer) clearTimeout(this.#timer);
    this.#abort.abort();
    this.#site?.off('session-created', this.#onSession);
    this.#resolveFirstPoll();
    this.emit('close');
    return this.#closed;
  }

  /** The first poll (the starting point), then — notifications — the subscriptions and a catch-up poll. */
  async #start(): Promise<void> {
    try {
      await this.#pollSettled();
      if (this.#subscriptions && !this.#closed) {
        this.#started = true;
        // Changes between the first poll and the subscriptions are read by a poll right after them.
        if (await this.#subscribe()) await this.#pollSettled();
      }
    } finally {
      this.#resolveFirstPoll();
    }
  }

  /** A poll that starts now or after the one running (pollNow(), a callback's) — and whatever runs then. */
  async #pollSettled(): Promise<void> {
    while (this.#current) await this.#current;
    await this.#tick();
    while (this.#current) await this.#current;
  }

  /** (Re-)creates the subscriptions; false (and an `error` event) when that failed. */
  async #subscribe(): Promise<boolean> {
    const renewing = (async () => {
      try {
        await this.#subscriptions?.renew();
        return true;
      } catch (error) {
        if (!this.#closed) this.emit('error', error instanceof Error ? error : new Error(String(error)));
        return false;
      }
    })();
    this.#renewing = renewing;
    try {
      return await renewing;
    } finally {
      if (this.#renewing === renewing) this.#renewing = undefined;
    }
  }

  /**
   * A new proxy session: the repository may have restarted and forgotten the subscriptions — renew
   * them (new first, old removed), then poll for what happened meanwhile.
   */
  #sessionCreated(): void {
    if (!this.#started || this.#closed) return;
    void this.#subscribe().then((ok) => {
      if (ok) this.#hinted();
    });
  }

  /** A callback (or a renewal) says something may have changed: poll soon, never two polls at once. */
  #hinted(): void {
    if (this.#closed) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#scheduleTick(Math.max(0, this.#lastPollAt + this.#min - Date.now()));
  }

  #scheduleTick(delay: number): void {
    if (this.#closed) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#tick(), delay);
    this.#timer.unref();
  }

  async #tick(): Promise<SiteChangeEvent[]> {
    if (this.#closed || this.#running) return [];
    this.#running = true;
    const current = this.#poll();
    this.#current = current;
    try {
      return await current;
    } finally {
      this.#current = undefined;
    }
  }

  async #poll(): Promise<SiteChangeEvent[]> {
    this.#again = false;
    this.#lastPollAt = Date.now();
    let found: SiteChangeEvent[] = [];
    try {
      // Subscriptions QRS refused before (or a receiver that could not listen): try again.
      if (this.#started && this.#subscriptions && !this.#subscriptions.active && !this.#renewing) {
        await this.#subscribe();
      }
      found = (await this.#poller.poll(this.#abort.signal)).filter((e) => this.#wanted(e));
      for (const event of found) this.emit('change', event);
      this.#interval = found.length > 0 ? this.#min : Math.min(this.#max, Math.round(this.#interval * 1.5));
    } catch (error) {
      if (!this.#closed) this.emit('error', error instanceof Error ? error : new Error(String(error)));
      this.#interval = Math.min(this.#max, Math.round(this.#interval * 2));
    } finally {
      this.#running = false;
      this.#scheduleTick(this.#again ? this.#min : this.#nextDelay());
    }
    return found;
  }

  /** Polling: the adaptive interval; notifications: the safety poll while subscribed. */
  #nextDelay(): number {
    if (this.#subscriptions?.active) return this.#options.safetyPollMs ?? 60_000;
    return this.#interval;
  }

  #wanted(event: SiteChangeEvent): boolean {
    if (!this.#streams) return true;
    return event.stream !== undefined && this.#streams.has(event.stream.toLowerCase());
  }

  /** The changes one by one, until the feed closes. Errors are emitted, not thrown. */
  async *[Symbol.asyncIterator](): AsyncIterator<SiteChangeEvent> {
    const queue: SiteChangeEvent[] = [];
    let wake: (() => void) | undefined;
    const onChange = (event: SiteChangeEvent): void => {
      queue.push(event);
      wake?.();
    };
    const onClose = (): void => wake?.();
    this.on('change', onChange);
    this.on('close', onClose);
    // Without an error listener an EventEmitter throws: iterating consumers keep going instead.
    const onError = (): void => undefined;
    this.on('error', onError);
    try {
      for (;;) {
        const next = queue.shift();
        if (next) {
          yield next;
          continue;
        }
        if (this.#closed) return;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
      }
    } finally {
      this.off('change', onChange);
      this.off('close', onClose);
      this.off('error', onError);
    }
  }
}
