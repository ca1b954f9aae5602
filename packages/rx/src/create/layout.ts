import type { Observable } from 'rxjs';
import { type ApiTarget, apiStream } from '../internal/api-target.js';
import { liveOf } from '../internal/live-fetch.js';
import { toObservable } from '../internal/source.js';
import type { GenericObjectLayout } from '../types/layouts.js';
import type { QixApi } from '../types/qix-api.js';

/**
 * What `getLayout()` of API object `A` resolves to (`LayoutOf<P>` for a `GenericObject<P>`,
 * `GenericVariableLayout` for a variable, …); `GenericObjectLayout` when `A` does not say.
 */
export type LayoutOfApi<A> = A extends { getLayout(): PromiseLike<infer L> }
  ? unknown extends L
    ? GenericObjectLayout
    : L
  : GenericObjectLayout;

/**
 * The layout of an API object you already hold (or of each object an Observable emits): fetched
 * now and after every engine invalidation, shared per API object with every other rx stream of
 * it. Given a plain API object, the stream completes when its handle closes; given an Observable
 * such as {@link genericObject}, it follows re-acquisitions. The layout type is the object's: `LayoutOf<P>`
 * for a `GenericObject<P>`.
 *
 * @example
 * ```ts
 * layout(await doc.getObject('aZPmCQ')).subscribe(render);
 * ```
 */
export function layout<A extends QixApi>(target: ApiTarget<A>): Observable<LayoutOfApi<A>> {
  return toObservable(liveOf<A, LayoutOfApi<A>>(apiStream(target, 'target', 'layout'), 'getLayout', 'GetLayout'));
}
