import { getHeapStatistics } from 'node:v8';
import { BudgetExceeded, ReloadAborted } from './script-error.js';

/**
 * Limits of one reload. Each one that runs out ends the reload with a script error naming it
 * (`Reload budget exceeded: rows (20 000 000) at line 7`); the app keeps its previous data.
 */
export interface ReloadBudgets {
  /** Wall-clock time of the whole reload, in milliseconds. */
  wallTimeMs: number;
  /** Rows the script's tables hold at any time (one AUTOGENERATE counts the rows it asks for). */
  rows: number;
  /** Cells (rows × fields) the script's tables hold at any time. */
  cells: number;
  /**
   * Heap growth since the reload started, in bytes, sampled whenever the executor yields. Capped
   * at run time to half of the V8 heap still free when the reload starts, so the budget always
   * trips before the process runs out of heap.
   */
  memoryBytes: number;
  /** FOR, FOR EACH and DO iterations plus WHILE-clause iterations of LOADs, over the whole reload. */
  loopIterations: number;
}

/** The budgets a reload gets unless the simulator is configured otherwise. */
export const DEFAULT_RELOAD_BUDGETS: Readonly<ReloadBudgets> = Object.freeze({
  wallTimeMs: 10 * 60_000,
  rows: 20_000_000,
  cells: 200_000_000,
  memoryBytes: 2 * 1024 ** 3,
  loopIterations: 10_000_000,
});

/** How long the executor may run before it lets the event loop (sockets, HTTP, aborts) have a turn. */
const SLICE_MS = 4;
/**
 * The slice while other work is waiting: a request arriving mid-slice waits for the slice to end
 * (half a slice on average), so while clients are active the reload runs in shorter slices.
 */
const BUSY_SLICE_MS = 1;
/** A yield that took this long ran other work (requests, timers): the loop is busy. */
const OTHER_WORK_MS = 0.2;
/** How long the short slices last after the event loop was last seen busy. */
const BUSY_FOR_MS = 250;
/** How often `due()` reads the clock: units of work vary from nanoseconds to milliseconds. */
const CHECK_MS = 0.25;
const MAX_CHECK_EVERY = 4096;

/** Bytes of V8 heap in use (what `process.memoryUsage().heapUsed` says, without its RSS system call). */
function heapUsed(): number {
  return getHeapStatistics().used_heap_size;
}

/** What long loops need: a cheap "is it time?" check, and the yield itself. */
export interface Pacer {
  /** Counts units of work; true when the caller should `await pause()`. */
  due(units?: number): boolean;
  /** Lets the event loop run, then throws if the reload was aborted or ran out of time or memory. */
  pause(): Promise<void>;
}

/** A pacer that never yields (for callers outside a reload, e.g. unit tests of file readers). */
export const NO_PACING: Pacer = { due: () => false, pause: async () => {} };

/**
 * Keeps one reload cooperative and bounded. Loops call `due()` per unit of work (it reads the
 * clock only every `checkEvery` units, adapting so a check happens about every quarter of a
 * millisecond) and `pause()` when it says so; `pause()` is the one place that yields, checks the
 * abort signal, the wall time and the heap. A slice lasts 4 ms, or 1 ms while the event loop has
 * other work (a yield that let requests run). Rows, cells and loop iterations are checked where
 * they grow.
 */
export class ReloadGuard implements Pacer {
  readonly budgets: Readonly<ReloadBudgets>;
  readonly #signal: AbortSignal | undefined;
  readonly #startedAt: number;
  readonly #heapAtStart: number;
  #lastYield: number;
  #lastCheck: number;
  /** Until when slices are short: the last yield that ran other work, plus BUSY_FOR_MS. */
  #busyUntil = 0;
  #work = 0;
  #checkEvery = 64;
  #iterations = 0;

  constructor(budgets: Readonly<ReloadBudgets>, signal?: AbortSignal) {
    const used = heapUsed();
    const freeHeap = Math.max(0, getHeapStatistics().heap_size_limit - used);
    this.budgets = { ...budgets, memoryBytes: Math.min(budgets.memoryBytes, Math.floor(freeHeap / 2)) };
    this.#signal = signal;
    this.#startedAt = performance.now();
    this.#lastYield = this.#startedAt;
    this.#lastCheck = this.#startedAt;
    this.#heapAtStart = used;
  }

  due(units = 1): boolean {
    this.#work += units;
    if (this.#work < this.#checkEvery) return false;
    this.#work = 0;
    const now = performance.now();
    const sinceCheck = now - this.#lastCheck;
    this.#lastCheck = now;
    if (sinceCheck < CHECK_MS / 2 && this.#checkEvery < MAX_CHECK_EVERY) this.#checkEvery *= 2;
    else if (sinceCheck > CHECK_MS && this.#checkEvery > 1) this.#checkEvery >>= 1;
    return now - this.#lastYield >= (now < this.#busyUntil ? BUSY_SLICE_MS : SLICE_MS);
  }

  async pause(): Promise<void> {
    this.checkAborted();
    const yielded = performance.now();
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.#lastYield = performance.now();
    if (this.#lastYield - yielded > OTHER_WORK_MS) this.#busyUntil = this.#lastYield + BUSY_FOR_MS;
    this.#lastCheck = this.#lastYield;
    this.checkAborted();
    if (this.#lastYield - this.#startedAt > this.budgets.wallTimeMs) {
      throw new BudgetExceeded('wall time', `${grouped(this.budgets.wallTimeMs)} ms`);
    }
    if (heapUsed() - this.#heapAtStart > this.budgets.memoryBytes) {
      throw new BudgetExceeded('memory', `${grouped(this.budgets.memoryBytes)} bytes of heap growth`);
    }
  }

  /**
   * Throws the memory budget before `bytes` more are read in one go (a data file is read whole):
   * a file larger than what the budget has left would only trip it after the read.
   */
  expectBytes(bytes: number): void {
    if (heapUsed() - this.#heapAtStart + bytes > this.budgets.memoryBytes) {
      throw new BudgetExceeded('memory', `${grouped(this.budgets.memoryBytes)} bytes of heap growth`);
    }
  }

  /** Throws the engine's aborted error once the reload's request was aborted. */
  checkAborted(): void {
    if (this.#signal?.aborted) throw new ReloadAborted();
  }

  /** Counts one iteration of a FOR/DO loop or a WHILE clause against the loop budget. */
  iterate(): void {
    if (++this.#iterations > this.budgets.loopIterations) {
      throw new BudgetExceeded('loop iterations', grouped(this.budgets.loopIterations));
    }
  }

  /**
   * Throws when tables of `rows` rows and `cells` cells in all would exceed the row or cell budget.
   * Callers pass what the script holds plus what the running operation has produced so far.
   */
  hold(rows: number, cells: number): void {
    if (rows > this.budgets.rows) throw new BudgetExceeded('rows', grouped(this.budgets.rows));
    if (cells > this.budgets.cells) throw new BudgetExceeded('cells', grouped(this.budgets.cells));
  }
}

/** `10000000` → `10 000 000`, as the engine groups digits in its messages. */
function grouped(value: number): string {
  return String(Math.floor(value)).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}
