import { randomBytes } from 'node:crypto';
import type { CloudRestClient } from '../qrs/cloud-rest-client.js';
import type { ChangeReceiver } from './change-receiver.js';
import { callbackToken, SubscriptionRenewals, withoutSecrets } from './subscription-renewal.js';

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
  readonly #renewals: SubscriptionRenewals;
  #hook: { id: string; secret: string } | undefined;

  constructor(cloud: CloudRestClient, receiver: ChangeReceiver) {
    this.#cloud = cloud;
    this.#receiver = receiver;
    this.#renewals = new SubscriptionRenewals(receiver);
  }

  /** Whether the webhook exists (as far as this side knows). */
  get active(): boolean {
    return this.#hook !== undefined && !this.#renewals.stale;
  }

  /** Starts the receiver if needed and (re-)creates the webhook; rejects when that failed. */
  renew(): Promise<void> {
    let secret = '';
    let previous: { id: string; secret: string } | undefined;
    let id = '';
    return this.#renewals.renew({
      create: async (url) => {
        secret = randomBytes(24).toString('hex');
        previous = this.#hook;
        this.#receiver.acceptSignatures(previous ? [previous.secret, secret] : [secret]);
        const created = await this.#cloud.post<{ id?: unknown }>('webhooks', {
          name: 'qixflow site.changes',
          description: 'Makes a qixflow change feed poll at once',
          url,
          eventTypes: [...EVENT_TYPES],
          secret,
          enabled: true,
        });
        const createdId = created?.id;
        if (typeof createdId !== 'string' || createdId === '')
          throw new TypeError('POST /api/v1/webhooks answered no webhook id');
        id = createdId;
      },
      undo: (error, url) => {
        this.#receiver.acceptSignatures(previous ? [previous.secret] : []);
        return withoutSecrets(error, [secret, callbackToken(url)], '<secret>');
      },
      swap: async () => {
        this.#hook = { id, secret };
        await this.#remove(previous?.id);
        this.#receiver.acceptSignatures([secret]);
      },
    });
  }

  /** Removes the webhook (best effort) and stops the receiver. */
  close(): Promise<void> {
    return this.#renewals.close(async () => {
      const hook = this.#hook;
      this.#hook = undefined;
      await this.#remove(hook?.id);
    });
  }

  /** Deletes a webhook, ignoring failures (one the tenant has already forgotten answers 404). */
  async #remove(id: string | undefined): Promise<void> {
    if (id === undefined) return;
    await this.#cloud.delete(`webhooks/${encodeURIComponent(id)}`).catch(() => undefined);
  }
}
