import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../../src/index.js';
import { type LoadedModel, numberDual, textDual } from '../../../src/internal/data/model/loaded-model.js';
import { dataTableOf, rowsOf, tableRows } from '../../../src/internal/data/model/table-rows.js';
import type { BinaryRequest, ReloadEnvironment } from '../../../src/internal/reload/reload-environment.js';
import { runScript } from '../../../src/internal/reload/run-script.js';
import { ScriptError } from '../../../src/internal/reload/script-error.js';
import { scriptEvaluator } from '../../../src/internal/reload/script-evaluator.js';
import { isolated, openEnigma, openRaw, type Qix } from '../../engine/engine-helpers.js';

/** Tables as text: the field names, then each row's cell texts (`-` for null). */
function tablesOf(model: LoadedModel): Record<string, string[][]> {
  return Object.fromEntries(
    model.tables.map((t) => [t.name, [[...t.fields], ...tableRows(t).map((r) => r.map((c) => c?.text ?? '-'))]]),
  );
}

/** The simulator's .qvf: Orders (3 rows, one dual with its own text) and Customers, a tag and a comment. */
const SALES_QVF = {
  qvf: 1,
  tables: [
    {
      name: 'Orders',
      fields: ['OrderID', 'CustomerID', 'Amount'],
      rows: [
        [1, 'C1', 10],
        [2, 'C2', ['20,50', 20.5]],
        [3, 'C1', null],
      ],
    },
    {
      name: 'Customers',
      fields: ['CustomerID', 'Name'],
      rows: [
        ['C1', 'Ann'],
        ['C2', 'Bob'],
      ],
    },
  ],
  fieldComments: { Amount: 'in EUR' },
  fieldTags: { OrderID: ['$key', '$numeric'] },
};

/** A model as another app of the site holds it (with a variable BINARY must leave behind). */
const OTHER_APP: LoadedModel = {
  tables: [
    dataTableOf(
      'Regions',
      ['Region', 'Target'],
      [
        [textDual('North'), numberDual(100)],
        [textDual('South'), numberDual(50)],
      ],
    ),
  ],
  fieldComments: new Map(),
  fieldTags: new Map([['Region', ['$text']]]),
  variables: new Map([['vSource', 'kept in the source app']]),
  lineage: [{ qDiscriminator: 'INLINE;', qStatement: 'LOAD * INLINE [...]' }],
};

