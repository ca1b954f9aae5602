import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Site } from '@qixflow/core';
import type { Simulator } from '@qixflow/sense-sim';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  extractSiteLineage,
  type LineageGraph,
  type OpenLineageDataset,
  type OpenLineageRunEvent,
  postOpenLineage,
  toOpenLineageEvents,
} from '../src/index.js';
import { openLineageValidator } from './support/openlineage-spec.js';
import { siteFor, startSimulator } from './support/simulator.js';

const SALES = '7d1e2f3a-4b5c-4d6e-8f7a-9b0c1d2e3f4a';
const DASHBOARD = '8e2f3a4b-5c6d-4e7f-9a8b-0c1d2e3f4a5b';
const BROKEN = '9f3a4b5c-6d7e-4f8a-0b9c-1d2e3f4a5b6c';

const SALES_SCRIPT = [
  'Customers:',
  "LOAD CustomerID, Region FROM [lib://Data/Customers.csv] (txt, embedded labels, delimiter is ',');",
  'Orders:',
  "LOAD OrderID, CustomerID, Amount, Status FROM [lib://Data/Orders.csv] (txt, embedded labels, delimiter is ',')",
  "WHERE Status = 'open';",
  'LEFT JOIN (Orders) LOAD CustomerID, Region RESIDENT Customers;',
  'DROP TABLE Customers;',
  'Totals:',
  'LOAD Region, Sum(Amount) AS Total, Hash128(Region) AS RegionKey RESIDENT Orders GROUP BY Region;',
  'STORE Totals INTO [lib://Data/Totals.qvd] (qvd);',
  'Ranked:',
  "LOAD CustomerID, If(Amount > 20, 'big', 'small') AS Size, Amount - Previous(Amount) AS Delta",
  'RESIDENT Orders ORDER BY Amount;',
  'STORE Ranked INTO [lib://Data/Ranked.qvd] (qvd);',
  'DROP TABLE Ranked;',
  "FOR EACH f IN FileList('lib://Data/sales_*.csv')",
  "  Monthly: LOAD Month, Revenue FROM [$(f)] (txt, embedded labels, delimiter is ',');",
  'NEXT f',
  '',
].join('\n');

/**
 * A small site: Sales (stream Finance) reads two CSVs with a WHERE, a JOIN and a GROUP BY, stores
 * a QVD and loads a FOR EACH over sales_*.csv; Dashboard BINARYs Sales; Broken's task fails.
 */
