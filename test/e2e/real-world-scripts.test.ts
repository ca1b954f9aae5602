/**
 * The corpus of real-world-shaped load scripts (test/fixtures/scripts/) reloads in the simulator,
 * and what the apps hold — read through the engine as any client would — is what the scripts mean.
 * Every expected value is worked out by hand from the fixture data (see the comments).
 */
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSimulator, type Simulator } from '@qixflow/sense-sim';
import enigma from 'enigma.js';
import schema from 'enigma.js/schemas/12.2027.0.json' with { type: 'json' };
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';

const CORPUS = fileURLToPath(new URL('../fixtures/scripts/', import.meta.url));

/** The corpus apps: id, name as the site shows it, script file. */
const APPS = [
  ['dm-orders', 'Orders (Data Manager)', 'data-manager.qvs'],
  ['etl-extract', 'ETL Extract', 'etl-extract.qvs'],
  ['etl-transform', 'ETL Transform', 'etl-transform.qvs'],
  ['etl-dashboard', 'ETL Dashboard', 'etl-dashboard.qvs'],
  ['binary-dashboard', 'Binary Dashboard', 'binary-dashboard.qvs'],
  ['group-by', 'Aggregates', 'group-by.qvs'],
  ['subroutines', 'Subroutine Library', 'subroutines.qvs'],
  ['for-each', 'Monthly Files', 'for-each.qvs'],
] as const;

// enigma.js generates its API objects from the schema: their methods are untyped.
// biome-ignore lint/suspicious/noExplicitAny: enigma.js API objects
type Qix = Record<string, any>;
type Cell = { qText: string; qNum: number | 'NaN' };

let sim: Simulator;
let dataDir: string;
const sessions: EnigmaJS.Session[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'qixflow-corpus-'));
  await cp(join(CORPUS, 'data'), dataDir, { recursive: true });
  const apps = await Promise.all(
    APPS.map(async ([id, name, file]) => ({ id, name, script: await readFile(join(CORPUS, file), 'utf8') })),
  );
  sim = await createSimulator({
    https: false,
    virtualProxies: [],
    reloadOnStart: false,
    site: {
      name: 'corpus',
      dataFolder: dataDir,
      dataConnections: [
        { name: 'DataFiles', type: 'folder', connectionString: 'files' },
        { name: 'QVDs', type: 'folder', connectionString: 'qvd' },
        // A real server's apps folder, mapped nowhere: BINARY finds the site's apps by name.
        { name: 'Apps', type: 'folder', connectionString: 'C:\\ProgramData\\Qlik\\Sense\\Apps' },
      ],
      apps,
    },
  });
});

afterAll(async () => {
  await Promise.all(sessions.map((s) => s.close().catch(() => undefined)));
  await sim?.close();
  await rm(dataDir, { recursive: true, force: true });
});

let opened = 0;

/** Opens an app on a session of its own (an identity per call: each reload starts clean). */
async function openApp(id: string): Promise<Qix> {
  opened++;
  const session = enigma.create({
    schema,
    url: `${sim.engineUrl}/app/${id}/identity/corpus-${opened}`,
    createSocket: (url: string) => new WebSocket(url) as unknown as globalThis.WebSocket,
  });
  sessions.push(session);
  const global = (await session.open()) as Qix;
  return global.openDoc(id);
}

/** Reloads an app and fails with the engine's script error when the reload fails. */
async function reload(id: string): Promise<Qix> {
  const doc = await openApp(id);
  const ok = await doc.doReload();
  if (!ok) {
    const progress = await doc.getProgress(0);
    throw new Error(`reload of ${id} failed: ${JSON.stringify(progress.qErrorData ?? progress)}`);
  }
  return doc;
}

/** The rows of a hypercube over `dimensions` and `measures`, as texts, sorted by the first column's load order. */
async function cube(doc: Qix, dimensions: string[], measures: string[] = []): Promise<string[][]> {
  const object = await doc.createSessionObject({
    qInfo: { qType: 'corpus-check' },
    qHyperCubeDef: {
      qDimensions: dimensions.map((d) => ({ qDef: { qFieldDefs: [d], qSortCriterias: [{ qSortByLoadOrder: 1 }] } })),
      qMeasures: measures.map((m) => ({ qDef: { qDef: m } })),
      qInitialDataFetch: [{ qTop: 0, qLeft: 0, qWidth: dimensions.length + measures.length, qHeight: 100 }],
      qSuppressZero: false,
      qSuppressMissing: true,
    },
  });
  const layout = await object.getLayout();
  await doc.destroySessionObject(layout.qInfo.qId);
  return (layout.qHyperCube.qDataPages[0]?.qMatrix ?? []).map((row: Cell[]) => row.map((c) => c.qText));
}

