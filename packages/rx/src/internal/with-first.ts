import { Observable, type Subscription } from 'rxjs';

/**
 * Runs a one-shot operation on the first value of `source` (an API object, or handles), keeping
 * `source` subscribed until the operation is over: a shared handle stream must not lose its last
 * subscriber — and a session object be destroyed — while a selection round or a paging run is
 * still using it. Errors of either side end the result; later values of `source` (a re-acquired
 * handle) are ignored.
 */
export function withFirst<A, T>(source: Observable<A>, operation: (value: A) => Observable<T>): Observable<T> {
  return new Observable<T>((subscriber) => {
    let inner: Subscription | undefined;
    let started = false;
    const outer = source.subscribe({
      next: (value) => {
        if (started) return;
        started = true;
        inner = operation(value).subscribe(subscriber);
      },
      error: (error: unknown) => subscriber.error(error),
      complete: () => {
        if (!started) subscriber.complete();
      },
    });
    return () => {
      inner?.unsubscribe();
      outer.unsubscribe();
    };
  });
}
