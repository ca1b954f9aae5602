import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Site } from '@qixflow/core';
import type { SimSiteFixture, Simulator } from '@qixflow/sense-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  extractAppLineage,
  extractSiteLineage,
  type LineageGraph,
  type LineageProgressEvent,
  renderLineageHtml,
  toOpenLineageEvents,
} from '../src/index.js';
import { siteFor, startSimulator } from './support/simulator.js';

const APP_ID = '3c1f9e2a-7b4d-4c8e-9a16-5d2e8f0b7c41';

// The three shapes that leaked before (a JSON password, the tail of a braced ODBC value, a
// CONNECT statement with UID/PWD), plus credentials in a data connection and in a script variable.
const SCRIPT = [
  '///$tab Main',
  `LET vJson = '{"server":"db1","user":"json_user","password":"js0n-s3cret"}';`,
  "SET vDbPassword = 'v4r-s3cret';",
  'ODBC CONNECT TO [Sales DSN;UID=odbc_user;PWD=0dbc-s3cret];',
  'Orders: SQL SELECT OrderID, Amount FROM dbo.Orders;',
  'OLEDB CONNECT TO [Provider=SQLOLEDB.1;Data Source=db1;User ID=oledb_user;Password={hun;ter2-br4ced}];',
  'Customers: SQL SELECT CustomerID, Name FROM dbo.Customers;',
  "LIB CONNECT TO 'Warehouse';",
  'Products: SQL SELECT ProductID FROM dbo.Products;',
  '',
].join('\n');

const SECRETS = [
  'js0n-s3cret',
  'json_user',
  'v4r-s3cret',
  'odbc_user',
  '0dbc-s3cret',
  'oledb_user',
  'hun;ter2',
  'ter2-br4ced',
  'conn_user',
  'c0nn-s3cret',
  'web-t0ken',
];

const FIXTURE: SimSiteFixture = {
  name: 'site with credentials in scripts',
  dataConnections: [
    {
      name: 'Warehouse',
      type: 'ODBC',
      connectionString: 'ODBC CONNECT TO [Warehouse DSN;UID=conn_user;PWD=c0nn-s3cret]',
    },
    { name: 'Orders API', type: 'internet', connectionString: 'https://api.example.com/orders?token=web-t0ken' },
  ],
  apps: [
    {
      id: APP_ID,
      name: 'Sales with credentials',
      modifiedDate: '2026-01-02T00:00:00.000Z',
      script: SCRIPT,
    },
  ],
};

let sim: Simulator;
let site: Site;
let out: string;

beforeAll(async () => {
  sim = await startSimulator(FIXTURE);
  site = siteFor(sim);
  out = await mkdtemp(join(tmpdir(), 'qixflow-lineage-redaction-'));
});

afterAll(async () => {
  await site?.close();
  await sim?.close();
  await rm(out, { recursive: true, force: true });
});

function expectNoSecret(text: string, where: string): void {
  for (const secret of SECRETS) expect(text.includes(secret), `${where} holds ${secret}`).toBe(false);
}

describe('lineage outputs never hold credentials', () => {
  it('keeps them out of lineage.json, the fragments, the state, lineage.html and the OpenLineage events', async () => {
    const summary = await extractSiteLineage(site, {
      outDir: out,
      formats: ['json', 'html', 'openlineage'],
      model: 'never',
      host: 'sense.example.com',
    });
    expect(summary.apps.failed).toBe(0);
    const files = [
      join(out, 'lineage.json'),
      join(out, 'lineage.html'),
      join(out, 'openlineage.ndjson'),
      join(out, 'lineage-state.json'),
      ...(await readdir(join(out, 'fragments'))).map((f) => join(out, 'fragments', f)),
    ];
    for (const file of files) expectNoSecret(await readFile(file, 'utf8'), file);

    // The script did travel, with its DSNs, servers and tables, only without the credentials.
    const events = (await readFile(join(out, 'openlineage.ndjson'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { job: { facets: { sourceCode?: { sourceCode: string } } } });
    const source = events.map((e) => e.job.facets.sourceCode?.sourceCode ?? '').join('\n');
    expect(source).toContain('ODBC CONNECT TO [Sales DSN;UID=***;PWD=***];');
    expect(source).toContain('OLEDB CONNECT TO [Provider=SQLOLEDB.1;Data Source=db1;User ID=***;Password={***}];');
    expect(source).toContain(`LET vJson = '{"server":"db1","user":"***","password":"***"}';`);
    const graph = JSON.parse(await readFile(join(out, 'lineage.json'), 'utf8')) as LineageGraph;
    const warehouse = graph.nodes.find((n) => n.kind === 'Connection' && n.name === 'Warehouse');
    expect(warehouse?.attributes).toMatchObject({
      connectionString: 'ODBC CONNECT TO [Warehouse DSN;UID=***;PWD=***]',
    });
    const variable = graph.nodes.find((n) => n.kind === 'Variable' && n.name === 'vDbPassword');
    expect(variable?.attributes).toMatchObject({ definition: '***' });
  });

  it('keeps them out of what extractAppLineage returns', async () => {
    const lineage = await site.withApp(APP_ID, (doc) =>
      extractAppLineage(doc as never, { appId: APP_ID, model: 'never' }),
    );
    expectNoSecret(JSON.stringify(lineage), 'extractAppLineage');
    expect(lineage.report.script).toContain('[Sales DSN;UID=***;PWD=***]');
  });

  it('redacts a graph built elsewhere when it is rendered or turned into events', async () => {
    const leaky: LineageGraph = {
      schemaVersion: 'qixflow-lineage/1',
      nodes: [
        {
          id: 'app:x',
          kind: 'App',
          name: 'X',
          appId: 'x',
          provenance: 'repository',
          confidence: 1,
          attributes: { appId: 'x', status: 'ok' },
        },
        {
          id: 'conn:Warehouse',
          kind: 'Connection',
          name: 'Warehouse',
          provenance: 'model',
          confidence: 1,
          attributes: { connectionString: 'Server=db1;UID=conn_user;PWD=c0nn-s3cret', resolved: true },
        },
      ],
      edges: [],
      apps: [{ appId: 'x', name: 'X', status: 'ok', diagnostics: [], script: 'ODBC CONNECT TO [d;PWD=0dbc-s3cret];' }],
    };
    expectNoSecret(await renderLineageHtml(leaky), 'lineage.html');
    expectNoSecret(JSON.stringify(toOpenLineageEvents(leaky)), 'OpenLineage events');
  });
});

describe('resume state', () => {
  it('reports a corrupt state file before extracting again', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'qixflow-lineage-state-'));
    try {
      await writeFile(join(dir, 'lineage-state.json'), '{"version":1,"host":');
      const events: LineageProgressEvent[] = [];
      await extractSiteLineage(site, { outDir: dir, model: 'never', onProgress: (e) => events.push(e) });
      expect(events[0]).toEqual({
        type: 'state-discarded',
        file: join(dir, 'lineage-state.json'),
        reason: 'is not JSON',
      });
      expect(events[1]?.type).toBe('inventory');
      expect(events.some((e) => e.type === 'app-done')).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
