import { catchError, from, map, type Observable, switchMap, throwError } from 'rxjs';
import { activityOf } from '../internal/activity.js';
import { type ApiTarget, apiStream } from '../internal/api-target.js';
import { toRxQixError } from '../internal/classify-failure.js';
import { withFirst } from '../internal/with-first.js';
import type { QixApi } from '../types/qix-api.js';

/**
 * Makes a selection and waits until it has taken effect everywhere: runs `select` on the (first)
 * API object of `target` — a Field, a GenericObject, the Doc —, waits for the engine's answer,
 * then until every live rx stream of the session that the engine invalidated with it has
 * refetched (the engine lists them in the answer's change list, before the answer resolves).
 * Emits the engine's answer (e.g. `true`) and completes. Cold: each subscription selects once.
 * The target stays subscribed meanwhile (a session object is not destroyed under the selection).
 * Selections are not retried: a suspended session fails with `ERR_SESSION_SUSPENDED`.
 *
 * @example
 * ```ts
 * selectAndWait(field(doc, 'Region'), (f) => f.selectValues([{ qText: 'Nordics' }]))
 *   .subscribe(() => console.log('charts show Nordics now'));
 * selectAndWait(doc, (d) => d.clearAll()).subscribe();
 * ```
 */
export function selectAndWait<A extends QixApi, R>(
  target: ApiTarget<A>,
  select: (api: A) => PromiseLike<R>,
): Observable<R> {
  if (typeof select !== 'function') throw new TypeError('selectAndWait: select must be a function (api) => promise');
  return withFirst(apiStream(target, 'target', 'selectAndWait'), (api) =>
    from(Promise.resolve().then(() => select(api))).pipe(
      catchError((error: unknown) => throwError(() => toRxQixError(error, { method: 'select', objectId: api.id }))),
      switchMap((result) =>
        activityOf(api)
          .settled()
          .pipe(map(() => result)),
      ),
    ),
  );
}
