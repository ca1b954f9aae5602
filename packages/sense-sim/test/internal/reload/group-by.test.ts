import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadedModel } from '../../../src/internal/data/model/loaded-model.js';
import { tableRows } from '../../../src/internal/data/model/table-rows.js';
import { runScript } from '../../../src/internal/reload/run-script.js';
import { ScriptError } from '../../../src/internal/reload/script-error.js';
import { scriptEvaluator } from '../../../src/internal/reload/script-evaluator.js';

/** help.qlik.com's FirstSortedValue example data (the script function page). */
const TEMP = `Temp:
LOAD * INLINE [
Customer|Product|OrderNumber|UnitSales
Astrida|AA|1|10
Astrida|AA|7|18
Astrida|BB|4|9
Astrida|CC|6|2
Betacab|AA|5|4
Betacab|BB|2|5
Betacab|DD|12|25
Canutility|AA|3|8
Canutility|CC|13|19
Divadip|AA|9|16
Divadip|AA|10|16
Divadip|DD|11|10
] (delimiter is '|');
`;

let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'qixflow-group-by-'));
  await mkdir(join(dataDir, 'files'));
  await writeFile(join(dataDir, 'files', 'sales.csv'), 'Region,Amount\nNorth,5\nSouth,7\nNorth,6\n');
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

function run(script: string): Promise<LoadedModel> {
  return runScript(script, {
    dataDir,
    connections: [{ name: 'Data', type: 'folder', connectionString: 'files' }],
    evaluate: scriptEvaluator(() => Date.UTC(2026, 0, 1)),
  });
}

/** A table as text: its field names, then each row's cell texts (`-` for NULL). */
async function table(script: string, name: string): Promise<string[][]> {
  const model = await run(script);
  const found = model.tables.find((t) => t.name === name);
  if (!found) throw new Error(`no table ${name} in ${model.tables.map((t) => t.name).join(', ')}`);
  return [[...found.fields], ...tableRows(found).map((r) => r.map((c) => c?.text ?? '-'))];
}

/**
 * One aggregation per row, grouped by Customer over TEMP, with the values worked out by hand for
 * Astrida, Betacab, Canutility and Divadip.
 */
