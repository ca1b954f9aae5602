import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Site } from '@qixflow/core';
import type { Simulator } from '@qixflow/sense-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  downstream,
  extractSiteLineage,
  isLineageError,
  type LineageEdge,
  type LineageGraph,
  type LineageNode,
  path,
  resolveLineageNode,
  upstream,
  validateLineageGraph,
} from '../src/index.js';
import { GraphQuery } from './support/graph-queries.js';
import { DEMO, siteFor, startSimulator } from './support/simulator.js';

/**
 * Trace and impact on the demo site. Every expectation was worked out by hand from the scripts and
 * charts in packages/sense-sim/demo-site/apps/*.json (see the comments), not read back from the graph.
 */
let sim: Simulator;
let site: Site;
let out: string;
let graph: LineageGraph;
let q: GraphQuery;

beforeAll(async () => {
  sim = await startSimulator('demo');
  site = siteFor(sim, 'lineage-query');
  out = await mkdtemp(join(tmpdir(), 'qixflow-lineage-query-'));
  await extractSiteLineage(site, { outDir: out, formats: ['json'], host: 'sense.demo', model: 'always' });
  graph = JSON.parse(await readFile(join(out, 'lineage.json'), 'utf8')) as LineageGraph;
  q = new GraphQuery(graph);
});

afterAll(async () => {
  await site?.close();
  await sim?.close();
  if (out) await rm(out, { recursive: true, force: true });
});

const APP: Record<string, string> = {
  [DEMO.extract]: 'E',
  [DEMO.transform]: 'T',
  [DEMO.dashboard]: 'D',
  [DEMO.finance]: 'F',
  [DEMO.hr]: 'H',
};

/** `T:OrderLinesTmp.OrderStatus`, `E:dbo.Orders#Status`, `D:Sales` (model field), `D:chart Sales by Category`. */
function label(id: string): string {
  const n = q.node(id);
  if (!n) return id;
  const app = APP[n.appId ?? ''] ?? '-';
  switch (n.kind) {
    case 'DatasetField':
      return `${app}:${q.node(n.attributes.dataset)?.name}#${n.name}`;
    case 'ScriptField':
      return `${app}:${q.node(n.attributes.table)?.name}.${n.name}`;
    case 'ModelField':
      return `${app}:${n.name}`;
    case 'Visualization':
      return `${app}:chart ${n.name}`;
    default:
      return `${app}:${n.kind} ${n.name}`;
  }
}

function kindOf(e: LineageEdge): string {
  if (e.kind === 'INDIRECT') return `INDIRECT ${e.attributes.subtype}`;
  return e.kind;
}

/** Edges as `from —KIND→ to`, sorted. */
const rows = (edges: readonly LineageEdge[]) =>
  edges.map((e) => `${label(e.from)} —${kindOf(e)}→ ${label(e.to)}`).sort();

/** The source columns of a trace: the DatasetFields where it ends, as `dataset#field`. */
const sources = (leaves: readonly LineageNode[]) =>
  leaves.filter((n) => n.kind === 'DatasetField').map((n) => label(n.id).slice(2));

