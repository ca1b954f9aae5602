import { Observable, type Unsubscribable } from 'rxjs';
import { freezeShared } from './freeze-shared.js';

/**
 * What rx's own streams push into: an rxjs Subscriber is one, and so is each internal stage. After
 * `error` or `complete` a source sends nothing more.
 */
export interface Sink<T> {
  next(value: T): void;
  error(error: unknown): void;
  complete(): void;
}

/**
 * rx's internal stream: a subscription is one call that returns how to end it. An rxjs Observable
 * fits (its `subscribe` takes an observer and returns a Subscription). Between its own stages rx
 * uses plain objects instead of Observables: a live layout then costs a handful of small objects
 * instead of a Subscriber, a ConsumerObserver, a finalizer array and closures per operator — rx
 * holds one per object a UI shows. Only the public edge is an Observable ({@link toObservable}).
 */
export interface Source<T> {
  subscribe(sink: Sink<T>): Unsubscribable;
}

/** The public face of an internal source. */
export function toObservable<T>(source: Source<T>): Observable<T> {
  return new Observable<T>((subscriber) => source.subscribe(subscriber));
}

/**
 * {@link freezeShared} on every value, skipping values equal to the previous one (see `immutable()`).
 * `fresh`: the source's values are trees nobody else holds, frozen in place (see `freezeShared`).
 */
export function frozen<T>(source: Source<T>, fresh = false): Source<T> {
  return { subscribe: (sink) => source.subscribe(new Freezer(sink, fresh)) };
}

const NONE: unique symbol = Symbol('none');

/** The stage behind `immutable()` and {@link frozen}: the previous value and three methods. */
export class Freezer<T> implements Sink<T> {
  readonly #sink: Sink<T>;
  readonly #fresh: boolean;
  #previous: T | typeof NONE = NONE;

  constructor(sink: Sink<T>, fresh = false) {
    this.#sink = sink;
    this.#fresh = fresh;
  }

  next(value: T): void {
    const previous = this.#previous;
    const result = freezeShared(previous === NONE ? undefined : previous, value, this.#fresh);
    if (previous !== NONE && result === previous) return;
    this.#previous = result;
    this.#sink.next(result);
  }

  error(error: unknown): void {
    this.#sink.error(error);
  }

  complete(): void {
    this.#sink.complete();
  }
}

/**
 * rxjs's `switchMap` for internal sources: each value of `outer` (an API object, again after a
 * re-acquisition) replaces the inner source made from it. Errors of either side end it; it
 * completes when `outer` has completed and the current inner source too.
 */
export function switchTo<A, T>(outer: Source<A>, project: (value: A) => Source<T>): Source<T> {
  return { subscribe: (sink) => new Switch(outer, project, sink) };
}

/** The subscription of {@link switchTo}; it is the outer source's sink too. */
class Switch<A, T> implements Sink<A>, Unsubscribable {
  readonly #project: (value: A) => Source<T>;
  readonly #sink: Sink<T>;
  #outer: Unsubscribable | undefined;
  #inner: Unsubscribable | undefined;
  /** A token per inner subscription, so that a replaced one's late events are ignored. */
  #innerSink: InnerSink<T> | undefined;
  #outerDone = false;
  #stopped = false;

  constructor(outer: Source<A>, project: (value: A) => Source<T>, sink: Sink<T>) {
    this.#project = project;
    this.#sink = sink;
    const subscription = outer.subscribe(this);
    if (this.#stopped) subscription.unsubscribe();
    else this.#outer = subscription;
  }

  /** A value of the outer source: switch to the inner source made from it. */
  next(value: A): void {
    this.#switch(value);
  }

  error(error: unknown): void {
    this.#error(error);
  }

  complete(): void {
    this.#outerDone = true;
    if (!this.#innerSink) this.#complete();
  }

  unsubscribe(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#endInner();
    const outer = this.#outer;
    this.#outer = undefined;
    outer?.unsubscribe();
  }

  #switch(value: A): void {
    if (this.#stopped) return;
    this.#endInner();
    let source: Source<T>;
    try {
      source = this.#project(value);
    } catch (error) {
      this.#error(error);
      return;
    }
    const innerSink = new InnerSink(this);
    this.#innerSink = innerSink;
    const subscription = source.subscribe(innerSink);
    if (this.#innerSink === innerSink) this.#inner = subscription;
    else subscription.unsubscribe(); // ended (or replaced) while it was being subscribed
  }

  #endInner(): void {
    const inner = this.#inner;
    this.#innerSink = undefined;
    this.#inner = undefined;
    inner?.unsubscribe();
  }

  /** @internal Events of the current inner source. */
  innerNext(from: InnerSink<T>, value: T): void {
    if (!this.#stopped && from === this.#innerSink) this.#sink.next(value);
  }

  /** @internal */
  innerError(from: InnerSink<T>, error: unknown): void {
    if (from === this.#innerSink) this.#error(error);
  }

  /** @internal */
  innerComplete(from: InnerSink<T>): void {
    if (from !== this.#innerSink) return;
    this.#innerSink = undefined;
    this.#inner = undefined;
    if (this.#outerDone) this.#complete();
  }

  #error(error: unknown): void {
    if (this.#stopped) return;
    this.unsubscribe();
    this.#sink.error(error);
  }

  #complete(): void {
    if (this.#stopped) return;
    this.unsubscribe();
    this.#sink.complete();
  }
}

class InnerSink<T> implements Sink<T> {
  readonly #owner: Switch<unknown, T>;

  constructor(owner: Switch<never, T>) {
    this.#owner = owner as unknown as Switch<unknown, T>;
  }

  next(value: T): void {
    this.#owner.innerNext(this, value);
  }

  error(error: unknown): void {
    this.#owner.innerError(this, error);
  }

  complete(): void {
    this.#owner.innerComplete(this);
  }
}
