/**
 * Scenario 3: 20 subscribers on each of 100 persistent objects (by id), then one selection. Per
 * object: how many `GetObject` calls and handles the set-up took, how many `GetLayout` calls the
 * invalidation took, and the time until all 2 000 subscribers hold the final layout.
 */
import { FAN_OUT_OBJECTS, LIGHT_APP, lightTotal, totalOf } from './apps.js';
import { Board } from './board.js';
import type { Contender } from './contenders.js';
import { delta, type RunContext, settle, within } from './run-context.js';

export interface FanOutRun {
  ms: number;
  setUpMs: number;
  getObjectPerObject: number;
  handlesPerObject: number;
  layoutsPerObject: number;
}

const SELECTED = 7;

export async function fanOutRun(context: RunContext, contender: Contender, subscribers: number): Promise<FanOutRun> {
  const objects = FAN_OUT_OBJECTS;
  const board = new Board(objects * subscribers);
  const client = await context.open(contender, LIGHT_APP);
  const teardowns: (() => void)[] = [];
  try {
    const empty = await context.stats();
    const started = performance.now();
    const initial = board.expect(() => lightTotal(undefined));
    for (let o = 0; o < objects; o++) {
      for (let s = 0; s < subscribers; s++) {
        const slot = o * subscribers + s;
        teardowns.push(
          client.subscribe({ kind: 'object', key: `fan-${o}`, id: `fan-${o}` }, (layout) =>
            board.deliver(slot, totalOf(layout) / (o + 1)),
          ),
        );
      }
    }
    const setUpMs = (await within(initial, 120_000, `${contender.name}: first layouts`)) - started;
    await settle(context, () => board.deliveries, 50);
    const before = await context.stats();

    const final = board.expect(() => lightTotal(SELECTED));
    const start = performance.now();
    await client.select('F', [SELECTED]);
    const doneAt = await within(final, 120_000, `${contender.name}: final layouts`);
    await settle(context, () => board.deliveries);
    const after = await context.stats();
    return {
      ms: doneAt - start,
      setUpMs,
      getObjectPerObject: delta(empty.completed, before.completed, 'GetObject') / objects,
      handlesPerObject: (before.handles - empty.handles) / objects,
      layoutsPerObject: delta(before.completed, after.completed, 'GetLayout') / objects,
    };
  } finally {
    for (const teardown of teardowns) teardown();
    await client.close();
  }
}
