import { distinctUntilChanged, map, type Observable } from 'rxjs';
import { assertApi } from '../internal/call.js';
import type { NxContainerEntry } from '../types/layouts.js';
import type { QixApi } from '../types/qix-api.js';
import { sessionObjectLayout } from './session-object-layout.js';

const DATA: Readonly<Record<string, string>> = {
  title: '/qMetaDef/title',
  description: '/qMetaDef/description',
  sheetId: '/sheetId',
  selectionFields: '/selectionFields',
  creationDate: '/creationDate',
};

const NONE: readonly never[] = Object.freeze([]);

/**
 * The app's bookmarks (a `qBookmarkListDef` session object), re-emitted when one is added,
 * removed or changed. `qData`: title, description, sheetId, selectionFields, creationDate.
 *
 * @example
 * ```ts
 * bookmarks(doc).subscribe((list) => console.log(list.map((b) => b.qData.title)));
 * ```
 */
export function bookmarks<D = Readonly<Record<string, unknown>>>(
  doc: QixApi,
  data: Readonly<Record<string, string>> = DATA,
): Observable<readonly NxContainerEntry<D>[]> {
  assertApi(doc, 'doc', 'bookmarks');
  return sessionObjectLayout(doc, {
    qInfo: { qType: 'qixflow-rx-bookmark-list' },
    qBookmarkListDef: { qType: 'bookmark', qData: data },
  }).pipe(
    map((layout) => (layout.qBookmarkList?.qItems ?? NONE) as readonly NxContainerEntry<D>[]),
    distinctUntilChanged(),
  );
}
