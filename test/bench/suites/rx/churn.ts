/**
 * Scenario 4: memory and teardown. First the live heap per subscription (K cube subscriptions,
 * each holding its layout; heap after a full GC minus the heap with the session open, divided by
 * K); then 10 000 subscribe/unsubscribe cycles (lanes of subscribers that each subscribe, wait for
 * the first layout, unsubscribe), timed, followed by what is left: handles and running requests in
 * the engine compared with before, and the heap the cycles left behind after a full GC.
 */
import { liveHeap } from '../../lib/rounds.js';
import { cubeProps, LIGHT_APP, lightTotal, totalOf } from './apps.js';
import { Board } from './board.js';
import type { Contender } from './contenders.js';
import { type RunContext, sleep, within } from './run-context.js';

export interface ChurnRun {
  heapPerSubscription: number;
  ms: number;
  /** Engine handles above the count before the first subscription, once teardowns had time to land. */
  leftoverHandles: number;
  leftoverRequests: number;
  /** Heap after the cycles minus before them (after full GCs). */
  heapLeftBehind: number;
}

const LANES = 50;

export async function churnRun(
  context: RunContext,
  contender: Contender,
  live: number,
  cycles: number,
): Promise<ChurnRun> {
  const client = await context.open(contender, LIGHT_APP);
  try {
    const baseline = await context.stats();
    // 1) live subscriptions
    const board = new Board(live);
    const heapBefore = await liveHeap();
    const initial = board.expect(() => lightTotal(undefined));
    const teardowns: (() => void)[] = [];
    for (let i = 0; i < live; i++) {
      teardowns.push(
        client.subscribe({ kind: 'session', key: `live-${i}`, props: cubeProps(i, `live-${i}`) }, (layout) =>
          board.deliver(i, totalOf(layout) / (i + 1)),
        ),
      );
    }
    await within(initial, 120_000, `${contender.name}: live layouts`);
    await sleep(50);
    const heapPerSubscription = ((await liveHeap()) - heapBefore) / live;
    for (const teardown of teardowns) teardown();
    await backToBaseline(context, baseline.handles);

    // 2) churn
    const heapBeforeChurn = await liveHeap();
    let next = 0;
    const start = performance.now();
    const lane = async (): Promise<void> => {
      for (;;) {
        const cycle = next++;
        if (cycle >= cycles) return;
        const i = cycle % live;
        let first: () => void = () => undefined;
        const delivered = new Promise<void>((resolve) => {
          first = resolve;
        });
        const teardown = client.subscribe(
          { kind: 'session', key: `churn-${cycle}`, props: cubeProps(i, `churn-${cycle}`) },
          () => first(),
        );
        await delivered;
        teardown();
      }
    };
    await within(Promise.all(Array.from({ length: LANES }, lane)), 300_000, `${contender.name}: ${cycles} cycles`);
    const ms = performance.now() - start;
    const after = await backToBaseline(context, baseline.handles);
    const heapLeftBehind = (await liveHeap()) - heapBeforeChurn;
    return {
      heapPerSubscription,
      ms,
      leftoverHandles: after.handles - baseline.handles,
      leftoverRequests: after.runningRequests,
      heapLeftBehind,
    };
  } finally {
    await client.close();
  }
}

/** Waits (up to 10 s) until the engine holds no more handles than `handles`; returns the last stats. */
async function backToBaseline(
  context: RunContext,
  handles: number,
): Promise<{ handles: number; runningRequests: number }> {
  let stats = await context.stats();
  for (let i = 0; i < 500 && (stats.handles > handles || stats.runningRequests > 0); i++) {
    await sleep(20);
    stats = await context.stats();
  }
  return stats;
}
