/**
 * What every subscriber of a run has received: its latest value, when it first held the value
 * the run is waiting for, and how many layouts reached it that were already out of date.
 */
export class Board {
  readonly #expected: number[];
  readonly #latest: number[];
  readonly #done: boolean[];
  #holding = 0;
  #waiter: { resolve: (at: number) => void } | undefined;
  #doneAt = Number.NaN;
  /** Deliveries of a state older than the newest selection answered when they arrived. */
  stale = 0;
  /** Deliveries that replaced the final value with something else, after the subscriber held it. */
  staleAfterFinal = 0;
  deliveries = 0;
  /** Which selection a value reflects (-1: none), and which selection was answered last. */
  readonly #selectionOf: (value: number) => number | undefined;
  answered = -1;

  constructor(subscribers: number, selectionOf: (value: number) => number | undefined = () => undefined) {
    this.#expected = new Array<number>(subscribers).fill(Number.NaN);
    this.#latest = new Array<number>(subscribers).fill(Number.NaN);
    this.#done = new Array<boolean>(subscribers).fill(false);
    this.#selectionOf = selectionOf;
  }

  /** Waits from now on for subscriber i to hold `expected(i)`; resolves with the time the last one did. */
  expect(expected: (i: number) => number): Promise<number> {
    this.#holding = 0;
    this.#doneAt = Number.NaN;
    for (let i = 0; i < this.#expected.length; i++) {
      const value = expected(i);
      this.#expected[i] = value;
      this.#done[i] = this.#latest[i] === value;
      if (this.#done[i]) this.#holding++;
    }
    return new Promise((resolve) => {
      if (this.#holding === this.#expected.length) resolve(performance.now());
      else this.#waiter = { resolve };
    });
  }

  /** The time the last subscriber reached the expected value (NaN while some have not). */
  get doneAt(): number {
    return this.#doneAt;
  }

  deliver(i: number, value: number): void {
    this.deliveries++;
    const selection = this.#selectionOf(value);
    if (selection !== undefined && selection < this.answered) this.stale++;
    this.#latest[i] = value;
    const expected = this.#expected[i];
    if (this.#done[i]) {
      if (value !== expected) {
        this.staleAfterFinal++;
        this.#done[i] = false;
        this.#holding--;
      }
      return;
    }
    if (value === expected) {
      this.#done[i] = true;
      this.#holding++;
      if (this.#holding === this.#expected.length) {
        this.#doneAt = performance.now();
        this.#waiter?.resolve(this.#doneAt);
        this.#waiter = undefined;
      }
    }
  }
}