describe('BINARY in the executor', () => {
  let dataDir: string;
  const requests: BinaryRequest[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'qixflow-binary-'));
    await mkdir(join(dataDir, 'apps'));
    await writeFile(join(dataDir, 'apps', 'Sales.qvf'), JSON.stringify(SALES_QVF));
    await writeFile(join(dataDir, 'apps', 'Broken.qvf'), JSON.stringify({ qvf: 1, tables: [{ name: 'T' }] }));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  function env(withSite = true): ReloadEnvironment {
    return {
      dataDir,
      connections: [
        { name: 'Apps', type: 'folder', connectionString: 'apps' },
        // A server's own Apps folder, which the site maps nowhere: files are named by app id.
        { name: 'ServerApps', type: 'folder', connectionString: 'C:\\ProgramData\\Qlik\\Sense\\Apps' },
      ],
      evaluate: scriptEvaluator(),
      ...(withSite
        ? {
            binary: async (request: BinaryRequest) => {
              requests.push(request);
              return OTHER_APP;
            },
          }
        : {}),
    };
  }

  async function failure(script: string, withSite = true): Promise<ScriptError> {
    const error = await runScript(script, env(withSite)).then(
      () => expect.unreachable('the reload should fail'),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ScriptError);
    expect((error as ScriptError).message).not.toContain(dataDir);
    return error as ScriptError;
  }

  it('starts from a .qvf file of the data folder: tables, values, comments and tags', async () => {
    const model = await runScript('///$tab Main\n// the sales model\nBinary [lib://Apps/Sales.qvf];\n', env(false));
    expect(tablesOf(model)).toEqual({
      Orders: [
        ['OrderID', 'CustomerID', 'Amount'],
        ['1', 'C1', '10'],
        ['2', 'C2', '20,50'],
        ['3', 'C1', '-'],
      ],
      Customers: [
        ['CustomerID', 'Name'],
        ['C1', 'Ann'],
        ['C2', 'Bob'],
      ],
    });
    expect(rowsOf(model.tables[0])[1]?.[2]?.num).toBe(20.5);
    expect(model.fieldComments.get('Amount')).toBe('in EUR');
    expect(model.fieldTags.get('OrderID')).toEqual(['$key', '$numeric']);
    expect(model.lineage).toEqual([
      { qDiscriminator: 'lib://Apps/Sales.qvf;', qStatement: 'Binary [lib://Apps/Sales.qvf];' },
    ]);
  });

  it('lets the statements after it build on the loaded model', async () => {
    const script = [
      'Binary [lib://Apps/Sales.qvf];',
      // Same field set as Orders: implicit concatenation onto the binary-loaded table.
      'LOAD * INLINE [\nOrderID, CustomerID, Amount\n4, C2, 7\n];',
      'Totals:\nLOAD CustomerID, Amount * 2 AS Double RESIDENT Orders WHERE Amount > 9;',
      'DROP TABLE Customers;',
      'DROP FIELD CustomerID FROM Orders;',
    ].join('\n');
    const model = await runScript(script, env(false));
    expect(tablesOf(model)).toEqual({
      Orders: [
        ['OrderID', 'Amount'],
        ['1', '10'],
        ['2', '20,50'],
        ['3', '-'],
        ['4', '7'],
      ],
      Totals: [
        ['CustomerID', 'Double'],
        ['C1', '20'],
        ['C2', '41'],
      ],
    });
  });

  it('leaves the source untouched when the script changes the loaded tables', async () => {
    await runScript('Binary abc;\nDROP FIELD Target;\nLOAD * INLINE [\nRegion\nWest\n];', env());
    expect(OTHER_APP.tables[0]?.fields).toEqual(['Region', 'Target']);
    expect(rowsOf(OTHER_APP.tables[0])).toHaveLength(2);
  });

  it.each([
    ['an unquoted app id', 'Binary 8fe6f3a2-1111-2222-3333-444455556666;', '8fe6f3a2-1111-2222-3333-444455556666'],
    ['a quoted app id', "Binary '8fe6f3a2-1111-2222-3333-444455556666';", '8fe6f3a2-1111-2222-3333-444455556666'],
    ['an app name as a .qvf of a folder connection', 'Binary [lib://Apps/Sales Dashboard.qvf];', 'Sales Dashboard.qvf'],
    [
      'an app id in an unmapped Apps folder',
      'Binary [lib://ServerApps/8fe6f3a2-1111-2222-3333-444455556666];',
      '8fe6f3a2-1111-2222-3333-444455556666',
    ],
  ])('asks the site for %s and takes its tables, not its variables', async (_, script, app) => {
    requests.length = 0;
    const model = await runScript(`${script}\nSET vMine = 1;`, env());
    const written = /\[(.*)\]/.exec(script)?.[1] ?? app;
    expect(requests).toEqual([{ app, written }]);
    expect(tablesOf(model)).toEqual({
      Regions: [
        ['Region', 'Target'],
        ['North', '100'],
        ['South', '50'],
      ],
    });
    expect(model.fieldTags.get('Region')).toEqual(['$text']);
    expect([...model.variables.keys()]).toEqual(['vMine']);
    expect(model.lineage).toEqual([{ qDiscriminator: `${written};`, qStatement: script }]);
  });

  it.each([
    {
      what: 'after another statement',
      script: "SET ThousandSep=',';\n\nBinary [lib://Apps/Sales.qvf];\n",
      message: 'Binary statement is only allowed as the first statement of the script',
      line: 3,
    },
    {
      what: 'after a control statement',
      script: 'IF 1 = 0 THEN\n  SET x = 1;\nEND IF\nBinary [lib://Apps/Sales.qvf];\n',
      message: 'Binary statement is only allowed as the first statement of the script',
      line: 4,
    },
    {
      what: 'twice',
      script: 'Binary [lib://Apps/Sales.qvf];\nBinary [lib://Apps/Sales.qvf];\n',
      message: 'Binary statement is only allowed as the first statement of the script',
      line: 2,
    },
    {
      what: 'a path climbing out of the data folder',
      script: 'Binary [lib://Apps/../../secret.qvf];',
      message: "Path outside the data folder: 'lib://Apps/../../secret.qvf'",
      line: 1,
    },
    {
      what: 'a path climbing out of an unmapped folder',
      script: 'Binary [lib://ServerApps/../Sales.qvf];',
      message: "Connection 'ServerApps' points outside the data folder: 'lib://ServerApps/../Sales.qvf'",
      line: 1,
    },
    {
      what: 'a file that is not the simulator’s .qvf',
      script: 'Binary [lib://Apps/Broken.qvf];',
      message: "'lib://Apps/Broken.qvf' is not an app file of the simulator: table T needs unique field names",
      line: 1,
    },
    {
      what: 'a file system path (legacy mode)',
      script: 'Binary [C:\\Apps\\Sales.qvf];',
      message: "Binary needs a lib:// path or an app id, not a file system path: 'C:\\Apps\\Sales.qvf'",
      line: 1,
    },
  ])('refuses BINARY $what, naming the line', async ({ script, message, line }) => {
    const error = await failure(script);
    expect(error.message).toBe(message);
    expect(error.line).toBe(line);
  });

  it('without the site’s apps, only files answer', async () => {
    const error = await failure('Binary [lib://Apps/Sales Dashboard.qvf];', false);
    expect(error.message).toBe("Cannot open file: 'lib://Apps/Sales Dashboard.qvf'");
  });

  it('counts the loaded rows against the reload budgets', async () => {
    const error = await runScript('Binary [lib://Apps/Sales.qvf];', {
      ...env(false),
      budgets: { wallTimeMs: 60_000, rows: 4, cells: 1000, memoryBytes: 2 ** 30, loopIterations: 1000 },
    }).then(
      () => expect.unreachable('the reload should fail'),
      (e: unknown) => e as ScriptError,
    );
    expect(error.message).toBe('Reload budget exceeded: rows (4) at line 1');
  });
});