const AGGREGATIONS: { expression: string; values: [string, string, string, string] }[] = [
  // 10+18+9+2, 4+5+25, 8+19, 16+16+10
  { expression: 'Sum(UnitSales)', values: ['39', '34', '27', '42'] },
  // the sum of the distinct values: Divadip's two 16s count once
  { expression: 'Sum(DISTINCT UnitSales)', values: ['39', '34', '27', '26'] },
  { expression: 'Count(Product)', values: ['4', '3', '2', '3'] },
  { expression: 'Count(DISTINCT Product)', values: ['3', '3', '2', '2'] },
  { expression: 'Min(UnitSales)', values: ['2', '4', '8', '10'] },
  { expression: 'Max(UnitSales)', values: ['18', '25', '19', '16'] },
  // the second highest: 18,10,9,2 · 25,5,4 · 19,8 · 16,16,10
  { expression: 'Max(UnitSales, 2)', values: ['10', '5', '8', '16'] },
  { expression: 'Min(UnitSales, 2)', values: ['9', '5', '19', '16'] },
  // 39/4, 34/3, 27/2, 42/3
  { expression: 'Avg(UnitSales)', values: ['9.75', '11.333333333333', '13.5', '14'] },
  // 2,9,10,18 → (9+10)/2 · 4,5,25 · 8,19 → 13.5 · 10,16,16
  { expression: 'Median(UnitSales)', values: ['9.5', '5', '13.5', '16'] },
  // AA twice for Astrida and Divadip; one of each elsewhere: a tie, NULL
  { expression: 'Mode(Product)', values: ['AA', '-', '-', 'AA'] },
  { expression: 'Only(Product)', values: ['-', '-', '-', '-'] },
  { expression: "Only(If(Product = 'AA', OrderNumber))", values: ['-', '5', '3', '-'] },
  { expression: 'MinString(Product)', values: ['AA', 'AA', 'AA', 'AA'] },
  { expression: 'MaxString(Product)', values: ['CC', 'DD', 'CC', 'DD'] },
  // no sort weight: text order (help.qlik.com: "defaults to alphanumeric sorting")
  { expression: "Concat(Product, ',')", values: ['AA,AA,BB,CC', 'AA,BB,DD', 'AA,CC', 'AA,AA,DD'] },
  { expression: "Concat(DISTINCT Product, '-')", values: ['AA-BB-CC', 'AA-BB-DD', 'AA-CC', 'AA-DD'] },
  // by UnitSales: CC 2, BB 9, AA 10, AA 18 · AA 4, BB 5, DD 25 · AA 8, CC 19 · DD 10, AA 16, AA 16
  { expression: "Concat(Product, '>', UnitSales)", values: ['CC>BB>AA>AA', 'AA>BB>DD', 'AA>CC', 'DD>AA>AA'] },
  // help.qlik.com: the product of the smallest order per customer
  { expression: 'FirstSortedValue(Product, UnitSales)', values: ['CC', 'AA', 'AA', 'DD'] },
  // the largest: Divadip's two AA orders share 16, so NULL …
  { expression: 'FirstSortedValue(Product, -UnitSales)', values: ['AA', 'DD', 'CC', '-'] },
  // … unless DISTINCT drops the repeated (AA, 16)
  { expression: 'FirstSortedValue(DISTINCT Product, -UnitSales)', values: ['AA', 'DD', 'CC', 'AA'] },
  // second smallest: BB 9 · BB 5 · CC 19 · Divadip's 16 is shared → NULL
  { expression: 'FirstSortedValue(Product, UnitSales, 2)', values: ['BB', 'BB', 'CC', '-'] },
  // counts over UnitSales > 9 kept as numbers, the rest as texts, and order 1 and 2 as NULL
  ...countsOf(),
  // aggregations inside scalar expressions: 39/4 · 34/3 · 27/2 · 42/3
  { expression: 'Round(Sum(UnitSales) / Count(OrderNumber), 0.01)', values: ['9.75', '11.33', '13.5', '14'] },
  { expression: "If(Sum(UnitSales) > 35, 'big', 'small')", values: ['big', 'small', 'small', 'big'] },
  { expression: "Customer & ':' & Count(Product)", values: ['Astrida:4', 'Betacab:3', 'Canutility:2', 'Divadip:3'] },
  { expression: 'Max(UnitSales) - Min(UnitSales)', values: ['16', '21', '11', '6'] },
  // sample standard deviation, e.g. Astrida: sqrt((0.25² + 8.25² + 0.75² + 7.75²) / 3) = sqrt(128.75 / 3)
  { expression: 'Round(Stdev(UnitSales), 0.001)', values: ['6.551', '11.846', '7.778', '3.464'] },
];

/**
 * NullCount, NumericCount, TextCount, MissingCount over `If(OrderNumber <= 2, Null(),
 * If(UnitSales > 9, UnitSales, Product))`: Astrida 1→NULL, 18 num, BB text, CC text; Betacab 5→
 * text AA, 2→NULL, 25 num; Canutility 8→text AA, 19 num; Divadip 16, 16 num, 10 num.
 */
function countsOf(): { expression: string; values: [string, string, string, string] }[] {
  const value = 'If(OrderNumber <= 2, Null(), If(UnitSales > 9, UnitSales, Product))';
  return [
    { expression: `NullCount(${value})`, values: ['1', '1', '0', '0'] },
    { expression: `NumericCount(${value})`, values: ['1', '1', '1', '3'] },
    { expression: `TextCount(${value})`, values: ['2', '1', '1', '0'] },
    { expression: `MissingCount(${value})`, values: ['3', '2', '1', '0'] },
    { expression: `Count(${value})`, values: ['3', '2', '2', '3'] },
  ];
}

