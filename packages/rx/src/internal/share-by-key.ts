import { defer, finalize, type Observable, ReplaySubject, share } from 'rxjs';

const registries = new WeakMap<object, Map<string, Observable<unknown>>>();

/**
 * The sharing policy of every rx creation function, in one place. Per owner (a Doc, or an API
 * object) and key (object id, properties hash, path + pages …) there is at most one live source:
 * - all subscribers share it (one handle, one fetch per invalidation);
 * - a late subscriber gets the latest value at once (replay of 1);
 * - when the last subscriber leaves, the source is unsubscribed at once (`resetOnRefCountZero:
 *   true`): listeners are removed, session objects destroyed, in-flight requests cancelled;
 * - after an error or completion the entry is dropped too: the next subscriber starts afresh.
 * The registry holds owners weakly; an entry lives exactly as long as its source is subscribed.
 */
export function shareByKey<T>(owner: object, key: string, create: () => Observable<T>): Observable<T> {
  return defer(() => {
    let registry = registries.get(owner);
    if (!registry) {
      registry = new Map();
      registries.set(owner, registry);
    }
    const found = registry.get(key) as Observable<T> | undefined;
    if (found) return found;
    const map = registry;
    const created: Observable<T> = create().pipe(
      finalize(() => {
        if (map.get(key) === created) map.delete(key);
      }),
      share({
        connector: () => new ReplaySubject<T>(1),
        resetOnError: true,
        resetOnComplete: true,
        resetOnRefCountZero: true,
      }),
    );
    map.set(key, created);
    return created;
  });
}

/** Number of live shared sources of an owner (tests, leak checks). */
export function sharedCount(owner: object): number {
  return registries.get(owner)?.size ?? 0;
}
