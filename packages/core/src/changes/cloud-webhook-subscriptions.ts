import { randomBytes } from 'node:crypto';
import type { CloudRestClient } from '../qrs/cloud-rest-client.js';
import type { ChangeReceiver } from './change-receiver.js';

/** The Qlik Cloud app events that make the feed poll. */
const EVENT_TYPES = [
  'com.qlik.v1.app.created',
  'com.qlik.v1.app.deleted',
  'com.qlik.v1.app.published',
  'com.qlik.v1.app.reload.finished',
  'com.qlik.v1.app.data.updated',
] as const;

/**
 * The Qlik Cloud webhook of one feed (`POST /api/v1/webhooks`, `DELETE /api/v1/webhooks/{id}`),
 * pointing at the feed's receiver with a fresh random secret (48 characters; Qlik accepts 32–64)
 * that the receiver checks `qlik-signature` against. Operations run one at a time: a renewal
 * creates the new webhook first, then removes the previous one (both secrets are accepted
 * meanwhile); `close()` removes it and stops the receiver. The secret is never logged or shown in
 * an error.
 */
export class CloudWebhookSubscriptions {
  readonly #cloud: CloudRestClient;
  readonly #receiver: ChangeReceiver;
  #hook: { id: string; secret: string } | undefined;
  #stale = false;
  #ops: Promise<unknown> = Promise.resolve();
  #closed = false;

  constructor(cloud: CloudRestClient, receiver: ChangeReceiver) {
    this.#cloud = cloud;
    this.#receiver = receiver;
  }

  /** Whether the webhook exists (as far as this side knows). */
  get active(): boolean {
    return this.#hook !== undefined && !this.#stale;
  }

  /** Starts the receiver if needed and (re-)creates the webhook; rejects when that failed. */
  renew(): Promise<void> {
    return this.#queue(() => this.#renew());
  }

  /** Removes the webhook (best effort) and stops the receiver. */
  close(): Promise<void> {
    this.#closed = true;
    return this.#queue(async () => {
      const hook = this.#hook;
      this.#hook = undefined;
      await this.#remove(hook?.id);
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
    const secret = randomBytes(24).toString('hex');
    const previous = this.#hook;
    this.#receiver.acceptSignatures(previous ? [previous.secret, secret] : [secret]);
    let id: unknown;
    try {
      const created = await this.#cloud.post<{ id?: unknown }>('webhooks', {
        name: 'qixflow site.changes',
        description: 'Makes a qixflow change feed poll at once',
        url,
        eventTypes: [...EVENT_TYPES],
        secret,
        enabled: true,
      });
      id = created?.id;
      if (typeof id !== 'string' || id === '') throw new TypeError('POST /api/v1/webhooks answered no webhook id');
    } catch (error) {
      this.#stale = true;
      this.#receiver.acceptSignatures(previous ? [previous.secret] : []);
      throw withoutSecrets(error, [secret, url.slice(url.lastIndexOf('/') + 1)]);
    }
    this.#hook = { id, secret };
    this.#stale = false;
    await this.#remove(previous?.id);
    this.#receiver.acceptSignatures([secret]);
  }

  /** Deletes a webhook, ignoring failures (one the tenant has already forgotten answers 404). */
  async #remove(id: string | undefined): Promise<void> {
    if (id === undefined) return;
    await this.#cloud.delete(`webhooks/${encodeURIComponent(id)}`).catch(() => undefined);
  }
}

/** The error with the secret and the callback token taken out of its message and stack. */
function withoutSecrets(error: unknown, secrets: readonly string[]): unknown {
  if (!(error instanceof Error)) return error;
  for (const secret of secrets) {
    if (secret === '') continue;
    error.message = error.message.replaceAll(secret, '<secret>');
    if (error.stack !== undefined) error.stack = error.stack.replaceAll(secret, '<secret>');
  }
  return error;
}
