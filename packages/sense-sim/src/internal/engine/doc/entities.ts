import type { LibraryKind } from '../app/app-doc.js';
import type { EngineObject, QixType } from '../model/engine-object.js';

const LIBRARY_TYPES: Record<LibraryKind, QixType> = {
  dimension: 'GenericDimension',
  measure: 'GenericMeasure',
  variable: 'GenericVariable',
  bookmark: 'GenericBookmark',
};

/** The Doc of a session. */
export function docEntity(appId: string): EngineObject {
  return { qType: 'Doc', genericType: '', genericId: appId, key: 'doc', destroyed: false };
}

/** A generic object (persistent or session). */
export interface GenericObjectEntity extends EngineObject {
  readonly qType: 'GenericObject';
  readonly qId: string;
}

export function genericObjectEntity(qId: string, genericType: string): GenericObjectEntity {
  return { qType: 'GenericObject', genericType, genericId: qId, key: `object:${qId}`, destroyed: false, qId };
}

/** A master dimension/measure, a variable or a bookmark. */
export interface LibraryEntity extends EngineObject {
  readonly kind: LibraryKind;
  readonly id: string;
}

export function libraryEntity(kind: LibraryKind, id: string, genericType: string): LibraryEntity {
  return {
    qType: LIBRARY_TYPES[kind],
    genericType,
    genericId: id,
    key: `library:${kind}:${id}`,
    destroyed: false,
    kind,
    id,
  };
}

/** A field in a state. */
export interface FieldEntity extends EngineObject {
  readonly qType: 'Field';
  readonly field: string;
  readonly state: string;
}

export function fieldEntity(field: string, state: string): FieldEntity {
  return {
    qType: 'Field',
    genericType: '',
    genericId: field,
    key: `field:${state}:${field}`,
    destroyed: false,
    field,
    state,
  };
}
