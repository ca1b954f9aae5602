import type { Observable } from 'rxjs';
import type { ApiTarget } from '../internal/api-target.js';
import type { NxPage } from '../types/common.js';
import type { NxDataPage } from '../types/hyper-cube.js';
import type { QixApi } from '../types/qix-api.js';
import { dataPages } from './hyper-cube-pages.js';

/**
 * Pages of a list object (`GetListObjectData(path, pages)`), fetched now and after every
 * invalidation (every selection in its state). Shared per (object, path, pages); at most 10 000
 * cells per call.
 *
 * @example
 * ```ts
 * const list$ = sessionObject(doc, { qInfo: { qType: 'lb' }, qListObjectDef: { qDef: { qFieldDefs: ['Region'] } } });
 * listObjectPages(list$, '/qListObjectDef', [{ qLeft: 0, qTop: 0, qWidth: 1, qHeight: 100 }]).subscribe(render);
 * ```
 */
export function listObjectPages(
  target: ApiTarget<QixApi>,
  path: string,
  pages: readonly NxPage[],
): Observable<readonly NxDataPage[]> {
  return dataPages(target, path, pages, 'getListObjectData', 'GetListObjectData', 'listObjectPages');
}