describe('INDIRECT edges: filter, join and group-by fields in the graph', () => {
  it('keeps the graph valid against the schema', () => {
    expect(validateLineageGraph(graph)).toEqual({ valid: true, errors: [] });
  });

  it("Sales Transform's WHERE OrderStatus <> 'CANCELLED' filters every field of SalesFact", () => {
    // SalesFact: LOAD *, Margin; LOAD <15 fields> RESIDENT OrderLinesTmp WHERE OrderStatus <> 'CANCELLED'
    const fields = [
      'OrderLineKey',
      'OrderID',
      'LineNumber',
      'OrderDate',
      'OrderYear',
      'OrderMonth',
      'CustomerID',
      'ProductID',
      'SalesRepID',
      'OrderStatus',
      'Quantity',
      'UnitPrice',
      'Discount',
      'Sales',
      'Cost',
      'Margin',
    ];
    const filter = q.edges('INDIRECT').filter((e) => e.attributes.subtype === 'filter' && e.appId === DEMO.transform);
    expect(rows(filter)).toEqual(
      fields.map((f) => `T:OrderLinesTmp.OrderStatus —INDIRECT filter→ T:SalesFact.${f}`).sort(),
    );
    const statement = q.one('ScriptStatement', 'SalesFact: LOAD', DEMO.transform);
    expect(filter.every((e) => e.attributes.statement === statement.id && e.attributes.field === 'OrderStatus')).toBe(
      true,
    );
  });

  it('the LEFT JOIN keys OrderID and ProductID lead to the columns each JOIN brings into OrderLinesTmp', () => {
    // LEFT JOIN (OrderLinesTmp) LOAD OrderID, OrderDate, CustomerID, SalesRepID, OrderStatus FROM Orders.qvd
    // LEFT JOIN (OrderLinesTmp) LOAD ProductID, UnitCost FROM Products.qvd
    const join = q.edges('INDIRECT').filter((e) => e.attributes.subtype === 'join' && e.appId === DEMO.transform);
    expect(rows(join)).toEqual([
      'T:OrderLinesTmp.OrderID —INDIRECT join→ T:OrderLinesTmp.CustomerID',
      'T:OrderLinesTmp.OrderID —INDIRECT join→ T:OrderLinesTmp.OrderDate',
      'T:OrderLinesTmp.OrderID —INDIRECT join→ T:OrderLinesTmp.OrderStatus',
      'T:OrderLinesTmp.OrderID —INDIRECT join→ T:OrderLinesTmp.SalesRepID',
      'T:OrderLinesTmp.ProductID —INDIRECT join→ T:OrderLinesTmp.UnitCost',
    ]);
  });

  it("HR's WHERE Year(StartDate) >= 2024 over SQL and LEFT KEEP (Employees) decide the rows of Absences", () => {
    // Absences: LEFT KEEP (Employees) LOAD AbsenceID, EmployeeID, … WHERE Year(StartDate) >= 2024; SQL SELECT …
    const hr = q.edges('INDIRECT').filter((e) => e.appId === DEMO.hr);
    const fields = ['AbsenceDate', 'AbsenceDays', 'AbsenceID', 'AbsenceMonth', 'AbsenceType', 'EmployeeID'];
    expect(rows(hr)).toEqual(
      [
        ...fields.map((f) => `H:hr.Absences#StartDate —INDIRECT filter→ H:Absences.${f}`),
        // The key the KEEP matches on is EmployeeID, the field both tables have.
        ...fields.map((f) => `H:Employees.EmployeeID —INDIRECT join→ H:Absences.${f}`),
        // Employees: If(Len(Trim(TerminationDate)) = 0, …) as EmploymentStatus / inside TenureYears, If(Gender = 'F', …).
        'H:EmployeesRaw.Gender —INDIRECT conditional→ H:Employees.Gender',
        'H:EmployeesRaw.TerminationDate —INDIRECT conditional→ H:Employees.EmploymentStatus',
        'H:EmployeesRaw.TerminationDate —INDIRECT conditional→ H:Employees.TenureYears',
      ].sort(),
    );
    // The demo has no other WHERE, JOIN, KEEP, GROUP BY or ORDER BY (those: test/internal/indirect-edges.test.ts).
    // The If() conditions: the three of HR above and Transform's If(Discontinued = 1, …) as ProductStatus.
    expect(
      rows(q.edges('INDIRECT').filter((e) => ['conditional', 'window', 'sort'].includes(e.attributes.subtype))),
    ).toEqual([
      'H:EmployeesRaw.Gender —INDIRECT conditional→ H:Employees.Gender',
      'H:EmployeesRaw.TerminationDate —INDIRECT conditional→ H:Employees.EmploymentStatus',
      'H:EmployeesRaw.TerminationDate —INDIRECT conditional→ H:Employees.TenureYears',
      'T:lib://QVDs/sales/Products.qvd#Discontinued —INDIRECT conditional→ T:DimProduct.ProductStatus',
    ]);
    expect(q.edges('INDIRECT')).toHaveLength(16 + 5 + 12 + 4);
  });
});

