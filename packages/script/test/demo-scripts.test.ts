import { describe, expect, it } from 'vitest';
import type { Expression, LoadField, LoadQuery, LoadStatement, Script } from '../src/index.js';
import { fieldsOf, fileFormatOptions, parseScript, printExpression, visit } from '../src/index.js';
import { chainOf, demoScripts, expectRoundTrip, fixture, outline, statementsOf } from './helpers.js';

const scripts = demoScripts();

function parse(name: string, variables?: Record<string, string>): Script {
  const text = scripts[name];
  if (text === undefined) throw new Error(`no demo app ${name}`);
  const { ast, diagnostics } = parseScript(text, variables ? { variables } : {});
  expect(diagnostics).toEqual([]);
  return ast;
}

function loadNamed(ast: Script, label: string): LoadStatement {
  const st = statementsOf(ast, 'LoadStatement').find((s) => s.label === label);
  if (!st) throw new Error(`no LOAD labelled ${label}`);
  return st;
}

function topLoad(st: LoadStatement): LoadQuery {
  if (st.query.kind !== 'Load') throw new Error('expected a LOAD');
  return st.query;
}

/** Output names of a LOAD: aliases, else the field name. */
function outputs(q: LoadQuery): string[] {
  return q.fields.map((f) => {
    if (f.kind === 'LoadStar') return '*';
    if (f.alias !== null) return f.alias;
    return f.expression.kind === 'FieldRef' ? f.expression.name : printExpression(f.expression);
  });
}

function field(q: LoadQuery, alias: string): LoadField {
  const f = q.fields.find((x): x is LoadField => x.kind === 'LoadField' && x.alias === alias);
  if (!f) throw new Error(`no field ${alias}`);
  return f;
}

function paths(ast: Script): string[] {
  const out: string[] = [];
  visit(ast, (n) => {
    if (n.kind === 'FromSource') out.push(n.path);
    if (n.kind === 'Store') out.push(`STORE ${n.path}`);
    return undefined;
  });
  return out;
}

