import {
  asapScheduler,
  from,
  Observable,
  type ObservableInput,
  type SchedulerLike,
  type Subscriber,
  type Subscription,
} from 'rxjs';
import { activityOf } from '../internal/activity.js';
import { assertApi, requestIdOf } from '../internal/call.js';
import { cancelOnEngine, globalOf } from '../internal/cancel-requests.js';
import { classifyFailure, toRxQixError } from '../internal/classify-failure.js';
import { listen } from '../internal/listen.js';
import { trackerOf } from '../internal/session-tracker.js';
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

interface Flight {
  /** Request ids of this fetch's engine calls that have not been answered yet. */
  readonly pending: Set<number>;
  readonly controller: AbortController;
  /** A promise result can be neither stopped nor unsubscribed: rx waits for it to settle. */
  readonly settlesLater: boolean;
  superseded: boolean;
  subscription: Subscription | undefined;
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
  return new Observable<T>((subscriber) => run(api, fetch, options, abortedRetries, subscriber));
}

function run<A extends QixApi, T>(
  api: A,
  fetch: (api: A, context: FetchContext) => ObservableInput<T>,
  options: RefetchOptions,
  abortedRetries: number,
  subscriber: Subscriber<T>,
): () => void {
  const scheduler = options.scheduler ?? asapScheduler;
  const activity = activityOf(api);
  trackerOf(api);
  let global: QixApi | undefined | null = null;
  const globalApi = (): QixApi | undefined => {
    if (global === null) global = options.global === false ? undefined : (options.global ?? globalOf(api));
    return global;
  };
  let busy = false;
  let scheduled: Subscription | undefined;
  let flight: Flight | undefined;
  let abortedInRow = 0;
  let done = false;

  const setBusy = (value: boolean): void => {
    if (busy === value) return;
    busy = value;
    if (value) activity.enter();
    else activity.leave();
  };

  const schedule = (): void => {
    if (done || scheduled) return;
    setBusy(true);
    scheduled = scheduler.schedule(() => {
      scheduled = undefined;
      start();
    });
  };

  const start = (): void => {
    if (done) return;
    setBusy(true);
    const controller = new AbortController();
    const pending = new Set<number>();
    const context: FetchContext = {
      signal: controller.signal,
      track: (p) => {
        trackRequest(pending, p);
        return p;
      },
    };
    let input: ObservableInput<T>;
    try {
      input = fetch(api, context);
    } catch (error) {
      fail(error);
      return;
    }
    // Registered before `from(input)` subscribes: by the time the value is delivered (and a
    // subscriber may leave), the request is known to be answered and is not cancelled.
    trackRequest(pending, input);
    const current: Flight = {
      pending,
      controller,
      settlesLater: typeof (input as PromiseLike<T>)?.then === 'function',
      superseded: false,
      subscription: undefined,
    };
    flight = current;
    const subscription = from(input).subscribe({
      next: (value) => {
        if (current.superseded || done) return;
        abortedInRow = 0;
        subscriber.next(value);
      },
      error: (error: unknown) => settle(current, error, true),
      complete: () => settle(current, undefined, false),
    });
    if (flight === current) current.subscription = subscription;
  };

  const settle = (current: Flight, error: unknown, failed: boolean): void => {
    if (flight !== current || done) return;
    flight = undefined;
    if (current.superseded) {
      schedule();
      return;
    }
    if (!failed) {
      setBusy(false);
      return;
    }
    const kind = classifyFailure(error);
    if (kind === 'suspended' || kind === 'lost') {
      // Idle until enigma.js restores the handle (`changed`) or gives it up (`closed`).
      setBusy(false);
      return;
    }
    if (kind === 'aborted' && abortedInRow < abortedRetries) {
      abortedInRow++;
      schedule();
      return;
    }
    fail(error);
  };

  const supersede = (current: Flight): void => {
    if (current.superseded) return;
    current.superseded = true;
    current.controller.abort();
    cancelOnEngine(globalApi(), [...current.pending]);
    if (!current.settlesLater) {
      current.subscription?.unsubscribe();
      flight = undefined;
      schedule();
    }
  };

  const cleanup = (cancel: boolean): void => {
    offChanged();
    offClosed();
    scheduled?.unsubscribe();
    scheduled = undefined;
    const current = flight;
    flight = undefined;
    if (current) {
      current.controller.abort();
      if (cancel && !current.superseded) cancelOnEngine(globalApi(), [...current.pending]);
      current.subscription?.unsubscribe();
    }
    setBusy(false);
  };

  const fail = (error: unknown): void => {
    if (done) return;
    done = true;
    cleanup(false);
    subscriber.error(
      toRxQixError(error, {
        ...(options.method === undefined ? {} : { method: options.method }),
        objectId: api.id,
      }),
    );
  };

  const offChanged = listen(api, 'changed', () => {
    if (done) return;
    if (flight) supersede(flight);
    else schedule();
  });
  const offClosed = listen(api, 'closed', () => {
    if (done) return;
    done = true;
    cleanup(false);
    subscriber.complete();
  });

  start();
  return () => {
    if (done) return;
    done = true;
    cleanup(true);
  };
}

/** Adds an enigma.js call's request id to `pending` until the call is answered. */
function trackRequest(pending: Set<number>, call: unknown): void {
  const id = requestIdOf(call);
  if (id === undefined || pending.has(id)) return;
  pending.add(id);
  const done = (): void => {
    pending.delete(id);
  };
  (call as PromiseLike<unknown>).then(done, done);
}
