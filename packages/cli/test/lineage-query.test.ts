import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runQixflow } from './support/run-qixflow.js';
import { startTestSimulator, type TestSimulator } from './support/test-simulator.js';

/**
 * `qixflow lineage trace|impact` on the demo site. The expected answers were worked out by hand from
 * the scripts and charts in packages/sense-sim/demo-site/apps/*.json.
 */
let t: TestSimulator;
let dir: string;
let graph: string;
const user = { userId: 'lineage-query', userDirectory: 'DEMO' };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qixflow-cli-lineage-query-'));
  t = await startTestSimulator();
  const out = join(dir, 'site');
  const run = await runQixflow(['lineage', '--all', '--format', 'json', '--out', out, ...t.flags(user)], {
    timeoutMs: 80_000,
  });
  expect(run.code, run.stderr).toBe(0);
  graph = join(out, 'lineage.json');
}, 90_000);
afterAll(async () => {
  await t?.close();
  await rm(dir, { recursive: true, force: true });
});

const lines = (text: string) => text.split('\n');

describe('qixflow lineage trace', () => {
  it('prints the upstream tree of a chart across the three apps and its source columns', async () => {
    const { code, stdout, stderr } = await runQixflow([
      'lineage',
      'trace',
      'chart:Sales Dashboard/Sales by Category',
      '--graph',
      graph,
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const out = lines(stdout);
    expect(out[0]).toBe(
      'upstream of Visualization Sales by Category [Sales Dashboard] (field level: 46 nodes, 45 edges)',
    );
    expect(out[1]).toBe('Visualization Sales by Category  [Sales Dashboard]');
    // Sum(Sales) ← SalesFact.qvd (Sales Transform) ← WHERE OrderStatus ← Upper(dbo.Orders.Status) (Sales Extract)
    expect(out).toContain('└─ REFERENCES library → MasterMeasure Total Sales');
    expect(out).toContain('   └─ REFERENCES measure → ModelField Sales');
    expect(out).toContain(
      '            └─ SAME_AS → DatasetField lib://QVDs/model/SalesFact.qvd#Sales  [Sales Transform]',
    );
    expect(out).toContain('                  └─ INDIRECT filter → ScriptField OrderLinesTmp.OrderStatus');
    expect(out).toContain('                     └─ INDIRECT join → ScriptField OrderLinesTmp.OrderID');
    expect(out).toContain('                     │        └─ DERIVES expression → DatasetField dbo.Orders#Status');
    // Quantity * UnitPrice * (1 - Discount), the filter on Status and the join on OrderID (both sides);
    // Category from Products.qvd, whose columns Sales Extract reads as SELECT *.
    const sources = out.slice(out.indexOf('sources (7):') + 1, out.indexOf('sources (7):') + 8);
    expect(sources).toEqual([
      '  DatasetField dbo.OrderLines#Discount  [Sales Extract]',
      '  DatasetField dbo.OrderLines#OrderID  [Sales Extract]',
      '  DatasetField dbo.OrderLines#Quantity  [Sales Extract]',
      '  DatasetField dbo.OrderLines#UnitPrice  [Sales Extract]',
      '  DatasetField dbo.Orders#OrderID  [Sales Extract]',
      '  DatasetField dbo.Orders#Status  [Sales Extract]',
      '  DatasetField dbo.Products#*  [Sales Extract]',
    ]);
  });

  it('extracts the site first without --graph, and walks datasets with --level dataset', {
    timeout: 90_000,
  }, async () => {
    const { code, stdout, stderr } = await runQixflow(
      ['lineage', 'trace', 'chart:Sales Dashboard/Orders', '--level', 'dataset', ...t.flags(user)],
      { timeoutMs: 80_000 },
    );
    expect(stderr).not.toMatch(/^error /m);
    expect(code).toBe(0);
    // Count(DISTINCT OrderID): model table Sales ← SalesFact.qvd ← OrderLinesTmp ← the three QVDs ← SQL.
    expect(stdout).toContain('      └─ CONTAINS → ModelTable Sales');
    expect(stdout).toContain('├─ READS from → ExternalDataset lib://QVDs/model/SalesFact.qvd');
    const out = lines(stdout);
    const at = out.findIndex((l) => l.startsWith('sources ('));
    expect(out.slice(at)).toEqual([
      'sources (5):',
      '  Connection QVDs',
      '  Connection SalesDB',
      '  ExternalDataset dbo.OrderLines  [Sales Extract]',
      '  ExternalDataset dbo.Orders  [Sales Extract]',
      '  ExternalDataset dbo.Products  [Sales Extract]',
      '',
    ]);
  });
});

describe('qixflow lineage impact', () => {
  it('--json: what depends on dbo.Orders.Status, through the WHERE on OrderStatus, edge by edge', async () => {
    const { code, stdout } = await runQixflow(['lineage', 'impact', 'dbo.Orders#Status', '--graph', graph, '--json']);
    expect(code).toBe(0);
    const json = JSON.parse(stdout) as {
      direction: string;
      level: string;
      root: { name: string; app: string; children: { via: { kind: string; label: string }; name: string }[] };
      edges: { label: string; fromName: string; toName: string }[];
      charts: { name: string; app: string }[];
    };
    expect([json.direction, json.level]).toEqual(['downstream', 'field']);
    expect(json.root).toMatchObject({
      name: 'dbo.Orders#Status',
      app: 'Sales Extract',
      children: [{ via: { kind: 'DERIVES', label: 'DERIVES expression' }, name: 'Orders.OrderStatus' }],
    });
    const rows = json.edges.map((e) => `${e.fromName} —${e.label}→ ${e.toName}`);
    expect(rows.slice(0, 4)).toEqual([
      'dbo.Orders#Status [Sales Extract] —DERIVES expression→ Orders.OrderStatus [Sales Extract]',
      'Orders.OrderStatus [Sales Extract] —DERIVES identity→ lib://QVDs/sales/Orders.qvd#OrderStatus [Sales Extract]',
      'lib://QVDs/sales/Orders.qvd#OrderStatus [Sales Extract] —SAME_AS→ lib://QVDs/sales/Orders.qvd#OrderStatus [Sales Transform]',
      'lib://QVDs/sales/Orders.qvd#OrderStatus [Sales Transform] —DERIVES identity→ OrderLinesTmp.OrderStatus [Sales Transform]',
    ]);
    // The WHERE on OrderStatus decides the rows of every field of SalesFact (16).
    const filter = rows.filter((r) => r.includes('INDIRECT filter'));
    expect(filter).toHaveLength(16);
    expect(filter).toContain(
      'OrderLinesTmp.OrderStatus [Sales Transform] —INDIRECT filter→ SalesFact.Sales [Sales Transform]',
    );
    expect(rows).toContain(
      'lib://QVDs/model/SalesFact.qvd#Sales [Sales Transform] —SAME_AS→ lib://QVDs/model/SalesFact.qvd#Sales [Finance]',
    );
    expect(rows).toContain('lib://QVDs/model/SalesFact.qvd#Cost [Finance] —DERIVES rename→ Finance.Amount [Finance]');
    // 12 dashboard charts use a SalesFact field (not the Category/Region/Year list boxes or their pane);
    // every Finance chart uses Amount; no HR chart.
    const byApp = (app: string) =>
      json.charts
        .filter((c) => c.app === app)
        .map((c) => c.name)
        .sort();
    expect(json.charts).toHaveLength(24);
    expect(byApp('Sales Dashboard')).toEqual(
      [
        "=='Sales ' & $(vCurrentYear) & ' vs ' & $(vPreviousYear)",
        "=='Top ' & $(vTopN) & ' products'",
        'Customer details',
        'Margin %',
        'Orders',
        'Sales Rep performance',
        'Sales and Margin by Month',
        'Sales by Category',
        'Sales by Category and Segment',
        'Sales by Geography',
        'Sales vs Target by Region',
        'Total Sales',
      ].sort(),
    );
    expect(byApp('Finance')).toHaveLength(12);
  });

  it('prints the tree and the charts; a column nobody has fails with exit 2 and what there is', async () => {
    const { code, stdout } = await runQixflow([
      'lineage',
      'impact',
      'lib://DataFiles/Budget.csv#Amount',
      '--graph',
      graph,
      '--depth',
      '2',
    ]);
    expect(code).toBe(0);
    expect(lines(stdout).slice(0, 5)).toEqual([
      'downstream of DatasetField lib://DataFiles/Budget.csv#Amount [Finance] (field level: 4 nodes, 3 edges)',
      'DatasetField lib://DataFiles/Budget.csv#Amount  [Finance]',
      '└─ DERIVES concatenate → ScriptField Finance.Amount',
      '   ├─ DERIVES identity → DatasetField lib://QVDs/finance/ActualVsBudget.qvd#Amount',
      '   └─ DERIVES identity → ModelField Amount  …', // its charts are beyond --depth 2
    ]);
    const missing = await runQixflow(['lineage', 'impact', 'dbo.Orders#Amount', '--graph', graph]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(
      'error ERR_LINEAGE_NODE_NOT_FOUND: no node matches dbo.Orders#Amount (there are: CustomerID, OrderDate, OrderID, SalesRepID, ShipDate, Status)',
    );
  });

  it('is listed by qixflow lineage --help; lineage without --out is still a usage error', async () => {
    const help = await runQixflow(['lineage', '--help']);
    expect(help.stdout).toMatch(/^ {2}trace \[options\] <node>/m);
    expect(help.stdout).toMatch(/^ {2}impact \[options\] <node>/m);
    const noOut = await runQixflow(['lineage', '--all']);
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toContain("error ERR_USAGE: required option '-o, --out <dir>' not specified");
  });
});
