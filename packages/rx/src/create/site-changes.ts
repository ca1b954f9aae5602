import { Observable } from 'rxjs';

/**
 * What {@link siteChanges} accepts: an async iterable of events with an optional `close()` — the
 * `SiteChangeFeed` of `@qixflow/core`'s `site.changes()` is one; any async generator is one too.
 */
export interface ClosableAsyncIterable<T> extends AsyncIterable<T> {
  /** Stops the source for every consumer (its iterators end). */
  close?(): unknown;
}

/**
 * The fields every site change event has (`@qixflow/core`'s `SiteChangeEvent` has them): a
 * structural type for code that handles events without depending on core.
 */
export interface SiteChangeEventLike {
  readonly type: string;
  readonly appId: string;
  readonly appName: string;
  readonly stream: string | undefined;
  /** When it happened (ISO). */
  readonly at: string;
}

/** Options of {@link siteChanges}. */
export interface SiteChangesRxOptions {
  /**
   * What unsubscribing does: `'close'` (default) calls the source's `close()` — the feed stops
   * polling, for every consumer; `'stop'` only stops this subscription's iteration (`return()` on
   * its iterator) and leaves the source running for others.
   */
  readonly onUnsubscribe?: 'close' | 'stop';
}

function assertSource(source: unknown): asserts source is ClosableAsyncIterable<unknown> {
  const iterate = (source as { [Symbol.asyncIterator]?: unknown } | null | undefined)?.[Symbol.asyncIterator];
  if (source === null || typeof source !== 'object' || typeof iterate !== 'function') {
    throw new TypeError(
      'siteChanges: source must be an async iterable (e.g. the feed of site.changes() from @qixflow/core)',
    );
  }
  const close = (source as { close?: unknown }).close;
  if (close !== undefined && typeof close !== 'function') {
    throw new TypeError('siteChanges: source.close must be a function when it is there');
  }
}

/**
 * The events of a change feed as an Observable: each subscription iterates the source
 * (`for await`) and emits every event; the Observable completes when the source ends (the feed was
 * closed) and errors when the iteration throws (core's feed does not: a failed poll is retried and
 * emitted on the feed's `error` event). Unsubscribing closes the source (`onUnsubscribe: 'close'`,
 * the default) or only stops iterating (`'stop'`). A thin adapter with no dependency on
 * `@qixflow/core`: it is typed by what the source yields. Each subscription iterates on its own;
 * `share()` the result to give one iteration to several subscribers.
 *
 * @example
 * ```ts
 * siteChanges(site.changes({ streams: ['Sales'] }))
 *   .pipe(filter((event) => event.type === 'reload.failed'))
 *   .subscribe((event) => console.log(event.appName, event.error));
 * ```
 */
export function siteChanges<T>(source: ClosableAsyncIterable<T>, options: SiteChangesRxOptions = {}): Observable<T> {
  assertSource(source);
  const mode = options.onUnsubscribe ?? 'close';
  if (mode !== 'close' && mode !== 'stop') {
    throw new TypeError(`siteChanges: options.onUnsubscribe must be 'close' or 'stop', got ${String(mode)}`);
  }
  return new Observable<T>((subscriber) => {
    const iterator = source[Symbol.asyncIterator]();
    let stopped = false;
    // Whether a next() is pending (the source is waiting for its next event).
    let waiting = false;
    const finish = async (): Promise<void> => {
      // Leaves the iterator properly (its finally blocks run, its listeners go).
      await iterator.return?.();
    };
    void (async () => {
      try {
        for (;;) {
          waiting = true;
          const result = await iterator.next();
          waiting = false;
          if (result.done === true) {
            if (!stopped) subscriber.complete();
            return;
          }
          if (stopped) return await finish();
          subscriber.next(result.value);
          // Unsubscribed by the subscriber itself (take(1) …): the iterator is parked at its yield.
          if (stopped) return await finish();
        }
      } catch (error) {
        if (!stopped) subscriber.error(error);
      }
    })();
    return () => {
      if (stopped) return;
      stopped = true;
      try {
        if (mode === 'close' && typeof source.close === 'function') {
          // The source's iterators end on close: a pending next() settles as done.
          void Promise.resolve(source.close()).catch(() => undefined);
        } else if (waiting) {
          // An async generator waiting in an await runs return() once its pending next() settles.
          void finish().catch(() => undefined);
        }
      } catch {
        // A source that throws from close() has stopped all the same, as far as rx cares.
      }
    };
  });
}
