import type { Observable } from 'rxjs';
import { assertApi, assertName } from '../internal/call.js';
import { liveOf } from '../internal/live-fetch.js';
import { shareByKey } from '../internal/share-by-key.js';
import type { GenericObjectProperties, LayoutFor } from '../types/layouts.js';
import type { QixApi } from '../types/qix-api.js';
import type { QixGenericObject } from '../types/qix-objects.js';
import { genericObjectSource } from './generic-object.js';

/**
 * The layout of a generic object by id: `GetObject` once, `GetLayout` now and after every engine
 * invalidation of the handle. N subscribers share one handle and one fetch; the last one leaving
 * removes the listeners and cancels an in-flight fetch. Values are deep-frozen and structurally
 * shared; an unchanged refetch emits nothing.
 *
 * The layout is typed `GenericObjectLayout`; name the properties the object has (unchecked, as with
 * `doc.getObject<P>(id)`) for the layout computed from them: `objectLayout<KpiProperties>(doc, id)` emits
 * `LayoutOf<KpiProperties>` (`qHyperCube` where they define `qHyperCubeDef`, custom keys computed).
 *
 * @example
 * ```ts
 * const sub = objectLayout(doc, '930e1732-77ac-4256-8807-5ccaaefc5ad3').subscribe((sheet) => console.log(sheet.qMeta?.title));
 * ```
 */
export function objectLayout<P extends GenericObjectProperties = GenericObjectProperties>(
  doc: QixApi,
  id: string,
): Observable<LayoutFor<P>> {
  assertApi(doc, 'doc', 'objectLayout');
  assertName(id, 'id', 'objectLayout');
  return shareByKey(doc, 'layout:object', id, () =>
    liveOf<QixGenericObject<P>, LayoutFor<P>>(genericObjectSource<P>(doc, id), 'getLayout', 'GetLayout'),
  );
}
