import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../src/index.js';
import { openEnigma, type Qix } from '../engine/engine-helpers.js';

const CTRL00 = readFileSync(new URL('./ctrl00.qvs', import.meta.url), 'utf8');
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'.split('');

/**
 * The classic ctrl00 script (letters, ASCII codes and random transactions) loaded into a session
 * app through plain enigma.js; every expected value below is worked out from the script by hand.
 */
describe('ctrl00: reload, fields, selections, list objects and hypercubes', () => {
  let sim: Simulator;
  let close: () => Promise<void>;
  let app: Qix;
  beforeAll(async () => {
    sim = await createSimulator({ site: { apps: [] } });
    const opened = await openEnigma(sim);
    close = () => opened.session.close();
    app = (await opened.global.createSessionApp()) as Qix;
    await app.setScript(CTRL00);
    expect(await app.doReload()).toBe(true);
  });
  afterAll(async () => {
    await close();
    await sim.close();
  });

  it('loads three tables with the expected rows and twelve visible fields', async () => {
    const { qtr } = await app.getTablesAndKeys({ qcx: 0, qcy: 0 }, { qcx: 0, qcy: 0 }, 0, true, false);
    const rows = Object.fromEntries(qtr.map((t: { qName: string; qNoOfRows: number }) => [t.qName, t.qNoOfRows]));
    // Characters: 26 letters; ASCII: codes 32–126 (95) and 160–255 (96).
    expect(rows.Characters).toBe(26);
    expect(rows.ASCII).toBe(191);
    // Transactions: at least one line per transaction (the WHILE always passes IterNo()=1).
    expect(rows.Transactions).toBeGreaterThanOrEqual(1000);
    const list = (await app.createSessionObject({
      qInfo: { qType: 'fields' },
      qFieldListDef: { qShowSystem: false },
    })) as Qix;
    const names = (await list.getLayout()).qFieldList.qItems.map((f: { qName: string }) => f.qName).sort();
    expect(names).toEqual(
      [
        'Alpha',
        'AsciiAlpha',
        'AsciiNum',
        'Dim1',
        'Dim2',
        'Dim3',
        'Expression1',
        'Expression2',
        'Expression3',
        'Num',
        'TransID',
        'TransLineID',
      ].sort(),
    );
    expect((await app.getFieldDescription('Dim1')).qComment).toBe('This is a field comment');
  });

  it('evaluates aggregations over the whole model', async () => {
    expect(await app.evaluate('Count(Alpha)')).toBe('26');
    expect(await app.evaluate('Count(DISTINCT TransID)')).toBe('1000');
    expect(await app.evaluate('Sum(AsciiNum)')).toBe(String(sumRange(32, 126) + sumRange(160, 255)));
    expect(await app.evaluate("Only({<Alpha={'C'}>} AsciiNum)")).toBe('67');
  });

  it('selecting A, B and C: qSelectedCount 3, list-object states, associated values possible', async () => {
    const alpha = (await app.createSessionObject({
      qInfo: { qType: 'listbox' },
      qListObjectDef: {
        qDef: { qFieldDefs: ['Alpha'] },
        qInitialDataFetch: [{ qTop: 0, qLeft: 0, qWidth: 1, qHeight: 30 }],
      },
    })) as Qix;
    const current = (await app.createSessionObject({ qInfo: { qType: 'cs' }, qSelectionObjectDef: {} })) as Qix;
    await alpha.getLayout();
    let changed = 0;
    alpha.on('changed', () => {
      changed++;
    });
    const field = (await app.getField('Alpha')) as Qix;
    expect(await field.selectValues([{ qText: 'A' }, { qText: 'B' }, { qText: 'C' }])).toBe(true);
    expect(changed).toBe(1); // a selection invalidates the list object of the same state
    const layout = await alpha.getLayout();
    const states = layout.qListObject.qDataPages[0].qMatrix.map((row: { qText: string; qState: string }[]) => [
      row[0]?.qText,
      row[0]?.qState,
    ]);
    expect(states.slice(0, 3)).toEqual([
      ['A', 'S'],
      ['B', 'S'],
      ['C', 'S'],
    ]);
    expect(states.slice(3).every((s: string[]) => s[1] === 'X')).toBe(true);
    const selections = (await current.getLayout()).qSelectionObject.qSelections;
    expect(selections).toHaveLength(1);
    expect(selections[0]).toMatchObject({ qField: 'Alpha', qSelectedCount: 3, qTotal: 26 });
    // Num is associated through Characters: 1, 2 and 3 are possible.
    expect(await app.evaluate('Count(DISTINCT Num)')).toBe('3');
    expect(await app.evaluate("Min(Num) & '-' & Max(Num)")).toBe('1-3');
    expect(await app.evaluate('Count(AsciiAlpha)')).toBe('3');
  });

  it('a hypercube pages the selected letters with their ASCII codes and a grand total', async () => {
    const cube = (await app.createSessionObject({
      qInfo: { qType: 'table' },
      qHyperCubeDef: {
        qDimensions: [{ qDef: { qFieldDefs: ['Alpha'] } }],
        qMeasures: [{ qDef: { qDef: 'Sum(AsciiNum)' } }],
        qInitialDataFetch: [{ qTop: 0, qLeft: 0, qWidth: 2, qHeight: 10 }],
      },
    })) as Qix;
    const layout = await cube.getLayout();
    expect(layout.qHyperCube.qSize).toEqual({ qcx: 2, qcy: 3 });
    const matrix = layout.qHyperCube.qDataPages[0].qMatrix.map((row: { qText: string }[]) => row.map((c) => c.qText));
    expect(matrix).toEqual([
      ['A', '65'],
      ['B', '66'],
      ['C', '67'],
    ]);
    expect(layout.qHyperCube.qGrandTotalRow[0]).toMatchObject({
      qNum: 198,
      qText: '198',
      qState: 'X',
      qIsTotalCell: true,
    });
    const cell = layout.qHyperCube.qDataPages[0].qMatrix[0][0];
    expect(cell).toMatchObject({ qText: 'A', qNum: 'NaN', qElemNumber: 0, qState: 'S' });
    // After ClearAll all 26 letters come back (paged)
    await app.clearAll();
    const pages = await cube.getHyperCubeData('/qHyperCubeDef', [{ qTop: 20, qLeft: 0, qWidth: 2, qHeight: 10 }]);
    expect(pages[0].qMatrix.map((row: { qText: string }[]) => row[0]?.qText)).toEqual(LETTERS.slice(20));
    await expect(
      cube.getHyperCubeData('/qHyperCubeDef', [{ qTop: 0, qLeft: 0, qWidth: 2, qHeight: 5001 }]),
    ).rejects.toMatchObject({ code: 7009 });
  });

  it('Back and Forward walk the selection history', async () => {
    const field = (await app.getField('Alpha')) as Qix;
    await field.select('B');
    expect(await app.evaluate('Only(Alpha)')).toBe('B');
    await field.select('D');
    expect(await app.evaluate('Only(Alpha)')).toBe('D');
    await app.back();
    expect(await app.evaluate('Only(Alpha)')).toBe('B');
    await app.forward();
    expect(await app.evaluate('Only(Alpha)')).toBe('D');
    await app.clearAll();
  });
});

function sumRange(from: number, to: number): number {
  let sum = 0;
  for (let i = from; i <= to; i++) sum += i;
  return sum;
}
