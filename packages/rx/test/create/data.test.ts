import { firstValueFrom, toArray } from 'rxjs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  fieldStates,
  genericObject,
  hyperCubeMatrix,
  hyperCubePages,
  listObjectPages,
  type NxDataPage,
  reloads,
  sessionObject,
  streamHyperCube,
  variableValue,
} from '../../src/index.js';
import { bigScript, eventually, first$, KPI, openApp, openSessionApp, startSimulator } from '../helpers.js';

// One simulator per file.
const sim = await startSimulator();
afterAll(async () => {
  await sim.close();
});
afterEach(() => {
  sim.control.reset();
});

const PAGE = { qLeft: 0, qTop: 0, qWidth: 1, qHeight: 50 };

describe('data pages (no data needed)', () => {
  it('hyperCubePages emits the pages of an object and follows its invalidations', async () => {
    const { doc, traffic, close } = await openApp(sim);
    const seen: (readonly NxDataPage[])[] = [];
    const sub = hyperCubePages(genericObject(doc, KPI), '/qHyperCubeDef', [PAGE]).subscribe((p) => seen.push(p));
    await eventually(() => seen.length === 1);
    expect(seen[0]![0]!.qArea).toMatchObject({ qLeft: 0, qTop: 0 });
    expect(Object.isFrozen(seen[0])).toBe(true);
    expect(traffic.requests('GetHyperCubeData').map((f) => f.params)).toEqual([['/qHyperCubeDef', [PAGE]]]);
    const kpi = await doc.getObject(KPI);
    kpi.emit('changed');
    await eventually(() => traffic.count('GetHyperCubeData') === 2);
    sub.unsubscribe();
    await close();
  });

  it('refuses more than 10 000 cells per call before sending anything', async () => {
    const { doc, close } = await openApp(sim);
    expect(() =>
      hyperCubePages(genericObject(doc, KPI), '/qHyperCubeDef', [{ qLeft: 0, qTop: 0, qWidth: 3, qHeight: 3334 }]),
    ).toThrow('hyperCubePages: 10002 cells requested in one call; the engine allows at most 10000 (error 7009)');
    expect(() => listObjectPages(genericObject(doc, KPI), '/qListObjectDef', [])).toThrow(TypeError);
    await close();
  });

  it('listObjectPages emits the pages of a list object', async () => {
    const { doc, close } = await openApp(sim);
    const [page] = await first$(listObjectPages(genericObject(doc, 'twNGuO'), '/qListObjectDef', [PAGE]));
    expect(page!.qArea).toMatchObject({ qLeft: 0, qTop: 0, qWidth: 1 });
    // rows only once the data engine has loaded the app; one cell per row either way
    expect(page!.qMatrix?.length).toBeLessThanOrEqual(PAGE.qHeight);
    expect(page!.qMatrix?.every((row) => row.length === 1)).toBe(true);
    await close();
  });

  it('streamHyperCube pages a cube in calls of at most 10 000 cells', async () => {
    const { doc, traffic, close } = await openApp(sim);
    const kpi = await doc.getObject(KPI);
    // The size is given (the demo cube is empty today): the requests on the wire are what counts.
    const pages = await firstValueFrom(streamHyperCube(kpi, { size: { qcx: 3, qcy: 25_000 } }).pipe(toArray()));
    const requested = traffic
      .requests('GetHyperCubeData')
      .map((f) => (f.params as [string, { qTop: number; qWidth: number; qHeight: number }[]])[1]);
    expect(requested).toHaveLength(8);
    expect(requested.every((r) => r.length === 1 && r[0]!.qWidth * r[0]!.qHeight <= 10_000)).toBe(true);
    expect(requested.map((r) => r[0]!.qTop)).toEqual([0, 3333, 6666, 9999, 13332, 16665, 19998, 23331]);
    expect(requested.at(-1)![0]!.qHeight).toBe(1669);
    expect(pages).toHaveLength(8);
    await close();
  });

  it('streamHyperCube reads the size from the layout, and cancels its in-flight page when unsubscribed', async () => {
    const { doc, traffic, close } = await openApp(sim);
    const kpi = await doc.getObject(KPI);
    const { qSize } = (await kpi.getLayout()).qHyperCube;
    traffic.clear();
    const streamed = await firstValueFrom(streamHyperCube(kpi).pipe(toArray()));
    expect(traffic.count('GetLayout')).toBe(1);
    expect(streamed.reduce((n, page) => n + (page.qMatrix?.length ?? 0), 0)).toBe(qSize.qcy); // 0 without data
    expect(traffic.count('GetHyperCubeData')).toBe(Math.ceil(qSize.qcy / Math.floor(10_000 / qSize.qcx)));

    traffic.clear();
    sim.control.delayResponses({ method: 'GetHyperCubeData', ms: 2000, count: 1 });
    const sub = streamHyperCube(kpi, { size: { qcx: 1, qcy: 5 } }).subscribe();
    await eventually(() => traffic.count('GetHyperCubeData') === 1);
    sub.unsubscribe();
    await eventually(() => traffic.count('CancelRequest') === 1);
    expect(traffic.requests('CancelRequest')[0]!.params).toEqual([traffic.requests('GetHyperCubeData')[0]!.id]);
    await close();
  });

  it('hyperCubeMatrix emits the whole matrix and refetches it on change', async () => {
    const { doc, traffic, close } = await openApp(sim);
    const { qSize } = (await (await doc.getObject(KPI)).getLayout()).qHyperCube;
    traffic.clear();
    const seen: (readonly unknown[])[] = [];
    const sub = hyperCubeMatrix(genericObject(doc, KPI)).subscribe((m) => seen.push(m));
    await eventually(() => seen.length === 1);
    expect(seen[0]).toHaveLength(qSize.qcy); // 0 rows without data
    (await doc.getObject(KPI)).emit('changed');
    await eventually(() => traffic.count('GetLayout') === 2);
    sub.unsubscribe();
    await close();
  });
});

