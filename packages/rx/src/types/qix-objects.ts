import type { FieldValue, NxPage } from './common.js';
import type { NxDataPage } from './hyper-cube.js';
import type { GenericObjectLayout, GenericObjectProperties, GenericVariableLayout, NxAppLayout } from './layouts.js';
import type { QixApi, QixPromise } from './qix-api.js';

/**
 * The engine methods rx calls, as enigma.js names them, typed from the engine schema. These are
 * the shapes of the API objects rx *emits* (handles it acquired); what it *accepts* is only
 * {@link QixApi}. Every other schema method exists at run time too (`obj.getEffectiveProperties()` …).
 */

/** `Global` (handle -1). */
export interface QixGlobal extends QixApi {
  cancelRequest(requestId: number): QixPromise<unknown>;
}

/** `Doc`. */
export interface QixDoc extends QixApi {
  getAppLayout(): QixPromise<NxAppLayout>;
  getObject(id: string): QixPromise<QixGenericObject>;
  createSessionObject(props: GenericObjectProperties): QixPromise<QixGenericObject>;
  destroySessionObject(id: string): QixPromise<boolean>;
  getField(name: string, stateName?: string): QixPromise<QixField>;
  getVariableByName(name: string): QixPromise<QixGenericVariable>;
  clearAll(lockedAlso?: boolean, stateName?: string): QixPromise<unknown>;
}

/** `GenericObject`. */
export interface QixGenericObject extends QixApi {
  getLayout(): QixPromise<GenericObjectLayout>;
  getProperties(): QixPromise<GenericObjectProperties>;
  setProperties(props: GenericObjectProperties): QixPromise<unknown>;
  getHyperCubeData(path: string, pages: readonly NxPage[]): QixPromise<NxDataPage[]>;
  getListObjectData(path: string, pages: readonly NxPage[]): QixPromise<NxDataPage[]>;
  selectHyperCubeValues(path: string, dimNo: number, values: readonly number[], toggle: boolean): QixPromise<boolean>;
  selectListObjectValues(
    path: string,
    values: readonly number[],
    toggle: boolean,
    softLock?: boolean,
  ): QixPromise<boolean>;
  beginSelections(paths: readonly string[]): QixPromise<unknown>;
  endSelections(accept: boolean): QixPromise<unknown>;
  clearSelections(path: string, colIndices?: readonly number[]): QixPromise<unknown>;
}

/** `Field` (`Doc.GetField`). Field handles cannot be restored after a resume: rx re-acquires them. */
export interface QixField extends QixApi {
  select(match: string, softLock?: boolean, excludedValuesMode?: number): QixPromise<boolean>;
  selectValues(values: readonly FieldValue[], toggleMode?: boolean, softLock?: boolean): QixPromise<boolean>;
  lowLevelSelect(values: readonly number[], toggleMode: boolean, softLock?: boolean): QixPromise<boolean>;
  toggleSelect(match: string, softLock?: boolean, excludedValuesMode?: number): QixPromise<boolean>;
  selectAll(softLock?: boolean): QixPromise<boolean>;
  clear(): QixPromise<boolean>;
  getCardinal(): QixPromise<number>;
}

/** `GenericVariable`. */
export interface QixGenericVariable extends QixApi {
  getLayout(): QixPromise<GenericVariableLayout>;
  setStringValue(value: string): QixPromise<unknown>;
  setNumValue(value: number): QixPromise<unknown>;
}