describe('the demo apps’ scripts', () => {
  it('are the five apps of the demo site', () => {
    expect(Object.keys(scripts)).toEqual([
      'finance',
      'hr-overview',
      'sales-dashboard',
      'sales-extract',
      'sales-transform',
    ]);
  });

  for (const name of Object.keys(scripts)) {
    it(`${name}: parses with zero diagnostics, with and without a variable environment, and round-trips`, () => {
      parse(name);
      parse(name, {});
      expectRoundTrip(scripts[name] as string);
    });
  }

  it('finance: mapping, implicit and explicit concatenation, store', () => {
    const ast = parse('finance');
    expect(statementsOf(ast, 'Tab').map((t) => t.name)).toEqual(['Main', 'Mappings', 'Actuals', 'Budget', 'Store']);
    expect(outline(ast)).toEqual([
      'MAPPING CustomerRegionMap: LOAD FROM $(vModelPath)/DimCustomer.qvd',
      'Finance: LOAD FROM $(vModelPath)/SalesFact.qvd',
      '-: LOAD FROM $(vModelPath)/SalesFact.qvd',
      'CONCATENATE(Finance) -: LOAD FROM $(vBudgetFile)',
      'STORE Finance -> lib://QVDs/finance/ActualVsBudget.qvd',
    ]);
    const finance = topLoad(loadNamed(ast, 'Finance'));
    expect(outputs(finance)).toEqual(['Scenario', 'Account', 'Year', 'MonthNum', 'Period', 'Region', 'Amount']);
    expect(fieldsOf(field(finance, 'Region').expression)).toMatchObject({
      fields: ['CustomerID'],
      functions: ['ApplyMap'],
      mappings: ['CustomerRegionMap'],
    });
    // The unlabelled second LOAD has the same field list: Qlik concatenates it implicitly.
    const loads = statementsOf(ast, 'LoadStatement');
    expect(outputs(topLoad(loads[2] as LoadStatement))).toEqual(outputs(finance));
    const budget = topLoad(loads[3] as LoadStatement);
    expect(outputs(budget)).toContain('BudgetVersion');
    if (budget.source.kind !== 'FromSource' || !budget.source.format) throw new Error('expected FROM with a format');
    expect(fileFormatOptions(budget.source.format)).toMatchObject({
      fileType: 'txt',
      encoding: 'utf8',
      labels: 'embedded',
      delimiter: ',',
    });
    const [store] = statementsOf(ast, 'Store');
    expect(store).toMatchObject({ table: 'Finance', fields: null, format: { specs: [{ name: 'qvd', value: null }] } });
  });

  it('finance: with a variable environment the SET paths are expanded', () => {
    const ast = parse('finance', {});
    expect(paths(ast)).toEqual([
      'lib://QVDs/model/DimCustomer.qvd',
      'lib://QVDs/model/SalesFact.qvd',
      'lib://QVDs/model/SalesFact.qvd',
      'lib://DataFiles/Budget.csv',
      'STORE lib://QVDs/finance/ActualVsBudget.qvd',
    ]);
  });

  it('hr-overview: SQL through a LIB connection, QUALIFY, RENAME, INLINE, LEFT KEEP, CROSSTABLE', () => {
    const ast = parse('hr-overview');
    expect(outline(ast)).toEqual([
      'CONNECT lib HRDB',
      'EmployeesRaw: SQL[hr.Employees]',
      'Employees: LOAD RESIDENT EmployeesRaw',
      'DROP table EmployeesRaw',
      'QUALIFY *',
      'UNQUALIFY DepartmentID',
      'Departments: LOAD <- SQL[hr.Departments]',
      'UNQUALIFY *',
      'RENAME field Departments.DepartmentName>Department',
      'Locations: LOAD INLINE(5 rows)',
      'left KEEP(Employees) Absences: LOAD <- SQL[hr.Absences]',
      'CROSSTABLE(PlanYear,PlannedHeadcount) HeadcountPlan: LOAD FROM lib://DataFiles/HeadcountPlan.csv',
    ]);
    const [asOf] = statementsOf(ast, 'Let');
    expect(asOf?.name).toBe('vAsOfDate');
    expect(printExpression(asOf?.expression as Expression)).toBe('Num(MakeDate(2026, 6, 30))');

    const raw = loadNamed(ast, 'EmployeesRaw').query;
    expect(raw.kind).toBe('Sql');
    if (raw.kind === 'Sql') {
      expect(raw.verb).toBe('SELECT');
      expect(raw.text.startsWith('SELECT\n    EmployeeID,')).toBe(true);
      expect(raw.text.endsWith('FROM hr.Employees')).toBe(true);
      expect(raw.tables).toMatchObject([{ name: 'hr.Employees', parts: ['hr', 'Employees'], alias: null }]);
    }
    const tenure = field(topLoad(loadNamed(ast, 'Employees')), 'TenureYears');
    expect(fieldsOf(tenure.expression)).toMatchObject({
      fields: ['TerminationDate', 'HireDate'],
      variables: ['vAsOfDate'],
    });

    const locations = topLoad(loadNamed(ast, 'Locations'));
    expect(locations.source).toMatchObject({
      kind: 'InlineSource',
      fields: ['LocationCode', 'Office', 'Country'],
    });
    if (locations.source.kind === 'InlineSource') {
      expect(locations.source.rows[0]).toEqual(['STO', 'Stockholm', 'Sweden']);
      expect(locations.source.rows[4]).toEqual(['LON', 'London', 'United Kingdom']);
    }

    const absences = loadNamed(ast, 'Absences');
    expect(absences.prefixes).toMatchObject([{ kind: 'KeepPrefix', type: 'left', table: 'Employees' }]);
    const [top, sql] = chainOf(absences);
    expect(printExpression((top as LoadQuery).where as Expression)).toBe('Year(StartDate) >= 2024');
    expect(sql?.kind).toBe('Sql');

    const plan = loadNamed(ast, 'HeadcountPlan');
    expect(plan.prefixes[0]).toMatchObject({
      kind: 'CrossTablePrefix',
      attributeField: 'PlanYear',
      dataField: 'PlannedHeadcount',
      qualifierFields: { kind: 'NumberLiteral', value: 1 },
    });
    expect(outputs(topLoad(plan))).toEqual(['DepartmentID', '2024', '2025', '2026']);
  });

  it('sales-dashboard: QVD reads, an inline table and a calendar from a preceding load over AUTOGENERATE', () => {
    const ast = parse('sales-dashboard');
    expect(outline(ast)).toEqual([
      'Sales: LOAD FROM $(vModelPath)/SalesFact.qvd',
      'Customers: LOAD FROM $(vModelPath)/DimCustomer.qvd',
      'Products: LOAD FROM $(vModelPath)/DimProduct.qvd',
      'SalesReps: LOAD INLINE(8 rows)',
      'Targets: LOAD FROM lib://DataFiles/SalesTargets.csv',
      'Calendar: LOAD <- LOAD AUTOGENERATE',
    ]);
    expect(outputs(topLoad(loadNamed(ast, 'Targets')))).toEqual([
      'Region',
      'TargetYear',
      'TargetQuarter',
      'SalesTarget',
    ]);
    const reps = topLoad(loadNamed(ast, 'SalesReps')).source;
    if (reps.kind !== 'InlineSource') throw new Error('expected INLINE');
    expect(reps.fields).toEqual(['SalesRepID', 'SalesRep', 'Team']);
    expect(reps.rows[3]).toEqual(['4', 'Lucía Romero', 'Southern Europe']);

    const [calendar, generator] = chainOf(loadNamed(ast, 'Calendar')) as LoadQuery[];
    expect(outputs(calendar as LoadQuery)).toEqual(['OrderDate', 'Year', 'Month', 'Quarter', 'YearMonth']);
    expect(generator?.source.kind).toBe('AutogenerateSource');
    if (generator?.source.kind === 'AutogenerateSource') {
      expect(printExpression(generator.source.count)).toBe('$(vCalEnd) - $(vCalStart) + 1');
    }
    // LET values that are not constants are unknown: they stay placeholders in symbolic mode.
    const symbolic = parse('sales-dashboard', {});
    const [, gen] = chainOf(loadNamed(symbolic, 'Calendar')) as LoadQuery[];
    if (gen?.source.kind !== 'AutogenerateSource') throw new Error('expected AUTOGENERATE');
    expect(printExpression(gen.source.count)).toBe('$(vCalEnd) - $(vCalStart) + 1');
  });

  it('sales-extract: SQL tables copied into QVDs, with comments between statements', () => {
    const ast = parse('sales-extract');
    expect(outline(ast)).toEqual([
      'CONNECT lib SalesDB',
      'Orders: LOAD <- SQL[dbo.Orders]',
      'STORE Orders -> $(vQvdPath)/Orders.qvd',
      'DROP table Orders',
      'OrderLines: SQL[dbo.OrderLines]',
      'STORE OrderLines -> $(vQvdPath)/OrderLines.qvd',
      'DROP table OrderLines',
      'Customers: SQL[dbo.Customers]',
      'STORE Customers -> lib://QVDs/sales/Customers.qvd',
      'DROP table Customers',
      'Products: SQL[dbo.Products]',
      'STORE Products -> lib://QVDs/sales/Products.qvd',
      'DROP table Products',
    ]);
    const products = loadNamed(ast, 'Products').query;
    expect(products).toMatchObject({ kind: 'Sql', text: 'SELECT * FROM dbo.Products' });
    const comments = statementsOf(ast, 'Comment');
    expect(comments.map((c) => c.style)).toContain('block');
    expect(comments.find((c) => c.style === 'block')?.text).toContain('CreatedDate exists in dbo.Customers');
    expect(statementsOf(ast, 'Let').map((l) => l.name)).toEqual(['vExtractStarted', 'vExtractFinished']);
    expect(paths(parse('sales-extract', {})).filter((p) => p.startsWith('STORE'))).toEqual([
      'STORE lib://QVDs/sales/Orders.qvd',
      'STORE lib://QVDs/sales/OrderLines.qvd',
      'STORE lib://QVDs/sales/Customers.qvd',
      'STORE lib://QVDs/sales/Products.qvd',
    ]);
  });

  it('sales-transform: mapping, joins onto a temporary table, a preceding load over RESIDENT, cleanup', () => {
    const ast = parse('sales-transform');
    expect(outline(ast)).toEqual([
      'MAPPING RegionMap: LOAD FROM lib://DataFiles/Regions.csv',
      'DimCustomer: LOAD FROM $(vRawPath)/Customers.qvd',
      'STORE DimCustomer -> $(vModelPath)/DimCustomer.qvd',
      'DimProduct: LOAD FROM $(vRawPath)/Products.qvd',
      'STORE DimProduct -> $(vModelPath)/DimProduct.qvd',
      'OrderLinesTmp: LOAD FROM $(vRawPath)/OrderLines.qvd',
      'left JOIN(OrderLinesTmp) -: LOAD FROM $(vRawPath)/Orders.qvd',
      'left JOIN(OrderLinesTmp) -: LOAD FROM $(vRawPath)/Products.qvd',
      'SalesFact: LOAD <- LOAD RESIDENT OrderLinesTmp',
      'DROP table OrderLinesTmp',
      'STORE SalesFact -> $(vModelPath)/SalesFact.qvd',
      'DROP table SalesFact,DimCustomer,DimProduct',
    ]);
    expect(fieldsOf(field(topLoad(loadNamed(ast, 'DimCustomer')), 'Region').expression).mappings).toEqual([
      'RegionMap',
    ]);
    const [top, base] = chainOf(loadNamed(ast, 'SalesFact')) as LoadQuery[];
    expect(outputs(top as LoadQuery)).toEqual(['*', 'Margin']);
    expect(printExpression((base as LoadQuery).where as Expression)).toBe("OrderStatus <> 'CANCELLED'");
    expect(fieldsOf(field(base as LoadQuery, 'Sales').expression).fields).toEqual([
      'Quantity',
      'UnitPrice',
      'Discount',
    ]);
  });
});

