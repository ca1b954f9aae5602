import {
  asapScheduler,
  from,
  type Observable,
  type ObservableInput,
  type SchedulerLike,
  type Subscription,
  type Unsubscribable,
} from 'rxjs';
import { type Activity, activityOf } from '../internal/activity.js';
import { assertApi, requestIdOf } from '../internal/call.js';
import { cancelOnEngine, globalOf } from '../internal/cancel-requests.js';
import { classifyFailure, toRxQixError } from '../internal/classify-failure.js';
import { removeListener } from '../internal/listen.js';
import { trackerOf } from '../internal/session-tracker.js';
import { type Sink, type Source, toObservable } from '../internal/source.js';
import type { QixApi } from '../types/qix-api.js';

/** What a fetch function receives besides the API object. */
export interface FetchContext {
  /** Aborted when rx no longer wants this fetch's result (superseded, or the last subscriber left). */
  readonly signal: AbortSignal;
  /**
   * Registers an engine call of a multi-call fetch so that rx can cancel it on the engine
   * (`CancelRequest`) when the fetch is superseded. A fetch that returns one enigma.js promise
   * needs no `track`: its `requestId` is read directly.
   */
  track<P>(call: P): P;
}

/** Options of {@link refetchOnChange}. */
export interface RefetchOptions {
  /**
   * Where invalidations are coalesced: every `changed` announced before this scheduler runs the
   * refetch counts once. Default `asapScheduler` (a microtask: a burst delivered in one tick →
   * one fetch); `animationFrameScheduler` coalesces per frame in a UI.
   */
  scheduler?: SchedulerLike;
  /**
   * The Global API object that sends `CancelRequest` for superseded requests. Default: the Global
   * of the api's enigma.js session (`session.getObjectApi({ handle: -1 … })`). `false`: never
   * cancel on the engine (superseded results are only dropped).
   */
  global?: QixApi | false;
  /** How often a fetch the engine aborted (15) on its own is retried in a row (default 3). */
  abortedRetries?: number;
  /** Engine method named in errors (e.g. `GetLayout`). */
  method?: string;
}

/**
 * Fetches from an enigma.js API object now and again every time the engine says the handle
 * changed (enigma.js `changed` event), with minimal traffic:
 * - **coalescing**: invalidations announced before the scheduled refetch runs count once; while a
 *   fetch is in flight, any number of new invalidations lead to exactly one more fetch after it;
 * - **cancellation**: the superseded in-flight request is cancelled *on the engine*
 *   (`Global.CancelRequest(requestId)`), and its result dropped; so is an in-flight request when
 *   the last subscriber leaves;
 * - **suspension**: a fetch that failed because the socket went away waits for the next `changed`
 *   (enigma.js emits it on every handle it restores when the session resumes);
 * - the engine aborting a fetch on its own (15, e.g. a selection elsewhere) retries it;
 * - the handle's `closed` event **completes** the stream (creation functions such as
 *   {@link objectLayout} then re-acquire the object or fail with a typed error).
 *
 * Errors reach the subscriber as {@link RxQixError}. Values are passed through as fetched (no
 * freezing here; the creation functions add it, see {@link immutable}). Not shared: use it inside
 * `shareReplay`/`share` or through the creation functions.
 *
 * @example
 * ```ts
 * const evaluations$ = refetchOnChange(obj, (o) => o.getLayout(), { scheduler: animationFrameScheduler });
 * // a multi-call fetch: track each call so a superseded one is cancelled on the engine
 * const both$ = refetchOnChange(obj, async (o, ctx) => {
 *   const layout = await ctx.track(o.getLayout());
 *   const pages = await ctx.track(o.getHyperCubeData('/qHyperCubeDef', [page]));
 *   return { layout, pages };
 * });
 * ```
 */
export function refetchOnChange<A extends QixApi, T>(
  api: A,
  fetch: (api: A, context: FetchContext) => ObservableInput<T>,
  options: RefetchOptions = {},
): Observable<T> {
  assertApi(api, 'api', 'refetchOnChange');
  if (typeof fetch !== 'function') throw new TypeError('refetchOnChange: fetch must be a function (api, context) => …');
  if (options.scheduler !== undefined && typeof options.scheduler?.schedule !== 'function') {
    throw new TypeError(
      'refetchOnChange: options.scheduler must be an rxjs scheduler (asapScheduler, animationFrameScheduler …)',
    );
  }
  if (options.global !== undefined && options.global !== false) {
    assertApi(options.global, 'options.global', 'refetchOnChange');
  }
  const abortedRetries = options.abortedRetries ?? 3;
  if (!Number.isInteger(abortedRetries) || abortedRetries < 0) {
    throw new TypeError(`refetchOnChange: abortedRetries must be a whole number ≥ 0, got ${String(abortedRetries)}`);
  }
  return toObservable(refetchSource(api, fetch, options, abortedRetries));
}