// Source columns of the model fields, by hand from the scripts. F: every SalesFact row passed the
// WHERE on OrderStatus (dbo.Orders.Status), which the order header JOIN matched on OrderID (both sides).
const F = ['dbo.Orders#Status', 'dbo.Orders#OrderID', 'dbo.OrderLines#OrderID'];
const SALES = [...F, 'dbo.OrderLines#Quantity', 'dbo.OrderLines#UnitPrice', 'dbo.OrderLines#Discount'];
// Cost = Quantity * UnitCost; UnitCost came from Products.qvd (SELECT *) by the JOIN on ProductID.
const MARGIN = [...SALES, 'dbo.Products#*', 'dbo.OrderLines#ProductID'];
const REGION_D = [
  'lib://DataFiles/Regions.csv#RegionName',
  'dbo.Customers#RegionCode',
  'lib://DataFiles/SalesTargets.csv#Region',
];
const PRODUCT = ['dbo.Products#*'];
// Finance.Amount: Sales, then Cost (implicit concatenation), then Budget.csv Amount; Account only from the budget.
const FIN = [...MARGIN, 'lib://DataFiles/Budget.csv#Amount', 'lib://DataFiles/Budget.csv#Account'];
const FIN_REGION = [
  'lib://DataFiles/Regions.csv#RegionName',
  'dbo.Customers#RegionCode',
  'dbo.Orders#CustomerID',
  'lib://DataFiles/Budget.csv#Region',
];
const FIN_YEAR = ['dbo.Orders#OrderDate', 'lib://DataFiles/Budget.csv#Year'];
const FIN_PERIOD = [...FIN_YEAR, 'lib://DataFiles/Budget.csv#Month'];
// HR: EmployeeID is the key of Employees and Absences (whose rows the WHERE on StartDate filters).
const EMPLOYEE_ID = ['hr.Employees#EmployeeID', 'hr.Absences#EmployeeID', 'hr.Absences#StartDate'];
const HEADCOUNT = [...EMPLOYEE_ID, 'hr.Employees#TerminationDate'];
const PLAN = [
  'lib://DataFiles/HeadcountPlan.csv#2024',
  'lib://DataFiles/HeadcountPlan.csv#2025',
  'lib://DataFiles/HeadcountPlan.csv#2026',
];
// Absences: WHERE on StartDate, LEFT KEEP (Employees) on EmployeeID.
const ABSENCE_DAYS = ['hr.Absences#Days', 'hr.Absences#StartDate', 'hr.Employees#EmployeeID'];

