import type { QrsClient } from '../qrs/qrs-client.js';
import type { ChangeReceiver } from './change-receiver.js';
import { callbackToken, SubscriptionRenewals, withoutSecrets } from './subscription-renewal.js';

/** What the notifications source subscribes to: every app change, and task runs starting and ending. */
const WANTED = [
  { name: 'App', changetype: 'Add,Update,Delete' },
  // QRS keeps one ExecutionResult per task, added at its first run and updated by every later one.
  { name: 'ExecutionResult', changetype: 'Add,Update' },
] as const;

/**
 * The QRS change subscriptions of one feed (`POST /qrs/notification`, `DELETE
 * /qrs/notification?handle=`), made over the site's QRS client (its one proxy session). Operations
 * run one at a time, in order: a renewal creates the new subscriptions first and then removes the
 * previous ones (no gap, no doubled subscription); `close()` removes whatever exists once the
 * operations before it are done.
 */
export class QrsChangeSubscriptions {
  readonly #qrs: QrsClient;
  readonly #renewals: SubscriptionRenewals;
  #handles: string[] = [];

  constructor(qrs: QrsClient, receiver: ChangeReceiver) {
    this.#qrs = qrs;
    this.#renewals = new SubscriptionRenewals(receiver);
  }

  /** Whether every subscription exists (as far as this side knows). */
  get active(): boolean {
    return this.#handles.length === WANTED.length && !this.#renewals.stale;
  }

  /**
   * Starts the receiver if needed and (re-)creates the subscriptions; rejects when the receiver
   * cannot listen or QRS refused one (the previous subscriptions, if any, are then kept but no longer
   * count as {@link active}: the feed tries again).
   */
  renew(): Promise<void> {
    const created: string[] = [];
    return this.#renewals.renew({
      create: async (url) => {
        for (const wanted of WANTED) {
          const handle = await this.#qrs.post<unknown>('/notification', url, { query: { ...wanted } });
          if (typeof handle !== 'string' || handle === '')
            throw new TypeError(`QRS POST /notification (${wanted.name}) answered no subscription handle`);
          created.push(handle);
        }
      },
      undo: async (error, url) => {
        await this.#remove(created);
        return withoutSecrets(error, [callbackToken(url)], '<token>');
      },
      swap: async () => {
        const previous = this.#handles;
        this.#handles = created;
        await this.#remove(previous);
      },
    });
  }

  /** Removes the subscriptions (best effort: a QRS that cannot be reached keeps them) and stops the receiver. */
  close(): Promise<void> {
    return this.#renewals.close(async () => {
      const handles = this.#handles;
      this.#handles = [];
      await this.#remove(handles);
    });
  }

  /** Deletes subscriptions, ignoring failures (one QRS has already forgotten answers 404). */
  async #remove(handles: readonly string[]): Promise<void> {
    await Promise.all(
      handles.map((handle) => this.#qrs.delete('/notification', { query: { handle } }).catch(() => undefined)),
    );
  }
}