/** {@link refetchOnChange} for rx's internal stages (arguments already checked). */
export function refetchSource<A extends QixApi, T>(
  api: A,
  fetch: (api: A, context: FetchContext) => ObservableInput<T>,
  options: RefetchOptions,
  abortedRetries = options.abortedRetries ?? 3,
): Source<T> {
  return { subscribe: (sink) => new RefetchLoop(api, fetch, options, abortedRetries, sink).start() };
}

const resolved = Promise.resolve();

/**
 * What one fetch knows about itself. It is the fetch's {@link FetchContext} too: the
 * AbortController and the set of tracked calls exist only once a fetch asks for them (a plain
 * `getLayout()` never does), and `track` is bound on first use so that it can be destructured.
 */
class Flight implements FetchContext {
  /** The request id of the fetch's own promise, until it is answered. */
  requestId: number | undefined;
  /** Ids of calls registered with `track` that have not been answered yet. */
  tracked: Set<number> | undefined;
  /** A promise result can be neither stopped nor unsubscribed: rx waits for it to settle. */
  settlesLater = false;
  superseded = false;
  subscription: Subscription | undefined;
  #controller: AbortController | undefined;
  #track: (<P>(call: P) => P) | undefined;

  get signal(): AbortSignal {
    this.#controller ??= new AbortController();
    return this.#controller.signal;
  }

  get track(): <P>(call: P) => P {
    this.#track ??= <P>(call: P): P => {
      const id = requestIdOf(call);
      if (id !== undefined && id !== this.requestId && !this.tracked?.has(id)) {
        this.tracked ??= new Set();
        this.tracked.add(id);
        const answered = (): void => {
          this.tracked?.delete(id);
        };
        (call as PromiseLike<unknown>).then(answered, answered);
      }
      return call;
    };
    return this.#track;
  }

  /** Request ids still waiting for an answer (what a cancel must name). */
  pending(): number[] {
    const ids = this.tracked ? [...this.tracked] : [];
    if (this.requestId !== undefined && !this.tracked?.has(this.requestId)) ids.push(this.requestId);
    return ids;
  }

  abort(): void {
    this.#controller?.abort();
  }
}

/**
 * One subscription of {@link refetchOnChange}: a small state machine with methods rather than a
 * closure per step, since rx keeps one per live layout (thousands in a big UI).
 */
class RefetchLoop<A extends QixApi, T> {
  readonly #api: A;
  readonly #fetch: (api: A, context: FetchContext) => ObservableInput<T>;
  readonly #options: RefetchOptions;
  readonly #abortedRetries: number;
  readonly #subscriber: Sink<T>;
  readonly #activity: Activity;
  #global: QixApi | undefined | null = null;
  #busy = false;
  #scheduled: Subscription | true | undefined;
  #flight: Flight | undefined;
  #abortedInRow = 0;
  #done = false;
  #listening = false;

  constructor(
    api: A,
    fetch: (api: A, context: FetchContext) => ObservableInput<T>,
    options: RefetchOptions,
    abortedRetries: number,
    subscriber: Sink<T>,
  ) {
    this.#api = api;
    this.#fetch = fetch;
    this.#options = options;
    this.#abortedRetries = abortedRetries;
    this.#subscriber = subscriber;
    this.#activity = activityOf(api);
    trackerOf(api);
  }

  start(): Unsubscribable {
    this.#api.on('changed', this.#onChanged);
    this.#api.on('closed', this.#onClosed);
    this.#listening = true;
    this.#run();
    return this;
  }