/** Every chart of the demo → its source columns (Year, YearMonth, Scenario, PlanYear have none: generated or constant). */
const CHART_SOURCES: [string, string, string[]][] = [
  ['Sales Dashboard', 'BOyUAk', PRODUCT], // listbox Category
  ['Sales Dashboard', 'CtZtRL', MARGIN], // Total Sales, Year-Month, Total Margin
  [
    'Sales Dashboard',
    'NACQVk', // Region, Margin %, Orders, Customer, Country, Total Sales, Segment, Quantity
    [...MARGIN, ...REGION_D, 'dbo.Customers#CustomerName', 'dbo.Customers#Country', 'dbo.Customers#Segment'],
  ],
  ['Sales Dashboard', 'RFQQAl', SALES], // Sales CY / PY (Sales, Year)
  ['Sales Dashboard', 'XBqnJA', [...SALES, ...PRODUCT]], // Total Sales by Product Category
  ['Sales Dashboard', 'aZPmCQ', [...SALES, ...REGION_D, 'dbo.Customers#City', 'dbo.Customers#Country']], // Geography
  ['Sales Dashboard', 'dhcdMX', F], // Orders: Count(DISTINCT OrderID)
  ['Sales Dashboard', 'gGQmAE', [...SALES, 'INLINE (SalesReps)#SalesRep']], // Sales Rep, Sales CY/PY
  ['Sales Dashboard', 'jeUrUy', [...REGION_D, ...PRODUCT]], // filter pane: Region, Year, Category list boxes
  ['Sales Dashboard', 'lVLEfj', [...SALES, ...PRODUCT]], // Top N products
  ['Sales Dashboard', 'lbKIqj', SALES], // Total Sales
  ['Sales Dashboard', 'onrLzW', [...SALES, ...REGION_D, 'lib://DataFiles/SalesTargets.csv#Target']],
  ['Sales Dashboard', 'qDreEj', REGION_D], // listbox Region
  ['Sales Dashboard', 'twNGuO', []], // listbox Year: the calendar is AUTOGENERATEd
  ['Sales Dashboard', 'vCwWZq', [...SALES, ...PRODUCT, 'dbo.Customers#Segment']],
  ['Sales Dashboard', 'zPmcze', MARGIN], // Margin %
  ['Finance', 'EJhuRe', FIN],
  ['Finance', 'QboDsS', [...FIN, ...FIN_PERIOD]],
  ['Finance', 'SEKJVd', [...FIN, ...FIN_REGION]],
  ['Finance', 'SQwsgR', FIN],
  ['Finance', 'TeqRTX', [...FIN, ...FIN_REGION]],
  ['Finance', 'TxcOHz', FIN],
  ['Finance', 'UabTbX', [...FIN, ...FIN_REGION]],
  ['Finance', 'WaYJhc', [...FIN, ...FIN_REGION]],
  ['Finance', 'dWlMaF', FIN],
  ['Finance', 'gKTEpf', [...FIN, ...FIN_YEAR]], // Actual Revenue FY: Year through vFiscalYear
  ['Finance', 'sQksnK', [...FIN, ...FIN_YEAR]],
  ['Finance', 'vyaHsb', [...FIN, ...FIN_PERIOD]],
  [
    'HR Overview',
    'HyTwec', // EmployeeName, JobTitle, Department, Absence Days, AbsenceID
    [
      'hr.Employees#FirstName',
      'hr.Employees#LastName',
      'hr.Employees#JobTitle',
      'hr.Departments#DepartmentName',
      ...ABSENCE_DAYS,
      'hr.Absences#AbsenceID',
    ],
  ],
  ['HR Overview', 'JplRcf', [...ABSENCE_DAYS, 'hr.Absences#AbsenceType']],
  [
    'HR Overview',
    'KFReXf', // Leavers, Headcount, Department, Avg Salary, Office, Departments.CostCenter
    [
      ...HEADCOUNT,
      'hr.Departments#DepartmentName',
      'hr.Employees#Salary',
      'INLINE (Locations)#Office',
      'hr.Departments#CostCenter',
    ],
  ],
  ['HR Overview', 'LYFsBc', ['hr.Employees#TerminationDate', 'hr.Employees#HireDate']], // Avg Tenure
  ['HR Overview', 'PxVwik', HEADCOUNT], // Attrition %
  ['HR Overview', 'RMnnWM', [...EMPLOYEE_ID, 'hr.Employees#HireDate']], // Hire Year, EmployeeID
  ['HR Overview', 'Sggnvj', ABSENCE_DAYS], // Absence Days by Absence Month (from StartDate)
  ['HR Overview', 'bgzvya', [...HEADCOUNT, ...PLAN]],
  ['HR Overview', 'iDXGvz', [...HEADCOUNT, 'hr.Employees#Gender']],
  ['HR Overview', 'zsBuDB', [...HEADCOUNT, ...PLAN, 'hr.Departments#DepartmentName']],
];

