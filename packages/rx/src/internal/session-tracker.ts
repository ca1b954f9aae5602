import { BehaviorSubject, filter, map, Observable, skip, take, throwError } from 'rxjs';
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

  constructor(session: QixSession) {
    listen(session, 'suspended', () => this.#state.next('suspended'));
    listen(session, 'resumed', () => this.#state.next('resumed'));
    listen(session, 'closed', () => this.#state.next('closed'));
    listen(session, 'opened', () => this.#state.next('connected'));
  }

  get state(): SessionState {
    return this.#state.value;
  }

  /** The current state, then every change. */
  get state$(): Observable<SessionState> {
    return this.#state.asObservable();
  }

  /**
   * After a call failed because the connection is gone: emits once the session is usable again
   * (the next `resumed`, or `opened`), errors with `ERR_SESSION_CLOSED` when it closes instead.
   * A `suspended` in between is waited through.
   */
  whenUsable(): Observable<void> {
    if (this.#state.value === 'closed') return throwError(() => sessionClosed());
    return this.#state.pipe(
      skip(1),
      filter((state) => state !== 'suspended'),
      take(1),
      map((state) => {
        if (state === 'closed') throw sessionClosed();
      }),
    );
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
 * Emits once `api`'s session is usable again after a connection loss. Without a reachable
 * session, the api's own `changed` (enigma.js emits it on every restored handle after a resume)
 * stands in, and its `closed` ends the wait with an error.
 */
export function whenUsable(api: QixApi): Observable<void> {
  const tracker = trackerOf(api);
  if (tracker) return tracker.whenUsable();
  return new Observable<void>((subscriber) => {
    const offChanged = listen(api, 'changed', () => {
      subscriber.next();
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
