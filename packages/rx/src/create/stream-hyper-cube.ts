import { Observable } from 'rxjs';
import { RxQixError } from '../errors.js';
import { type ApiTarget, apiStream } from '../internal/api-target.js';
import { assertName, call, requestIdOf } from '../internal/call.js';
import { cancelOnEngine, globalOf } from '../internal/cancel-requests.js';
import { toRxQixError } from '../internal/classify-failure.js';
import { layoutAt, tilePages } from '../internal/pages.js';
import { withFirst } from '../internal/with-first.js';
import type { Size } from '../types/common.js';
import type { NxDataPage } from '../types/hyper-cube.js';
import type { QixApi } from '../types/qix-api.js';

/** Options of {@link streamHyperCube}. */
export interface StreamHyperCubeOptions {
  /** Path of the HyperCubeDef in the properties (default `/qHyperCubeDef`). */
  path?: string;
  /** Rows per page (default and maximum: as many as fit in 10 000 cells). */
  pageHeight?: number;
  /** The cube's size, when known (otherwise read from a `GetLayout`). */
  size?: Size;
}

/**
 * Streams a whole hypercube page by page, each call within the engine's 10 000-cell limit: one
 * `GetHyperCubeData` at a time, each page emitted as it arrives, completing after the last one.
 * Cold and one-shot (it does not follow invalidations — {@link hyperCubeMatrix} does).
 * Unsubscribing cancels the in-flight page on the engine.
 *
 * @example
 * ```ts
 * streamHyperCube(table, { pageHeight: 500 }).subscribe((page) => append(page.qMatrix));
 * ```
 */
export function streamHyperCube(
  target: ApiTarget<QixApi>,
  options: StreamHyperCubeOptions = {},
): Observable<NxDataPage> {
  const path = options.path ?? '/qHyperCubeDef';
  assertName(path, 'options.path', 'streamHyperCube');
  const { pageHeight, size } = options;
  if (pageHeight !== undefined && (!Number.isInteger(pageHeight) || pageHeight < 1)) {
    throw new TypeError(`streamHyperCube: options.pageHeight must be a whole number ≥ 1, got ${String(pageHeight)}`);
  }
  return withFirst(
    apiStream(target, 'target', 'streamHyperCube'),
    (api) =>
      new Observable<NxDataPage>((subscriber) => {
        let stopped = false;
        let pending: number | undefined;
        const fetchPages = async (): Promise<void> => {
          let cube: Size | undefined = size;
          if (!cube) {
            const layoutRequest = call<unknown>(api, 'getLayout');
            pending = requestIdOf(layoutRequest);
            const layout = await layoutRequest;
            pending = undefined;
            if (stopped) return;
            const found = layoutAt(layout, path)?.qSize as Size | undefined;
            if (!found) {
              throw new RxQixError('ERR_CALL_FAILED', `streamHyperCube: no hypercube at ${path} of ${api.id}`, {
                objectId: api.id,
                method: 'GetLayout',
              });
            }
            cube = found;
          }
          for (const page of tilePages(cube, pageHeight)) {
            if (stopped) return;
            const request = call<NxDataPage[]>(api, 'getHyperCubeData', path, [page]);
            pending = requestIdOf(request);
            const [data] = await request;
            pending = undefined;
            if (stopped) return;
            if (data) subscriber.next(data);
          }
          subscriber.complete();
        };
        fetchPages().catch((error: unknown) => {
          if (!stopped) subscriber.error(toRxQixError(error, { method: 'GetHyperCubeData', objectId: api.id }));
        });
        return () => {
          stopped = true;
          if (pending !== undefined) cancelOnEngine(globalOf(api), [pending]);
        };
      }),
  );
}
