import { type MonoTypeOperatorFunction, Observable } from 'rxjs';
import { Freezer } from '../internal/source.js';

/**
 * Deep-freezes every value and shares structure with the previous one: subtrees equal to what
 * was emitted before keep their identity, and a value equal to the previous one is not emitted
 * at all. The input values are never modified (a frozen copy is made). Every rx creation
 * function applies it; use it after your own {@link refetchOnChange}.
 *
 * @example
 * ```ts
 * refetchOnChange(obj, (o) => o.getLayout()).pipe(immutable()).subscribe((layout) => {
 *   Object.isFrozen(layout); // true
 * });
 * ```
 */
export function immutable<T>(): MonoTypeOperatorFunction<T> {
  return (source) => new Observable<T>((subscriber) => source.subscribe(new Freezer(subscriber)));
}
