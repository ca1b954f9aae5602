/** How callbacks are retried and timed out. */
export interface CallbackDeliveryOptions {
  /** The delays before each retry (default 1 s, 2 s, 4 s, 8 s, 16 s). */
  readonly retryDelaysMs?: readonly number[] | undefined;
  /** Milliseconds a callback may take before it counts as failed (default 10 s). */
  readonly timeoutMs?: number | undefined;
}

/**
 * Delivers JSON callbacks (QRS change notifications, Qlik Cloud webhooks) by HTTP POST: those of one
 * subscriber go in order, one at a time; a callback that fails (network error, timeout, a status outside
 * 2xx) is retried after each of the retry delays, then dropped, and so is every callback of a subscriber
 * that is gone (`live` says no) before its next attempt. Counts what was delivered and given up on.
 */
export class CallbackDelivery {
  readonly #live: (subscriber: string) => boolean;
  readonly #queues = new Map<string, Promise<void>>();
  readonly #retryDelaysMs: readonly number[];
  readonly #timeoutMs: number;
  /** Callbacks answered 2xx; callbacks given up on after their retries. */
  delivered = 0;
  failed = 0;

  /** `live` tells whether a subscriber still exists (a removed one gets no more attempts). */
  constructor(live: (subscriber: string) => boolean, options: CallbackDeliveryOptions = {}) {
    this.#live = live;
    this.#retryDelaysMs = options.retryDelaysMs ?? [1000, 2000, 4000, 8000, 16000];
    this.#timeoutMs = options.timeoutMs ?? 10_000;
  }

  /** Queues a POST of `body` (JSON) to `url` behind the subscriber's earlier callbacks; `headers` go with it. */
  send(subscriber: string, url: string, body: string, headers: Readonly<Record<string, string>> = {}): void {
    const previous = this.#queues.get(subscriber) ?? Promise.resolve();
    const next = previous.then(() => this.#deliver(subscriber, url, body, headers));
    this.#queues.set(subscriber, next);
    void next.finally(() => {
      if (this.#queues.get(subscriber) === next) this.#queues.delete(subscriber);
    });
  }

  async #deliver(subscriber: string, url: string, body: string, headers: Readonly<Record<string, string>>) {
    for (let attempt = 0; ; attempt++) {
      if (!this.#live(subscriber)) return;
      if (await this.#post(url, body, headers)) {
        this.delivered += 1;
        return;
      }
      const delay = this.#retryDelaysMs[attempt];
      if (delay === undefined) {
        this.failed += 1;
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, delay).unref());
    }
  }

  async #post(url: string, body: string, headers: Readonly<Record<string, string>>): Promise<boolean> {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      await response.arrayBuffer().catch(() => undefined);
      return response.status >= 200 && response.status < 300;
    } catch {
      return false;
    }
  }
}