const SALES = '0f6f3a2e-5b1c-4d2e-9a8b-7c6d5e4f3a21';
const DASHBOARD = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
const BY_ID = '2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e';
const EMPTY = '3c4d5e6f-7a8b-4c9d-8e1f-2a3b4c5d6e7f';

/**
 * Apps of one site through the engine: Sales reloads, the dashboard BINARYs it by name and adds a
 * table, another app BINARYs it by id. The dashboard is listed first: reload on start puts Sales
 * before it.
 */
describe('BINARY of another app of the site, through the engine', () => {
  let sim: Simulator;
  const closers: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    sim = await createSimulator({
      reloadOnStart: true,
      site: {
        dataConnections: [{ name: 'Apps', type: 'folder', connectionString: 'apps' }],
        apps: [
          {
            id: DASHBOARD,
            name: 'Sales Dashboard',
            script: [
              'Binary [lib://Apps/Sales.qvf];',
              'Targets:\nLOAD * INLINE [\nRegion, Target\nNorth, 100\nSouth, 50\n];',
              'LOAD * INLINE [\nOrderID, Region, Amount\n4, South, 5\n];',
            ].join('\n'),
          },
          {
            id: SALES,
            name: 'Sales',
            script: [
              'SET vSales = 1;',
              'Orders:\nLOAD * INLINE [\nOrderID, Region, Amount\n1, North, 30\n2, North, 12\n3, South, 40\n];',
              "COMMENT FIELD Amount WITH 'in EUR';",
              "TAG FIELD Region WITH '$geo';",
            ].join('\n'),
          },
          { id: BY_ID, name: 'By Id', script: `Binary ${SALES};\nDROP FIELD Amount;` },
          { id: EMPTY, name: 'Empty' },
        ],
      },
    });
  });
  afterAll(async () => {
    for (const close of closers) await close();
    await sim.close();
  });

  /** The app, opened on a session of its own. */
  async function open(id: string): Promise<Qix> {
    const { session, global } = await openEnigma(sim, isolated(id));
    closers.push(() => session.close());
    return (await global.openDoc(id)) as Qix;
  }

  it('reloads the dashboard on top of the sales model: values through the engine', async () => {
    const app = await open(DASHBOARD);
    const { qtr } = await app.getTablesAndKeys({ qcx: 0, qcy: 0 }, { qcx: 0, qcy: 0 }, 0, true, false);
    const rows = Object.fromEntries(qtr.map((t: { qName: string; qNoOfRows: number }) => [t.qName, t.qNoOfRows]));
    // Orders: Sales' 3 rows + the dashboard's concatenated row; Targets: 2.
    expect(rows).toEqual({ Orders: 4, Targets: 2 });
    const cube = (await app.createSessionObject({
      qInfo: { qType: 'table' },
      qHyperCubeDef: {
        qDimensions: [{ qDef: { qFieldDefs: ['Region'] } }],
        qMeasures: [{ qDef: { qDef: 'Sum(Amount)' } }, { qDef: { qDef: 'Sum(Target)' } }],
        qInitialDataFetch: [{ qTop: 0, qLeft: 0, qWidth: 3, qHeight: 10 }],
      },
    })) as Qix;
    const matrix = (await cube.getLayout()).qHyperCube.qDataPages[0].qMatrix.map((row: { qText: string }[]) =>
      row.map((c) => c.qText),
    );
    // North: 30 + 12, target 100; South: 40 + 5, target 50.
    expect(matrix).toEqual([
      ['North', '42', '100'],
      ['South', '45', '50'],
    ]);
    expect((await app.getFieldDescription('Amount')).qComment).toBe('in EUR');
    const region = qtr
      .flatMap((t: { qFields: { qName: string; qTags: string[] }[] }) => t.qFields)
      .find((f: { qName: string }) => f.qName === 'Region');
    expect(region.qTags).toContain('$geo');
    expect(await app.getLineage()).toEqual([
      { qDiscriminator: 'lib://Apps/Sales.qvf;', qStatement: 'Binary [lib://Apps/Sales.qvf];' },
      expect.objectContaining({ qDiscriminator: 'INLINE;' }),
      expect.objectContaining({ qDiscriminator: 'INLINE;' }),
    ]);
  });

  it('loads no variables: the source keeps its own', async () => {
    const sales = await open(SALES);
    const dashboard = await open(DASHBOARD);
    expect(await sales.evaluate('$(vSales) + 1')).toBe('2');
    expect(await dashboard.evaluate("'[$(vSales)]'")).toBe('[]');
  });

  it('loads by app id, and a DoReload repeats it', async () => {
    const app = await open(BY_ID);
    expect(await app.doReload()).toBe(true);
    // Sales' Orders without the dropped Amount: OrderIDs 1 + 2 + 3.
    expect(await app.evaluate("Count(OrderID) & '/' & Sum(OrderID)")).toBe('3/6');
    const { qtr } = await app.getTablesAndKeys({ qcx: 0, qcy: 0 }, { qcx: 0, qcy: 0 }, 0, true, false);
    expect(
      qtr.map((t: { qName: string; qFields: { qName: string }[] }) => [t.qName, t.qFields.map((f) => f.qName)]),
    ).toEqual([['Orders', ['OrderID', 'Region']]]);
  });

  it('refuses an app without data, naming it', async () => {
    const raw = await openRaw(sim);
    closers.push(() => raw.close());
    await raw.call('CreateSessionApp');
    await raw.call('SetScript', ['Binary [lib://Apps/Empty.qvf];'], { handle: 1 });
    const answer = await raw.call('DoReload', [], { handle: 1, id: 9001 });
    expect((answer.result as { qReturn: boolean }).qReturn).toBe(false);
    const progress = await raw.call('GetProgress', [9001]);
    const data = (progress.result as { qProgressData: { qErrorData: { qErrorString: string }[] } }).qProgressData;
    expect(data.qErrorData[0]?.qErrorString).toBe(
      "App 'Empty' has no data to load (it has not been reloaded successfully): 'lib://Apps/Empty.qvf'",
    );
  });
});