  /** Teardown by the subscriber: cancel an in-flight request on the engine. */
  unsubscribe(): void {
    if (this.#done) return;
    this.#done = true;
    this.#cleanup(true);
  }

  readonly #onChanged = (): void => {
    if (this.#done) return;
    if (this.#flight) this.#supersede(this.#flight);
    else this.#schedule();
  };

  readonly #onClosed = (): void => {
    if (this.#done) return;
    this.#done = true;
    this.#cleanup(false);
    this.#subscriber.complete();
  };

  #globalApi(): QixApi | undefined {
    if (this.#global === null) {
      const { global } = this.#options;
      this.#global = global === false ? undefined : (global ?? globalOf(this.#api));
    }
    return this.#global;
  }

  #setBusy(value: boolean): void {
    if (this.#busy === value) return;
    this.#busy = value;
    if (value) this.#activity.enter();
    else this.#activity.leave();
  }

  #schedule(): void {
    if (this.#done || this.#scheduled) return;
    this.#setBusy(true);
    const scheduler = this.#options.scheduler;
    if (scheduler === undefined || scheduler === asapScheduler) {
      // The default window, one microtask, without an action object per invalidation.
      this.#scheduled = true;
      resolved.then(this.#onScheduled);
    } else {
      this.#scheduled = scheduler.schedule(this.#onScheduled);
    }
  }

  readonly #onScheduled = (): void => {
    if (this.#scheduled === undefined) return; // cancelled by the teardown meanwhile
    this.#scheduled = undefined;
    this.#run();
  };

  #run(): void {
    if (this.#done) return;
    this.#setBusy(true);
    const flight = new Flight();
    let input: ObservableInput<T>;
    try {
      input = this.#fetch(this.#api, flight);
    } catch (error) {
      this.#fail(error);
      return;
    }
    // Known before anything can be delivered (and a subscriber leave): an answered request is
    // never cancelled.
    flight.requestId = requestIdOf(input);
    this.#flight = flight;
    if (typeof (input as PromiseLike<T> | null)?.then === 'function') {
      // A promise (what enigma.js returns): one `then`, no Observable around it.
      flight.settlesLater = true;
      (input as PromiseLike<T>).then(
        (value) => {
          flight.requestId = undefined;
          if (this.#deliver(flight, value)) this.#settle(flight, undefined, false);
        },
        (error: unknown) => {
          flight.requestId = undefined;
          this.#settle(flight, error, true);
        },
      );
      return;
    }
    const subscription = from(input).subscribe({
      next: (value) => {
        this.#deliver(flight, value);
      },
      error: (error: unknown) => this.#settle(flight, error, true),
      complete: () => this.#settle(flight, undefined, false),
    });
    if (this.#flight === flight) flight.subscription = subscription;
  }

  /** Hands a value to the subscriber unless the fetch was superseded; false when it must not settle. */
  #deliver(flight: Flight, value: T): boolean {
    if (flight.superseded || this.#done) return true;
    this.#abortedInRow = 0;
    this.#subscriber.next(value);
    // The subscriber may have left (or the loop ended) while taking the value.
    return !this.#done;
  }

  #settle(flight: Flight, error: unknown, failed: boolean): void {
    if (this.#flight !== flight || this.#done) return;
    this.#flight = undefined;
    if (flight.superseded) {
      this.#schedule();
      return;
    }
    if (!failed) {
      this.#setBusy(false);
      return;
    }
    const kind = classifyFailure(error);
    if (kind === 'suspended' || kind === 'lost') {
      // Idle until enigma.js restores the handle (`changed`) or gives it up (`closed`).
      this.#setBusy(false);
      return;
    }
    if (kind === 'aborted' && this.#abortedInRow < this.#abortedRetries) {
      this.#abortedInRow++;
      this.#schedule();
      return;
    }
    this.#fail(error);
  }

  #supersede(flight: Flight): void {
    if (flight.superseded) return;
    flight.superseded = true;
    flight.abort();
    cancelOnEngine(this.#globalApi(), flight.pending());
    if (!flight.settlesLater) {
      flight.subscription?.unsubscribe();
      this.#flight = undefined;
      this.#schedule();
    }
  }

  #cleanup(cancel: boolean): void {
    if (this.#listening) {
      this.#listening = false;
      removeListener(this.#api, 'changed', this.#onChanged);
      removeListener(this.#api, 'closed', this.#onClosed);
    }
    const scheduled = this.#scheduled;
    this.#scheduled = undefined;
    if (scheduled !== undefined && scheduled !== true) scheduled.unsubscribe();
    const flight = this.#flight;
    this.#flight = undefined;
    if (flight) {
      flight.abort();
      if (cancel && !flight.superseded) cancelOnEngine(this.#globalApi(), flight.pending());
      flight.subscription?.unsubscribe();
    }
    this.#setBusy(false);
  }

  #fail(error: unknown): void {
    if (this.#done) return;
    this.#done = true;
    this.#cleanup(false);
    const { method } = this.#options;
    this.#subscriber.error(
      toRxQixError(error, method === undefined ? { objectId: this.#api.id } : { method, objectId: this.#api.id }),
    );
  }
}
