import { describe, expect, it } from 'vitest';
import type { ScriptStatementAttributes } from '../../src/generated/lineage-graph.js';
import { validateLineageGraph } from '../../src/index.js';
import { analyseApp } from '../../src/internal/app/analyse-app.js';
import { GraphBuilder } from '../../src/internal/graph/graph-builder.js';
import { ScriptContext } from '../../src/internal/script/script-context.js';
import { GraphQuery } from '../support/graph-queries.js';
import { snapshotOf } from '../support/snapshot.js';

const A = 'app-1';

function analyse(script: string, extra: Parameters<typeof snapshotOf>[1] = {}) {
  const analysis = analyseApp(snapshotOf(script, extra), { includeScript: false });
  const check = validateLineageGraph(analysis.graph);
  expect(check.errors).toEqual([]);
  return { ...analysis, q: new GraphQuery(analysis.graph) };
}

describe('script analysis: field-level DERIVES', () => {
  it('composes preceding loads and derives a field from fields of the same table (Margin ← Sales, Cost)', () => {
    const { q } = analyse(`
T: LOAD *, Sales - Cost as Margin;
LOAD Qty * Price as Sales, Qty * UnitCost as Cost, Qty FROM [lib://QVDs/lines.qvd] (qvd);`);
    const qty = q.field('DatasetField', 'lib://QVDs/lines.qvd', 'Qty', A);
    const sales = q.field('ScriptField', 'T', 'Sales', A);
    const cost = q.field('ScriptField', 'T', 'Cost', A);
    const margin = q.field('ScriptField', 'T', 'Margin', A);
    expect(q.edge('DERIVES', qty, sales).attributes).toMatchObject({
      transformation: 'expression',
      expression: 'Qty * Price',
    });
    expect(q.edge('DERIVES', qty, q.field('ScriptField', 'T', 'Qty', A)).attributes).toMatchObject({
      transformation: 'identity',
    });
    expect(q.edge('DERIVES', sales, margin).attributes).toMatchObject({
      transformation: 'expression',
      expression: 'Sales - Cost',
    });
    expect(q.has('DERIVES', cost, margin)).toBe(true);
    expect(q.has('DERIVES', qty, margin)).toBe(false);
  });

  it('marks JOIN keys as join-key and brings the other fields in', () => {
    const { q } = analyse(`
Lines: LOAD OrderID, Qty FROM [lib://QVDs/lines.qvd] (qvd);
LEFT JOIN (Lines) LOAD OrderID, OrderDate as Date FROM [lib://QVDs/orders.qvd] (qvd);`);
    const key = q.edge(
      'DERIVES',
      q.field('DatasetField', 'lib://QVDs/orders.qvd', 'OrderID', A),
      q.field('ScriptField', 'Lines', 'OrderID', A),
    );
    expect(key.attributes).toMatchObject({ transformation: 'join-key', operation: 'join' });
    const date = q.edge(
      'DERIVES',
      q.field('DatasetField', 'lib://QVDs/orders.qvd', 'OrderDate', A),
      q.field('ScriptField', 'Lines', 'Date', A),
    );
    expect(date.attributes).toMatchObject({ transformation: 'rename', operation: 'join' });
    expect(q.nodes('ScriptTable', undefined, A).map((n) => n.name)).toEqual(['Lines']);
  });

  it('appends loads with the same fields (implicit concatenation) and explicit CONCATENATE, but not NOCONCATENATE', () => {
    const { q, report } = analyse(`
F: LOAD A, B FROM [lib://QVDs/one.qvd] (qvd);
LOAD A, C as B FROM [lib://QVDs/two.qvd] (qvd);
CONCATENATE (F) LOAD A, X FROM [lib://QVDs/three.qvd] (qvd);
G: NOCONCATENATE LOAD A, B RESIDENT F;`);
    const fa = q.field('ScriptField', 'F', 'A', A);
    expect(q.edge('DERIVES', q.field('DatasetField', 'lib://QVDs/two.qvd', 'A', A), fa).attributes).toMatchObject({
      transformation: 'concatenate',
      operation: 'concatenate',
    });
    expect(
      q.edge('DERIVES', q.field('DatasetField', 'lib://QVDs/two.qvd', 'C', A), q.field('ScriptField', 'F', 'B', A))
        .attributes,
    ).toMatchObject({
      transformation: 'rename',
      operation: 'concatenate',
    });
    expect(
      q.has('DERIVES', q.field('DatasetField', 'lib://QVDs/three.qvd', 'X', A), q.field('ScriptField', 'F', 'X', A)),
    ).toBe(true);
    expect(
      q
        .nodes('ScriptTable', undefined, A)
        .map((n) => n.name)
        .sort(),
    ).toEqual(['F', 'G']);
    expect(report.diagnostics.filter((d) => d.code === 'implicit-concatenation')).toHaveLength(1);
  });

  it('follows ApplyMap: the mapped value from the mapping table, the key from the input', () => {
    const { q } = analyse(`
M: MAPPING LOAD Code, Name FROM [lib://Files/codes.csv] (txt, embedded labels);
T: LOAD Id, ApplyMap('M', CodeField, 'n/a') as Label FROM [lib://QVDs/t.qvd] (qvd);`);
    const label = q.field('ScriptField', 'T', 'Label', A);
    expect(q.edge('DERIVES', q.field('ScriptField', 'M', 'Name', A), label).attributes).toMatchObject({
      transformation: 'mapping',
      role: 'value',
    });
    expect(
      q.edge('DERIVES', q.field('DatasetField', 'lib://QVDs/t.qvd', 'CodeField', A), label).attributes,
    ).toMatchObject({
      transformation: 'mapping',
      role: 'key',
    });
    const m = q.one('ScriptTable', 'M', A);
    expect(m.kind === 'ScriptTable' && m.attributes).toMatchObject({ mapping: true, final: false });
  });

  it('qualifies with QUALIFY, keeps UNQUALIFY fields, and follows RENAME FIELD and RENAME TABLE', () => {
    const { q, graph } = analyse(`
QUALIFY *;
UNQUALIFY Id;
D: LOAD Id, Name, Cost FROM [lib://QVDs/d.qvd] (qvd);
UNQUALIFY *;
RENAME FIELD D.Name TO DeptName;
RENAME TABLE D TO Departments;`);
    const qualified = q.field('ScriptField', 'Departments', 'D.Name', A);
    expect(
      q.edge('DERIVES', q.field('DatasetField', 'lib://QVDs/d.qvd', 'Name', A), qualified).attributes,
    ).toMatchObject({
      transformation: 'rename',
      operation: 'qualify',
    });
    expect(q.edge('DERIVES', qualified, q.field('ScriptField', 'Departments', 'DeptName', A)).attributes).toMatchObject(
      { operation: 'rename' },
    );
    expect(qualified.kind === 'ScriptField' && qualified.attributes.dropped).toBe(true);
    const model = q
      .nodes('ModelField', undefined, A)
      .map((n) => n.name)
      .sort();
    expect(model).toEqual(['D.Cost', 'DeptName', 'Id']);
    expect(q.nodes('ModelTable', undefined, A).map((n) => n.name)).toEqual(['Departments']);
    expect(graph.nodes.find((n) => n.kind === 'ScriptTable')?.attributes).toMatchObject({
      names: ['D', 'Departments'],
    });
  });

  it.each([
    ['Cost*', 'CostCenter', true],
    ['cost*', 'CostCenter', false],
    ['?d', 'Id', true],
    ['?d', 'ID', false],
    ['%Key.*', '%Key.1', true],
    ['%Key.*', '%Keyx1', false],
    ['[a](b)', '[a](b)', true],
    ['*', '', true],
  ])('applies QUALIFY %j to field %j case-sensitively, as before: %s', (pattern, field, expected) => {
    const ctx = new ScriptContext(new GraphBuilder(A), A, []);
    ctx.qualify.push({ patterns: [pattern], on: true });
    expect(ctx.qualified(field)).toBe(expected);
    expect(formerQualifyWildcard(pattern, field)).toBe(expected);
  });

  it('applies an adversarial QUALIFY pattern to a long field name within a liveness bound', () => {
    const ctx = new ScriptContext(new GraphBuilder(A), A, []);
    ctx.qualify.push({ patterns: ['*a*a*a*b', '*a*a*a*a*a*a*a*a*b'], on: true });
    const started = performance.now();
    expect(ctx.qualified('a'.repeat(800))).toBe(false);
    expect(ctx.qualified('a'.repeat(10_000))).toBe(false);
    expect(ctx.qualified(`${'a'.repeat(10_000)}b`)).toBe(true);
    expect(performance.now() - started).toBeLessThan(100);
  });

  it('analyses a script with adversarial wildcards against long names without stalling', () => {
    // QUALIFY patterns and unresolved paths reconciled with GetLineage rows are both wildcards
    // matched against names a production app controls.
    const name = 'a'.repeat(10_000);
    const lineage = [{ qDiscriminator: `lib://Files/${name}.csv (txt);`, qStatement: 'T: LOAD …' }];
    const started = performance.now();
    const { q } = analyse(
      `QUALIFY "*a*a*a*a*a*a*a*a*b";
T: LOAD [${name}] FROM [lib://Files/$(v1)a$(v2)a$(v3)a$(v4)a$(v5)b.csv] (txt);`,
      { lineage },
    );
    // Generous for the whole analysis on a loaded machine; the former RegExps would not finish.
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(q.nodes('ScriptField', name, A)).toHaveLength(1);
    expect(q.nodes('ExternalDataset', `lib://Files/${name}.csv`, A)[0]?.provenance).toBe('engine-lineage');
  });

  it('removes dropped fields and tables from the predicted model', () => {
    const { q } = analyse(`
T: LOAD A, B, C FROM [lib://QVDs/t.qvd] (qvd);
Tmp: LOAD A RESIDENT T;
DROP FIELD C FROM T;
DROP TABLE Tmp;`);
    expect(
      q
        .nodes('ModelField', undefined, A)
        .map((n) => n.name)
        .sort(),
    ).toEqual(['A', 'B']);
    expect(q.one('ScriptTable', 'Tmp', A).attributes).toMatchObject({ dropped: true, final: false });
  });

  it('reads SQL through the active connection: columns, aliases, SELECT * as an open table', () => {
    const { q, graph } = analyse(`
LIB CONNECT TO 'ERP';
O: SQL SELECT o.OrderID, o.Amount * 2 AS Double FROM dbo.Orders o;
P: SQL SELECT * FROM dbo.Products;
STORE P INTO [lib://QVDs/p.qvd] (qvd);`);
    const orders = q.one('ExternalDataset', 'dbo.Orders', A);
    expect(orders.attributes).toMatchObject({
      datasetType: 'db-table',
      identity: 'db://erp/dbo.orders',
      connection: 'ERP',
    });
    expect(
      q.edge('DERIVES', q.field('DatasetField', 'dbo.Orders', 'Amount', A), q.field('ScriptField', 'O', 'Double', A))
        .attributes,
    ).toMatchObject({
      transformation: 'expression',
    });
    const star = q.field('ScriptField', 'P', '*', A);
    expect(q.has('DERIVES', q.field('DatasetField', 'dbo.Products', '*', A), star)).toBe(true);
    expect(q.has('DERIVES', star, q.field('DatasetField', 'lib://QVDs/p.qvd', '*', A))).toBe(true);
    const statement = q.one('ScriptStatement', 'O: SQL', A);
    expect(q.has('USES_CONNECTION', statement, 'connection:erp')).toBe(true);
    const erp = graph.nodes.find((n) => n.id === 'connection:erp');
    expect(erp?.kind === 'Connection' && erp.attributes.connectionString).toContain('Password=***');
    expect(JSON.stringify(graph)).not.toContain('secret');
  });
});

