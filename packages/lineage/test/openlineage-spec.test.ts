import { describe, expect, it } from 'vitest';
import type {
  AppNode,
  ConnectionNode,
  ExternalDatasetAttributes,
  ExternalDatasetNode,
  LineageGraph,
} from '../src/generated/lineage-graph.js';
import { toOpenLineageEvents } from '../src/index.js';
import { dbNamespace, olDatasetName } from '../src/internal/openlineage/dataset-namespace.js';
import { OL_FACETS, OL_RUN_EVENT_SCHEMA } from '../src/internal/openlineage/facets.js';
import { openLineageValidator, specIds } from './support/openlineage-spec.js';

const connection = (name: string, connectionString: string, connectionType = 'OLEDB'): ConnectionNode => ({
  id: `conn:${name}`,
  kind: 'Connection',
  name,
  provenance: 'repository',
  confidence: 1,
  attributes: { connectionString, connectionType, resolved: true },
});

const dataset = (attributes: Partial<ExternalDatasetAttributes>): ExternalDatasetNode => ({
  id: 'app:a/dataset:x',
  kind: 'ExternalDataset',
  name: 'x',
  appId: 'a',
  provenance: 'script',
  confidence: 0.8,
  attributes: { datasetType: 'file', identity: 'x', pattern: false, ...attributes },
});

describe('the OpenLineage spec files', () => {
  it('give every _schemaURL constant: its file $id plus the pointer to its definition', () => {
    const ids = specIds();
    expect(OL_RUN_EVENT_SCHEMA).toBe(`${ids.get('OpenLineage.json')}#/$defs/RunEvent`);
    for (const url of Object.values(OL_FACETS)) {
      const name = /\/([A-Za-z]+)\.json#\/\$defs\/([A-Za-z]+)$/.exec(url);
      expect(name?.[1]).toBe(name?.[2]);
      expect(url).toBe(`${ids.get(`${name?.[1]}.json`)}#/$defs/${name?.[1]}`);
    }
  });

  it('reject what is not an event (the validator is not a yes-man)', () => {
    const validate = openLineageValidator();
    const facet = { _producer: 'https://x.test', _schemaURL: OL_FACETS.errorMessage };
    const event = {
      eventType: 'FAIL',
      eventTime: '2026-01-01T00:00:00Z',
      producer: 'https://x.test',
      schemaURL: OL_RUN_EVENT_SCHEMA,
      run: { runId: 'not-a-uuid', facets: { errorMessage: { ...facet, message: 'boom' } } },
      job: { namespace: 'n', name: 'j' },
    };
    const problems = validate(event).join('\n');
    expect(problems).toMatch(/runId/);
    expect(problems).toMatch(/programmingLanguage/);
  });
});

describe('dataset naming (OpenLineage naming conventions)', () => {
  it('databases: scheme://host:port (default ports), names database.schema.table with their case', () => {
    const table = (cs: string, table: string) =>
      olDatasetName(
        'sense',
        dataset({ datasetType: 'db-table', identity: 'db://c/x', connection: 'C', table }),
        connection('C', cs),
      );
    expect(table('Provider=MSOLEDBSQL;Data Source=SQL01.corp;Initial Catalog=Sales', 'dbo.Orders')).toMatchObject({
      namespace: 'mssql://sql01.corp:1433',
      name: 'Sales.dbo.Orders',
      aliases: [{ namespace: 'qlik://sense', name: 'C/dbo.Orders', type: 'QLIK_CONNECTION_TABLE' }],
    });
    expect(table('Provider=SQLOLEDB;Data Source=tcp:sql02,14330;Initial Catalog=DW', 'dbo.T').namespace).toBe(
      'mssql://sql02:14330',
    );
    expect(table('Driver={PostgreSQL Unicode};Server=pg1;Database=app', 'public.Users')).toMatchObject({
      namespace: 'postgres://pg1:5432',
      name: 'app.public.Users',
    });
    expect(table('Driver={MySQL ODBC 8.0};Server=my1;Port=3307;Database=shop', 'Items')).toMatchObject({
      namespace: 'mysql://my1:3307',
      name: 'shop.Items',
    });
    expect(table('Provider=OraOLEDB.Oracle;Data Source=ora1:1522/ORCL', 'HR.EMP')).toMatchObject({
      namespace: 'oracle://ora1:1522',
      name: 'ORCL.HR.EMP',
    });
    expect(
      table('Driver=SnowflakeDSIIDriver;Server=myorg-acct.snowflakecomputing.com;Database=DB', 'PUBLIC.T'),
    ).toMatchObject({ namespace: 'snowflake://myorg-acct', name: 'DB.PUBLIC.T' });
    expect(table('Provider=Unknown;Data Source=x', 'T')).toEqual({
      namespace: 'qlik://sense',
      name: 'C/T',
      aliases: [],
    });
    expect(dbNamespace(undefined)).toBeUndefined();
  });

  it('files: qlik://<host> <connection>/<path>, a folder connection as the physical file, file / file://server', () => {
    const lib = dataset({
      identity: 'lib://qvds/sales/orders.qvd',
      path: '[lib://QVDs/Sales/../Sales/Orders.qvd]',
      connection: 'QVDs',
    });
    expect(olDatasetName('sense', lib, undefined)).toEqual({
      namespace: 'qlik://sense',
      name: 'QVDs/Sales/Orders.qvd',
      aliases: [],
    });
    expect(olDatasetName('sense', lib, connection('QVDs', 'C:\\QlikData\\QVD\\', 'folder'))).toEqual({
      namespace: 'file',
      name: '/C:/QlikData/QVD/Sales/Orders.qvd',
      aliases: [{ namespace: 'qlik://sense', name: 'QVDs/Sales/Orders.qvd', type: 'QLIK_LIB_PATH' }],
    });
    expect(olDatasetName('sense', dataset({ path: '\\\\FileSrv\\Share\\In.csv' }), undefined)).toMatchObject({
      namespace: 'file://filesrv',
      name: '/Share/In.csv',
    });
    expect(olDatasetName('sense', dataset({ path: 'D:\\Data\\In.csv' }), undefined)).toMatchObject({
      namespace: 'file',
      name: '/D:/Data/In.csv',
    });
    expect(
      olDatasetName('sense', dataset({ datasetType: 'web', path: 'https://Data.Example.com/A/b.csv' }), undefined),
    ).toMatchObject({
      namespace: 'https://data.example.com',
      name: '/A/b.csv',
    });
    expect(olDatasetName('sense', dataset({ path: 'Data\\In.csv' }), undefined)).toMatchObject({
      namespace: 'qlik://sense',
      name: './Data/In.csv',
    });
    expect(
      olDatasetName(
        'sense',
        dataset({ path: "lib://Data/sales_$(=Date(Today(), 'YYYYMM')).csv", pattern: true }),
        undefined,
      ).name,
    ).toBe('Data/sales_*.csv');
    const binary = dataset({ datasetType: 'app', identity: 'app:lib://apps/sales.qvf', path: 'lib://Apps/Sales.qvf' });
    expect(olDatasetName('sense', binary, undefined, 'app-1').name).toBe('app/app-1');
    expect(olDatasetName('sense', binary, undefined).name).toBe('Apps/Sales.qvf');
  });
});