describe('trace: which source columns feed each chart', () => {
  it('answers for every chart of the demo, across the apps of the QVD chain', () => {
    const charts = graph.nodes.filter((n) => n.kind === 'Visualization');
    expect(charts).toHaveLength(CHART_SOURCES.length);
    for (const [app, objectId, expected] of CHART_SOURCES) {
      const trace = upstream(graph, `chart:${app}/${objectId}`);
      expect(sources(trace.leaves).sort(), `${app}/${objectId}`).toEqual([...new Set(expected)].sort());
    }
  });

  it('Sales by Category, edge by edge: master items, model fields, three apps, the filter and the join', () => {
    const trace = upstream(graph, 'chart:Sales Dashboard/Sales by Category', { level: 'field' });
    const qvd = (app: string, file: string, f: string) => `${app}:lib://QVDs/${file}.qvd#${f}`;
    const line = (f: string) => [
      `${qvd('T', 'sales/OrderLines', f)} —DERIVES→ T:OrderLinesTmp.${f}`,
      `${qvd('E', 'sales/OrderLines', f)} —SAME_AS→ ${qvd('T', 'sales/OrderLines', f)}`,
      `E:OrderLines.${f} —DERIVES→ ${qvd('E', 'sales/OrderLines', f)}`,
      `E:dbo.OrderLines#${f} —DERIVES→ E:OrderLines.${f}`,
    ];
    expect(rows(trace.edges)).toEqual(
      [
        'D:chart Sales by Category —REFERENCES→ D:MasterDimension Product Category',
        'D:chart Sales by Category —REFERENCES→ D:MasterMeasure Total Sales',
        'D:MasterDimension Product Category —REFERENCES→ D:Category',
        'D:MasterMeasure Total Sales —REFERENCES→ D:Sales',
        // Category: DimProduct.qvd ← Products.qvd, whose columns Sales Extract only knows as * (SELECT *).
        'D:Products.Category —DERIVES→ D:Category',
        `${qvd('D', 'model/DimProduct', 'Category')} —DERIVES→ D:Products.Category`,
        `${qvd('T', 'model/DimProduct', 'Category')} —SAME_AS→ ${qvd('D', 'model/DimProduct', 'Category')}`,
        `T:DimProduct.Category —DERIVES→ ${qvd('T', 'model/DimProduct', 'Category')}`,
        `${qvd('T', 'sales/Products', 'Category')} —DERIVES→ T:DimProduct.Category`,
        `${qvd('E', 'sales/Products', '*')} —SAME_AS→ ${qvd('T', 'sales/Products', 'Category')}`,
        `E:Products.* —DERIVES→ ${qvd('E', 'sales/Products', '*')}`,
        'E:dbo.Products#* —DERIVES→ E:Products.*',
        // Sales = Round(Quantity * UnitPrice * (1 - Discount), 0.01) WHERE OrderStatus <> 'CANCELLED'.
        'D:Sales.Sales —DERIVES→ D:Sales',
        `${qvd('D', 'model/SalesFact', 'Sales')} —DERIVES→ D:Sales.Sales`,
        `${qvd('T', 'model/SalesFact', 'Sales')} —SAME_AS→ ${qvd('D', 'model/SalesFact', 'Sales')}`,
        `T:SalesFact.Sales —DERIVES→ ${qvd('T', 'model/SalesFact', 'Sales')}`,
        'T:OrderLinesTmp.Quantity —DERIVES→ T:SalesFact.Sales',
        'T:OrderLinesTmp.UnitPrice —DERIVES→ T:SalesFact.Sales',
        'T:OrderLinesTmp.Discount —DERIVES→ T:SalesFact.Sales',
        'T:OrderLinesTmp.OrderStatus —INDIRECT filter→ T:SalesFact.Sales',
        ...line('Quantity'),
        ...line('UnitPrice'),
        ...line('Discount'),
        // OrderStatus = Upper(Status), joined onto the lines by OrderID.
        `${qvd('T', 'sales/Orders', 'OrderStatus')} —DERIVES→ T:OrderLinesTmp.OrderStatus`,
        `${qvd('E', 'sales/Orders', 'OrderStatus')} —SAME_AS→ ${qvd('T', 'sales/Orders', 'OrderStatus')}`,
        `E:Orders.OrderStatus —DERIVES→ ${qvd('E', 'sales/Orders', 'OrderStatus')}`,
        'E:dbo.Orders#Status —DERIVES→ E:Orders.OrderStatus',
        'T:OrderLinesTmp.OrderID —INDIRECT join→ T:OrderLinesTmp.OrderStatus',
        ...line('OrderID'),
        `${qvd('T', 'sales/Orders', 'OrderID')} —DERIVES→ T:OrderLinesTmp.OrderID`,
        `${qvd('E', 'sales/Orders', 'OrderID')} —SAME_AS→ ${qvd('T', 'sales/Orders', 'OrderID')}`,
        `E:Orders.OrderID —DERIVES→ ${qvd('E', 'sales/Orders', 'OrderID')}`,
        'E:dbo.Orders#OrderID —DERIVES→ E:Orders.OrderID',
      ].sort(),
    );
    expect(trace.root.node.id).toBe(q.one('Visualization', 'Sales by Category', DEMO.dashboard).id);
    expect(trace.root.children.map((c) => [c.via?.kind, c.node.name])).toEqual([
      ['REFERENCES', 'Product Category'],
      ['REFERENCES', 'Total Sales'],
    ]);
  });

  it('at dataset level, walks statements, tables and each app copy of the QVDs back to the database', () => {
    const trace = upstream(graph, 'chart:Sales Dashboard/Orders', { level: 'dataset' });
    const datasets = trace.leaves.filter((n) => n.kind === 'ExternalDataset').map((n) => label(n.id));
    // Orders = Count(DISTINCT OrderID): model table Sales ← SalesFact.qvd ← OrderLinesTmp ← three QVDs ← SQL.
    expect(datasets.sort()).toEqual([
      'E:ExternalDataset dbo.OrderLines',
      'E:ExternalDataset dbo.Orders',
      'E:ExternalDataset dbo.Products',
    ]);
    expect(rows(trace.edges)).toEqual(
      expect.arrayContaining([
        'D:MasterMeasure Orders —REFERENCES→ D:OrderID',
        'D:ModelTable Sales —CONTAINS→ D:OrderID',
        'D:ScriptStatement Sales: LOAD —PRODUCES→ D:ModelTable Sales',
        'D:ScriptStatement Sales: LOAD —READS→ D:ExternalDataset lib://QVDs/model/SalesFact.qvd',
        'T:ExternalDataset lib://QVDs/model/SalesFact.qvd —SAME_AS→ D:ExternalDataset lib://QVDs/model/SalesFact.qvd',
        'T:ScriptStatement SalesFact: STORE —WRITES→ T:ExternalDataset lib://QVDs/model/SalesFact.qvd',
        'E:ScriptStatement Orders: SQL —READS→ E:ExternalDataset dbo.Orders',
      ]),
    );
    // The dashboard's other tables (Customers, Calendar …) are not upstream of this chart.
    expect(trace.nodes.some((n) => n.kind === 'ModelTable' && n.name === 'Customers')).toBe(false);
  });

  it('stops at depth and ends cycles in a repeated node', () => {
    const trace = upstream(graph, 'chart:Sales Dashboard/Sales by Category', { depth: 2 });
    expect(trace.nodes.map((n) => label(n.id))).toEqual([
      'D:chart Sales by Category',
      'D:MasterDimension Product Category',
      'D:MasterMeasure Total Sales',
      'D:Category',
      'D:Sales',
    ]);
    expect(trace.root.children.every((c) => c.children.every((g) => g.truncated === true))).toBe(true);
    // A loop (not in the demo): a → b → a.
    const n = (id: string): LineageNode => ({
      id,
      kind: 'ModelField',
      name: id,
      provenance: 'model',
      confidence: 1,
      attributes: { tables: [] },
    });
    const e = (from: string, to: string): LineageEdge => ({
      id: `${from}>${to}`,
      kind: 'DERIVES',
      from,
      to,
      provenance: 'script',
      confidence: 1,
      attributes: { transformation: 'identity' },
    });
    const loop: LineageGraph = {
      schemaVersion: 'qixflow-lineage/1',
      nodes: [n('a'), n('b')],
      edges: [e('a', 'b'), e('b', 'a')],
      apps: [],
    };
    const t = downstream(loop, 'a');
    expect(t.edges.map((x) => x.id)).toEqual(['a>b', 'b>a']);
    expect(t.root.children[0]?.children[0]).toMatchObject({ node: { id: 'a' }, repeated: true, children: [] });
  });
});