describe('script analysis: variables, loops, includes, subs', () => {
  it('expands SET variables in paths and resolves lib:// of a folder connection with an absolute path', () => {
    const { q } = analyse(`SET vDir = 'lib://QVDs/sales';\nT: LOAD A FROM [$(vDir)/Orders.qvd] (qvd);`);
    const ds = q.one('ExternalDataset', 'lib://QVDs/sales/Orders.qvd', A);
    expect(ds.attributes).toMatchObject({
      identity: 'file:///c:/data/qvd/sales/orders.qvd',
      pattern: false,
      connection: 'QVDs',
    });
    const statement = q.one('ScriptStatement', 'T: LOAD', A);
    expect(q.has('REFERENCES', statement, q.one('Variable', 'vDir', A))).toBe(true);
  });

  it('keeps an unresolved $(v) as a pattern dataset with a diagnostic, and lets GetLineage resolve it', () => {
    const lineage = [{ qDiscriminator: 'lib://Files/sales_2024.csv (txt);', qStatement: 'T: LOAD …' }];
    const { q, report } = analyse(`T: LOAD A FROM [lib://Files/sales_$(vYear).csv] (txt);`, { lineage });
    const pattern = q.one('ExternalDataset', 'lib://Files/sales_$(vYear).csv', A);
    expect(pattern.attributes).toMatchObject({
      pattern: true,
      identity: 'lib://files/sales_*.csv',
      resolvedPaths: ['lib://Files/sales_2024.csv'],
    });
    expect(pattern.confidence).toBe(0.2);
    const concrete = q.one('ExternalDataset', 'lib://Files/sales_2024.csv', A);
    expect(concrete.provenance).toBe('reconciled');
    expect(q.edge('READS', q.one('ScriptStatement', 'T: LOAD', A), concrete).provenance).toBe('reconciled');
    expect(q.has('SAME_AS', concrete, pattern)).toBe(true);
    expect(report.diagnostics.some((d) => d.code === 'unresolved-path')).toBe(true);
  });

  it('unrolls FOR EACH over literal values and turns a FileList mask into a pattern', () => {
    const { q } = analyse(`
FOR EACH y IN 2023, 2024
  T: LOAD A FROM [lib://Files/s_$(y).csv] (txt);
NEXT y
FOR EACH f IN FileList('lib://Files/in/*.csv')
  U: LOAD B FROM [$(f)] (txt);
NEXT f`);
    expect(
      q
        .nodes('ExternalDataset', undefined, A)
        .map((n) => n.name)
        .sort(),
    ).toEqual(['lib://Files/in/*.csv', 'lib://Files/s_2023.csv', 'lib://Files/s_2024.csv']);
    expect(q.one('ExternalDataset', 'lib://Files/in/*.csv', A).attributes).toMatchObject({ pattern: true });
  });

  it('unrolls FOR EACH over a SET variable list like the engine: expanded, then read', () => {
    const { q } = analyse(`
SET vYears = 2023, '2024';
SET vRegions = 'north', 'south';
FOR EACH vYear IN $(vYears)
  T: LOAD A FROM [lib://Files/sales_$(vYear).csv] (txt);
NEXT vYear
FOR EACH r IN $(vRegions), 'west'
  R: LOAD B FROM [lib://Files/region_$(r).qvd] (qvd);
NEXT r
FOR EACH u IN $(vUnknown)
  U: LOAD C FROM [lib://Files/u_$(u).qvd] (qvd);
NEXT u`);
    const names = q
      .nodes('ExternalDataset', undefined, A)
      .map((n) => n.name)
      .sort();
    expect(names).toEqual([
      'lib://Files/region_north.qvd',
      'lib://Files/region_south.qvd',
      'lib://Files/region_west.qvd',
      'lib://Files/sales_2023.csv',
      'lib://Files/sales_2024.csv',
      'lib://Files/u_$(u).qvd',
    ]);
    // Resolved values are concrete datasets; only an unknown list stays the low-confidence pattern.
    const resolved = q.one('ExternalDataset', 'lib://Files/sales_2023.csv', A);
    expect(resolved.attributes).toMatchObject({ pattern: false });
    expect(resolved.confidence).toBeGreaterThan(0.5);
    const unknown = q.one('ExternalDataset', 'lib://Files/u_$(u).qvd', A);
    expect(unknown.attributes).toMatchObject({ pattern: true, identity: 'lib://files/u_*.qvd' });
    expect(unknown.confidence).toBe(0.2);
  });

  it('DROP and RENAME are statement nodes that PRODUCES (drop/rename) the tables they change', () => {
    const { q, report } = analyse(`
T: LOAD A, B, C FROM [lib://QVDs/t.qvd] (qvd);
U: LOAD A, D FROM [lib://QVDs/u.qvd] (qvd);
DROP FIELD A;
DROP FIELD B FROM T;
RENAME TABLE U TO Users;
DROP TABLE Users;`);
    const attrs = (n: { attributes: unknown }) => n.attributes as ScriptStatementAttributes;
    const statements = q
      .nodes('ScriptStatement', undefined, A)
      .sort((a, b) => Number(attrs(a).ordinal) - Number(attrs(b).ordinal));
    const kinds = statements.map((n) => `${attrs(n).statementKind}@${String(attrs(n).line)}`);
    expect(kinds).toEqual(['load@2', 'load@3', 'drop@4', 'drop@5', 'rename@6', 'drop@7']);
    const t = q.one('ScriptTable', 'T', A);
    const users = q.one('ScriptTable', 'Users', A);
    const dropA = statements[2];
    const dropB = statements[3];
    const rename = statements[4];
    const dropU = statements[5];
    if (!dropA || !dropB || !rename || !dropU) throw new Error('four statements expected');
    // DROP FIELD A (no FROM) changes both tables; DROP FIELD B FROM T only T.
    expect(q.edge('PRODUCES', dropA, t).attributes).toEqual({ operation: 'drop' });
    expect(q.edge('PRODUCES', dropA, users).attributes).toEqual({ operation: 'drop' });
    expect(q.has('PRODUCES', dropB, t)).toBe(true);
    expect(q.has('PRODUCES', dropB, users)).toBe(false);
    expect(q.edge('PRODUCES', rename, users).attributes).toEqual({ operation: 'rename' });
    expect(q.edge('PRODUCES', dropU, users).attributes).toEqual({ operation: 'drop' });
    const fieldsA = q.nodes('ScriptField', 'A', A);
    expect(fieldsA).toHaveLength(2);
    for (const field of fieldsA) expect(field.attributes).toMatchObject({ dropped: true });
    expect(report.diagnostics.filter((d) => d.code === 'statement-cannot-run')).toEqual([]);
  });

  it('flags DROP and RENAME of what does not exist at that point: the engine stops the reload there', () => {
    const { q, report } = analyse(`
T: LOAD A, B FROM [lib://QVDs/t.qvd] (qvd);
DROP FIELD Missing;
DROP FIELD A FROM Nowhere;
RENAME FIELD Gone TO Here;
RENAME TABLE Ghost TO Spirit;
DROP TABLE Ghost;
IF 1 = 2 THEN
  DROP FIELD AlsoMissing;
END IF
DROP FIELD B;
S: LOAD * FROM [lib://Files/unknown_$(vWhat).csv] (txt);
DROP FIELD MaybeInS;`);
    const flagged = report.diagnostics
      .filter((d) => d.code === 'statement-cannot-run')
      .map((d) => `${d.severity}@${String(d.line)}: ${d.message}`);
    expect(flagged).toEqual([
      `warning@3: DROP FIELD Missing: no table has that field at this point of the script: the engine stops the reload here ("Field 'Missing' not found")`,
      `warning@4: DROP FIELD … Nowhere: there is no table Nowhere at this point of the script: the engine stops the reload here ("Table 'Nowhere' not found")`,
      `warning@4: DROP FIELD A: no table of Nowhere has that field at this point of the script: the engine stops the reload here ("Field 'A' not found")`,
      `warning@5: RENAME FIELD Gone: no table has that field at this point of the script: the engine stops the reload here ("Field 'Gone' not found")`,
      `warning@6: RENAME TABLE Ghost: there is no such table at this point of the script: the engine stops the reload here ("Table 'Ghost' not found")`,
      `warning@7: DROP TABLE … Ghost: there is no table Ghost at this point of the script: the engine stops the reload here ("Table 'Ghost' not found")`,
      `info@9: DROP FIELD AlsoMissing: no table has that field at this point of the script: if this branch runs, the engine stops the reload here ("Field 'AlsoMissing' not found")`,
    ]);
    // Each diagnostic names its statement node; a table with unknown fields (LOAD * of an unknown file) may hold MaybeInS.
    const ids = new Set(q.nodes('ScriptStatement', undefined, A).map((n) => n.id));
    for (const d of report.diagnostics.filter((x) => x.code === 'statement-cannot-run'))
      expect(ids.has(String(d.statement))).toBe(true);
  });

  it('analyses included files and SUBs where they are called', () => {
    const { q } = analyse(
      `
$(Include=lib://Files/load.qvs);
SUB LoadOne(name)
  S: LOAD X FROM [lib://QVDs/$(name).qvd] (qvd);
END SUB
CALL LoadOne('alpha');`,
      { includes: { 'lib://Files/load.qvs': 'I: LOAD Z FROM [lib://QVDs/included.qvd] (qvd);' } },
    );
    expect(q.nodes('ExternalDataset', 'lib://QVDs/included.qvd', A)).toHaveLength(1);
    expect(q.nodes('ExternalDataset', 'lib://QVDs/alpha.qvd', A)).toHaveLength(1);
  });

  it('reports an include the engine could not give', () => {
    const { report } = analyse('$(Must_Include=lib://Files/missing.qvs);', {
      includes: { 'lib://Files/missing.qvs': null },
    });
    expect(report.diagnostics).toContainEqual(
      expect.objectContaining({ code: 'include-unavailable', severity: 'warning' }),
    );
  });
});

