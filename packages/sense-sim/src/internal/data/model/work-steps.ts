/**
 * Long data-model work (building the associative model of millions of rows, ranking a big
 * field's texts) written once as a generator that stops about every thousand units of work, so the
 * same code runs straight through (small apps, unit tests) or cooperatively inside a reload,
 * giving the event loop a turn every few milliseconds and honouring the reload's abort signal.
 */

/** Work that offers to pause: each `yield` says how many units were done since the previous one. */
export type WorkSteps<T> = Generator<number, T, void>;

/** What paced work needs (a reload's guard is one): a cheap "is it time?" and the pause itself. */
export interface WorkPacer {
  /** Counts units of work; true when the caller should `await pause()`. */
  due(units?: number): boolean;
  /** Lets the event loop run; throws to stop the work (aborted, out of budget). */
  pause(): Promise<void>;
}

/** Units of work (cells, values, comparisons) between two offers to pause. */
export const STEP_UNITS = 1024;

/** Runs the steps straight through. */
export function runSteps<T>(steps: WorkSteps<T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/** Runs the steps, pausing whenever the pacer says so; an error thrown by `pause()` ends the work. */
export async function runStepsPaced<T>(steps: WorkSteps<T>, pacer: WorkPacer): Promise<T> {
  try {
    for (;;) {
      const next = steps.next();
      if (next.done) return next.value;
      if (pacer.due(next.value)) await pacer.pause();
    }
  } finally {
    // Stopped early (aborted): let the generator run its own `finally` blocks, if any.
    steps.return(undefined as T);
  }
}

/**
 * The order of `n` items under `compare` (a total order: ties must be broken): the item numbers
 * `0..n-1` sorted, by a bottom-up merge sort that yields between runs; equal to sorting `0..n-1`
 * with `compare`.
 */
export function* sortedOrderSteps(n: number, compare: (a: number, b: number) => number): WorkSteps<Int32Array> {
  let from = new Int32Array(n);
  for (let i = 0; i < n; i++) from[i] = i;
  let to = new Int32Array(n);
  let done = 0;
  for (let width = 1; width < n; width *= 2) {
    for (let start = 0; start < n; start += 2 * width) {
      const middle = Math.min(start + width, n);
      const end = Math.min(start + 2 * width, n);
      let left = start;
      let right = middle;
      for (let k = start; k < end; k++) {
        if (left < middle && (right >= end || compare(from[left] as number, from[right] as number) <= 0))
          to[k] = from[left++] as number;
        else to[k] = from[right++] as number;
        // Inside the merge: the last passes merge runs of the whole field.
        if (++done === STEP_UNITS) {
          yield done;
          done = 0;
        }
      }
    }
    [from, to] = [to, from];
  }
  return from;
}

/** The rank of each of `n` items under `compare` (a total order: ties must be broken). */
export function* rankSteps(n: number, compare: (a: number, b: number) => number): WorkSteps<Int32Array> {
  const order = yield* sortedOrderSteps(n, compare);
  const ranks = new Int32Array(n);
  for (let rank = 0; rank < n; rank++) ranks[order[rank] as number] = rank;
  return ranks;
}