describe('graphs written before INDIRECT edges', () => {
  it('stay valid and traceable; only the filter and join columns are missing from their traces', () => {
    const old: LineageGraph = { ...graph, edges: graph.edges.filter((e) => e.kind !== 'INDIRECT') };
    expect(validateLineageGraph(old)).toEqual({ valid: true, errors: [] });
    const before = sources(upstream(old, 'chart:Sales Dashboard/Sales by Category').leaves).sort();
    // WHERE fields were statement attributes (strings): Status and the join keys did not show up.
    expect(before).toEqual([
      'dbo.OrderLines#Discount',
      'dbo.OrderLines#Quantity',
      'dbo.OrderLines#UnitPrice',
      'dbo.Products#*',
    ]);
  });
});

describe('impact: what depends on a source column', () => {
  it('dbo.Orders.Status: through the filter, every SalesFact field, in the dashboard and in Finance', () => {
    const impact = downstream(graph, 'dbo.Orders#Status');
    const edges = rows(impact.edges);
    expect(edges).toEqual(
      expect.arrayContaining([
        'E:dbo.Orders#Status —DERIVES→ E:Orders.OrderStatus',
        'E:Orders.OrderStatus —DERIVES→ E:lib://QVDs/sales/Orders.qvd#OrderStatus',
        'E:lib://QVDs/sales/Orders.qvd#OrderStatus —SAME_AS→ T:lib://QVDs/sales/Orders.qvd#OrderStatus',
        'T:lib://QVDs/sales/Orders.qvd#OrderStatus —DERIVES→ T:OrderLinesTmp.OrderStatus',
        'T:OrderLinesTmp.OrderStatus —INDIRECT filter→ T:SalesFact.Sales',
        'T:OrderLinesTmp.OrderStatus —INDIRECT filter→ T:SalesFact.Cost',
        'T:SalesFact.Sales —DERIVES→ T:lib://QVDs/model/SalesFact.qvd#Sales',
        'T:lib://QVDs/model/SalesFact.qvd#Sales —SAME_AS→ F:lib://QVDs/model/SalesFact.qvd#Sales',
        'F:lib://QVDs/model/SalesFact.qvd#Sales —DERIVES→ F:Finance.Amount',
        'F:Finance.Amount —DERIVES→ F:Amount',
        'F:MasterMeasure Actual Revenue —REFERENCES→ F:Amount',
        'F:chart Actual Revenue —REFERENCES→ F:MasterMeasure Actual Revenue',
        'T:lib://QVDs/model/SalesFact.qvd#Sales —SAME_AS→ D:lib://QVDs/model/SalesFact.qvd#Sales',
        'D:MasterMeasure Total Sales —REFERENCES→ D:Sales',
      ]),
    );
    expect(edges.filter((e) => e.includes('INDIRECT'))).toHaveLength(16);
    // Every dashboard chart with a SalesFact field (not the Category/Region/Year list boxes and their
    // filter pane), and every Finance chart (Amount); no HR chart.
    const charts = impact.nodes.filter((n) => n.kind === 'Visualization').map((n) => label(n.id));
    const dashboard = [
      'CtZtRL',
      'NACQVk',
      'RFQQAl',
      'XBqnJA',
      'aZPmCQ',
      'dhcdMX',
      'gGQmAE',
      'lVLEfj',
      'lbKIqj',
      'onrLzW',
      'vCwWZq',
      'zPmcze',
    ];
    const finance = CHART_SOURCES.filter(([app]) => app === 'Finance').map(([, id]) => id);
    expect(charts.sort()).toEqual(
      [
        ...dashboard.map((id) =>
          label(
            q
              .nodes('Visualization', undefined, DEMO.dashboard)
              .find((n) => n.kind === 'Visualization' && n.attributes.objectId === id)?.id ?? id,
          ),
        ),
        ...finance.map((id) =>
          label(
            q
              .nodes('Visualization', undefined, DEMO.finance)
              .find((n) => n.kind === 'Visualization' && n.attributes.objectId === id)?.id ?? id,
          ),
        ),
      ].sort(),
    );
    // The filter is how Status reaches Sales: without INDIRECT edges it would stop at SalesFact.OrderStatus.
    const p = path(graph, 'dbo.Orders#Status', 'chart:Finance/Actual Revenue');
    expect(p?.edges.some((e) => e.kind === 'INDIRECT' && e.attributes.subtype === 'filter')).toBe(true);
    expect(p?.nodes.map((n) => label(n.id)).at(-1)).toBe('F:chart Actual Revenue');
  });

  it('at dataset level: the tables, QVD copies and statements the change goes through, to the same charts', () => {
    const impact = downstream(graph, 'dbo.Orders#Status', { level: 'dataset' });
    const edges = rows(impact.edges);
    expect(edges).toEqual(
      expect.arrayContaining([
        'E:ExternalDataset dbo.Orders —CONTAINS→ E:dbo.Orders#Status',
        'E:ScriptStatement Orders: SQL —READS→ E:ExternalDataset dbo.Orders',
        'E:ScriptStatement Orders: STORE —WRITES→ E:ExternalDataset lib://QVDs/sales/Orders.qvd',
        'E:ExternalDataset lib://QVDs/sales/Orders.qvd —SAME_AS→ T:ExternalDataset lib://QVDs/sales/Orders.qvd',
        'T:ScriptStatement SalesFact: LOAD —READS→ T:ScriptTable OrderLinesTmp',
        // Finance's model table gets rows from both SalesFact loads and the budget: each PRODUCES it.
        'F:ScriptStatement Finance: LOAD —PRODUCES→ F:ModelTable Finance',
        'F:ModelTable Finance —CONTAINS→ F:Amount',
      ]),
    );
    expect(impact.nodes.filter((n) => n.kind === 'Visualization')).toHaveLength(24);
  });

  it('Budget.csv Amount: Finance.Amount, the QVD Finance stores and every Finance chart', () => {
    const impact = downstream(graph, 'lib://DataFiles/Budget.csv#Amount');
    expect(rows(impact.edges).filter((e) => !e.includes('REFERENCES') && !e.includes('CONTAINS'))).toEqual([
      'F:Finance.Amount —DERIVES→ F:Amount',
      'F:Finance.Amount —DERIVES→ F:lib://QVDs/finance/ActualVsBudget.qvd#Amount',
      'F:lib://DataFiles/Budget.csv#Amount —DERIVES→ F:Finance.Amount',
    ]);
    expect(impact.nodes.filter((n) => n.kind === 'Visualization')).toHaveLength(12);
  });

  it('dbo.Orders has no Amount column: the reference fails with the columns there are', () => {
    let error: unknown;
    try {
      resolveLineageNode(graph, 'dbo.Orders#Amount');
    } catch (e) {
      error = e;
    }
    expect(isLineageError(error, 'ERR_LINEAGE_NODE_NOT_FOUND')).toBe(true);
    expect((error as Error).message).toBe(
      'no node matches dbo.Orders#Amount (there are: CustomerID, OrderDate, OrderID, SalesRepID, ShipDate, Status)',
    );
  });
});