describe('the classic ctrl00 script', () => {
  const text = fixture('ctrl00.qvs');

  it('parses with zero diagnostics and round-trips', () => {
    expect(parseScript(text).diagnostics).toEqual([]);
    expectRoundTrip(text);
  });

  it('generates letters and numbers with AutoGenerate, Chr, Ord, RecNo, If and Pick', () => {
    const { ast } = parseScript(text);
    expect(outline(ast)).toEqual([
      'Characters: LOAD AUTOGENERATE',
      'ASCII: LOAD AUTOGENERATE',
      'Transactions: LOAD <- LOAD AUTOGENERATE',
    ]);
    const chars = topLoad(loadNamed(ast, 'Characters'));
    expect(printExpression(field(chars, 'Alpha').expression)).toBe("Chr(RecNo() + Ord('A') - 1)");
    expect(chars.source).toMatchObject({ kind: 'AutogenerateSource', count: { kind: 'NumberLiteral', value: 26 } });

    const ascii = topLoad(loadNamed(ast, 'ASCII'));
    expect(printExpression(ascii.where as Expression)).toBe('RecNo() >= 32 and RecNo() <= 126 or RecNo() >= 160');
    expect(fieldsOf(field(ascii, 'Num').expression).functions).toEqual(['if', 'RecNo']);
  });

  it('keeps the preceding load with WHILE as an explicit chain, and the field comment', () => {
    const { ast } = parseScript(text);
    const [top, bottom] = chainOf(loadNamed(ast, 'Transactions')) as LoadQuery[];
    expect(outputs(top as LoadQuery)).toEqual([
      'TransLineID',
      'TransID',
      'Num',
      'Dim1',
      'Dim2',
      'Dim3',
      'Expression1',
      'Expression2',
      'Expression3',
    ]);
    expect(fieldsOf(field(top as LoadQuery, 'Dim1').expression).functions).toEqual(['Pick', 'Ceil']);
    expect(outputs(bottom as LoadQuery)).toEqual(['Rand1', 'TransLineID', 'TransID']);
    expect(printExpression((bottom as LoadQuery).while as Expression)).toBe('Rand() <= 0.5 or IterNo() = 1');
    expect(statementsOf(ast, 'CommentStatement')).toMatchObject([
      { target: 'field', names: ['Dim1'], comment: 'This is a field comment', using: null },
    ]);
  });
});
