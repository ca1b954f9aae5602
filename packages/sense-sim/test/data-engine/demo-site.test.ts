import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../src/index.js';
import { isolated, openEnigma, openRaw, type Qix } from '../engine/engine-helpers.js';

const APPS = {
  extract: '6f1c2a8e-3b4d-4e7a-9c15-2d8f0b7e4a31',
  transform: 'a2d94b17-8e3c-4f56-b0a2-71c5e9d3f846',
  dashboard: '5b7e0c93-2f1a-4d8e-a6c4-9e3b2d1f0a57',
  finance: 'd8c3f1a6-4e9b-47d2-8a1f-3c6e5b0d9f12',
  hr: '91e4a7c2-6d3b-4a8f-b5e1-0f2c8d6a3b74',
};

describe('the demo site reloads from its scripts and files', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await createSimulator({ site: 'demo' }); // reloads every app at start, in reload-task order
  });
  afterAll(() => sim.close());

  async function open(id: string): Promise<{ app: Qix; close: () => Promise<void> }> {
    const { session, global } = await openEnigma(sim, isolated(id));
    return { app: (await global.openDoc(id)) as Qix, close: () => session.close() };
  }

  it('builds the data models the scripts describe (rows worked out from the data files)', async () => {
    const expected: Record<string, Record<string, number>> = {
      [APPS.dashboard]: { Sales: 533, Customers: 42, Products: 24, SalesReps: 8, Targets: 60, Calendar: 1096 },
      [APPS.finance]: { Finance: 1426 },
      [APPS.hr]: { Employees: 90, Departments: 8, Locations: 5, Absences: 161, HeadcountPlan: 24 },
      [APPS.extract]: {},
      [APPS.transform]: {},
    };
    for (const [id, tables] of Object.entries(expected)) {
      const { app, close } = await open(id);
      const { qtr } = await app.getTablesAndKeys({ qcx: 0, qcy: 0 }, { qcx: 0, qcy: 0 }, 0, true, false);
      expect(Object.fromEntries(qtr.map((t: { qName: string; qNoOfRows: number }) => [t.qName, t.qNoOfRows]))).toEqual(
        tables,
      );
      expect((await app.getAppLayout()).qHasData).toBe(Object.keys(tables).length > 0);
      await close();
    }
  });

  it('records GetLineage rows in the engine discriminator forms: SQL, QVD reads and STOREs', async () => {
    const extract = await open(APPS.extract);
    const lineage = (await extract.app.getLineage()) as { qDiscriminator: string; qStatement: string }[];
    expect(
      lineage.filter((l) => l.qDiscriminator === 'SalesDB;').map((l) => l.qStatement.replace(/\s+/g, ' ')),
    ).toContain('SELECT * FROM dbo.Products');
    expect(lineage.map((l) => l.qDiscriminator)).toContain('{STORE - [lib://QVDs/sales/Products.qvd] (qvd)};');
    await extract.close();
    const transform = await open(APPS.transform);
    const reads = ((await transform.app.getLineage()) as { qDiscriminator: string }[]).map((l) => l.qDiscriminator);
    expect(reads).toContain('lib://QVDs/sales/Orders.qvd (qvd);');
    expect(reads.some((d) => d.startsWith('RESIDENT '))).toBe(true);
    expect(reads.some((d) => d.startsWith('{STORE - [lib://QVDs/model/SalesFact.qvd]'))).toBe(true);
    await transform.close();
  });

  it('computes the dashboard charts and master measures, and a selection changes them', async () => {
    const { app, close } = await open(APPS.dashboard);
    const measures = (await app.createSessionObject({
      qInfo: { qType: 'ml' },
      qMeasureListDef: { qType: 'measure', qData: { title: '/qMetaDef/title', expr: '/qMeasure/qDef' } },
    })) as Qix;
    const items = (await measures.getLayout()).qMeasureList.qItems as {
      qInfo: { qId: string };
      qData: { expr: string };
    }[];
    const total = items.find((i) => /^Sum\(/i.test(i.qData.expr));
    expect(total).toBeDefined();
    const byRegion = (await app.createSessionObject({
      qInfo: { qType: 'barchart' },
      qHyperCubeDef: {
        qDimensions: [{ qDef: { qFieldDefs: ['Region'] } }],
        qMeasures: [{ qLibraryId: total?.qInfo.qId }],
        qInitialDataFetch: [{ qTop: 0, qLeft: 0, qWidth: 2, qHeight: 20 }],
      },
    })) as Qix;
    const before = await byRegion.getLayout();
    const rows = before.qHyperCube.qDataPages[0].qMatrix as { qText: string; qNum: number | string }[][];
    expect(rows.length).toBeGreaterThan(1);
    const grand = before.qHyperCube.qGrandTotalRow[0].qNum as number;
    const sum = rows.reduce((acc, row) => acc + Number(row[1]?.qNum), 0);
    expect(Math.abs(sum - grand)).toBeLessThan(0.01 * Math.abs(grand) + 1);
    expect(before.qHyperCube.qMeasureInfo[0].qFallbackTitle).toBeTruthy();
    const region = rows[0]?.[0]?.qText ?? '';
    await ((await app.getField('Region')) as Qix).selectValues([{ qText: region }]);
    const after = await byRegion.getLayout();
    expect(after.qHyperCube.qSize.qcy).toBe(1);
    expect(after.qHyperCube.qGrandTotalRow[0].qNum).toBeCloseTo(Number(rows[0]?.[1]?.qNum), 6);
    // Every chart of the fixture lays out without an error
    const sheets = ((await app.getAllInfos()) as { qId: string; qType: string }[]).filter((i) => i.qType === 'sheet');
    for (const info of sheets) {
      const sheet = (await app.getObject(info.qId)) as Qix;
      for (const child of (await sheet.getChildInfos()) as { qId: string }[]) {
        const chart = (await app.getObject(child.qId)) as Qix;
        const layout = await chart.getLayout();
        expect(layout.qError).toBeUndefined();
        expect(JSON.stringify(layout), `chart ${child.qId}`).not.toContain('Error in expression');
      }
    }
    await close();
  });

  it('a script error stops the reload with the line; the previous data stays', async () => {
    const raw = await openRaw(sim);
    await raw.call('CreateSessionApp');
    await raw.call('SetScript', ['LOAD 1 as A AUTOGENERATE 3;\n\nLOAD * FROM [lib://Nowhere/x.csv];\n'], { handle: 1 });
    const reload = await raw.call('DoReload', [], { handle: 1, id: 900 });
    expect(reload.result).toEqual({ qReturn: false });
    const progress = (await raw.call('GetProgress', [900])).result as {
      qProgressData: { qErrorData: { qErrorString: string; qLineNr: number }[] };
    };
    expect(progress.qProgressData.qErrorData[0]).toMatchObject({
      qErrorString: "Connection 'Nowhere' not found",
      qLineNr: 3,
    });
    await raw.call('SetScript', ['T: LOAD RecNo() as N AUTOGENERATE 4;'], { handle: 1 });
    expect((await raw.call('DoReload', [], { handle: 1 })).result).toEqual({ qReturn: true });
    await raw.call('SetScript', ['T: LOAD Nope( as N AUTOGENERATE 4;'], { handle: 1 });
    expect((await raw.call('DoReload', [], { handle: 1 })).result).toEqual({ qReturn: false });
    expect((await raw.call('Evaluate', ['Sum(N)'], { handle: 1 })).result).toEqual({ qReturn: '10' });
    await raw.close();
  });
});
