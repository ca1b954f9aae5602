import { isObservable, type Observable, of } from 'rxjs';
import type { QixApi } from '../types/qix-api.js';
import { assertApi } from './call.js';

/**
 * Functions that work on one object accept either the API object itself or an Observable of it
 * (e.g. `genericObject(doc, id)`, which re-acquires the handle when needed).
 */
export type ApiTarget<A extends QixApi> = A | Observable<A>;

export function apiStream<A extends QixApi>(target: ApiTarget<A>, name: string, fn: string): Observable<A> {
  if (isObservable(target)) return target;
  assertApi(target, name, fn);
  return of(target);
}
