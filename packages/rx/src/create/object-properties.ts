import { type Observable, switchMap } from 'rxjs';
import { assertApi, assertName } from '../internal/call.js';
import { liveCall } from '../internal/live-fetch.js';
import { shareByKey } from '../internal/share-by-key.js';
import { immutable } from '../operators/immutable.js';
import type { GenericObjectProperties } from '../types/layouts.js';
import type { QixApi } from '../types/qix-api.js';
import { genericObject } from './generic-object.js';

/**
 * The properties of a generic object by id (`GetProperties`), refetched when the handle changes.
 * Note: the engine announces a change only for a handle that was *validated* (laid out) since the
 * previous announcement, and `GetProperties` does not validate. Changes made on this connection
 * (SetProperties, ApplyPatches) are always announced; to also see changes made by other sessions,
 * subscribe to the object's layout as well (both share the handle).
 *
 * @example
 * ```ts
 * objectProperties(doc, 'aZPmCQ').subscribe((props) => console.log(props.qHyperCubeDef));
 * ```
 */
export function objectProperties<P = GenericObjectProperties>(doc: QixApi, id: string): Observable<P> {
  assertApi(doc, 'doc', 'objectProperties');
  assertName(id, 'id', 'objectProperties');
  return shareByKey(doc, 'properties:object', id, () =>
    genericObject(doc, id).pipe(
      switchMap((obj) => liveCall<P>(obj, 'getProperties', 'GetProperties')),
      immutable(),
    ),
  );
}
