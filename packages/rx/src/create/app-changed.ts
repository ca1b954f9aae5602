import { type Observable, skip } from 'rxjs';
import { assertApi } from '../internal/call.js';
import type { NxAppLayout } from '../types/layouts.js';
import type { QixApi } from '../types/qix-api.js';
import { appLayout } from './app-layout.js';

/**
 * Emits the new app layout every time the app changed (not the state at subscription): app
 * properties, script, reload, alternate states. Built on {@link appLayout} (shared with it).
 *
 * @example
 * ```ts
 * appChanged(doc).subscribe((app) => console.log('app changed', app.qTitle));
 * ```
 */
export function appChanged(doc: QixApi): Observable<NxAppLayout> {
  assertApi(doc, 'doc', 'appChanged');
  return appLayout<NxAppLayout>(doc).pipe(skip(1));
}