describe('LOAD … GROUP BY', () => {
  it.each(AGGREGATIONS)('$expression', async ({ expression, values }) => {
    const rows = await table(`${TEMP}G:\nLOAD Customer, ${expression} AS X RESIDENT Temp GROUP BY Customer;`, 'G');
    expect(rows).toEqual([
      ['Customer', 'X'],
      ['Astrida', values[0]],
      ['Betacab', values[1]],
      ['Canutility', values[2]],
      ['Divadip', values[3]],
    ]);
  });

  it('groups by several fields, rows in the order each group first appears', async () => {
    const rows = await table(
      `${TEMP}G:\nLOAD Product, Customer, Sum(UnitSales) AS S RESIDENT Temp GROUP BY Customer, Product;`,
      'G',
    );
    expect(rows).toEqual([
      ['Product', 'Customer', 'S'],
      ['AA', 'Astrida', '28'],
      ['BB', 'Astrida', '9'],
      ['CC', 'Astrida', '2'],
      ['AA', 'Betacab', '4'],
      ['BB', 'Betacab', '5'],
      ['DD', 'Betacab', '25'],
      ['AA', 'Canutility', '8'],
      ['CC', 'Canutility', '19'],
      ['AA', 'Divadip', '32'],
      ['DD', 'Divadip', '10'],
    ]);
  });

  it('keeps groups in first-appearance order, not sorted', async () => {
    const script =
      'T:\nLOAD * INLINE [\nK, V\nb, 1\na, 2\nb, 3\nc, 4\n];\nG:\nLOAD K, Sum(V) AS S RESIDENT T GROUP BY K;';
    expect(await table(script, 'G')).toEqual([
      ['K', 'S'],
      ['b', '4'],
      ['a', '2'],
      ['c', '4'],
    ]);
  });

  it('puts records with a NULL key in a group of their own; Sum and Count skip NULL values', async () => {
    const script = [
      'T:\nLOAD If(V <> 2, K) AS K, V, If(V > 1, V) AS W INLINE [\nK, V\na, 1\nb, 2\na, 3\nc, 2\n];',
      'G:\nLOAD K, Sum(V) AS S, Sum(W) AS SW, Count(W) AS CW, Count(V) AS CV RESIDENT T GROUP BY K;',
    ].join('\n');
    expect(await table(script, 'G')).toEqual([
      ['K', 'S', 'SW', 'CW', 'CV'],
      ['a', '4', '3', '1', '2'],
      ['-', '4', '4', '2', '2'],
    ]);
  });

  it('aggregates the whole table without GROUP BY (the incremental-load idiom)', async () => {
    const rows = await table(
      `${TEMP}M:\nLOAD Max(OrderNumber) AS MaxOrder, Count(DISTINCT Customer) AS Customers RESIDENT Temp;`,
      'M',
    );
    expect(rows).toEqual([
      ['MaxOrder', 'Customers'],
      ['13', '4'],
    ]);
  });

  it('gives no row when no record reaches the aggregation', async () => {
    const rows = await table(`${TEMP}M:\nLOAD Max(UnitSales) AS M RESIDENT Temp WHERE UnitSales > 100;`, 'M');
    expect(rows).toEqual([['M']]);
  });

  it('groups after WHERE', async () => {
    const rows = await table(
      `${TEMP}G:\nLOAD Customer, Count(Product) AS N RESIDENT Temp WHERE UnitSales >= 10 GROUP BY Customer;`,
      'G',
    );
    expect(rows).toEqual([
      ['Customer', 'N'],
      ['Astrida', '2'],
      ['Betacab', '1'],
      ['Canutility', '1'],
      ['Divadip', '3'],
    ]);
  });

  it('groups the rows of a preceding LOAD', async () => {
    const script = `${TEMP}G:\nLOAD Customer, Sum(Double) AS S GROUP BY Customer;\nLOAD Customer, UnitSales * 2 AS Double RESIDENT Temp;`;
    expect(await table(script, 'G')).toEqual([
      ['Customer', 'S'],
      ['Astrida', '78'],
      ['Betacab', '68'],
      ['Canutility', '54'],
      ['Divadip', '84'],
    ]);
  });

  it('lets a preceding LOAD compute on the groups', async () => {
    const script = `${TEMP}G:\nLOAD Customer, Total * 10 AS Tens;\nLOAD Customer, Sum(UnitSales) AS Total RESIDENT Temp GROUP BY Customer;`;
    expect(await table(script, 'G')).toEqual([
      ['Customer', 'Tens'],
      ['Astrida', '390'],
      ['Betacab', '340'],
      ['Canutility', '270'],
      ['Divadip', '420'],
    ]);
  });

  it('groups a file source and an INLINE source', async () => {
    const fromFile =
      "G:\nLOAD Region, Sum(Amount) AS Total FROM [lib://Data/sales.csv] (txt, embedded labels, delimiter is ',') GROUP BY Region;";
    expect(await table(fromFile, 'G')).toEqual([
      ['Region', 'Total'],
      ['North', '11'],
      ['South', '7'],
    ]);
    const inline = 'G:\nLOAD K, Count(V) AS N INLINE [\nK, V\nx, 1\ny, 2\nx, 3\n] GROUP BY K;';
    expect(await table(inline, 'G')).toEqual([
      ['K', 'N'],
      ['x', '2'],
      ['y', '1'],
    ]);
  });

  it('groups a LOAD * whose fields are all grouped', async () => {
    const script = `${TEMP}G:\nNOCONCATENATE LOAD * RESIDENT Temp WHERE Customer = 'Divadip' GROUP BY Customer, Product, OrderNumber, UnitSales;`;
    expect(await table(script, 'G')).toEqual([
      ['Customer', 'Product', 'OrderNumber', 'UnitSales'],
      ['Divadip', 'AA', '9', '16'],
      ['Divadip', 'AA', '10', '16'],
      ['Divadip', 'DD', '11', '10'],
    ]);
  });

  it('computes RecNo() inside an aggregation per source record', async () => {
    const rows = await table(`${TEMP}G:\nLOAD Customer, Max(RecNo()) AS Last RESIDENT Temp GROUP BY Customer;`, 'G');
    expect(rows).toEqual([
      ['Customer', 'Last'],
      ['Astrida', '4'],
      ['Betacab', '7'],
      ['Canutility', '9'],
      ['Divadip', '12'],
    ]);
  });
});

