import type { ChangeReceiver } from './change-receiver.js';

/** One renewal of a feed's change subscriptions, in the steps {@link SubscriptionRenewals.renew} runs. */
export interface Renewal {
  /** Makes the new subscription(s), pointing at the receiver's callback `url`. */
  create(url: string): Promise<void>;
  /**
   * After `create` failed (the subscriptions no longer count as active): undoes what it made and answers
   * the error to throw (without secrets).
   */
  undo(error: unknown, url: string): Promise<unknown> | unknown;
  /** After `create` succeeded (active again): the new subscription(s) replace the previous, which go. */
  swap(): Promise<void>;
}

/**
 * What the change subscriptions of a feed share, whichever kind they are (QRS notifications, a Qlik Cloud
 * webhook): operations run one at a time, in order; a renewal starts the receiver, makes the new subscription
 * first and only then removes the previous one (no gap, no doubled subscription); a failed renewal leaves
 * them stale (no longer active: the feed tries again); `close()` removes whatever exists once the operations
 * before it are done and stops the receiver; a renewal after it does nothing.
 */
export class SubscriptionRenewals {
  readonly #receiver: ChangeReceiver;
  /** A renewal failed: the subscriptions may be ones the server forgot (kept, to be replaced by the next renewal). */
  #stale = false;
  #ops: Promise<unknown> = Promise.resolve();
  #closed = false;

  constructor(receiver: ChangeReceiver) {
    this.#receiver = receiver;
  }

  /** Whether the last renewal failed. */
  get stale(): boolean {
    return this.#stale;
  }

  /** Starts the receiver if needed and runs `renewal`; rejects when the receiver cannot listen or `create` failed. */
  renew(renewal: Renewal): Promise<void> {
    return this.#queue(async () => {
      if (this.#closed) return;
      let url: string;
      try {
        url = await this.#receiver.start();
      } catch (error) {
        this.#stale = true;
        throw error;
      }
      try {
        await renewal.create(url);
      } catch (error) {
        this.#stale = true;
        throw await renewal.undo(error, url);
      }
      this.#stale = false;
      await renewal.swap();
    });
  }

  /** From now on renewals do nothing; once the operations before are done, `remove` runs, then the receiver stops. */
  close(remove: () => Promise<void>): Promise<void> {
    this.#closed = true;
    return this.#queue(async () => {
      await remove();
      await this.#receiver.stop();
    });
  }

  #queue(op: () => Promise<void>): Promise<void> {
    const next = this.#ops.then(op, op);
    this.#ops = next.catch(() => undefined);
    return next;
  }
}

/** The secret part of a callback URL: its last path segment. */
export function callbackToken(url: string): string {
  return url.slice(url.lastIndexOf('/') + 1);
}

/** The error with each of `secrets` (empty ones passed over) replaced by `placeholder` in its message and stack. */
export function withoutSecrets(error: unknown, secrets: readonly string[], placeholder: string): unknown {
  if (!(error instanceof Error)) return error;
  for (const secret of secrets) {
    if (secret === '') continue;
    error.message = error.message.replaceAll(secret, placeholder);
    if (error.stack !== undefined) error.stack = error.stack.replaceAll(secret, placeholder);
  }
  return error;
}
