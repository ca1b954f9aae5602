import type { Observable } from 'rxjs';
import { assertApi, assertName, call } from '../internal/call.js';
import { handleSource } from '../internal/handle-stream.js';
import { sharedSource } from '../internal/share-by-key.js';
import { type Source, toObservable } from '../internal/source.js';
import type { GenericObjectProperties } from '../types/layouts.js';
import type { QixApi } from '../types/qix-api.js';
import type { QixGenericObject } from '../types/qix-objects.js';

/**
 * A generic object by id (`Doc.GetObject`), as an Observable of its enigma.js API object. All
 * subscribers share one handle. When the engine closes the handle (object destroyed elsewhere, not
 * restorable after a resume) it is looked up again: the stream emits the new API object, or fails
 * with `ERR_OBJECT_NOT_FOUND`. Nothing is destroyed on teardown (the object is not rx's).
 *
 * @example
 * ```ts
 * genericObject(doc, 'aZPmCQ').subscribe((chart) => chart.getEffectiveProperties().then(console.log));
 * ```
 */
export function genericObject<P extends GenericObjectProperties = GenericObjectProperties>(
  doc: QixApi,
  id: string,
): Observable<QixGenericObject<P>> {
  assertApi(doc, 'doc', 'genericObject');
  assertName(id, 'id', 'genericObject');
  return toObservable(genericObjectSource<P>(doc, id));
}

/** {@link genericObject} for rx's internal stages (arguments already checked). */
export function genericObjectSource<P extends GenericObjectProperties = GenericObjectProperties>(
  doc: QixApi,
  id: string,
): Source<QixGenericObject<P>> {
  return sharedSource(doc, 'handle:object', id, () =>
    handleSource<QixGenericObject<P>>(doc, {
      objectId: id,
      method: 'GetObject',
      acquire: (d) => call<QixGenericObject<P>>(d, 'getObject', id),
      reacquire: true,
    }),
  );
}
