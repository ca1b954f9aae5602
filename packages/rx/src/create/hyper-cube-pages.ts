import { type Observable, switchMap } from 'rxjs';
import { type ApiTarget, apiStream } from '../internal/api-target.js';
import { assertName, call } from '../internal/call.js';
import { assertPages } from '../internal/pages.js';
import { shareByKey } from '../internal/share-by-key.js';
import { stableKey } from '../internal/stable-key.js';
import { immutable } from '../operators/immutable.js';
import { refetchOnChange } from '../operators/refetch-on-change.js';
import type { NxPage } from '../types/common.js';
import type { NxDataPage } from '../types/hyper-cube.js';
import type { QixApi } from '../types/qix-api.js';

/**
 * Pages of a hypercube (`GetHyperCubeData(path, pages)`), fetched now and after every
 * invalidation of the object (a selection, a property change). Shared per (object, path, pages).
 * At most 10 000 cells per call (the engine's limit, checked here); for larger cubes use
 * {@link streamHyperCube} or {@link hyperCubeMatrix}.
 *
 * @example
 * ```ts
 * hyperCubePages(genericObject(doc, 'aZPmCQ'), '/qHyperCubeDef', [{ qLeft: 0, qTop: 0, qWidth: 2, qHeight: 50 }])
 *   .subscribe(([page]) => console.log(page.qMatrix));
 * ```
 */
export function hyperCubePages(
  target: ApiTarget<QixApi>,
  path: string,
  pages: readonly NxPage[],
): Observable<readonly NxDataPage[]> {
  return dataPages(target, path, pages, 'getHyperCubeData', 'GetHyperCubeData', 'hyperCubePages');
}

/** Shared implementation of {@link hyperCubePages} and {@link listObjectPages}. */
export function dataPages(
  target: ApiTarget<QixApi>,
  path: string,
  pages: readonly NxPage[],
  method: string,
  engineMethod: string,
  fn: string,
): Observable<readonly NxDataPage[]> {
  assertName(path, 'path', fn);
  assertPages(pages, fn, 'use streamHyperCube() / hyperCubeMatrix() to page a large cube');
  const request = JSON.parse(stableKey(pages)) as NxPage[];
  return apiStream(target, 'target', fn).pipe(
    switchMap((api) =>
      shareByKey<NxDataPage[]>(api, method, `${path}:${stableKey(request)}`, () =>
        refetchOnChange(api, (a) => call<NxDataPage[]>(a, method, path, request), { method: engineMethod }).pipe(
          immutable(),
        ),
      ),
    ),
    immutable(),
  );
}