const app = (attributes: Partial<AppNode['attributes']>): AppNode => ({
  id: 'app:a1',
  kind: 'App',
  name: 'Budget',
  appId: 'a1',
  provenance: 'repository',
  confidence: 1,
  attributes: { appId: 'a1', status: 'ok', ...attributes },
});
const graphOf = (node: AppNode, script = 'LOAD * FROM [lib://X/a.qvd] (qvd); // PWD=s3cret;'): LineageGraph => ({
  schemaVersion: 'qixflow-lineage/1',
  site: { host: 'sense.test' },
  nodes: [node],
  edges: [],
  apps: [{ appId: 'a1', name: 'Budget', status: 'ok', diagnostics: [], script }],
});

describe('toOpenLineageEvents on a hand-made graph', () => {
  it('gives each reload its own run id and times; a later failed reload is START + FAIL', () => {
    const first = toOpenLineageEvents(graphOf(app({ lastReloadTime: '2026-01-01T02:00:00.000Z' })));
    const second = toOpenLineageEvents(graphOf(app({ lastReloadTime: '2026-01-02T02:00:00.000Z' })));
    expect(first.map((e) => [e.eventType, e.eventTime])).toEqual([
      ['START', '2026-01-01T02:00:00.000Z'],
      ['COMPLETE', '2026-01-01T02:00:00.000Z'],
    ]);
    expect(first[0]?.run.runId).toBe(first[1]?.run.runId);
    expect(first[0]?.run.runId).not.toBe(second[0]?.run.runId);
    const failed = toOpenLineageEvents(
      graphOf(
        app({
          streamName: 'Finance',
          lastReloadTime: '2026-01-02T02:00:00.000Z',
          lastReloadFailure: { at: '2026-01-03T02:05:00.000Z', line: 3, message: "Field 'X' not found" },
        }),
      ),
    );
    expect(failed.map((e) => `${e.eventType} ${e.job.name} ${e.eventTime}`)).toEqual([
      'START Finance.Budget 2026-01-02T02:00:00.000Z',
      'COMPLETE Finance.Budget 2026-01-02T02:00:00.000Z',
      'START Finance.Budget 2026-01-03T02:05:00.000Z',
      'FAIL Finance.Budget 2026-01-03T02:05:00.000Z',
    ]);
    expect(failed[1]?.run.runId).toBe(second[1]?.run.runId);
    expect(failed[3]?.run.runId).not.toBe(failed[1]?.run.runId);
    expect(failed[3]?.run.facets?.errorMessage).toMatchObject({
      message: "reload failed at line 3: Field 'X' not found",
      programmingLanguage: 'QLIK_SCRIPT',
    });
    const validate = openLineageValidator();
    for (const e of failed) expect(validate(e)).toEqual([]);
  });

  it('puts the script redacted in sourceCode, or leaves it out', () => {
    const graph = graphOf(app({ lastReloadTime: '2026-01-01T02:00:00.000Z' }));
    const [redacted] = toOpenLineageEvents(graph);
    expect(String(redacted?.job.facets?.sourceCode?.sourceCode)).toContain('LOAD * FROM [lib://X/a.qvd]');
    expect(JSON.stringify(redacted)).not.toContain('s3cret');
    const [none] = toOpenLineageEvents(graph, { includeSourceCode: false });
    expect(none?.job.facets?.sourceCode).toBeUndefined();
    expect(none?.job.facets?.qlik_app).toMatchObject({ appId: 'a1' });
  });
});