describe('references', () => {
  it('name nodes by id, chart title or object id, dataset#field (name, path or identity), master item', () => {
    const status = q.field('DatasetField', 'dbo.Orders', 'Status', DEMO.extract);
    expect(resolveLineageNode(graph, status.id)).toBe(status);
    expect(resolveLineageNode(graph, 'dbo.Orders#Status')).toBe(status);
    expect(resolveLineageNode(graph, 'db://salesdb/dbo.orders#status')).toBe(status);
    expect(resolveLineageNode(graph, 'chart:Sales Dashboard/XBqnJA').name).toBe('Sales by Category');
    expect(resolveLineageNode(graph, `chart:${DEMO.dashboard}/sales by category`).name).toBe('Sales by Category');
    expect(resolveLineageNode(graph, 'measure:Finance/Actual Revenue').kind).toBe('MasterMeasure');
    // A QVD read by three apps: the writer's copy (SAME_AS leads from it to the readers).
    expect(resolveLineageNode(graph, 'lib://QVDs/model/SalesFact.qvd#Sales').appId).toBe(DEMO.transform);
    expect(resolveLineageNode(graph, 'lib://QVDs/model/SalesFact.qvd').appId).toBe(DEMO.transform);
    // Region is a model field of two apps.
    expect(() => resolveLineageNode(graph, 'field:Region')).toThrow(/field:Region matches 2 nodes/);
    expect(resolveLineageNode(graph, 'field:HR Overview/Department').kind).toBe('ModelField');
    expect(() => resolveLineageNode(graph, 'chart:Nope/x')).toThrow(/no app Nope/);
  });
});