describe('reconciliation with GetLineage and the model', () => {
  const script = `
LIB CONNECT TO 'ERP';
O: SQL SELECT OrderID FROM dbo.Orders;
STORE O INTO [lib://QVDs/o.qvd] (qvd);
IF 1 = 0 THEN
  X: LOAD Y FROM [lib://QVDs/never.qvd] (qvd);
END IF`;
  const lineage = [
    { qDiscriminator: 'ERP;', qStatement: 'SELECT OrderID FROM dbo.Orders' },
    { qDiscriminator: '{STORE - [lib://QVDs/o.qvd] (qvd)};', qStatement: 'STORE O INTO [lib://QVDs/o.qvd] (qvd);' },
    { qDiscriminator: 'lib://QVDs/extra.qvd (qvd);', qStatement: 'E: LOAD * FROM [lib://QVDs/extra.qvd] (qvd);' },
  ];

  it('confirms what the last reload did, lowers what it did not do, and keeps what only the engine saw', () => {
    const { q, report } = analyse(script, { lineage });
    const read = q.edge('READS', q.one('ScriptStatement', 'O: SQL', A), q.one('ExternalDataset', 'dbo.Orders', A));
    expect([read.provenance, read.confidence]).toEqual(['reconciled', 1]);
    expect(read.attributes).toMatchObject({ engineDiscriminator: 'ERP;' });
    const write = q.edge(
      'WRITES',
      q.one('ScriptStatement', 'O: STORE', A),
      q.one('ExternalDataset', 'lib://QVDs/o.qvd', A),
    );
    expect([write.provenance, write.confidence]).toEqual(['reconciled', 1]);
    const never = q.one('ExternalDataset', 'lib://QVDs/never.qvd', A);
    expect([never.provenance, never.confidence]).toEqual(['script', 0.6]);
    expect(q.one('ScriptStatement', 'X: LOAD', A).attributes).toMatchObject({ conditional: true });
    const extra = q.one('ExternalDataset', 'lib://QVDs/extra.qvd', A);
    expect([extra.provenance, extra.confidence]).toEqual(['engine-lineage', 0.9]);
    const engineStatement = q.graph.edges.find((e) => e.kind === 'READS' && e.to === extra.id);
    expect(q.node(engineStatement?.from ?? '')?.attributes).toMatchObject({ statementKind: 'engine' });
    expect(report.diagnostics.map((d) => d.code)).toEqual(
      expect.arrayContaining(['engine-only-source', 'script-only-source']),
    );
  });

  it('reports the fields of the model the script does not produce, and the other way round', () => {
    const { report, q } = analyse(`T: LOAD A, B FROM [lib://QVDs/t.qvd] (qvd);`, {
      model: {
        tables: [
          { qName: 'T', qFields: [{ qName: 'A' }, { qName: 'Z' }] },
          { qName: 'Other', qFields: [{ qName: 'Q' }] },
        ],
        keys: [],
      },
    });
    expect(report.coverage).toMatchObject({
      status: 'checked',
      modelTables: 2,
      modelFields: 3,
      matchedFields: 1,
      missingFromScript: ['T.Z', 'Other.Q'],
      notInModel: ['T.B'],
      tablesMissingFromScript: ['Other'],
    });
    expect(report.coverage?.ratio).toBeCloseTo(1 / 3);
    const modelA = q.one('ModelField', 'A', A);
    expect(q.edge('DERIVES', q.field('ScriptField', 'T', 'A', A), modelA).provenance).toBe('reconciled');
    expect(report.diagnostics).toContainEqual(
      expect.objectContaining({ code: 'coverage-mismatch', severity: 'warning' }),
    );
  });

  it('turns references to unknown fields and variables into unresolved nodes with diagnostics', () => {
    const { q, report } = analyse('T: LOAD A FROM [lib://QVDs/t.qvd] (qvd);', {
      measures: [
        {
          id: 'm1',
          title: 'Broken',
          definition: 'Sum(Missing) * $(vNope)',
          label: '',
          labelExpression: '',
          expressions: [],
        },
      ],
    });
    const missing = q.one('ModelField', 'Missing', A);
    expect(missing.attributes).toMatchObject({ unresolved: true });
    expect(q.edge('REFERENCES', q.one('MasterMeasure', 'Broken', A), missing).attributes).toMatchObject({
      usage: 'measure',
    });
    expect(q.one('Variable', 'vNope', A).attributes).toMatchObject({ unresolved: true });
    expect(report.diagnostics).toContainEqual(expect.objectContaining({ code: 'unresolved-field' }));
  });

  it('gives the same graph, byte for byte, for the same snapshot', () => {
    const one = JSON.stringify(analyse(script, { lineage }).graph);
    const two = JSON.stringify(analyse(script, { lineage }).graph);
    expect(one).toBe(two);
  });
});

/** The RegExp-based QUALIFY match lineage used before, kept as an oracle for unchanged results. */
function formerQualifyWildcard(pattern: string, text: string): boolean {
  if (pattern === '*') return true;
  const rx = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${rx}$`).test(text);
}