describe('GROUP BY errors', () => {
  const ERRORS: { case: string; load: string; message: string }[] = [
    {
      case: 'a field neither grouped nor aggregated',
      load: 'LOAD Customer, Product, Sum(UnitSales) AS S RESIDENT Temp GROUP BY Customer;',
      message: 'Aggregation expressions required by GROUP BY clause.',
    },
    {
      case: 'a field inside a scalar function, not grouped',
      load: 'LOAD Customer, Upper(Product) & Sum(UnitSales) AS S RESIDENT Temp GROUP BY Customer;',
      message: 'Aggregation expressions required by GROUP BY clause.',
    },
    {
      case: 'a plain field next to an aggregation without GROUP BY',
      load: 'LOAD Customer, Sum(UnitSales) AS S RESIDENT Temp;',
      message: 'Aggregation expressions required by GROUP BY clause.',
    },
    {
      case: 'a LOAD * with fields not grouped',
      load: 'LOAD * RESIDENT Temp GROUP BY Customer;',
      message: 'Aggregation expressions required by GROUP BY clause.',
    },
    {
      case: 'an aggregation inside an aggregation',
      load: 'LOAD Customer, Sum(Count(Product)) AS S RESIDENT Temp GROUP BY Customer;',
      message: 'Nested aggregation not allowed: Sum',
    },
    {
      case: 'a GROUP BY field the source does not have',
      load: 'LOAD Sum(UnitSales) AS S RESIDENT Temp GROUP BY Region;',
      message: "Field 'Region' not found",
    },
    {
      case: 'an expression in GROUP BY',
      load: 'LOAD Sum(UnitSales) AS S RESIDENT Temp GROUP BY Upper(Customer);',
      message: 'GROUP BY takes field names, not expressions',
    },
    {
      case: 'set analysis in the script',
      load: 'LOAD Sum({1} UnitSales) AS S RESIDENT Temp;',
      message: 'Sum: set analysis and TOTAL are only allowed in chart expressions',
    },
    {
      case: 'an aggregation in WHERE',
      load: 'LOAD Customer, Count(Product) AS N RESIDENT Temp WHERE Sum(UnitSales) > 10 GROUP BY Customer;',
      message: 'Aggregations are not allowed in WHERE or WHILE',
    },
    {
      case: 'a rank that is not a positive integer',
      load: 'LOAD Customer, Max(UnitSales, 0) AS S RESIDENT Temp GROUP BY Customer;',
      message: 'Error in expression: max rank must be a positive integer',
    },
  ];

  it.each(ERRORS)('$case is a script error at its line', async ({ load, message }) => {
    const error = await run(`${TEMP}G:\n${load}`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScriptError);
    expect(error).toMatchObject({ message, line: 17 });
  });
});

