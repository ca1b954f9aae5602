/**
 * Scenarios 1 and 2: subscribers on K session-object cubes, then selections — back to back
 * (quick: the engine's change lists coalesce them) or one every 20 ms on cubes that cost the
 * engine tens of ms each (paced: superseded work matters). Per run: time until every subscriber
 * holds the final layout, the engine's completed and aborted `GetLayout` calls, and the layouts
 * that reached a subscriber already out of date.
 */
import { allBut, cubeProps, HEAVY_APP, heavyTotal, type LIGHT_APP, lightTotal, totalOf } from './apps.js';
import { Board } from './board.js';
import type { Contender, Target } from './contenders.js';
import { delta, type RunContext, settle, sleep, within } from './run-context.js';

export interface SelectionRun {
  /** From the first selection sent (quick) or the last one (paced) until every subscriber holds the final layout. */
  ms: number;
  /** Set-up: every subscriber holds its first layout. */
  setUpMs: number;
  layouts: number;
  aborted: number;
  requests: number;
  stale: number;
  staleAfterFinal: number;
  /** Engine time spent in GetLayout and the selections during the run (a floor for `ms`). */
  engineMs: number;
}

export interface SelectionPlan {
  app: typeof LIGHT_APP | typeof HEAVY_APP;
  objects: number;
  selections: number;
  /** 0: all sent back to back; otherwise one every `intervalMs`. */
  intervalMs: number;
}

export async function selectionRun(
  context: RunContext,
  contender: Contender,
  plan: SelectionPlan,
): Promise<SelectionRun> {
  const heavy = plan.app === HEAVY_APP;
  const total = heavy ? heavyTotal : lightTotal;
  const valuesOf = (s: number): number[] => (heavy ? allBut(s) : [s % 50]);
  // Which selection a (normalised) total reflects: stale deliveries are counted from it.
  const selectionByTotal = new Map<number, number>();
  for (let s = 0; s < plan.selections; s++) selectionByTotal.set(total(s), s);
  selectionByTotal.set(total(undefined), -1);
  const board = new Board(plan.objects, (value) => selectionByTotal.get(value));

  const client = await context.open(contender, plan.app);
  const teardowns: (() => void)[] = [];
  try {
    const started = performance.now();
    const initial = board.expect(() => total(undefined));
    for (let i = 0; i < plan.objects; i++) {
      const target: Target = {
        kind: 'session',
        key: `cube-${i}`,
        props: cubeProps(i, `cube-${i}`, heavy ? 'G' : 'L', heavy ? 50 : 26),
      };
      teardowns.push(client.subscribe(target, (layout) => board.deliver(i, totalOf(layout) / (i + 1))));
    }
    const setUpMs = (await within(initial, 120_000, `${contender.name}: first layouts`)) - started;
    await settle(context, () => board.deliveries, 50);
    const before = await context.stats();

    const final = board.expect(() => total(plan.selections - 1));
    const sent: Promise<unknown>[] = [];
    const start = performance.now();
    let lastSent = start;
    for (let s = 0; s < plan.selections; s++) {
      if (plan.intervalMs > 0 && s > 0) await sleep(start + s * plan.intervalMs - performance.now());
      lastSent = performance.now();
      sent.push(
        client.select('F', valuesOf(s)).then(() => {
          if (s > board.answered) board.answered = s;
        }),
      );
    }
    await Promise.all(sent);
    const doneAt = await within(final, 120_000, `${contender.name}: final layouts`);
    await settle(context, () => board.deliveries);
    const after = await context.stats();
    return {
      ms: doneAt - (plan.intervalMs > 0 ? lastSent : start),
      setUpMs,
      layouts: delta(before.completed, after.completed, 'GetLayout'),
      aborted: delta(before.aborted, after.aborted, 'GetLayout'),
      requests: after.requests - before.requests,
      stale: board.stale,
      staleAfterFinal: board.staleAfterFinal,
      engineMs: delta(before.busyMs, after.busyMs, 'GetLayout') + delta(before.busyMs, after.busyMs, 'SelectValues'),
    };
  } finally {
    for (const teardown of teardowns) teardown();
    await client.close();
  }
}
