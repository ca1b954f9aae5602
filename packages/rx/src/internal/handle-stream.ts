import { Observable, type Subscription } from 'rxjs';
import { RxQixError } from '../errors.js';
import type { QixApi } from '../types/qix-api.js';
import { isConnectionLoss, toRxQixError } from './classify-failure.js';
import { listen } from './listen.js';
import { sessionClosed, trackerOf, whenUsable } from './session-tracker.js';

/** How to get (and give back) one engine handle. */
export interface HandleSpec<A extends QixApi> {
  /** The object (id, field or variable name, list type) named in errors. */
  readonly objectId: string;
  /** Engine method named in errors, e.g. `GetObject`. */
  readonly method: string;
  acquire(doc: QixApi): PromiseLike<A>;
  /** Gives the handle back when the last subscriber leaves (session objects: DestroySessionObject). */
  release?(doc: QixApi, api: A): PromiseLike<unknown>;
  /**
   * When the engine closes the handle while the session lives on (object destroyed elsewhere,
   * handle not restorable after a resume — Field handles never are —, session object lost with a
   * new engine session): acquire it again. Otherwise the stream fails with `ERR_HANDLE_CLOSED`.
   */
  readonly reacquire: boolean;
}

/**
 * An Observable of one engine handle: acquires it on subscribe (waiting through a suspended
 * session), emits the enigma.js API object, emits a new one when it had to re-acquire, and
 * releases it on unsubscribe (also when the acquisition was still in flight). It never hangs on a
 * closed session: it completes when the session's owner closed it (`session.close()`), and fails
 * with `ERR_SESSION_CLOSED` when the session was lost for good. Not shared by itself: callers wrap
 * it in `shareByKey`.
 */
export function handleStream<A extends QixApi>(doc: QixApi, spec: HandleSpec<A>): Observable<A> {
  return new Observable<A>((subscriber) => {
    // Follow the session from now on, so a later decision knows whether it is suspended or closed.
    trackerOf(doc);
    let active = true;
    let current: { api: A; off: () => void } | undefined;
    let waiting: Subscription | undefined;

    const fail = (error: unknown): void => {
      if (!active) return;
      subscriber.error(error);
    };
    /** The session's owner closed it: nothing more will come, and nothing went wrong. */
    const end = (): void => {
      if (!active) return;
      subscriber.complete();
    };

    const attempt = (): void => {
      waiting = undefined;
      let pending: PromiseLike<A>;
      try {
        pending = spec.acquire(doc);
      } catch (error) {
        fail(error);
        return;
      }
      pending.then(
        (api) => {
          if (!active) {
            if (api) release(doc, spec, api);
            return;
          }
          if (!api || typeof api.on !== 'function') {
            fail(
              new RxQixError('ERR_OBJECT_NOT_FOUND', `${spec.method} (${spec.objectId}): no such object`, {
                method: spec.method,
                objectId: spec.objectId,
              }),
            );
            return;
          }
          current = { api, off: listen(api, 'closed', () => onClosed(api)) };
          subscriber.next(api);
        },
        (error: unknown) => {
          if (!active) return;
          if (isConnectionLoss(error)) {
            waiting = whenUsable(doc).subscribe({
              next: (usable) => (usable ? attempt() : end()),
              error: fail,
            });
            return;
          }
          fail(toRxQixError(error, { method: spec.method, objectId: spec.objectId }));
        },
      );
    };

    const onClosed = (api: A): void => {
      if (current?.api !== api) return;
      current.off();
      current = undefined;
      // Decide after the session's own `closed` listeners ran: enigma.js closes every API object
      // first when the whole session closes.
      queueMicrotask(() => {
        if (!active) return;
        const tracker = trackerOf(doc);
        if (tracker?.closedByOwner) end();
        else if (tracker?.state === 'closed') fail(sessionClosed());
        else if (spec.reacquire) attempt();
        else {
          fail(
            new RxQixError('ERR_HANDLE_CLOSED', `the engine closed the handle of ${spec.objectId}`, {
              objectId: spec.objectId,
            }),
          );
        }
      });
    };

    attempt();
    return () => {
      active = false;
      waiting?.unsubscribe();
      if (current) {
        current.off();
        release(doc, spec, current.api);
        current = undefined;
      }
    };
  });
}

/** Releases a handle; when the session is suspended, once it has resumed (it survives a re-attach). */
function release<A extends QixApi>(doc: QixApi, spec: HandleSpec<A>, api: A, retry = true): void {
  if (!spec.release) return;
  if (trackerOf(doc)?.state === 'closed') return;
  let pending: PromiseLike<unknown>;
  try {
    pending = spec.release(doc, api);
  } catch {
    return;
  }
  pending.then(undefined, (error: unknown) => {
    if (retry && isConnectionLoss(error)) {
      whenUsable(doc).subscribe({
        next: (usable) => {
          if (usable) release(doc, spec, api, false);
        },
        error: () => undefined,
      });
    }
  });
}
