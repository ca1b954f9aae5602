import type { Observable, Unsubscribable } from 'rxjs';
import { type Sink, type Source, toObservable } from './source.js';

/** Per owner, per kind of source (`layout:object`, `live` …), per key. */
const registries = new WeakMap<object, Map<string, Map<string, SharedSource<unknown>>>>();

/**
 * The sharing policy of every rx creation function, in one place. Per owner (a Doc, or an API
 * object), kind of source (`handle:session`, `layout:object` …) and key (object id, properties as
 * stable JSON, path + pages …) there is at most one live source:
 * - all subscribers share it (one handle, one fetch per invalidation);
 * - a late subscriber gets the latest value at once (replay of 1);
 * - when the last subscriber leaves, the source is unsubscribed at once: listeners are removed,
 *   session objects destroyed, in-flight requests cancelled;
 * - after an error or completion the entry is dropped too: the next subscriber starts afresh.
 * The registry holds owners weakly; an entry lives exactly as long as its source is subscribed.
 * This is rxjs's `share({ connector: () => new ReplaySubject(1), resetOnError, resetOnComplete,
 * resetOnRefCountZero })`, written out: one small object per live entry instead of a subject,
 * a connector and a dozen closures — rx holds one per object a UI shows, often thousands.
 */
export function shareByKey<T>(owner: object, kind: string, key: string, create: () => Source<T>): Observable<T> {
  return toObservable(sharedSource(owner, kind, key, create));
}

/** {@link shareByKey} for rx's internal stages (no Observable in between). */
export function sharedSource<T>(owner: object, kind: string, key: string, create: () => Source<T>): Source<T> {
  return {
    subscribe(sink) {
      let kinds = registries.get(owner);
      if (!kinds) {
        kinds = new Map();
        registries.set(owner, kinds);
      }
      // Kind and key apart, not joined: a key can be a whole properties object as JSON, and a joined
      // string would be one more copy of it per live entry.
      let registry = kinds.get(kind);
      if (!registry) {
        registry = new Map();
        kinds.set(kind, registry);
      }
      let shared = registry.get(key) as SharedSource<T> | undefined;
      if (!shared) {
        shared = new SharedSource<T>(registry, key, create);
        registry.set(key, shared as SharedSource<unknown>);
      }
      return shared.add(sink);
    },
  };
}

/** Number of live shared sources of an owner (tests, leak checks). */
export function sharedCount(owner: object): number {
  let count = 0;
  for (const registry of registries.get(owner)?.values() ?? []) count += registry.size;
  return count;
}

/** One live entry: the source's subscription, its subscribers and the value replayed to late ones. */
class SharedSource<T> implements Sink<T> {
  readonly #registry: Map<string, SharedSource<unknown>>;
  readonly #key: string;
  readonly #create: () => Source<T>;
  /** Replaced, never mutated, so a dispatch in progress keeps its own list. */
  #sinks: readonly Sink<T>[] = [];
  #latest: T | undefined;
  #hasLatest = false;
  #source: Unsubscribable | undefined;
  /** Errored, completed or left by its last subscriber: never used again. */
  #ended = false;

  constructor(registry: Map<string, SharedSource<unknown>>, key: string, create: () => Source<T>) {
    this.#registry = registry;
    this.#key = key;
    this.#create = create;
  }

  add(sink: Sink<T>): Unsubscribable {
    this.#sinks = [...this.#sinks, sink];
    const membership = new Membership(this, sink);
    if (this.#hasLatest) sink.next(this.#latest as T);
    if (this.#sinks.length === 1 && !this.#ended && !this.#source) {
      const source = this.#create().subscribe(this);
      // The source may have ended (or lost its subscriber) while it was being subscribed.
      if (this.#ended) source.unsubscribe();
      else this.#source = source;
    }
    return membership;
  }

  next(value: T): void {
    if (this.#ended) return;
    this.#latest = value;
    this.#hasLatest = true;
    for (const sink of this.#sinks) sink.next(value);
  }

  error(error: unknown): void {
    for (const sink of this.#end()) sink.error(error);
  }

  complete(): void {
    for (const sink of this.#end()) sink.complete();
  }

  /** @internal A subscriber leaves; the last one ends the source at once. */
  remove(sink: Sink<T>): void {
    const index = this.#sinks.indexOf(sink);
    if (index < 0) return;
    this.#sinks = this.#sinks.filter((s) => s !== sink);
    if (this.#sinks.length === 0) this.#end();
  }

  /** Leaves the registry and ends the source before anyone hears of the end: a subscriber that reacts starts afresh. */
  #end(): readonly Sink<T>[] {
    if (this.#ended) return [];
    this.#ended = true;
    if (this.#registry.get(this.#key) === this) this.#registry.delete(this.#key);
    const sinks = this.#sinks;
    this.#sinks = [];
    this.#latest = undefined;
    this.#hasLatest = false;
    const source = this.#source;
    this.#source = undefined;
    source?.unsubscribe();
    return sinks;
  }
}

/** One subscriber's place in a shared entry (what unsubscribing it ends). */
class Membership<T> implements Unsubscribable {
  readonly #shared: SharedSource<T>;
  readonly #sink: Sink<T>;

  constructor(shared: SharedSource<T>, sink: Sink<T>) {
    this.#shared = shared;
    this.#sink = sink;
  }

  unsubscribe(): void {
    this.#shared.remove(this.#sink);
  }
}
