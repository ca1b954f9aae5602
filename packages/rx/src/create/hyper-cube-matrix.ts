import { type Observable, reduce, switchMap } from 'rxjs';
import { type ApiTarget, apiStream } from '../internal/api-target.js';
import { assertName } from '../internal/call.js';
import { shareByKey } from '../internal/share-by-key.js';
import { immutable } from '../operators/immutable.js';
import { refetchOnChange } from '../operators/refetch-on-change.js';
import type { NxCell, NxDataPage } from '../types/hyper-cube.js';
import type { QixApi } from '../types/qix-api.js';
import { streamHyperCube } from './stream-hyper-cube.js';

/**
 * The whole matrix of a hypercube (every row, fetched with {@link streamHyperCube} in pages of at
 * most 10 000 cells), refetched after every invalidation; a refetch superseded by a newer
 * invalidation stops and its in-flight page is cancelled on the engine. Shared per (object, path).
 * Cubes wider than 10 000 cells per row are fetched in column tiles and joined row by row.
 *
 * @example
 * ```ts
 * hyperCubeMatrix(genericObject(doc, 'NACQVk')).subscribe((rows) => console.log(rows.length));
 * ```
 */
export function hyperCubeMatrix(
  target: ApiTarget<QixApi>,
  path = '/qHyperCubeDef',
): Observable<readonly (readonly NxCell[])[]> {
  assertName(path, 'path', 'hyperCubeMatrix');
  return apiStream(target, 'target', 'hyperCubeMatrix').pipe(
    switchMap((api) =>
      shareByKey<(readonly NxCell[])[]>(api, 'matrix', path, () =>
        refetchOnChange(
          api,
          (a) =>
            streamHyperCube(a, { path }).pipe(reduce((rows: (readonly NxCell[])[], page) => placePage(rows, page), [])),
          { method: 'GetHyperCubeData' },
        ).pipe(immutable()),
      ),
    ),
    immutable(),
  );
}

/** Puts a page's rows at their place (`qArea.qTop`), appending to rows begun by pages on their left. */
function placePage(rows: (readonly NxCell[])[], page: NxDataPage): (readonly NxCell[])[] {
  const top = page.qArea?.qTop ?? 0;
  (page.qMatrix ?? []).forEach((row, i) => {
    const at = top + i;
    const before = rows[at];
    rows[at] = before ? before.concat(row) : row;
  });
  return rows;
}