describe('ORDER BY', () => {
  const MIXED = 'T:\nLOAD * INLINE [\nV, N\n10, 1\n9, 2\nb, 3\nA, 4\n100, 5\na, 6\n];\n';

  it('sorts numbers by value before texts, texts alphabetically', async () => {
    const rows = await table(`${MIXED}O:\nNOCONCATENATE LOAD V RESIDENT T ORDER BY V;`, 'O');
    expect(rows.flat()).toEqual(['V', '9', '10', '100', 'A', 'a', 'b']);
  });

  it('reverses the order with DESC and sorts by each key in turn', async () => {
    const desc = await table(`${MIXED}O:\nNOCONCATENATE LOAD V RESIDENT T ORDER BY V DESC;`, 'O');
    expect(desc.flat()).toEqual(['V', 'b', 'a', 'A', '100', '10', '9']);
    const twoKeys = await table(
      `${TEMP}O:\nNOCONCATENATE LOAD OrderNumber RESIDENT Temp WHERE Customer <> 'Astrida' ORDER BY Product DESC, UnitSales, OrderNumber DESC;`,
      'O',
    );
    // DD 10 (11), DD 25 (12), CC 19 (13), BB 5 (2), AA 4 (5), AA 8 (3), AA 16 (10, 9)
    expect(twoKeys.flat()).toEqual(['OrderNumber', '11', '12', '13', '2', '5', '3', '10', '9']);
  });

  it('sorts the records before GROUP BY: group order and an unsorted Concat follow it', async () => {
    const script = `${TEMP}G:\nLOAD Customer, Concat(Product, ',', 0) AS InOrder, Concat(Product, ',') AS Sorted RESIDENT Temp GROUP BY Customer ORDER BY UnitSales DESC;`;
    expect(await table(script, 'G')).toEqual([
      ['Customer', 'InOrder', 'Sorted'],
      // first records by UnitSales descending: Betacab 25, Canutility 19, Astrida 18, Divadip 16
      ['Betacab', 'DD,BB,AA', 'AA,BB,DD'],
      ['Canutility', 'CC,AA', 'AA,CC'],
      ['Astrida', 'AA,AA,BB,CC', 'AA,AA,BB,CC'],
      ['Divadip', 'AA,AA,DD', 'AA,AA,DD'],
    ]);
    const unsorted = `${TEMP}G:\nLOAD Customer, Concat(Product, ',', 0) AS InOrder RESIDENT Temp WHERE Customer = 'Astrida' GROUP BY Customer ORDER BY OrderNumber;`;
    // Astrida's orders 1 AA, 4 BB, 6 CC, 7 AA
    expect(await table(unsorted, 'G')).toEqual([
      ['Customer', 'InOrder'],
      ['Astrida', 'AA,BB,CC,AA'],
    ]);
  });

  it('sorts the records before Peek reads the rows made so far (the running-total idiom)', async () => {
    const script = `${TEMP}C:\nNOCONCATENATE LOAD OrderNumber, RangeSum(Peek('Cum'), UnitSales) AS Cum RESIDENT Temp WHERE Customer = 'Astrida' ORDER BY OrderNumber;`;
    // Astrida's orders by number: 1 (10), 4 (9), 6 (2), 7 (18)
    expect(await table(script, 'C')).toEqual([
      ['OrderNumber', 'Cum'],
      ['1', '10'],
      ['4', '19'],
      ['6', '21'],
      ['7', '39'],
    ]);
  });

  it('lets Peek and Previous read the groups made so far', async () => {
    const script = `${TEMP}G:\nLOAD Customer, Sum(UnitSales) AS S, RangeSum(Peek('Run'), Sum(UnitSales)) AS Run, Previous(Customer) AS Before RESIDENT Temp GROUP BY Customer ORDER BY Customer DESC;`;
    expect(await table(script, 'G')).toEqual([
      ['Customer', 'S', 'Run', 'Before'],
      ['Divadip', '42', '42', '-'],
      ['Canutility', '27', '69', 'Divadip'],
      ['Betacab', '34', '103', 'Canutility'],
      ['Astrida', '39', '142', 'Betacab'],
    ]);
  });

  it('feeds the incremental-load idiom: the latest value through Peek into a variable', async () => {
    const model = await run(
      `${TEMP}M:\nLOAD Max(OrderNumber) AS Last RESIDENT Temp;\nLET vLast = Peek('Last', 0, 'M');`,
    );
    expect(model.variables.get('vLast')).toBe('13');
  });

  it('is refused on a LOAD that does not read a RESIDENT table', async () => {
    const error = await run('T:\nLOAD * INLINE [\nV\n2\n1\n] ORDER BY V;').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScriptError);
    expect(error).toMatchObject({ message: 'ORDER BY is only allowed when the LOAD reads a RESIDENT table', line: 1 });
  });
});