/** One expression's value over the whole app (a KPI). */
async function value(doc: Qix, expression: string): Promise<string> {
  return doc.evaluate(expression);
}

async function tables(doc: Qix): Promise<Record<string, number>> {
  const { qtr } = await doc.getTablesAndKeys({}, {}, 0, true, false);
  return Object.fromEntries(qtr.map((t: { qName: string; qNoOfRows: number }) => [t.qName, t.qNoOfRows]));
}

describe('real-world scripts reload in the simulator: Data Manager, a QVD ETL, BINARY', () => {
  it('a Data Manager app: the rename block, the geo tag and two auto-calendars', async () => {
    const doc = await reload('dm-orders');
    expect(await tables(doc)).toEqual({ orders: 6, customers: 3 });
    // Dates in the CSV are read with DateFormat YYYY-MM-DD: 2025-01-15 is day 45 672.
    expect(await value(doc, 'Num(Min(OrderDate))')).toBe('45672');
    // 2025: 100 + 250 + 75.5 + 300 + 125 = 850.5; 2026: 50.
    expect(await cube(doc, ['[OrderDate.autoCalendar.Year]'], ['Sum(Amount)'])).toEqual([
      ['2025', '850.5'],
      ['2026', '50'],
    ]);
    // Ship months: Jan (01-17, 01-10) 100 + 50; Feb 250; Mar (03-02) 75.5; Apr 300; Jul 125.
    const byShipMonth = await cube(doc, ['[ShipDate.autoCalendar.Month]'], ['Sum(Amount)']);
    expect(Object.fromEntries(byShipMonth.map(([m, v]) => [m, v]))).toEqual({
      Jan: '150',
      Feb: '250',
      Mar: '75.5',
      Apr: '300',
      Jul: '125',
    });
    // Customers link by CustomerID: C1 orders 1, 3, 6 = 225.5; C2 orders 2, 5 = 375; C3 order 4 = 300.
    expect(await cube(doc, ['CustomerName'], ['Sum(Amount)'])).toEqual([
      ['Anna Berg', '225.5'],
      ['Erik Nilsson', '375'],
      ['Sofia Lind', '300'],
    ]);
    const country = await doc.getField('Country');
    expect(country).toBeTruthy();
    const { qFieldList } = await (
      await doc.createSessionObject({ qInfo: { qType: 'fl' }, qFieldListDef: { qShowSystem: false } })
    ).getLayout();
    const tagsOf = (name: string): string[] =>
      qFieldList.qItems.find((f: { qName: string }) => f.qName === name)?.qTags ?? [];
    expect(tagsOf('Country')).toContain('$geoname');
  });

  it('a three-tier QVD ETL with an incremental extract (WHERE NOT Exists, Concatenate … (qvd))', async () => {
    await reload('etl-extract');
    await reload('etl-transform');
    const doc = await reload('etl-dashboard');
    // Extract: delta orders 4, 5, 6, 7 + orders 1, 2, 3 kept from the previous QVD (4 is updated).
    expect(await tables(doc)).toEqual({ Sales: 7, CustomerTotals: 3 });
    // Line amounts: 4: 3×40=120, 5: 1×120=120, 6: 2×15=30, 7: 5×2=10, 1: 2×120=240, 2: 1×40=40, 3: 10×15=150.
    expect(await value(doc, 'Sum(LineAmount)')).toBe('710');
    expect(await value(doc, 'Only({<OrderID={4}>} Text(OrderDate))')).toBe('2025-03-10');
    // Categories by ApplyMap with default: Hardware P1, P3 = 120+30+240+150; Software P2 = 120+40; P9 unmapped.
    expect(await cube(doc, ['Category'], ['Sum(LineAmount)'])).toEqual([
      ['Software', '160'],
      ['Hardware', '540'],
      ['Unknown', '10'],
    ]);
    // GROUP BY CustomerID in tier 2: C3 order 4; C1 orders 5, 1, 3; C2 orders 6, 7, 2.
    expect(await cube(doc, ['CustomerID', 'CustomerAmount', 'CustomerOrders'])).toEqual([
      ['C3', '120', '1'],
      ['C1', '510', '3'],
      ['C2', '80', '3'],
    ]);
    // The incremental extract is idempotent: a second run keeps 7 orders.
    await reload('etl-extract');
    await reload('etl-transform');
    const again = await reload('etl-dashboard');
    expect(await value(again, 'Count(OrderID)')).toBe('7');
  });

  it('a BINARY dashboard builds on the ETL dashboard’s data model', async () => {
    await reload('etl-extract');
    await reload('etl-transform');
    await reload('etl-dashboard');
    const doc = await reload('binary-dashboard');
    expect(await tables(doc)).toEqual({ Sales: 7, CustomerTotals: 3, Targets: 2 });
    expect(await cube(doc, ['Category'], ['Sum(LineAmount)', 'Sum(Target)'])).toEqual([
      ['Software', '160', '300'],
      ['Hardware', '540', '500'],
      ['Unknown', '10', '0'],
    ]);
    const lineage: { qDiscriminator: string }[] = await doc.getLineage();
    expect(lineage.map((l) => l.qDiscriminator)).toContain('lib://Apps/ETL Dashboard.qvf;');
  });
});

