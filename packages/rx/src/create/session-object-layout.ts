import type { Observable } from 'rxjs';
import { assertApi } from '../internal/call.js';
import { liveOf } from '../internal/live-fetch.js';
import { shareByKey } from '../internal/share-by-key.js';
import type { GenericObjectProperties, LayoutFor } from '../types/layouts.js';
import type { QixApi } from '../types/qix-api.js';
import type { QixGenericObject } from '../types/qix-objects.js';
import { propertiesKey, sessionObjectByKey } from './session-object.js';

/**
 * The layout of a session object made from properties: `CreateSessionObject`, `GetLayout` now and
 * after every invalidation, `DestroySessionObject` when the last subscriber leaves. Subscribers
 * with equal properties share the object and the fetch. The layout type is computed from the properties
 * (`LayoutOf<P>`): `total: { qValueExpression: … }` is a number in the layout, `qHyperCubeDef` a `qHyperCube`.
 *
 * @example
 * ```ts
 * sessionObjectLayout(doc, { qInfo: { qType: 'kpi' }, total: { qValueExpression: '=Sum(Sales)' } })
 *   .subscribe((l) => console.log(l.total));
 * ```
 */
export function sessionObjectLayout<P extends GenericObjectProperties>(
  doc: QixApi,
  props: P,
): Observable<LayoutFor<P>> {
  assertApi(doc, 'doc', 'sessionObjectLayout');
  const key = propertiesKey(props, 'sessionObjectLayout');
  return shareByKey(doc, 'layout:session', key, () =>
    liveOf<QixGenericObject<P>, LayoutFor<P>>(sessionObjectByKey<P>(doc, key, props), 'getLayout', 'GetLayout'),
  );
}
