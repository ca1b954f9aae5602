import { distinctUntilChanged, map, type Observable, skip } from 'rxjs';
import { assertApi } from '../internal/call.js';
import type { NxAppLayout } from '../types/layouts.js';
import type { QixApi } from '../types/qix-api.js';
import { appLayout } from './app-layout.js';

/**
 * Emits the new `qLastReloadTime` every time the app was reloaded after subscription (by this
 * session, another session or a reload task). Built on {@link appLayout}.
 *
 * @example
 * ```ts
 * reloads(doc).subscribe((time) => console.log('reloaded at', time));
 * ```
 */
export function reloads(doc: QixApi): Observable<string> {
  assertApi(doc, 'doc', 'reloads');
  return appLayout<NxAppLayout>(doc).pipe(
    map((app) => app.qLastReloadTime ?? ''),
    distinctUntilChanged(),
    skip(1),
  );
}
