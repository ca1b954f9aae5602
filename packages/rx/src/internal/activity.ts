import { defer, type Observable, of, Subject, take } from 'rxjs';
import type { QixApi } from '../types/qix-api.js';

/**
 * Counts the live queries of one enigma.js session that are fetching or about to (a change was
 * announced and the refetch is scheduled). `settled()` is how {@link selectAndWait} knows that
 * every layout the engine invalidated has been refetched.
 */
export class Activity {
  #busy = 0;
  readonly #idle = new Subject<void>();

  get busy(): number {
    return this.#busy;
  }

  enter(): void {
    this.#busy++;
  }

  leave(): void {
    this.#busy--;
    if (this.#busy === 0) this.#idle.next();
  }

  /** Emits once (and completes) as soon as no live query is busy. */
  settled(): Observable<void> {
    return defer(() => (this.#busy === 0 ? of(undefined) : this.#idle.pipe(take(1))));
  }
}

const activities = new WeakMap<object, Activity>();

/** The activity counter of an API object's session (of the object itself when it has no session). */
export function activityOf(api: QixApi): Activity {
  const owner: object = api.session ?? api;
  let activity = activities.get(owner);
  if (!activity) {
    activity = new Activity();
    activities.set(owner, activity);
  }
  return activity;
}
