import type { Observable } from 'rxjs';
import { immutable } from '../operators/immutable.js';
import { refetchOnChange } from '../operators/refetch-on-change.js';
import type { QixApi } from '../types/qix-api.js';
import { call } from './call.js';
import { shareByKey } from './share-by-key.js';

/**
 * The one live fetch loop of `method` (e.g. `getLayout`) on one API object: shared by every
 * subscriber of any rx function that needs it (one fetch per invalidation per handle), frozen and
 * deduplicated.
 */
export function liveCall<T>(api: QixApi, method: string, engineMethod: string): Observable<T> {
  return shareByKey(api, `live:${method}`, () =>
    refetchOnChange(api, (a) => call<T>(a, method), { method: engineMethod }).pipe(immutable()),
  );
}
