import { createSimulator, type Simulator } from '@qixflow/sense-sim';
import type { Subscription } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionObjectLayout } from '../../src/index.js';
import { eventually, openSessionApp, settle } from '../helpers.js';

// An engine that starts every calculation when it reads it and aborts the ones a selection makes
// outdated (LOCERR_GENERIC_ABORTED), as enigma.js says a real engine may: rx must end on the final
// state without surfacing the aborts.
let sim: Simulator;
beforeAll(async () => {
  sim = await createSimulator({
    site: 'demo',
    https: false,
    calculations: { model: 'concurrent', abortOnChange: true },
  });
});
afterAll(() => sim.close());

const ROWS = 200_000;
const SCRIPT = `T: LOAD RecNo() as Id, Mod(RecNo(), 10) as F, Mod(RecNo(), 997) as G AUTOGENERATE ${ROWS};`;

/** Sum(Id) over the rows where F = v. */
function totalWhere(v: number): number {
  let sum = 0;
  for (let id = v === 0 ? 10 : v; id <= ROWS; id += 10) sum += id;
  return sum;
}

function cube(n: number): Record<string, unknown> & { qInfo: { qType: string } } {
  return {
    qInfo: { qType: 'rx-engine-aborts' },
    qHyperCubeDef: {
      qDimensions: [{ qDef: { qFieldDefs: ['G'] } }],
      qMeasures: [{ qDef: { qDef: `Sum(Id)*${n}` } }],
      qInitialDataFetch: [{ qTop: 0, qLeft: 0, qWidth: 2, qHeight: 10 }],
    },
  };
}

describe('sessionObjectLayout on an engine that aborts outdated calculations', () => {
  it('ends every subscriber on the final selection, with no error, while the engine aborts', async () => {
    const app = await openSessionApp(sim, SCRIPT);
    const totals: (number | undefined)[] = [undefined, undefined, undefined];
    const errors: unknown[] = [];
    const subscriptions: Subscription[] = totals.map((_, i) =>
      sessionObjectLayout(app.doc, cube(i + 1)).subscribe({
        next: (layout) => {
          totals[i] = layout.qHyperCube?.qGrandTotalRow?.[0]?.qNum as number;
        },
        error: (error: unknown) => errors.push(error),
      }),
    );
    try {
      await eventually(() => totals.every((t) => t !== undefined), 20_000, 'first layouts');
      const before = sim.stats().engine.aborted.GetLayout ?? 0;
      const field = await app.doc.getField('F');
      // The layouts the first selection causes wait behind a held one until the next selection lands.
      sim.control.delayResponses({ method: 'GetLayout', ms: 2000, count: 1 });
      await field.selectValues([{ qNumber: 0, qIsNumeric: true }]);
      await eventually(() => sim.stats().engine.runningRequests >= 3, 5000, 'held layouts');
      // Then selections faster than the layouts: each one lands while the previous ones calculate.
      for (let v = 1; v < 10; v++) {
        void field.selectValues([{ qNumber: v, qIsNumeric: true }]);
        await settle(3);
      }
      const final = totalWhere(9);
      await eventually(() => totals.every((t, i) => t === final * (i + 1)), 20_000, 'final layouts');
      expect(errors).toEqual([]);
      // Calculations did end aborted (the counter also counts rx's own CancelRequests).
      expect((sim.stats().engine.aborted.GetLayout ?? 0) - before).toBeGreaterThan(0);
    } finally {
      for (const subscription of subscriptions) subscription.unsubscribe();
      await app.close();
    }
  });
});
