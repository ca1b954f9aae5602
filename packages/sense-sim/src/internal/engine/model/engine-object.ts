/** The interface types of the QIX API (the `qType` of an ObjectInterface). */
export type QixType =
  | 'Global'
  | 'Doc'
  | 'GenericObject'
  | 'GenericDimension'
  | 'GenericMeasure'
  | 'GenericVariable'
  | 'GenericBookmark'
  | 'Field'
  | 'Variable';

/** `{qType, qHandle, qGenericType, qGenericId}` as returned in `qReturn`. */
export interface ObjectInterface {
  qType: QixType | null;
  qHandle: number | null;
  qGenericType?: string;
  qGenericId?: string;
}

/**
 * Something a handle can point at. One instance per engine session and object: connections of
 * the session bind handles to it.
 */
export interface EngineObject {
  readonly qType: QixType;
  /** `qInfo.qType` of generic objects; '' otherwise. */
  readonly genericType: string;
  /** `qInfo.qId`, the app id for a Doc, the field name for a Field. */
  readonly genericId: string;
  /** Unique within the session: what invalidation and caches are keyed by. */
  readonly key: string;
  /** Set once the object is destroyed: its handles are closed. */
  destroyed: boolean;
}

/**
 * The ObjectInterface of an object on a handle. A Doc carries no `qGenericType` (as the recorded
 * engine answers OpenDoc: `{qType: 'Doc', qHandle, qGenericId}`).
 */
export function objectInterface(object: EngineObject, handle: number): ObjectInterface {
  if (object.qType === 'Doc') return { qType: object.qType, qHandle: handle, qGenericId: object.genericId };
  return { qType: object.qType, qHandle: handle, qGenericType: object.genericType, qGenericId: object.genericId };
}

/** What the engine answers for an object id it does not know. */
export const NOT_FOUND_INTERFACE: ObjectInterface = { qType: null, qHandle: null };
