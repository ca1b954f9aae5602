import { EventEmitter } from 'node:events';
import type { QrsClient } from '../qrs/qrs-client.js';
import { QrsChangePoller } from './qrs-change-poller.js';
import type { SiteChangeCursor, SiteChangeEvent } from './site-change-events.js';

/** Options of `site.changes()`. */
export interface SiteChangesOptions {
  /** Where to go on from (a cursor a feed gave before); default: from now, after one listing. */
  readonly cursor?: SiteChangeCursor;
  /** Shortest time between polls (after a poll that found changes), ms; default 2 000. */
  readonly minIntervalMs?: number;
  /** Longest time between polls (the interval grows ×1.5 while nothing changes), ms; default 30 000. */
  readonly maxIntervalMs?: number;
  /** Only events of apps in these streams (names, any case); default every app. */
  readonly streams?: readonly string[];
  /** Lines of script log a `reload.failed` event carries; default 20. */
  readonly logTailLines?: number;
  /** Stops the feed. */
  readonly signal?: AbortSignal;
}

/** Events of a {@link SiteChangeFeed}. */
export interface SiteChangeFeedEvents {
  change: [event: SiteChangeEvent];
  /** A poll failed (network, session); the feed retries from the same cursor — nothing is lost. */
  error: [error: Error];
  /** The feed stopped (close(), its signal). */
  close: [];
}

/**
 * Site changes as they happen, by efficient QRS polling over the site's one proxy session: an
 * EventEmitter (`change`, `error`) and an async iterable of {@link SiteChangeEvent}s. The interval
 * adapts — short after changes, growing while the site is quiet. `cursor()` tells where the feed
 * stands: persist it and pass it back to go on after a restart without losing or repeating a change.
 *
 * @example
 * ```ts
 * const feed = site.changes({ streams: ['Sales'] });
 * for await (const event of feed) console.log(event.type, event.appName, event.at);
 * ```
 */
export class SiteChangeFeed extends EventEmitter<SiteChangeFeedEvents> implements AsyncIterable<SiteChangeEvent> {
  readonly #poller: QrsChangePoller;
  readonly #options: SiteChangesOptions;
  readonly #abort = new AbortController();
  readonly #streams: ReadonlySet<string> | undefined;
  #interval: number;
  #timer: NodeJS.Timeout | undefined;
  #running = false;
  #closed = false;
  #polled = false;
  readonly #firstPoll: Promise<void>;
  #resolveFirstPoll: () => void = () => undefined;

  /** @internal Use `site.changes()`. */
  constructor(qrs: QrsClient, options: SiteChangesOptions = {}) {
    super();
    this.#options = options;
    this.#poller = new QrsChangePoller(qrs, options.cursor, {
      ...(options.logTailLines !== undefined ? { logTailLines: options.logTailLines } : {}),
    });
    this.#streams = options.streams ? new Set(options.streams.map((s) => s.toLowerCase())) : undefined;
    this.#interval = this.#min;
    this.#firstPoll = new Promise((resolve) => {
      this.#resolveFirstPoll = resolve;
    });
    options.signal?.addEventListener('abort', () => this.close(), { once: true });
    if (options.signal?.aborted) this.close();
    else queueMicrotask(() => void this.#tick());
  }

  get #min(): number {
    return this.#options.minIntervalMs ?? 2000;
  }

  get #max(): number {
    return Math.max(this.#min, this.#options.maxIntervalMs ?? 30_000);
  }

  /** Where the feed stands now (after the changes it has emitted); undefined before its first poll. */
  cursor(): SiteChangeCursor | undefined {
    return this.#poller.cursor();
  }

  /** Resolves once the feed has made its first poll (its starting point is set). */
  ready(): Promise<void> {
    return this.#firstPoll;
  }

  /** Polls now (instead of waiting for the interval); resolves with the changes found. */
  async pollNow(): Promise<SiteChangeEvent[]> {
    if (this.#closed) return [];
    if (this.#timer) clearTimeout(this.#timer);
    return await this.#tick();
  }

  /** Stops polling; iterators end. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#abort.abort();
    this.#resolveFirstPoll();
    this.emit('close');
  }

  async #tick(): Promise<SiteChangeEvent[]> {
    if (this.#closed || this.#running) return [];
    this.#running = true;
    let found: SiteChangeEvent[] = [];
    try {
      found = (await this.#poller.poll(this.#abort.signal)).filter((e) => this.#wanted(e));
      for (const event of found) this.emit('change', event);
      this.#interval = found.length > 0 ? this.#min : Math.min(this.#max, Math.round(this.#interval * 1.5));
    } catch (error) {
      if (!this.#closed) this.emit('error', error instanceof Error ? error : new Error(String(error)));
      this.#interval = Math.min(this.#max, Math.round(this.#interval * 2));
    } finally {
      this.#running = false;
      if (!this.#polled) {
        this.#polled = true;
        this.#resolveFirstPoll();
      }
      if (!this.#closed) {
        this.#timer = setTimeout(() => void this.#tick(), this.#interval);
        this.#timer.unref();
      }
    }
    return found;
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
