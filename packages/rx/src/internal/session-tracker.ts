import { BehaviorSubject, filter, Observable, of, skip, switchMap, take, throwError } from 'rxjs';
import { RxQixError } from '../errors.js';
import type { QixApi, QixSession } from '../types/qix-api.js';
import { listen } from './listen.js';

/**
 * The state of an enigma.js session as rx sees it from the session's events: `connected` (the
 * state rx assumes when it first meets a session — a session that produced a Doc is open),
 * `suspended` (socket lost or `session.suspend()`; calls fail until resumed), `resumed`
 * (`session.resume()` succeeded; handles were re-acquired), `closed` (for good).
 */
export type SessionState = 'connected' | 'suspended' | 'resumed' | 'closed';

/**
 * Follows one enigma.js session's `suspended` / `resumed` / `closed` / `opened` events. One
 * tracker per session (four listeners, kept for the session's lifetime: they are what lets a
 * stream started later know that the session is suspended or closed).
 */
export class SessionTracker {
  readonly #state = new BehaviorSubject<SessionState>('connected');
  #closeCode: number | undefined;

  constructor(session: QixSession) {
    listen(session, 'suspended', () => this.#state.next('suspended'));
    listen(session, 'resumed', () => this.#state.next('resumed'));
    listen(session, 'closed', (event?: { code?: unknown }) => {
      this.#closeCode = typeof event?.code === 'number' ? event.code : undefined;
      this.#state.next('closed');
    });
    listen(session, 'opened', () => {
      this.#closeCode = undefined;
      this.#state.next('connected');
    });
  }

  get state(): SessionState {
    return this.#state.value;
  }

  /**
   * Closed by its owner: `session.close()` (close code 1000 — enigma.js emits no `closed` at all
   * for a 1000 the server sends). Streams then complete. Any other end (a lost socket without
   * suspendOnClose, a suspended session closed instead of resumed) fails them with
   * `ERR_SESSION_CLOSED`.
   */
  get closedByOwner(): boolean {
    return this.#state.value === 'closed' && this.#closeCode === 1000;
  }

  /** The current state, then every change. */
  get state$(): Observable<SessionState> {
    return this.#state.asObservable();
  }

  /**
   * After a call failed because the connection is gone: emits `true` once the session is usable
   * again (the next `resumed`, or `opened`); when it closes instead, `false` if its owner closed
   * it, else an `ERR_SESSION_CLOSED` error. A `suspended` in between is waited through.
   */
  whenUsable(): Observable<boolean> {
    if (this.#state.value === 'closed') return this.#ended();
    return this.#state.pipe(
      skip(1),
      filter((state) => state !== 'suspended'),
      take(1),
      switchMap((state) => (state === 'closed' ? this.#ended() : of(true))),
    );
  }

  #ended(): Observable<boolean> {
    return this.closedByOwner ? of(false) : throwError(() => sessionClosed());
  }
}

const trackers = new WeakMap<object, SessionTracker>();

/** The tracker of a session (created on first use). */
export function sessionTracker(session: QixSession): SessionTracker {
  let tracker = trackers.get(session);
  if (!tracker) {
    tracker = new SessionTracker(session);
    trackers.set(session, tracker);
  }
  return tracker;
}

/** The tracker of an API object's session, when the object exposes its session. */
export function trackerOf(api: QixApi): SessionTracker | undefined {
  const session = api.session;
  return session && typeof session.on === 'function' ? sessionTracker(session) : undefined;
}

/**
 * Emits once `api`'s session is usable again after a connection loss (see
 * {@link SessionTracker.whenUsable}). Without a reachable session, the api's own `changed`
 * (enigma.js emits it on every restored handle after a resume) stands in, and its `closed` ends
 * the wait with an error.
 */
export function whenUsable(api: QixApi): Observable<boolean> {
  const tracker = trackerOf(api);
  if (tracker) return tracker.whenUsable();
  return new Observable<boolean>((subscriber) => {
    const offChanged = listen(api, 'changed', () => {
      subscriber.next(true);
      subscriber.complete();
    });
    const offClosed = listen(api, 'closed', () => subscriber.error(sessionClosed()));
    return () => {
      offChanged();
      offClosed();
    };
  });
}

export function sessionClosed(): RxQixError {
  return new RxQixError('ERR_SESSION_CLOSED', 'the enigma.js session is closed');
}
