import { EngineError } from './engine-error.js';

/**
 * The engine's calculation slot in the `queued` and `concurrent` calculation models: calculations (GetLayout,
 * Get…Data) take turns, one at a time — the simulator has one thread — while every other request
 * (a selection, CancelRequest) is answered as soon as it is read, as the real engine's socket
 * thread does. Each turn starts in a macrotask of its own, so frames that arrived meanwhile are
 * read between two calculations. A calculation cancelled while it waits leaves the queue at once
 * and is answered `LOCERR_GENERIC_ABORTED` without being computed.
 */
export class CalculationSlot {
  /**
   * `queued`: a calculation computes the selections at the start of its turn; `concurrent`: those
   * of the moment it was read.
   */
  readonly model: 'queued' | 'concurrent';
  readonly #waiting: { start: () => void; signal: AbortSignal; onAbort: () => void }[] = [];
  #busy = false;

  constructor(model: 'queued' | 'concurrent' = 'queued') {
    this.model = model;
  }

  /** Waits for the slot; resolves with the function that gives it back (call it exactly once). */
  acquire(signal: AbortSignal): Promise<() => void> {
    return new Promise((resolve, reject) => {
      const waiter = {
        signal,
        start: () => {
          signal.removeEventListener('abort', waiter.onAbort);
          this.#busy = true;
          resolve(() => this.#release());
        },
        onAbort: () => {
          const index = this.#waiting.indexOf(waiter);
          if (index >= 0) this.#waiting.splice(index, 1);
          reject(EngineError.of('LOCERR_GENERIC_ABORTED'));
        },
      };
      if (signal.aborted) return waiter.onAbort();
      signal.addEventListener('abort', waiter.onAbort, { once: true });
      this.#waiting.push(waiter);
      if (!this.#busy) this.#next();
    });
  }

  #release(): void {
    this.#busy = false;
    this.#next();
  }

  #next(): void {
    // Reserve the slot now, start the turn after the frames read meanwhile were handled.
    const waiter = this.#waiting.shift();
    if (!waiter) return;
    this.#busy = true;
    setImmediate(() => {
      if (waiter.signal.aborted) {
        // Cancelled while its turn was being prepared: its abort listener has answered it already.
        this.#busy = false;
        this.#next();
        return;
      }
      waiter.start();
    });
  }
}