describe('data pages (with data)', () => {
  it('hyperCubeMatrix fetches a 25 000-row cube in pages of at most 10 000 cells', async () => {
    const app = await openSessionApp(sim, bigScript());
    const table$ = sessionObject(app.doc, {
      qInfo: { qType: 'big-table' },
      qHyperCubeDef: { qDimensions: [{ qDef: { qFieldDefs: ['N'] } }, { qDef: { qFieldDefs: ['Bucket'] } }] },
    });
    const rows = await first$(hyperCubeMatrix(table$), undefined, 15_000);
    expect(rows).toHaveLength(25_000);
    const calls = app.traffic.requests('GetHyperCubeData');
    expect(calls).toHaveLength(5);
    for (const call of calls) {
      const [, pages] = call.params as [string, { qWidth: number; qHeight: number }[]];
      expect(pages.reduce((n, p) => n + p.qWidth * p.qHeight, 0)).toBeLessThanOrEqual(10_000);
    }
    await app.close();
  });

  it('fieldStates lists every value with its state', async () => {
    const app = await openSessionApp(sim, bigScript(10));
    const states = await first$(fieldStates(app.doc, 'Region'));
    expect(states.field).toBe('Region');
    expect(states.values.map((v) => v.qText).sort()).toEqual(['Americas', 'DACH', 'Nordics']);
    expect(states.values.every((v) => v.qState === 'O')).toBe(true);
    await app.close();
  });

  it('variableValue evaluates expression variables', async () => {
    const app = await openSessionApp(sim, bigScript(10));
    await app.doc.createSessionVariable({ qInfo: { qType: 'variable' }, qName: 'vTotal', qDefinition: '=Sum(Amount)' });
    expect((await first$(variableValue(app.doc, 'vTotal'))).num).toBe(500);
    await app.close();
  });

  it('reloads emits the new reload time after a reload', async () => {
    const app = await openSessionApp(sim, bigScript(10));
    const next = first$(reloads(app.doc), undefined, 10_000);
    await eventually(() => app.traffic.count('GetAppLayout') === 1);
    await app.doc.doReload();
    expect(typeof (await next)).toBe('string');
    await app.close();
  });
});
