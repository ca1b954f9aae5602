import { Observable } from 'rxjs';
import { listen } from '../internal/listen.js';
import { sessionOf } from '../internal/session-of.js';
import type { QixApi, QixSession } from '../types/qix-api.js';

/** A push notification (a JSON-RPC message without id): `OnConnected`, `OnSessionTimedOut` … */
export interface QixNotification {
  readonly method: string;
  readonly params: unknown;
}

/**
 * The push notifications of an enigma.js session (`notification:*`): the engine's `OnConnected`,
 * the proxy's `OnAuthenticationInformation`, `OnSessionTimedOut`, `OnMaxParallelSessionsExceeded`
 * …, optionally only those of one method. One listener per subscriber, removed on unsubscribe.
 *
 * @example
 * ```ts
 * notifications(doc, 'OnSessionTimedOut').subscribe(() => showLoginDialog());
 * ```
 */
export function notifications(session: QixSession | QixApi, method?: string): Observable<QixNotification> {
  const source = sessionOf(session, 'notifications');
  return new Observable<QixNotification>((subscriber) =>
    listen(source, 'notification:*', (name: string, params: unknown) => {
      if (method === undefined || name === method) subscriber.next({ method: name, params });
    }),
  );
}
