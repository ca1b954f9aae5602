/**
 * Trustworthy side-by-side figures on a noisy machine: every contender runs in every round, the
 * order rotates from round to round (no contender always goes first, or always runs right after
 * the one that leaves the most garbage), warm-up rounds are run and dropped, and the result of each
 * contender is the median over the rounds with its spread. Ratios are taken between medians of
 * the same run.
 */

/** The median of a metric over the rounds, with the smallest and largest value seen. */
export interface Summary {
  median: number;
  min: number;
  max: number;
  samples: number[];
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, samples: [] };
  const median =
    n % 2 === 1 ? (sorted[(n - 1) / 2] as number) : ((sorted[n / 2 - 1] as number) + (sorted[n / 2] as number)) / 2;
  return { median, min: sorted[0] as number, max: sorted[n - 1] as number, samples: [...samples] };
}

/** `min–max (±x % of the median)`: the spread over the rounds, printed next to every median. */
export function spreadOf(summary: Summary, digits = 0): string {
  const half = summary.median === 0 ? 0 : ((summary.max - summary.min) / 2 / Math.abs(summary.median)) * 100;
  return `${summary.min.toFixed(digits)}–${summary.max.toFixed(digits)} (±${half.toFixed(0)} %)`;
}

export interface RoundsOptions<C> {
  contenders: readonly C[];
  /** Measured rounds (each runs every contender once). */
  rounds: number;
  /** Rounds run first and dropped (JIT, caches, the simulator's own warm-up). */
  warmUps: number;
  /** Called before each measured or warm-up run (progress output). */
  onRun?: (contender: C, round: number, warmUp: boolean) => void;
}

/**
 * Runs `run(contender, round)` for every contender in every round, rotating the order: round r
 * starts with contender r mod n. Returns the measured results per contender, in round order.
 */
export async function alternate<C, R>(
  options: RoundsOptions<C>,
  run: (contender: C, round: number) => Promise<R>,
): Promise<Map<C, R[]>> {
  const { contenders, rounds, warmUps } = options;
  const results = new Map<C, R[]>(contenders.map((c) => [c, []]));
  const n = contenders.length;
  for (let round = 0; round < warmUps + rounds; round++) {
    const warmUp = round < warmUps;
    for (let i = 0; i < n; i++) {
      const contender = contenders[(round + i) % n] as C;
      options.onRun?.(contender, round, warmUp);
      const result = await run(contender, round);
      if (!warmUp) results.get(contender)?.push(result);
    }
  }
  return results;
}

/** Collects garbage (the bench runs with --expose-gc) a few times so that heap figures are live data. */
async function collectGarbage(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return;
  for (let i = 0; i < 3; i++) {
    gc();
    // Let finalizers and weak callbacks run between passes.
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Live heap after a full collection, in bytes. */
export async function liveHeap(): Promise<number> {
  await collectGarbage();
  return process.memoryUsage().heapUsed;
}
