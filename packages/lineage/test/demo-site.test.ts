import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Site } from '@qixflow/core';
import type { Simulator } from '@qixflow/sense-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  extractSiteLineage,
  type LineageGraph,
  type LineageNode,
  type OpenLineageRunEvent,
  type SiteLineageSummary,
  validateLineageGraph,
} from '../src/index.js';
import { GraphQuery } from './support/graph-queries.js';
import { openLineageValidator } from './support/openlineage-spec.js';
import { DEMO, siteFor, startSimulator } from './support/simulator.js';

/**
 * The demo site, crawled once: every expectation below was written by hand from the scripts in
 * packages/sense-sim/demo-site/apps/*.json.
 */
let sim: Simulator;
let site: Site;
let out: string;
let summary: SiteLineageSummary;
let graph: LineageGraph;
let q: GraphQuery;
let receiver: Server;
const received: { url: string; headers: IncomingHttpHeaders; body: OpenLineageRunEvent }[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString('utf8');
    });
    req.on('end', () => {
      received.push({ url: req.url ?? '', headers: req.headers, body: JSON.parse(body) as OpenLineageRunEvent });
      res.writeHead(201, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const port = (receiver.address() as AddressInfo).port;
  sim = await startSimulator('demo');
  site = siteFor(sim);
  out = await mkdtemp(join(tmpdir(), 'qixflow-lineage-demo-'));
  summary = await extractSiteLineage(site, {
    outDir: out,
    formats: ['json', 'openlineage', 'html'],
    host: 'sense.demo',
    model: 'always',
    concurrency: 3,
    openLineage: { url: `http://127.0.0.1:${port}` },
  });
  graph = JSON.parse(await readFile(join(out, 'lineage.json'), 'utf8')) as LineageGraph;
  q = new GraphQuery(graph);
});

afterAll(async () => {
  await site?.close();
  await sim?.close();
  await new Promise((resolve) => receiver?.close(resolve));
  if (out) await rm(out, { recursive: true, force: true });
});

const ds = (name: string, app: string) => q.one('ExternalDataset', name, app);
const dsField = (dataset: string, field: string, app: string) => q.field('DatasetField', dataset, field, app);
const field = (table: string, name: string, app: string) => q.field('ScriptField', table, name, app);
const stmt = (name: string, app: string) => q.one('ScriptStatement', name, app);

describe('the demo site crawl', () => {
  it('extracts every app over one proxy session and writes a graph valid against the schema', () => {
    expect(summary.aborted).toBe(false);
    expect(summary.apps).toEqual({ total: 5, extracted: 5, skipped: 0, failed: 0 });
    expect(sim.audit.sessionsCreated()).toBe(1);
    expect(site.stats().proxySessionsCreated).toBe(1);
    expect(validateLineageGraph(graph)).toEqual({ valid: true, errors: [] });
    expect(summary.nodes).toBe(graph.nodes.length);
    expect(summary.edges).toBe(graph.edges.length);
    expect(graph.apps.map((a) => [a.name, a.status])).toEqual([
      ['Sales Dashboard', 'ok'],
      ['Sales Extract', 'ok'],
      ['HR Overview', 'ok'],
      ['Sales Transform', 'ok'],
      ['Finance', 'ok'],
    ]);
  });

  it('places apps in their streams under the site', () => {
    const siteNode = q.one('Site', 'sense.demo');
    const sales = q.one('Stream', 'Sales');
    expect(q.has('CONTAINS', siteNode, sales)).toBe(true);
    expect(q.has('CONTAINS', sales, q.one('App', 'Sales Transform'))).toBe(true);
    expect(q.has('CONTAINS', siteNode, q.one('App', 'Sales Extract'))).toBe(true); // unpublished
  });

  it('reports coverage per app: the analysis produces exactly the fields of each data model', () => {
    const coverage = Object.fromEntries(graph.apps.map((a) => [a.name, a.coverage]));
    expect(coverage['Sales Dashboard']).toMatchObject({
      status: 'checked',
      modelTables: 6,
      modelFields: 33,
      matchedFields: 33,
      ratio: 1,
      missingFromScript: [],
      notInModel: [],
    });
    expect(coverage.Finance).toMatchObject({
      status: 'checked',
      modelTables: 1,
      modelFields: 8,
      ratio: 1,
      missingFromScript: [],
      notInModel: [],
    });
    expect(coverage['HR Overview']).toMatchObject({
      status: 'checked',
      modelTables: 5,
      modelFields: 28,
      ratio: 1,
      missingFromScript: [],
      notInModel: [],
    });
    expect(coverage['Sales Extract']).toMatchObject({ status: 'checked', modelTables: 0, ratio: 1 });
    expect(coverage['Sales Transform']).toMatchObject({ status: 'checked', modelTables: 0, ratio: 1 });
  });
});

describe('sources: databases behind SQL SELECT, files, QVDs', () => {
  it('Sales Extract reads dbo.Orders through SalesDB, confirmed by GetLineage', () => {
    const orders = ds('dbo.Orders', DEMO.extract);
    expect(orders.attributes).toMatchObject({
      datasetType: 'db-table',
      connection: 'SalesDB',
      identity: 'db://salesdb/dbo.orders',
    });
    const select = stmt('Orders: SQL', DEMO.extract);
    const read = q.edge('READS', select, orders);
    expect([read.provenance, read.confidence, read.attributes]).toEqual([
      'reconciled',
      1,
      { mode: 'sql', engineDiscriminator: 'SalesDB;' },
    ]);
    expect(q.has('USES_CONNECTION', select, q.one('Connection', 'SalesDB'))).toBe(true);
    for (const table of ['dbo.OrderLines', 'dbo.Customers', 'dbo.Products'])
      expect(ds(table, DEMO.extract).provenance).toBe('reconciled');
  });

  it('HR Overview reads hr.Employees, hr.Departments and hr.Absences through HRDB', () => {
    for (const t of ['hr.Employees', 'hr.Departments', 'hr.Absences']) {
      expect(ds(t, DEMO.hr).attributes).toMatchObject({ datasetType: 'db-table', connection: 'HRDB' });
    }
    expect(q.one('Connection', 'HRDB').attributes).toMatchObject({ connectionType: 'OLEDB', resolved: true });
  });

  it('keeps INLINE and AUTOGENERATE as per-app pseudo-sources', () => {
    expect(q.nodes('ExternalDataset', 'INLINE (SalesReps)', DEMO.dashboard)[0]?.attributes).toMatchObject({
      datasetType: 'inline',
    });
    expect(q.nodes('ExternalDataset', 'AUTOGENERATE (Calendar)', DEMO.dashboard)[0]?.attributes).toMatchObject({
      datasetType: 'autogenerate',
    });
  });
});

describe('cross-app QVD chains (SAME_AS on normalised identity)', () => {
  it('Sales Extract WRITES lib://QVDs/sales/Orders.qvd SAME_AS the dataset Sales Transform READS', () => {
    const written = ds('lib://QVDs/sales/Orders.qvd', DEMO.extract);
    const write = q.edge('WRITES', stmt('Orders: STORE', DEMO.extract), written);
    expect([write.provenance, write.confidence]).toEqual(['reconciled', 1]);
    const read = ds('lib://QVDs/sales/Orders.qvd', DEMO.transform);
    const readers = q.edges('READS', undefined, read.id).map((e) => [q.node(e.from)?.name, e.provenance]);
    expect(readers).toEqual([['OrderLinesTmp: JOIN LOAD', 'reconciled']]);
    expect(q.edge('SAME_AS', written, read).attributes).toEqual({ identity: 'lib://qvds/sales/orders.qvd' });
    // Written as [$(vQvdPath)/Orders.qvd] in one app and [$(vRawPath)/Orders.qvd] in the other.
    expect(written.attributes).toMatchObject({ path: 'lib://QVDs/sales/Orders.qvd' });
  });

  it('links every QVD of the chain from its writer to each reader, and none for a QVD nobody reads', () => {
    const chain: [string, string, string][] = [
      ['lib://QVDs/sales/Orders.qvd', DEMO.extract, DEMO.transform],
      ['lib://QVDs/sales/OrderLines.qvd', DEMO.extract, DEMO.transform],
      ['lib://QVDs/sales/Customers.qvd', DEMO.extract, DEMO.transform],
      ['lib://QVDs/sales/Products.qvd', DEMO.extract, DEMO.transform],
      ['lib://QVDs/model/SalesFact.qvd', DEMO.transform, DEMO.dashboard],
      ['lib://QVDs/model/SalesFact.qvd', DEMO.transform, DEMO.finance],
      ['lib://QVDs/model/DimCustomer.qvd', DEMO.transform, DEMO.dashboard],
      ['lib://QVDs/model/DimCustomer.qvd', DEMO.transform, DEMO.finance],
      ['lib://QVDs/model/DimProduct.qvd', DEMO.transform, DEMO.dashboard],
    ];
    for (const [name, writer, reader] of chain)
      expect(q.has('SAME_AS', ds(name, writer), ds(name, reader)), `${name} ${writer} → ${reader}`).toBe(true);
    const orphan = ds('lib://QVDs/finance/ActualVsBudget.qvd', DEMO.finance);
    expect(q.edges('SAME_AS', orphan.id)).toEqual([]);
    expect(q.edges('SAME_AS').filter((e) => !e.from.includes('/field:'))).toHaveLength(chain.length);
  });

  it('links fields across apps too, and a SELECT * QVD through its * field', () => {
    expect(
      q.edge(
        'SAME_AS',
        dsField('lib://QVDs/sales/Orders.qvd', 'OrderStatus', DEMO.extract),
        dsField('lib://QVDs/sales/Orders.qvd', 'OrderStatus', DEMO.transform),
      ).confidence,
    ).toBe(1);
    // Products is `SQL SELECT * FROM dbo.Products`: Sales Extract does not know its columns.
    const star = dsField('lib://QVDs/sales/Products.qvd', '*', DEMO.extract);
    const unitCost = dsField('lib://QVDs/sales/Products.qvd', 'UnitCost', DEMO.transform);
    expect(q.edge('SAME_AS', star, unitCost).confidence).toBe(0.4);
    expect(q.has('DERIVES', dsField('dbo.Products', '*', DEMO.extract), field('Products', '*', DEMO.extract))).toBe(
      true,
    );
  });
});

describe('field-level lineage', () => {
  it('SalesFact.OrderStatus is Upper(dbo.Orders.Status), set in Sales Extract', () => {
    const e = q.edge(
      'DERIVES',
      dsField('dbo.Orders', 'Status', DEMO.extract),
      field('Orders', 'OrderStatus', DEMO.extract),
    );
    expect(e.attributes).toMatchObject({
      transformation: 'expression',
      expression: 'Upper(Status)',
      operation: 'load',
    });
    expect(
      q.edge(
        'DERIVES',
        field('Orders', 'OrderStatus', DEMO.extract),
        dsField('lib://QVDs/sales/Orders.qvd', 'OrderStatus', DEMO.extract),
      ).attributes,
    ).toMatchObject({
      transformation: 'identity',
      operation: 'store',
    });
  });

  it('DimCustomer.Region comes from Regions.csv.RegionName via ApplyMap, keyed by RegionCode', () => {
    const map = field('RegionMap', 'RegionName', DEMO.transform);
    expect(
      q.edge('DERIVES', dsField('lib://DataFiles/Regions.csv', 'RegionName', DEMO.transform), map).attributes,
    ).toMatchObject({ transformation: 'identity', operation: 'mapping' });
    const region = field('DimCustomer', 'Region', DEMO.transform);
    expect(q.edge('DERIVES', map, region).attributes).toMatchObject({
      transformation: 'mapping',
      role: 'value',
      expression: "ApplyMap('RegionMap', RegionCode, 'Unknown')",
    });
    expect(
      q.edge('DERIVES', dsField('lib://QVDs/sales/Customers.qvd', 'RegionCode', DEMO.transform), region).attributes,
    ).toMatchObject({ transformation: 'mapping', role: 'key' });
    expect(q.has('DERIVES', region, dsField('lib://QVDs/model/DimCustomer.qvd', 'Region', DEMO.transform))).toBe(true);
    expect(q.one('ScriptTable', 'RegionMap', DEMO.transform).attributes).toMatchObject({ mapping: true, final: false });
  });

  it('the two LEFT JOINs onto OrderLinesTmp: keys are join-key, joined columns come along', () => {
    const tmp = (f: string) => field('OrderLinesTmp', f, DEMO.transform);
    expect(
      q.edge('DERIVES', dsField('lib://QVDs/sales/Orders.qvd', 'OrderID', DEMO.transform), tmp('OrderID')).attributes,
    ).toMatchObject({ transformation: 'join-key', operation: 'join' });
    expect(
      q.edge('DERIVES', dsField('lib://QVDs/sales/Orders.qvd', 'OrderDate', DEMO.transform), tmp('OrderDate'))
        .attributes,
    ).toMatchObject({ transformation: 'identity', operation: 'join' });
    expect(
      q.edge('DERIVES', dsField('lib://QVDs/sales/Products.qvd', 'ProductID', DEMO.transform), tmp('ProductID'))
        .attributes,
    ).toMatchObject({ transformation: 'join-key' });
    expect(
      q.edge('DERIVES', dsField('lib://QVDs/sales/Products.qvd', 'UnitCost', DEMO.transform), tmp('UnitCost'))
        .attributes,
    ).toMatchObject({ transformation: 'identity', operation: 'join' });
    expect(
      q.edge('DERIVES', dsField('lib://QVDs/sales/OrderLines.qvd', 'OrderID', DEMO.transform), tmp('OrderID'))
        .attributes,
    ).toMatchObject({ transformation: 'identity', operation: 'load' });
    expect(
      q
        .edges('PRODUCES', undefined, q.one('ScriptTable', 'OrderLinesTmp', DEMO.transform).id)
        .map((e) => e.attributes.operation)
        .sort(),
    ).toEqual(['create', 'drop', 'join', 'join']); // the transform DROPs the temporary table at the end
  });

  it('Sales, Cost and Margin: expressions, then Margin from both through the preceding load', () => {
    const fact = (f: string) => field('SalesFact', f, DEMO.transform);
    const tmp = (f: string) => field('OrderLinesTmp', f, DEMO.transform);
    for (const input of ['Quantity', 'UnitPrice', 'Discount']) {
      expect(q.edge('DERIVES', tmp(input), fact('Sales')).attributes).toMatchObject({
        transformation: 'expression',
        expression: 'Round(Quantity * UnitPrice * (1 - Discount), 0.01)',
      });
    }
    expect(q.has('DERIVES', tmp('UnitCost'), fact('Cost'))).toBe(true);
    expect(q.has('DERIVES', tmp('Quantity'), fact('Cost'))).toBe(true);
    expect(q.edge('DERIVES', fact('Sales'), fact('Margin')).attributes).toMatchObject({
      expression: 'Round(Sales - Cost, 0.01)',
    });
    expect(q.has('DERIVES', fact('Cost'), fact('Margin'))).toBe(true);
    expect(q.edges('DERIVES', undefined, fact('Margin').id)).toHaveLength(2);
    expect(stmt('SalesFact: LOAD', DEMO.transform).attributes).toMatchObject({ filterFields: ['OrderStatus'] });
  });

  it('Finance: implicit concatenation of the second SalesFact load, explicit CONCATENATE of Budget.csv', () => {
    const amount = field('Finance', 'Amount', DEMO.finance);
    const fromQvd = q.edges('DERIVES', dsField('lib://QVDs/model/SalesFact.qvd', 'Cost', DEMO.finance).id, amount.id);
    expect(fromQvd.map((e) => e.attributes)).toEqual([
      expect.objectContaining({ transformation: 'rename', operation: 'concatenate' }),
    ]);
    expect(
      q.edge('DERIVES', dsField('lib://QVDs/model/SalesFact.qvd', 'Sales', DEMO.finance), amount).attributes,
    ).toMatchObject({ transformation: 'rename', operation: 'load' });
    expect(
      q.edge('DERIVES', dsField('lib://DataFiles/Budget.csv', 'Amount', DEMO.finance), amount).attributes,
    ).toMatchObject({ transformation: 'concatenate' });
    expect(
      q.edge(
        'DERIVES',
        dsField('lib://DataFiles/Budget.csv', 'Version', DEMO.finance),
        field('Finance', 'BudgetVersion', DEMO.finance),
      ).attributes,
    ).toMatchObject({
      transformation: 'rename',
      operation: 'concatenate',
    });
    expect(
      q
        .nodes('ScriptTable', undefined, DEMO.finance)
        .map((n) => n.name)
        .sort(),
    ).toEqual(['CustomerRegionMap', 'Finance']);
  });

  it('HR: QUALIFY then RENAME gives Department; Departments.CostCenter stays qualified', () => {
    const qualified = field('Departments', 'Departments.DepartmentName', DEMO.hr);
    expect(q.edge('DERIVES', dsField('hr.Departments', 'DepartmentName', DEMO.hr), qualified).attributes).toMatchObject(
      { transformation: 'rename', operation: 'qualify' },
    );
    const department = field('Departments', 'Department', DEMO.hr);
    expect(q.edge('DERIVES', qualified, department).attributes).toMatchObject({
      transformation: 'rename',
      operation: 'rename',
    });
    expect(q.edge('DERIVES', department, q.one('ModelField', 'Department', DEMO.hr)).provenance).toBe('reconciled');
    const costCenter = q.one('ModelField', 'Departments.CostCenter', DEMO.hr);
    expect(q.has('DERIVES', field('Departments', 'Departments.CostCenter', DEMO.hr), costCenter)).toBe(true);
    expect(q.edges('REFERENCES', undefined, costCenter.id).some((e) => q.node(e.from)?.kind === 'Visualization')).toBe(
      true,
    );
    expect(
      q.edge('DERIVES', field('EmployeesRaw', 'FirstName', DEMO.hr), field('Employees', 'EmployeeName', DEMO.hr))
        .attributes,
    ).toMatchObject({ transformation: 'expression' });
    expect(
      q.has(
        'DERIVES',
        dsField('lib://DataFiles/HeadcountPlan.csv', '2025', DEMO.hr),
        field('HeadcountPlan', 'PlannedHeadcount', DEMO.hr),
      ),
    ).toBe(true);
  });

  it('Sales Dashboard: SalesFact.qvd.Sales → Sales.Sales → model field Sales', () => {
    const model = q.one('ModelField', 'Sales', DEMO.dashboard);
    expect(model.attributes).toMatchObject({ tables: ['Sales'] });
    const scriptField = field('Sales', 'Sales', DEMO.dashboard);
    expect(
      q.edge('DERIVES', dsField('lib://QVDs/model/SalesFact.qvd', 'Sales', DEMO.dashboard), scriptField).attributes,
    ).toMatchObject({ transformation: 'identity' });
    expect(q.edge('DERIVES', scriptField, model)).toMatchObject({ provenance: 'reconciled', confidence: 1 });
    expect(
      q.has(
        'SAME_AS',
        dsField('lib://QVDs/model/SalesFact.qvd', 'Sales', DEMO.transform),
        dsField('lib://QVDs/model/SalesFact.qvd', 'Sales', DEMO.dashboard),
      ),
    ).toBe(true);
    const key = q.one('ModelField', 'CustomerID', DEMO.dashboard);
    expect(key.attributes).toMatchObject({ tables: ['Sales', 'Customers'], keyType: 'ANY_KEY' });
  });
});

describe('consumption: master items and the charts using them', () => {
  const usersOf = (node: LineageNode) =>
    q
      .edges('REFERENCES', undefined, node.id)
      .map((e) => q.node(e.from))
      .filter((n): n is LineageNode => n?.kind === 'Visualization');

  it('Total Sales = Sum(Sales) is used by 7 charts, including the Geography drill-down bar', () => {
    const total = q.one('MasterMeasure', 'Total Sales', DEMO.dashboard);
    expect(total.attributes).toMatchObject({ libraryId: 'yBnwZA', definition: 'Sum(Sales)' });
    expect(q.edge('REFERENCES', total, q.one('ModelField', 'Sales', DEMO.dashboard)).attributes).toMatchObject({
      usage: 'measure',
    });
    const charts = usersOf(total);
    expect(charts).toHaveLength(7);
    const geography = charts.find((c) => c.kind === 'Visualization' && c.attributes.objectId === 'aZPmCQ');
    expect(geography?.name).toBe('Sales by Geography');
    const dim = q.one('MasterDimension', 'Geography', DEMO.dashboard);
    expect(q.edge('REFERENCES', geography?.id ?? '', dim).attributes).toEqual({ usage: 'library' });
    for (const f of ['Region', 'Country', 'City'])
      expect(q.has('REFERENCES', dim, q.one('ModelField', f, DEMO.dashboard))).toBe(true);
    const sheet = q.graph.edges.find((e) => e.kind === 'CONTAINS' && e.to === geography?.id);
    expect(q.node(sheet?.from ?? '')?.name).toBe('Sales Overview');
  });

  it('set analysis on a variable: Sales CY references Sales, Year (in the set) and vCurrentYear', () => {
    const cy = q.one('MasterMeasure', 'Sales CY', DEMO.dashboard);
    const year = q.one('ModelField', 'Year', DEMO.dashboard);
    expect(q.edges('REFERENCES', cy.id, year.id).map((e) => e.attributes.usage)).toContain('set');
    const variable = q.one('Variable', 'vCurrentYear', DEMO.dashboard);
    expect(q.has('REFERENCES', cy, variable)).toBe(true);
    expect(q.edge('REFERENCES', variable, year).attributes).toMatchObject({ usage: 'expression' });
  });

  it('leaves the unused master items without users (Country, Avg Order Value, Scenario, Job Title)', () => {
    expect(usersOf(q.one('MasterDimension', 'Country', DEMO.dashboard))).toEqual([]);
    expect(usersOf(q.one('MasterMeasure', 'Avg Order Value', DEMO.dashboard))).toEqual([]);
    expect(usersOf(q.one('MasterDimension', 'Scenario', DEMO.finance))).toEqual([]);
    expect(usersOf(q.one('MasterDimension', 'Job Title', DEMO.hr))).toEqual([]);
  });

  it('resolves every chart and master item expression of the demo to model fields', () => {
    const unresolved = graph.nodes.filter((n) => n.kind === 'ModelField' && n.attributes.unresolved);
    expect(unresolved.map((n) => n.name)).toEqual([]);
  });
});

describe('OpenLineage', () => {
  let events: OpenLineageRunEvent[];
  beforeAll(async () => {
    events = (await readFile(join(out, 'openlineage.ndjson'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as OpenLineageRunEvent);
  });
  const eventOf = (appId: string) => {
    const e = events.find(
      (x) => x.eventType === 'COMPLETE' && (x.job.facets?.qlik_app as { appId?: string } | undefined)?.appId === appId,
    );
    if (!e) throw new Error(`no event for ${appId}`);
    return e;
  };

  it('writes START and COMPLETE per app, valid against the official OpenLineage schemas', () => {
    const validate = openLineageValidator();
    expect(events).toHaveLength(10);
    for (const e of events) expect(validate(e), `${e.eventType} ${e.job.name}`).toEqual([]);
    expect(events.map((e) => `${e.eventType} ${e.job.namespace} ${e.job.name}`)).toEqual(
      [
        'Everyone.Sales Dashboard',
        'Sales Extract',
        'HR.HR Overview',
        'Sales.Sales Transform',
        'Finance.Finance',
      ].flatMap((job) => [`START qlik://sense.demo ${job}`, `COMPLETE qlik://sense.demo ${job}`]),
    );
    const extract = eventOf(DEMO.extract);
    expect(extract.eventTime).toBe('2026-06-29T02:01:12.000Z'); // QRS lastReloadTime
    expect(events.find((e) => e.eventType === 'START' && e.run.runId === extract.run.runId)?.eventTime).toBe(
      extract.eventTime,
    );
    expect(new Set(events.map((e) => e.run.runId)).size).toBe(5);
    expect(extract.job.facets?.jobType).toMatchObject({
      processingType: 'BATCH',
      integration: 'QLIK_SENSE',
      jobType: 'RELOAD',
    });
    expect(extract.job.facets?.qlik_app).toMatchObject({ appId: DEMO.extract, published: false });
    expect(String(extract.job.facets?.sourceCode?.sourceCode)).toContain("LIB CONNECT TO 'SalesDB'");
  });

  it('maps datasets to namespaces: lib connections, the database of an OLEDB connection, app models', () => {
    const extract = eventOf(DEMO.extract);
    // SalesDB's connection string names no server: the connection stands for it.
    expect(extract.inputs).toContainEqual(
      expect.objectContaining({ namespace: 'qlik://sense.demo', name: 'SalesDB/dbo.Orders' }),
    );
    expect(extract.outputs.map((o) => `${o.namespace} ${o.name}`)).toEqual([
      'qlik://sense.demo QVDs/sales/Customers.qvd',
      'qlik://sense.demo QVDs/sales/OrderLines.qvd',
      'qlik://sense.demo QVDs/sales/Orders.qvd',
      'qlik://sense.demo QVDs/sales/Products.qvd',
    ]);
    const employees = eventOf(DEMO.hr).inputs.find((i) => i.name === 'HR.hr.Employees');
    expect(employees?.namespace).toBe('mssql://hrsql01.corp.local:1433');
    expect(employees?.facets?.symlinks).toMatchObject({
      identifiers: [{ namespace: 'qlik://sense.demo', name: 'HRDB/hr.Employees', type: 'QLIK_CONNECTION_TABLE' }],
    });
    const transform = eventOf(DEMO.transform);
    expect(transform.inputs.map((i) => i.name)).toEqual(
      expect.arrayContaining(['QVDs/sales/Orders.qvd', 'DataFiles/Regions.csv']),
    );
  });

  it('carries column lineage through the script: SalesFact.qvd Sales ← OrderLines.qvd Quantity, UnitPrice, Discount', () => {
    const fact = eventOf(DEMO.transform).outputs.find((o) => o.name === 'QVDs/model/SalesFact.qvd');
    const lineage = fact?.facets?.columnLineage as unknown as {
      fields: Record<
        string,
        { inputFields: { namespace: string; name: string; field: string; transformations: unknown[] }[] }
      >;
    };
    expect(lineage.fields.Sales?.inputFields).toEqual(
      ['Discount', 'Quantity', 'UnitPrice'].map((f) => ({
        namespace: 'qlik://sense.demo',
        name: 'QVDs/sales/OrderLines.qvd',
        field: f,
        transformations: [{ type: 'DIRECT', subtype: 'TRANSFORMATION', masking: false }],
      })),
    );
    expect(lineage.fields.OrderDate?.inputFields).toContainEqual(
      expect.objectContaining({ name: 'QVDs/sales/Orders.qvd', field: 'OrderDate' }),
    );
    const orders = eventOf(DEMO.extract).outputs.find((o) => o.name === 'QVDs/sales/Orders.qvd');
    const cl = orders?.facets?.columnLineage as unknown as {
      fields: Record<string, { inputFields: { name: string; field: string }[] }>;
    };
    expect(cl.fields.OrderStatus?.inputFields).toEqual([
      expect.objectContaining({ name: 'SalesDB/dbo.Orders', field: 'Status' }),
    ]);
    const model = eventOf(DEMO.dashboard).outputs.find(
      (o) => o.namespace === 'qlik://sense.demo' && o.name === `app/${DEMO.dashboard}/Sales`,
    );
    expect(model?.outputFacets?.outputStatistics).toMatchObject({ rowCount: 533 });
    const modelLineage = model?.facets?.columnLineage as unknown as {
      fields: Record<
        string,
        { inputFields: { name: string; field: string; transformations: { subtype: string }[] }[] }
      >;
    };
    expect(modelLineage.fields.Sales?.inputFields).toEqual([
      expect.objectContaining({
        name: 'QVDs/model/SalesFact.qvd',
        field: 'Sales',
        transformations: [expect.objectContaining({ subtype: 'IDENTITY' })],
      }),
    ]);
  });

  it('POSTs every event to the OpenLineage HTTP endpoint (Marquez style)', () => {
    expect(summary.openLineage).toEqual({ events: 10, posted: 10, failures: [] });
    expect(received.map((r) => r.url)).toEqual(Array(10).fill('/api/v1/lineage'));
    expect(received.every((r) => r.headers['content-type'] === 'application/json')).toBe(true);
    // Runs go in parallel, the events of one run in order.
    expect(received.map((r) => r.body)).toHaveLength(events.length);
    expect(received.map((r) => r.body)).toEqual(expect.arrayContaining(events));
  });
});

describe('determinism', () => {
  it('a fresh crawl of the same site writes the same bytes (graph and OpenLineage)', async () => {
    const again = await mkdtemp(join(tmpdir(), 'qixflow-lineage-demo-again-'));
    try {
      await extractSiteLineage(site, {
        outDir: again,
        formats: ['json', 'openlineage'],
        host: 'sense.demo',
        model: 'always',
        concurrency: 5,
        resume: false,
      });
      expect(await readFile(join(again, 'lineage.json'), 'utf8')).toBe(
        await readFile(join(out, 'lineage.json'), 'utf8'),
      );
      expect(await readFile(join(again, 'openlineage.ndjson'), 'utf8')).toBe(
        await readFile(join(out, 'openlineage.ndjson'), 'utf8'),
      );
    } finally {
      await rm(again, { recursive: true, force: true });
    }
  });
});
