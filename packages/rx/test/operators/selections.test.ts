import { firstValueFrom } from 'rxjs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  batchSelections,
  currentSelections,
  field,
  fieldStates,
  type GenericObjectLayout,
  listObjectPages,
  selectAndWait,
  selectionRound,
  sessionObject,
  sessionObjectLayout,
  sessionState,
} from '../../src/index.js';
import { eventually, first$, openSessionApp, SALES_SCRIPT, startSimulator } from '../helpers.js';

const sim = await startSimulator();
afterAll(async () => {
  await sim.close();
});
afterEach(() => {
  sim.control.reset();
});

/** A chart of Sum(Amount) by Region with its data in the layout. */
const CHART = {
  qInfo: { qType: 'region-chart' },
  qHyperCubeDef: {
    qDimensions: [{ qDef: { qFieldDefs: ['Region'] } }],
    qMeasures: [{ qDef: { qDef: 'Sum(Amount)' } }],
    qInitialDataFetch: [{ qLeft: 0, qTop: 0, qWidth: 2, qHeight: 20 }],
  },
};

interface Chart extends GenericObjectLayout {
  qHyperCube: NonNullable<GenericObjectLayout['qHyperCube']>;
}

const rowsOf = (chart: Chart | undefined): string[] =>
  (chart?.qHyperCube.qDataPages?.[0]?.qMatrix ?? []).map((row) => `${row[0]?.qText}=${row[1]?.qText}`);

describe('selections', () => {
  it('selectAndWait emits once the engine confirmed and the invalidated layouts were refetched', async () => {
    const app = await openSessionApp(sim, SALES_SCRIPT);
    const charts: Chart[] = [];
    const sub = sessionObjectLayout(app.doc, CHART).subscribe((l) => charts.push(l));
    await eventually(() => charts.length === 1);
    expect(rowsOf(charts[0]).sort()).toEqual(['Americas=80', 'DACH=280', 'Nordics=140']);

    const answer = await firstValueFrom(
      selectAndWait(field(app.doc, 'Region'), (f) => f.selectValues([{ qText: 'Nordics' }])),
    );
    // at the moment selectAndWait emitted, the chart had already been refetched and emitted
    expect(answer).toBe(true);
    expect(rowsOf(charts.at(-1))).toEqual(['Nordics=140']);
    expect(app.traffic.count('GetLayout')).toBe(2);

    await firstValueFrom(selectAndWait(app.doc, (d) => d.clearAll()));
    expect(rowsOf(charts.at(-1))).toHaveLength(3);
    sub.unsubscribe();
    await app.close();
  });

  it('batchSelections sends every field selection in one round and waits once', async () => {
    const app = await openSessionApp(sim, SALES_SCRIPT);
    const charts: Chart[] = [];
    const subs = [
      sessionObjectLayout(app.doc, CHART).subscribe((l) => charts.push(l)),
      currentSelections(app.doc).subscribe(),
    ];
    await eventually(() => charts.length === 1);
    app.traffic.clear();

    const answers = await firstValueFrom(
      batchSelections(app.doc, [
        { field: 'Region', values: ['DACH'] },
        { field: 'Year', values: [2026] },
      ]),
    );
    expect(answers).toEqual([true, true]);
    expect(rowsOf(charts.at(-1))).toEqual(['DACH=250']);
    // both SelectValues left before the first answer came back
    const selects = app.traffic.log.filter((e) => e.frame.method === 'SelectValues');
    expect(selects).toHaveLength(2);
    const firstAnswer = app.traffic.log.findIndex(
      (e) => e.dir === 'received' && selects.some((s) => s.frame.id === e.frame.id),
    );
    expect(app.traffic.log.indexOf(selects[1]!)).toBeLessThan(firstAnswer);
    const selection = await first$(currentSelections(app.doc));
    expect(selection.qSelections?.map((s) => s.qField).sort()).toEqual(['Region', 'Year']);
    for (const s of subs) s.unsubscribe();
    await app.close();
  });

  it('selectionRound selects in a list object between BeginSelections and EndSelections', async () => {
    const app = await openSessionApp(sim, SALES_SCRIPT);
    const listbox$ = sessionObject(app.doc, {
      qInfo: { qType: 'region-listbox' },
      qListObjectDef: { qDef: { qFieldDefs: ['Region'] } },
    });
    const [page] = await first$(
      listObjectPages(listbox$, '/qListObjectDef', [{ qLeft: 0, qTop: 0, qWidth: 1, qHeight: 10 }]),
    );
    const americas = page!.qMatrix?.find((row) => row[0]?.qText === 'Americas')?.[0]?.qElemNumber ?? -1;
    const answer = await firstValueFrom(
      selectionRound(listbox$, ['/qListObjectDef'], (lb) =>
        lb.selectListObjectValues('/qListObjectDef', [americas], false),
      ),
    );
    expect(answer).toBe(true);
    expect(
      app.traffic.sent.map((f) => f.method).filter((m) => /Selections|SelectListObjectValues/.test(m ?? '')),
    ).toEqual(['BeginSelections', 'SelectListObjectValues', 'EndSelections']);
    const states = await first$(fieldStates(app.doc, 'Region'));
    expect(states.values.find((v) => v.qText === 'Americas')?.qState).toBe('S');
    expect(states.values.filter((v) => v.qState === 'S')).toHaveLength(1);
    await app.close();
  });

  it('fieldStates follows the selections of its state', async () => {
    const app = await openSessionApp(sim, SALES_SCRIPT);
    const seen: { values: readonly { qText?: string; qState?: string }[] }[] = [];
    const sub = fieldStates(app.doc, 'Product').subscribe((s) => seen.push(s));
    await eventually(() => seen.length === 1);
    expect(seen[0]!.values.every((v) => v.qState === 'O')).toBe(true);
    await firstValueFrom(selectAndWait(field(app.doc, 'Region'), (f) => f.selectValues([{ qText: 'DACH' }])));
    const products = Object.fromEntries(seen.at(-1)!.values.map((v) => [v.qText, v.qState]));
    expect(products).toEqual({ Bikes: 'O', Gloves: 'O', Helmets: 'X' });
    sub.unsubscribe();
    await app.close();
  });

  it('a selection attempted while the session is suspended fails with ERR_SESSION_SUSPENDED', async () => {
    const app = await openSessionApp(sim, SALES_SCRIPT);
    const region = await firstValueFrom(field(app.doc, 'Region'));
    await app.session.suspend();
    expect(await firstValueFrom(sessionState(app.doc))).toBe('suspended');
    await expect(
      firstValueFrom(selectAndWait(region, (f) => f.selectValues([{ qText: 'DACH' }]))),
    ).rejects.toMatchObject({
      code: 'ERR_SESSION_SUSPENDED',
    });
    await app.close();
  });
});
