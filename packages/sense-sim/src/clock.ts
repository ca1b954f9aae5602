/** The simulator's notion of time. Injected so tests can move time without waiting. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/** The real clock. */
export const systemClock: Clock = { now: () => Date.now() };

/**
 * A clock that only moves when told to: session timeouts, licence cool-downs and JWT
 * `exp`/`nbf` checks all read it.
 *
 * @example
 * ```ts
 * const clock = new ManualClock();
 * const sim = await createSimulator({ clock });
 * clock.advance(5 * 60_000); // five minutes later
 * sim.sweep();               // end the sessions that timed out meanwhile
 * ```
 */
export class ManualClock implements Clock {
  #now: number;

  constructor(start: number | Date = Date.now()) {
    this.#now = typeof start === 'number' ? start : start.getTime();
  }

  now(): number {
    return this.#now;
  }

  /** Moves the clock forward by `ms` milliseconds. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new TypeError(`ManualClock.advance: ms must be >= 0, got ${ms}`);
    this.#now += ms;
  }

  /** Sets the clock to an absolute time. */
  set(time: number | Date): void {
    this.#now = typeof time === 'number' ? time : time.getTime();
  }
}
