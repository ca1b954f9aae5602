import type { Observable } from 'rxjs';
import { assertApi, call } from '../internal/call.js';
import { handleSource } from '../internal/handle-stream.js';
import { sharedSource } from '../internal/share-by-key.js';
import { type Source, toObservable } from '../internal/source.js';
import { stableKey } from '../internal/stable-key.js';
import type { GenericObjectProperties } from '../types/layouts.js';
import type { QixApi } from '../types/qix-api.js';
import type { QixGenericObject } from '../types/qix-objects.js';

/**
 * A session object made from properties (`Doc.CreateSessionObject`), as an Observable of its
 * enigma.js API object. Subscribers passing equal properties (key order aside) share one object.
 * It is destroyed (`Doc.DestroySessionObject`) when the last subscriber leaves — also when that
 * happens while it is being created, or while the session is suspended (then right after the
 * resume). If the engine loses it (a resume into a new engine session), it is created again.
 * The properties are copied: changing the object passed in later has no effect.
 *
 * @example
 * ```ts
 * sessionObject(doc, { qInfo: { qType: 'kpi' }, total: { qValueExpression: '=Sum(Sales)' } })
 * ```
 */
export function sessionObject<P extends GenericObjectProperties>(
  doc: QixApi,
  props: P,
): Observable<QixGenericObject<P>> {
  assertApi(doc, 'doc', 'sessionObject');
  return toObservable(sessionObjectByKey<P>(doc, propertiesKey(props, 'sessionObject'), props));
}

/**
 * {@link sessionObject} for properties already turned into their key (stable JSON). The key is
 * all that is kept: each creation parses it again, so the live entry holds one string rather than
 * a copy of the properties next to it.
 */
export function sessionObjectByKey<P extends GenericObjectProperties>(
  doc: QixApi,
  key: string,
  props: GenericObjectProperties,
): Source<QixGenericObject<P>> {
  const objectId = props.qInfo.qId || `session object of type ${props.qInfo.qType}`;
  return sharedSource(doc, 'handle:session', key, () =>
    handleSource<QixGenericObject<P>>(doc, {
      objectId,
      method: 'CreateSessionObject',
      acquire: (d) => call<QixGenericObject<P>>(d, 'createSessionObject', JSON.parse(key)),
      release: (d, api) => call<boolean>(d, 'destroySessionObject', api.id),
      reacquire: true,
    }),
  );
}

/** The registry key of a properties object (stable JSON); checks it is GenericObjectProperties. */
export function propertiesKey(props: GenericObjectProperties, fn: string): string {
  const info = (props as { qInfo?: { qType?: unknown } } | null | undefined)?.qInfo;
  if (typeof props !== 'object' || props === null || typeof info?.qType !== 'string' || info.qType === '') {
    throw new TypeError(
      `${fn}: props must be generic object properties with qInfo.qType, e.g. { qInfo: { qType: 'my-list' }, … }`,
    );
  }
  return stableKey(props);
}
