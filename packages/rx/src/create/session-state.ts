import { distinctUntilChanged, type Observable } from 'rxjs';
import { sessionOf } from '../internal/session-of.js';
import { type SessionState, sessionTracker } from '../internal/session-tracker.js';
import type { QixApi, QixSession } from '../types/qix-api.js';

export type { SessionState } from '../internal/session-tracker.js';

/**
 * The state of an enigma.js session, from its events: the current state at once, then every
 * change — `connected`, `suspended` (socket lost with `suspendOnClose`, or `session.suspend()`),
 * `resumed` (`session.resume()` re-attached or re-opened; handles were re-acquired), `closed`.
 * rx starts following a session the first time it meets it and assumes it is `connected` then.
 * Accepts the session or any API object of it (`doc`). Never completes by itself.
 *
 * @example
 * ```ts
 * sessionState(doc).subscribe((state) => banner.hidden = state !== 'suspended');
 * ```
 */
export function sessionState(session: QixSession | QixApi): Observable<SessionState> {
  return sessionTracker(sessionOf(session, 'sessionState')).state$.pipe(distinctUntilChanged());
}
