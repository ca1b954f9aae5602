import type { QrsCallOptions, QrsQuery } from '../qrs/qrs-client.js';
import type { SiteChangeCursor, SiteChangeEvent } from './site-change-events.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends object ? Mutable<T[K]> : T[K] };

/** A {@link SiteChangeCursor} as a poller writes it while it polls. */
export type CursorState = Mutable<SiteChangeCursor>;

/** The part of a cursor state {@link advanceCursor} moves (the rest is each poller's own). */
type CursorMarks = Pick<CursorState, 'appsSince' | 'appsAtSince' | 'runsSince' | 'runsAtSince'>;

/**
 * The cursor of a site change poller (QRS or Qlik Cloud) and the skeleton of one poll: the first poll
 * without a cursor only takes the starting point (no events); every later one works on a copy of the
 * cursor, which replaces it only when the whole poll succeeded — a failed poll is repeated, never
 * half-applied — and answers its events oldest first.
 */
export class PolledCursor<S extends CursorMarks> {
  #state: S | undefined;

  /** Starts from a copy of `cursor`, or from nothing (the first poll then bootstraps). */
  constructor(cursor: SiteChangeCursor | undefined) {
    this.#state = cursor ? (structuredClone(cursor) as unknown as S) : undefined;
  }

  /** Where the poller stands (a copy), or undefined before the first poll. */
  current(): SiteChangeCursor | undefined {
    return this.#state ? (structuredClone(this.#state) as unknown as SiteChangeCursor) : undefined;
  }

  /**
   * One poll: without a cursor, `bootstrap` makes the starting point and the answer is []; else
   * `changes` reads what changed into a copy of the cursor and the events, and the copy becomes the
   * cursor once it resolved.
   */
  async poll(
    bootstrap: () => Promise<S>,
    changes: (next: S, events: SiteChangeEvent[]) => Promise<void>,
  ): Promise<SiteChangeEvent[]> {
    if (!this.#state) {
      this.#state = await bootstrap();
      return [];
    }
    const next = structuredClone(this.#state);
    const events: SiteChangeEvent[] = [];
    await changes(next, events);
    this.#state = next;
    return events.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  }
}

/**
 * Moves a cursor's apps or runs mark past an entity dated `at`: a newer date becomes the mark (with
 * just this entity at it); at the mark's own date the entity joins those seen at it (skipped next time).
 */
export function advanceCursor(state: CursorMarks, which: 'apps' | 'runs', at: string, id: string): void {
  const sinceKey = which === 'apps' ? 'appsSince' : 'runsSince';
  const atKey = which === 'apps' ? 'appsAtSince' : 'runsAtSince';
  if (at > state[sinceKey]) {
    state[sinceKey] = at;
    state[atKey] = [id];
  } else if (at === state[sinceKey] && !state[atKey].includes(id)) state[atKey].push(id);
}

/** The options of a QRS or Qlik Cloud call: the query and the signal, each only when given. */
export function callOptions(query: QrsQuery | undefined, signal: AbortSignal | undefined): QrsCallOptions {
  return { ...(query ? { query } : {}), ...(signal ? { signal } : {}) };
}
