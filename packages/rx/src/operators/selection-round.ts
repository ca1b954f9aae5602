import { from, map, type Observable, switchMap } from 'rxjs';
import { RxQixError } from '../errors.js';
import { activityOf } from '../internal/activity.js';
import { type ApiTarget, apiStream } from '../internal/api-target.js';
import { call } from '../internal/call.js';
import { toRxQixError } from '../internal/classify-failure.js';
import { withFirst } from '../internal/with-first.js';
import type { QixGenericObject } from '../types/qix-objects.js';

/**
 * Selections made in a generic object's selection mode, as one round: `BeginSelections(paths)`,
 * the selections `select` makes (e.g. several `SelectListObjectValues` / `SelectHyperCubeValues`),
 * then `EndSelections(true)` — the other objects are invalidated once, when the round is
 * accepted. If `select` fails, the round is aborted (`EndSelections(false)`) and the error passed
 * on. Then waits until every invalidated live stream has refetched; emits what `select` returned.
 *
 * @example
 * ```ts
 * selectionRound(genericObject(doc, 'twNGuO'), ['/qListObjectDef'], (lb) =>
 *   lb.selectListObjectValues('/qListObjectDef', [0, 2], true)).subscribe();
 * ```
 */
export function selectionRound<A extends QixGenericObject, R>(
  target: ApiTarget<A>,
  paths: readonly string[],
  select: (api: A) => PromiseLike<R>,
): Observable<R> {
  if (!Array.isArray(paths) || paths.length === 0 || paths.some((p) => typeof p !== 'string' || p === '')) {
    throw new TypeError("selectionRound: paths must be a non-empty array of property paths, e.g. ['/qListObjectDef']");
  }
  if (typeof select !== 'function') throw new TypeError('selectionRound: select must be a function (api) => promise');
  return withFirst(apiStream(target, 'target', 'selectionRound'), (api) =>
    from(round(api, paths, select)).pipe(
      switchMap((result) =>
        activityOf(api)
          .settled()
          .pipe(map(() => result)),
      ),
    ),
  );
}

async function round<A extends QixGenericObject, R>(
  api: A,
  paths: readonly string[],
  select: (api: A) => PromiseLike<R>,
): Promise<R> {
  try {
    await call(api, 'beginSelections', [...paths]);
  } catch (error) {
    throw toRxQixError(error, { method: 'BeginSelections', objectId: api.id });
  }
  let result: R;
  try {
    result = await select(api);
  } catch (error) {
    await Promise.resolve(call(api, 'endSelections', false)).catch(() => undefined);
    throw toRxQixError(error, { method: 'select', objectId: api.id });
  }
  try {
    await call(api, 'endSelections', true);
  } catch (error) {
    const mapped = toRxQixError(error, { method: 'EndSelections', objectId: api.id });
    throw mapped.code === 'ERR_ENGINE'
      ? new RxQixError('ERR_SELECTION_REJECTED', `the engine did not accept the selection round: ${mapped.message}`, {
          ...(mapped.engineCode === undefined ? {} : { engineCode: mapped.engineCode }),
          ...(mapped.engineName === undefined ? {} : { engineName: mapped.engineName }),
          method: 'EndSelections',
          objectId: api.id,
          cause: error,
        })
      : mapped;
  }
  return result;
}
