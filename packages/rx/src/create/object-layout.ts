import { type Observable, switchMap } from 'rxjs';
import { assertApi, assertName } from '../internal/call.js';
import { liveCall } from '../internal/live-fetch.js';
import { shareByKey } from '../internal/share-by-key.js';
import { immutable } from '../operators/immutable.js';
import type { GenericObjectLayout } from '../types/layouts.js';
import type { QixApi } from '../types/qix-api.js';
import { genericObject } from './generic-object.js';

/**
 * The layout of a generic object by id: `GetObject` once, `GetLayout` now and after every engine
 * invalidation of the handle. N subscribers share one handle and one fetch; the last one leaving
 * removes the listeners and cancels an in-flight fetch. Values are deep-frozen and structurally
 * shared; an unchanged refetch emits nothing.
 *
 * @example
 * ```ts
 * const sub = objectLayout(doc, '930e1732-77ac-4256-8807-5ccaaefc5ad3').subscribe((sheet) => console.log(sheet.qMeta?.title));
 * ```
 */
export function objectLayout<L = GenericObjectLayout>(doc: QixApi, id: string): Observable<L> {
  assertApi(doc, 'doc', 'objectLayout');
  assertName(id, 'id', 'objectLayout');
  return shareByKey(doc, `layout:object:${id}`, () =>
    genericObject(doc, id).pipe(
      switchMap((obj) => liveCall<L>(obj, 'getLayout', 'GetLayout')),
      immutable(),
    ),
  );
}
