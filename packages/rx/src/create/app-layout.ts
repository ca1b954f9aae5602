import { type Observable, switchMap } from 'rxjs';
import { assertApi } from '../internal/call.js';
import { docStream } from '../internal/doc-stream.js';
import { liveCall } from '../internal/live-fetch.js';
import { shareByKey } from '../internal/share-by-key.js';
import { immutable } from '../operators/immutable.js';
import type { NxAppLayout } from '../types/layouts.js';
import type { QixApi } from '../types/qix-api.js';

/**
 * The app layout (`Doc.GetAppLayout`: title, last reload time, state names, custom app
 * properties …), refetched whenever the engine invalidates the Doc (app properties, script,
 * reload). Shared per Doc.
 *
 * @example
 * ```ts
 * appLayout(doc).subscribe((app) => console.log(app.qTitle, app.qLastReloadTime));
 * ```
 */
export function appLayout<L = NxAppLayout>(doc: QixApi): Observable<L> {
  assertApi(doc, 'doc', 'appLayout');
  return shareByKey(doc, 'layout:app', () =>
    docStream(doc).pipe(
      switchMap((d) => liveCall<L>(d, 'getAppLayout', 'GetAppLayout')),
      immutable(),
    ),
  );
}
