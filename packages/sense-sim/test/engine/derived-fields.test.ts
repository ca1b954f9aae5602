import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../src/index.js';
import { AUTO_CALENDAR } from '../internal/reload/auto-calendar.js';
import { openRaw } from './engine-helpers.js';

const SCRIPT = `SET DateFormat='YYYY-MM-DD';
Orders: LOAD OrderID, Date#(OrderDate, 'YYYY-MM-DD') AS OrderDate, Date#(ShipDate, 'YYYY-MM-DD') AS ShipDate, Sales
INLINE [
OrderID, OrderDate, ShipDate, Sales
1, 2025-01-15, 2025-01-20, 100
2, 2025-03-31, 2025-04-02, 200
3, 2024-12-31, 2025-01-03, 50
];
${AUTO_CALENDAR}`;

type Cube = { qDataPages: { qMatrix: { qText: string; qNum: number | 'NaN' }[][] }[] };

describe('derived calendar fields through the engine', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await createSimulator({ site: 'demo' });
  });
  afterAll(() => sim.close());

  it('a hypercube over [OrderDate.autoCalendar.Year] sums per year, and selecting a year selects its orders', async () => {
    const raw = await openRaw(sim);
    await raw.call('CreateSessionApp');
    await raw.call('SetScript', [SCRIPT], { handle: 1 });
    expect((await raw.call('DoReload', [], { handle: 1 })).result).toEqual({ qReturn: true });
    const created = await raw.call(
      'CreateSessionObject',
      [
        {
          qInfo: { qType: 'chart' },
          qHyperCubeDef: {
            qDimensions: [
              { qDef: { qFieldDefs: ['[OrderDate.autoCalendar.Year]'], qSortCriterias: [{ qSortByNumeric: 1 }] } },
            ],
            qMeasures: [{ qDef: { qDef: 'Sum(Sales)' } }],
            qInitialDataFetch: [{ qTop: 0, qLeft: 0, qWidth: 2, qHeight: 10 }],
          },
        },
      ],
      { handle: 1 },
    );
    const chart = (created.result as { qReturn: { qHandle: number } }).qReturn.qHandle;
    const layout = (await raw.call('GetLayout', [], { handle: chart })).result as { qLayout: { qHyperCube: Cube } };
    // Year is Dual(Year, YearStart): 2024-01-01 is serial 45292, 2025-01-01 is 45658.
    expect(layout.qLayout.qHyperCube.qDataPages[0]?.qMatrix.map((row) => row.map((c) => [c.qText, c.qNum]))).toEqual([
      [
        ['2024', 45292],
        ['50', 50],
      ],
      [
        ['2025', 45658],
        ['300', 300],
      ],
    ]);

    const field = await raw.call('GetField', ['OrderDate.autoCalendar.Year'], { handle: 1 });
    const fieldHandle = (field.result as { qReturn: { qHandle: number } }).qReturn.qHandle;
    expect((await raw.call('SelectValues', [[{ qText: '2025' }]], { handle: fieldHandle })).result).toEqual({
      qReturn: true,
    });
    // Orders 1 (100) and 2 (200) are the ones of 2025.
    const selected = await raw.call('Evaluate', ["Count(OrderID) & ' ' & Sum(Sales)"], { handle: 1 });
    expect(selected.result).toEqual({ qReturn: '2 300' });
    await raw.close();
  });
});