describe('OpenLineage by its conventions, from the simulator', () => {
  let sim: Simulator;
  let site: Site;
  let dir: string;
  let events: OpenLineageRunEvent[];
  let graph: LineageGraph;
  const eventsOf = (jobName: string) => events.filter((e) => e.job.name === jobName);
  const complete = (jobName: string) => {
    const e = eventsOf(jobName).find((x) => x.eventType === 'COMPLETE');
    if (!e) throw new Error(`no COMPLETE for ${jobName}`);
    return e;
  };
  const output = (e: OpenLineageRunEvent, name: string): OpenLineageDataset => {
    const d = e.outputs.find((o) => o.name === name);
    if (!d) throw new Error(`no output ${name}`);
    return d;
  };
  type Lineage = {
    fields: Record<string, { inputFields: { name: string; field: string; transformations: object[] }[] }>;
    dataset?: { name: string; field: string; transformations: object[] }[];
  };
  const lineageOf = (d: OpenLineageDataset) => d.facets?.columnLineage as unknown as Lineage;
  const direct = (subtype: string, masking = false) => ({ type: 'DIRECT', subtype, masking });
  const indirect = (subtype: string) => ({ type: 'INDIRECT', subtype, masking: false });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qixflow-ol-conventions-'));
    const data = join(dir, 'data', 'data');
    await mkdir(data, { recursive: true });
    await writeFile(join(data, 'Customers.csv'), 'CustomerID,Region\n1,North\n2,South\n');
    await writeFile(join(data, 'Orders.csv'), 'OrderID,CustomerID,Amount,Status\n1,1,30,open\n2,2,12,closed\n');
    await writeFile(join(data, 'sales_2026-01.csv'), 'Month,Revenue\n2026-01,10\n');
    await writeFile(join(data, 'sales_2026-02.csv'), 'Month,Revenue\n2026-02,20\n');
    sim = await startSimulator({
      dataFolder: join(dir, 'data'),
      streams: [{ name: 'Finance' }],
      dataConnections: [{ name: 'Data', type: 'folder', connectionString: 'data' }],
      reloadTasks: [
        { name: 'Reload Sales', app: SALES },
        { name: 'Reload Broken', app: BROKEN },
      ],
      apps: [
        { id: SALES, name: 'Sales', stream: 'Finance', script: SALES_SCRIPT },
        { id: DASHBOARD, name: 'Dashboard', script: 'Binary [lib://Data/Sales.qvf];\n' },
        { id: BROKEN, name: 'Broken', script: 'T:\nLOAD * INLINE [A\n1];\nLOAD A RESIDENT Nope;\n' },
      ],
    });
    site = siteFor(sim);
    const out = join(dir, 'out');
    await extractSiteLineage(site, {
      outDir: out,
      formats: ['json', 'openlineage'],
      host: 'sense.test',
      concurrency: 1,
    });
    graph = JSON.parse(await readFile(join(out, 'lineage.json'), 'utf8')) as LineageGraph;
    events = (await readFile(join(out, 'openlineage.ndjson'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as OpenLineageRunEvent);
  });
  afterAll(async () => {
    await site?.close();
    await sim?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('validates against the official OpenLineage schemas (spec folder), facets included', () => {
    const validate = openLineageValidator();
    for (const e of events) expect(validate(e), `${e.eventType} ${e.job.name}`).toEqual([]);
  });

  it('names jobs <stream>.<app name> (or the app name) with the app id in a qlik_app facet', () => {
    expect([...new Set(events.map((e) => `${e.job.namespace} ${e.job.name}`))].sort()).toEqual([
      'qlik://sense.test Broken',
      'qlik://sense.test Dashboard',
      'qlik://sense.test Finance.Sales',
    ]);
    expect(complete('Finance.Sales').job.facets?.qlik_app).toMatchObject({ appId: SALES, stream: 'Finance' });
    expect(complete('Dashboard').job.facets?.qlik_app).toMatchObject({ appId: DASHBOARD });
  });

  it('writes START and COMPLETE per reload, START and FAIL (errorMessage) for the failed one, one run id each', () => {
    expect(events.map((e) => `${e.job.name} ${e.eventType}`)).toEqual(
      expect.arrayContaining(['Finance.Sales START', 'Finance.Sales COMPLETE', 'Broken START', 'Broken FAIL']),
    );
    for (const job of ['Finance.Sales', 'Dashboard', 'Broken']) {
      const run = eventsOf(job);
      expect(run.map((e) => e.eventType)[0]).toBe('START');
      expect(new Set(run.map((e) => e.run.runId)).size).toBe(1);
    }
    expect(new Set(events.map((e) => e.run.runId)).size).toBe(3);
    const fail = eventsOf('Broken').find((e) => e.eventType === 'FAIL');
    expect(fail?.run.facets?.errorMessage).toMatchObject({
      message: "reload failed at line 4: Table 'Nope' not found (task 'Reload Broken')",
      programmingLanguage: 'QLIK_SCRIPT',
    });
    expect(eventsOf('Broken').map((e) => e.eventType)).not.toContain('COMPLETE');
  });

  it('names datasets by connection and path with their case, keeps the FOR EACH pattern, reads the BINARY model', () => {
    const sales = complete('Finance.Sales');
    expect(sales.inputs.map((i) => `${i.namespace} ${i.name}`)).toEqual(
      expect.arrayContaining([
        'qlik://sense.test Data/Customers.csv',
        'qlik://sense.test Data/Orders.csv',
        'qlik://sense.test Data/sales_*.csv',
      ]),
    );
    const pattern = sales.inputs.find((i) => i.name === 'Data/sales_*.csv');
    expect(pattern?.facets?.qlik_pattern).toMatchObject({
      pattern: 'Data/sales_*.csv',
      matches: [
        { namespace: 'qlik://sense.test', name: 'Data/sales_2026-01.csv' },
        { namespace: 'qlik://sense.test', name: 'Data/sales_2026-02.csv' },
      ],
    });
    expect(sales.outputs.map((o) => o.name)).toEqual(
      expect.arrayContaining(['Data/Totals.qvd', `app/${SALES}/Orders`, `app/${SALES}/Monthly`]),
    );
    // The table a FOR EACH loads has its column lineage, from the pattern dataset.
    expect(lineageOf(output(sales, `app/${SALES}/Monthly`)).fields.Revenue?.inputFields).toEqual([
      {
        namespace: 'qlik://sense.test',
        name: 'Data/sales_*.csv',
        field: 'Revenue',
        transformations: [direct('IDENTITY')],
      },
    ]);
    expect(complete('Dashboard').inputs).toEqual([{ namespace: 'qlik://sense.test', name: `app/${SALES}` }]);
  });

  it('types column lineage: CONDITIONAL (an If condition) and WINDOW (Previous) per field, SORT (ORDER BY) for the dataset', () => {
    const ranked = lineageOf(output(complete('Finance.Sales'), 'Data/Ranked.qvd'));
    const amount = (field: string) => ranked.fields[field]?.inputFields.find((i) => i.field === 'Amount');
    expect(amount('Size')?.transformations).toContainEqual(indirect('CONDITIONAL'));
    expect(amount('Delta')?.transformations).toEqual([direct('TRANSFORMATION'), indirect('WINDOW')]);
    // CustomerID is the key Orders was LEFT JOINed with Customers on: copied from Orders, matched in Customers.
    expect(ranked.fields.CustomerID?.inputFields.map((i) => [i.name, i.transformations])).toEqual([
      ['Data/Customers.csv', [direct('IDENTITY'), indirect('JOIN')]],
      ['Data/Orders.csv', [direct('IDENTITY')]],
    ]);
    expect(ranked.dataset).toContainEqual(
      expect.objectContaining({ name: 'Data/Orders.csv', field: 'Amount', transformations: [indirect('SORT')] }),
    );
    expect(ranked.dataset).toContainEqual(
      expect.objectContaining({ name: 'Data/Orders.csv', field: 'Status', transformations: [indirect('FILTER')] }),
    );
  });

  it('types column lineage: IDENTITY, AGGREGATION, masked TRANSFORMATION; FILTER, GROUP_BY and JOIN', () => {
    const sales = complete('Finance.Sales');
    const totals = lineageOf(output(sales, 'Data/Totals.qvd'));
    expect(totals.fields.Region?.inputFields).toEqual([
      expect.objectContaining({ name: 'Data/Customers.csv', field: 'Region', transformations: [direct('IDENTITY')] }),
    ]);
    expect(totals.fields.Total?.inputFields).toEqual([
      expect.objectContaining({ name: 'Data/Orders.csv', field: 'Amount', transformations: [direct('AGGREGATION')] }),
    ]);
    expect(totals.fields.RegionKey?.inputFields).toEqual([
      expect.objectContaining({ field: 'Region', transformations: [direct('TRANSFORMATION', true)] }),
    ]);
    // Totals is grouped by Region, from Orders filtered on Status and joined with Customers on CustomerID.
    expect(totals.dataset).toEqual([
      expect.objectContaining({ name: 'Data/Customers.csv', field: 'CustomerID', transformations: [indirect('JOIN')] }),
      expect.objectContaining({ name: 'Data/Customers.csv', field: 'Region', transformations: [indirect('GROUP_BY')] }),
      expect.objectContaining({ name: 'Data/Orders.csv', field: 'CustomerID', transformations: [indirect('JOIN')] }),
      expect.objectContaining({ name: 'Data/Orders.csv', field: 'Status', transformations: [indirect('FILTER')] }),
    ]);
    const orders = lineageOf(output(sales, `app/${SALES}/Orders`));
    expect(orders.dataset).toEqual([
      expect.objectContaining({ name: 'Data/Customers.csv', field: 'CustomerID', transformations: [indirect('JOIN')] }),
      expect.objectContaining({ name: 'Data/Orders.csv', field: 'CustomerID', transformations: [indirect('JOIN')] }),
      expect.objectContaining({ name: 'Data/Orders.csv', field: 'Status', transformations: [indirect('FILTER')] }),
    ]);
    expect(orders.fields.CustomerID?.inputFields).toContainEqual(
      expect.objectContaining({
        name: 'Data/Customers.csv',
        transformations: [direct('IDENTITY'), indirect('JOIN')],
      }),
    );
  });

  it('posts to OPENLINEAGE_URL with OPENLINEAGE_API_KEY and OPENLINEAGE_NAMESPACE, retrying a 503', async () => {
    const received: { url: string; headers: IncomingHttpHeaders; body: OpenLineageRunEvent }[] = [];
    let refusals = 0;
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString('utf8');
      });
      req.on('end', () => {
        if (refusals++ === 0) return void res.writeHead(503).end('busy');
        received.push({ url: req.url ?? '', headers: req.headers, body: JSON.parse(body) as OpenLineageRunEvent });
        res.writeHead(201).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      vi.stubEnv('OPENLINEAGE_URL', `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/marquez`);
      vi.stubEnv('OPENLINEAGE_API_KEY', 'ol-k3y');
      vi.stubEnv('OPENLINEAGE_NAMESPACE', 'qlik-prod');
      const sent = toOpenLineageEvents(graph);
      const result = await postOpenLineage(undefined, sent, { retryDelayMs: 10, concurrency: 2 });
      expect(result).toEqual({ posted: sent.length, failures: [] });
      expect(refusals).toBe(sent.length + 1);
      expect(received).toHaveLength(sent.length);
      expect(received.every((r) => r.url === '/marquez/api/v1/lineage')).toBe(true);
      expect(received.every((r) => r.headers.authorization === 'Bearer ol-k3y')).toBe(true);
      expect(new Set(received.map((r) => r.body.job.namespace))).toEqual(new Set(['qlik-prod']));
      // The events of one run arrive in order.
      for (const runId of new Set(received.map((r) => r.body.run.runId))) {
        const types = received.filter((r) => r.body.run.runId === runId).map((r) => r.body.eventType);
        expect(types[0]).toBe('START');
        expect(types).toHaveLength(2);
      }
      const types = received.map((r) => `${r.body.job.name} ${r.body.eventType}`).sort();
      expect(types).toEqual([
        'Broken FAIL',
        'Broken START',
        'Dashboard COMPLETE',
        'Dashboard START',
        'Finance.Sales COMPLETE',
        'Finance.Sales START',
      ]);
      const sales = received.find((r) => r.body.job.name === 'Finance.Sales' && r.body.eventType === 'COMPLETE');
      const totals = sales?.body.outputs.find((o) => o.name === 'Data/Totals.qvd');
      expect(totals && lineageOf(totals).fields.Total?.inputFields[0]?.transformations).toEqual([
        direct('AGGREGATION'),
      ]);
    } finally {
      vi.unstubAllEnvs();
      await new Promise((resolve) => receiver.close(resolve));
    }
  });
});