describe('LOAD DISTINCT', () => {
  const DUPLICATES = 'D:\nLOAD * INLINE [\nK, V\na, 1\na, 1\na, 2\nb, 1\n];\n';

  it('applies to the groups of a GROUP BY load', async () => {
    const rows = await table(`${TEMP}G:\nLOAD DISTINCT Count(Product) AS N RESIDENT Temp GROUP BY Customer;`, 'G');
    expect(rows).toEqual([['N'], ['4'], ['3'], ['2']]);
  });

  it('belongs to the destination table: a preceding load’s DISTINCT does not thin what the LOAD above reads', async () => {
    const lower = `${DUPLICATES}G:\nLOAD K, Count(V) AS N GROUP BY K;\nLOAD DISTINCT K, V RESIDENT D;`;
    expect(await table(lower, 'G')).toEqual([
      ['K', 'N'],
      ['a', '3'],
      ['b', '1'],
    ]);
    const upper = `${DUPLICATES}G:\nLOAD DISTINCT K;\nLOAD K, V RESIDENT D;`;
    expect(await table(upper, 'G')).toEqual([['K'], ['a'], ['b']]);
    const lowerOnly = `${DUPLICATES}G:\nNOCONCATENATE LOAD K, V;\nLOAD DISTINCT K, V RESIDENT D;`;
    expect(await table(lowerOnly, 'G')).toEqual([
      ['K', 'V'],
      ['a', '1'],
      ['a', '2'],
      ['b', '1'],
    ]);
  });

  it('deduplicates the table a DISTINCT load joins or concatenates into, then and later', async () => {
    const join = `${DUPLICATES}LEFT JOIN (D) LOAD DISTINCT * INLINE [\nK, Name\na, Ann\na, Ann\n];`;
    expect(await table(join, 'D')).toEqual([
      ['K', 'V', 'Name'],
      ['a', '1', 'Ann'],
      ['a', '2', 'Ann'],
      ['b', '1', '-'],
    ]);
    const later =
      'D:\nLOAD DISTINCT * INLINE [\nK, V\na, 1\na, 1\n];\nCONCATENATE (D) LOAD * INLINE [\nK, V\nb, 2\nb, 2\na, 1\n];';
    expect(await table(later, 'D')).toEqual([
      ['K', 'V'],
      ['a', '1'],
      ['b', '2'],
    ]);
    const plain = `${DUPLICATES}CONCATENATE (D) LOAD * INLINE [\nK, V\nb, 1\n];`;
    expect(await table(plain, 'D')).toEqual([
      ['K', 'V'],
      ['a', '1'],
      ['a', '1'],
      ['a', '2'],
      ['b', '1'],
      ['b', '1'],
    ]);
  });
});
