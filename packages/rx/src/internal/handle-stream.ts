import type { Observable, Subscription, Unsubscribable } from 'rxjs';
import { RxQixError } from '../errors.js';
import type { QixApi } from '../types/qix-api.js';
import { isConnectionLoss, toRxQixError } from './classify-failure.js';
import { removeListener } from './listen.js';
import { sessionClosed, trackerOf, whenUsable } from './session-tracker.js';
import { type Sink, type Source, toObservable } from './source.js';

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
  return toObservable(handleSource(doc, spec));
}

/** {@link handleStream} for rx's internal stages. */
export function handleSource<A extends QixApi>(doc: QixApi, spec: HandleSpec<A>): Source<A> {
  return { subscribe: (sink) => new HandleSubscription(doc, spec, sink).start() };
}

/** One subscription of {@link handleStream}, as an object with methods (one per live handle). */
class HandleSubscription<A extends QixApi> implements Unsubscribable {
  readonly #doc: QixApi;
  readonly #spec: HandleSpec<A>;
  readonly #subscriber: Sink<A>;
  #active = true;
  /** The handle held now (its `closed` listener is on). */
  #api: A | undefined;
  #waiting: Subscription | undefined;

  constructor(doc: QixApi, spec: HandleSpec<A>, subscriber: Sink<A>) {
    this.#doc = doc;
    this.#spec = spec;
    this.#subscriber = subscriber;
    // Follow the session from now on, so a later decision knows whether it is suspended or closed.
    trackerOf(doc);
  }

  start(): Unsubscribable {
    this.#attempt();
    return this;
  }

  unsubscribe(): void {
    this.#active = false;
    this.#waiting?.unsubscribe();
    const api = this.#api;
    if (api) {
      this.#api = undefined;
      removeListener(api, 'closed', this.#onClosed);
      release(this.#doc, this.#spec, api);
    }
  }

  #fail(error: unknown): void {
    if (!this.#active) return;
    this.#active = false;
    this.#subscriber.error(error);
  }

  /** The session's owner closed it: nothing more will come, and nothing went wrong. */
  #end(): void {
    if (!this.#active) return;
    this.#active = false;
    this.#subscriber.complete();
  }

  #attempt(): void {
    this.#waiting = undefined;
    const { method, objectId } = this.#spec;
    let pending: PromiseLike<A>;
    try {
      pending = this.#spec.acquire(this.#doc);
    } catch (error) {
      this.#fail(error);
      return;
    }
    pending.then(
      (api) => {
        if (!this.#active) {
          if (api) release(this.#doc, this.#spec, api);
          return;
        }
        if (!api || typeof api.on !== 'function') {
          this.#fail(
            new RxQixError('ERR_OBJECT_NOT_FOUND', `${method} (${objectId}): no such object`, { method, objectId }),
          );
          return;
        }
        this.#api = api;
        api.on('closed', this.#onClosed);
        this.#subscriber.next(api);
      },
      (error: unknown) => {
        if (!this.#active) return;
        if (isConnectionLoss(error)) {
          this.#waiting = whenUsable(this.#doc).subscribe({
            next: (usable) => (usable ? this.#attempt() : this.#end()),
            error: (e: unknown) => this.#fail(e),
          });
          return;
        }
        this.#fail(toRxQixError(error, { method, objectId }));
      },
    );
  }

  readonly #onClosed = (): void => {
    const api = this.#api;
    if (!api) return;
    removeListener(api, 'closed', this.#onClosed);
    this.#api = undefined;
    // Decide after the session's own `closed` listeners ran: enigma.js closes every API object
    // first when the whole session closes.
    queueMicrotask(() => {
      if (!this.#active) return;
      const tracker = trackerOf(this.#doc);
      if (tracker?.closedByOwner) this.#end();
      else if (tracker?.state === 'closed') this.#fail(sessionClosed());
      else if (this.#spec.reacquire) this.#attempt();
      else {
        this.#fail(
          new RxQixError('ERR_HANDLE_CLOSED', `the engine closed the handle of ${this.#spec.objectId}`, {
            objectId: this.#spec.objectId,
          }),
        );
      }
    });
  };
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
