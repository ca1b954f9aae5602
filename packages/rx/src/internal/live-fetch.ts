import type { Observable } from 'rxjs';
import { refetchSource } from '../operators/refetch-on-change.js';
import type { QixApi } from '../types/qix-api.js';
import { call } from './call.js';
import { directGetter } from './direct-getter.js';
import { sharedSource } from './share-by-key.js';
import { frozen, type Source, switchTo, toObservable } from './source.js';

/**
 * The one live fetch loop of `method` (e.g. `getLayout`) on one API object: shared by every
 * subscriber of any rx function that needs it (one fetch per invalidation per handle), frozen and
 * deduplicated. Sent directly (see {@link directGetter}) where the session allows.
 */
function liveSource<T>(api: QixApi, method: string, engineMethod: string): Source<T> {
  return sharedSource(api, 'live', method, () => {
    const direct = directGetter<T>(api, method, engineMethod);
    return direct
      ? frozen(refetchSource(api, direct, { method: engineMethod }), true)
      : frozen(refetchSource(api, (a) => call<T>(a, method), { method: engineMethod }));
  });
}

/** {@link liveSource} as an Observable. */
export function liveCall<T>(api: QixApi, method: string, engineMethod: string): Observable<T> {
  return toObservable(liveSource<T>(api, method, engineMethod));
}

/**
 * The live `method` of whichever API object `handles` holds now (a re-acquired handle replaces the
 * previous one), frozen and deduplicated across handles: what every layout stream is made of.
 */
export function liveOf<A extends QixApi, T>(handles: Source<A>, method: string, engineMethod: string): Source<T> {
  return frozen(switchTo(handles, (api: A) => liveSource<T>(api, method, engineMethod)));
}