describe('real-world scripts reload in the simulator: GROUP BY, included libraries, FOR EACH', () => {
  it('GROUP BY with every kind of aggregation, ORDER BY with a running total, DISTINCT', async () => {
    const doc = await reload('group-by');
    const stats = [
      'Region',
      'Revenue',
      'Reps',
      'Lines',
      'MinQty',
      'MaxQty',
      'AvgPrice',
      'RepList',
      'ProductsByQty',
      'TopProduct',
      'FirstRep',
      'LastRep',
      'CommonProduct',
      'MedianQty',
      'OnlyRegion',
    ];
    // North: Ann A 2×10, Ann B 1×25, Bob A 5×10. South: Cid C 3×7, Cid A 1×10, Dan C 2×7.
    expect(await cube(doc, stats)).toEqual([
      ['North', '95', '2', '3', '1', '5', '15', 'Ann,Bob', 'B|A|A', 'A', 'Ann', 'Bob', 'A', '2', 'North'],
      ['South', '45', '2', '3', '1', '3', '8', 'Cid,Dan', 'A|C|C', 'C', 'Cid', 'Dan', 'C', '2', 'South'],
    ]);
    // Max(LineDate) without GROUP BY, then Peek into a variable: 2025-01-06.
    expect(await cube(doc, ['SummaryLastDate'])).toEqual([['2025-01-06']]);
    // Per region and rep, Sum(Qty) >= 3: Ann 3 busy, Bob 5 busy, Cid 4 busy, Dan 2 quiet → DISTINCT keeps 3 rows.
    expect(await tables(doc)).toMatchObject({ RepLoad: 3, Running: 6 });
    // By date: 01-01 14, 01-02 21, 01-03 20, 01-04 50, 01-05 25, 01-06 10 → running 14, 35, 55, 105, 130, 140.
    expect(await cube(doc, ['RunDate', 'RunningRevenue'])).toEqual([
      ['2025-01-01', '14'],
      ['2025-01-02', '35'],
      ['2025-01-03', '55'],
      ['2025-01-04', '105'],
      ['2025-01-05', '130'],
      ['2025-01-06', '140'],
    ]);
  });

  it('a subroutine library included with Must_Include', async () => {
    const doc = await reload('subroutines');
    expect(await tables(doc)).toEqual({ Staged: 3 });
    expect(await cube(doc, ['CustomerName', 'RowsAtExtract'])).toEqual([
      ['Anna Berg', '3'],
      ['Erik Nilsson', '3'],
      ['Sofia Lind', '3'],
    ]);
  });

  it('FOR EACH over FileList and over a variable list', async () => {
    const doc = await reload('for-each');
    // Three monthly files (notes.txt does not match the mask): 2 + 2 + 1 rows.
    expect(await tables(doc)).toEqual({ MonthlySales: 5, RegionCheck: 3 });
    expect(await cube(doc, ['Month'], ['Sum(Amount)'])).toEqual([
      ['2025-01', '150'],
      ['2025-02', '200'],
      ['2025-03', '90'],
    ]);
    expect(await cube(doc, ['CheckedRegion', 'SeenRows'])).toEqual([
      ['North', '5'],
      ['South', '5'],
      ['West', '5'],
    ]);
  });
});
