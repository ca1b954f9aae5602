import type { QrsClient } from '../qrs/qrs-client.js';
import type { ChangeReceiver } from './change-receiver.js';

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
  readonly #receiver: ChangeReceiver;
  #handles: string[] = [];
  /** A renewal failed: the handles may be subscriptions QRS forgot (kept, to be deleted by the next renewal). */
  #stale = false;
  #ops: Promise<unknown> = Promise.resolve();
  #closed = false;

  constructor(qrs: QrsClient, receiver: ChangeReceiver) {
    this.#qrs = qrs;
    this.#receiver = receiver;
  }

  /** Whether every subscription exists (as far as this side knows). */
  get active(): boolean {
    return this.#handles.length === WANTED.length && !this.#stale;
  }

  /**
   * Starts the receiver if needed and (re-)creates the subscriptions; rejects when the receiver
   * cannot listen or QRS refused one (the previous subscriptions, if any, are then kept but no longer
   * count as {@link active}: the feed tries again).
   */
  renew(): Promise<void> {
    return this.#queue(() => this.#renew());
  }

  /** Removes the subscriptions (best effort: a QRS that cannot be reached keeps them) and stops the receiver. */
  close(): Promise<void> {
    this.#closed = true;
    return this.#queue(async () => {
      const handles = this.#handles;
      this.#handles = [];
      await this.#remove(handles);
      await this.#receiver.stop();
    });
  }

  #queue(op: () => Promise<void>): Promise<void> {
    const next = this.#ops.then(op, op);
    this.#ops = next.catch(() => undefined);
    return next;
  }

  async #renew(): Promise<void> {
    if (this.#closed) return;
    let url: string;
    try {
      url = await this.#receiver.start();
    } catch (error) {
      this.#stale = true;
      throw error;
    }
    const created: string[] = [];
    try {
      for (const wanted of WANTED) {
        const handle = await this.#qrs.post<unknown>('/notification', url, { query: { ...wanted } });
        if (typeof handle !== 'string' || handle === '')
          throw new TypeError(`QRS POST /notification (${wanted.name}) answered no subscription handle`);
        created.push(handle);
      }
    } catch (error) {
      this.#stale = true;
      await this.#remove(created);
      throw withoutSecret(error, url.slice(url.lastIndexOf('/') + 1));
    }
    const previous = this.#handles;
    this.#handles = created;
    this.#stale = false;
    await this.#remove(previous);
  }

  /** Deletes subscriptions, ignoring failures (one QRS has already forgotten answers 404). */
  async #remove(handles: readonly string[]): Promise<void> {
    await Promise.all(
      handles.map((handle) => this.#qrs.delete('/notification', { query: { handle } }).catch(() => undefined)),
    );
  }
}

/** The error with the callback token taken out of its message and stack (a QRS answer could quote the URL). */
function withoutSecret(error: unknown, token: string): unknown {
  if (!(error instanceof Error) || token === '') return error;
  error.message = error.message.replaceAll(token, '<token>');
  if (error.stack !== undefined) error.stack = error.stack.replaceAll(token, '<token>');
  return error;
}
