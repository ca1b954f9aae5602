import type { Observable } from 'rxjs';
import { assertApi } from '../internal/call.js';
import { docSource } from '../internal/doc-stream.js';
import { liveOf } from '../internal/live-fetch.js';
import { shareByKey } from '../internal/share-by-key.js';
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
  return shareByKey(doc, 'layout:app', '', () => liveOf<QixApi, L>(docSource(doc), 'getAppLayout', 'GetAppLayout'));
}
