import { distinctUntilChanged, map, type Observable } from 'rxjs';
import { assertApi, assertName } from '../internal/call.js';
import type { NxContainerEntry } from '../types/layouts.js';
import type { QixApi } from '../types/qix-api.js';
import { sessionObjectLayout } from './session-object-layout.js';

/** `qData` paths read for each item of {@link objectList} unless given. */
export const DEFAULT_OBJECT_LIST_DATA: Readonly<Record<string, string>> = Object.freeze({
  title: '/qMetaDef/title',
  description: '/qMetaDef/description',
  rank: '/rank',
});

const NONE: readonly never[] = Object.freeze([]);

/**
 * The app's objects of one type (`sheet`, `story`, `masterobject`, `barchart` …) through a session
 * object with a `qAppObjectListDef`: re-emits when one is added, removed or changed. Each item
 * is `{ qInfo, qMeta, qData }`, `qData` holding the values at the `data` JSON pointers.
 *
 * @example
 * ```ts
 * objectList(doc, 'sheet').subscribe((sheets) => sheets.forEach((s) => console.log(s.qInfo.qId, s.qData.title)));
 * ```
 */
export function objectList<D = Readonly<Record<string, unknown>>>(
  doc: QixApi,
  type: string,
  data: Readonly<Record<string, string>> = DEFAULT_OBJECT_LIST_DATA,
): Observable<readonly NxContainerEntry<D>[]> {
  assertApi(doc, 'doc', 'objectList');
  assertName(type, 'type', 'objectList');
  return sessionObjectLayout(doc, {
    qInfo: { qType: 'qixflow-rx-object-list' },
    qAppObjectListDef: { qType: type, qData: data },
  }).pipe(
    map((layout) => (layout.qAppObjectList?.qItems ?? NONE) as readonly NxContainerEntry<D>[]),
    distinctUntilChanged(),
  );
}
