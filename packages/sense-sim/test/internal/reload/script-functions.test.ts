import { describe, expect, it } from 'vitest';
import type { LoadedModel } from '../../../src/internal/data/model/loaded-model.js';
import { tableRows } from '../../../src/internal/data/model/table-rows.js';
import { runScript } from '../../../src/internal/reload/run-script.js';
import { ScriptError } from '../../../src/internal/reload/script-error.js';
import { scriptEvaluator } from '../../../src/internal/reload/script-evaluator.js';

function run(script: string): Promise<LoadedModel> {
  return runScript(script, {
    dataDir: '/nonexistent',
    connections: [],
    evaluate: scriptEvaluator(() => Date.UTC(2026, 0, 1)),
  });
}

/** A table's rows as texts (`-` for NULL), the field names first. */
function rowsOf(model: LoadedModel, name: string): string[][] {
  const table = model.tables.find((t) => t.name === name);
  if (!table) throw new Error(`no table ${name}: ${model.tables.map((t) => t.name).join(', ')}`);
  return [[...table.fields], ...tableRows(table).map((row) => row.map((cell) => cell?.text ?? '-'))];
}

function variables(model: LoadedModel, ...names: string[]): Record<string, string | undefined> {
  return Object.fromEntries(names.map((n) => [n, model.variables.get(n)]));
}

const TWO_TABLES = `A: LOAD * INLINE [
K, V
x, 1
y, 2
x, 3
];
B: LOAD * INLINE [
K, W
z, 10
];
`;

describe('script table functions', () => {
  it('count and name the tables the script holds at that moment', async () => {
    const model = await run(
      `${TWO_TABLES}LET nT = NoOfTables();
LET tA = TableNumber('A');
LET tB = TableNumber('B');
LET noC = IsNull(TableNumber('C'));
LET n1 = TableName(1);
LET noName = IsNull(TableName(2));
LET rows = NoOfRows('A');
LET fields = NoOfFields('A');
LET f2 = FieldName(2, 'A');
LET fnV = FieldNumber('V', 'A');
LET fnW = FieldNumber('W', 'A');
DROP TABLE A;
LET tBAfterDrop = TableNumber('B');`,
    );
    expect(variables(model, 'nT', 'tA', 'tB', 'noC', 'n1', 'noName', 'rows', 'fields', 'f2', 'fnV', 'fnW')).toEqual({
      nT: '2',
      tA: '0',
      tB: '1',
      noC: '-1',
      n1: 'B',
      noName: '-1',
      rows: '3',
      fields: '2',
      f2: 'V',
      fnV: '2',
      fnW: '0',
    });
    expect(model.variables.get('tBAfterDrop')).toBe('0');
  });

  it('give a field’s distinct values in load order, counted from 1, over all its tables', async () => {
    const model = await run(
      `${TWO_TABLES}LET c = FieldValueCount('K');
LET v1 = FieldValue('K', 1);
LET v2 = FieldValue('K', 2);
LET v3 = FieldValue('K', 3);
LET none = IsNull(FieldValue('K', 4));
LET bare = FieldValue(K, 3);`,
    );
    expect(variables(model, 'c', 'v1', 'v2', 'v3', 'none', 'bare')).toEqual({
      c: '3',
      v1: 'x',
      v2: 'y',
      v3: 'z',
      none: '-1',
      bare: 'z',
    });
  });

  it('work in LOAD expressions and IF conditions', async () => {
    const model = await run(
      `${TWO_TABLES}IF NoOfRows('A') = 3 AND TableNumber('B') = 1 THEN
  C: LOAD NoOfRows('A') + NoOfRows('B') AS N, TableName(0) AS T AUTOGENERATE 1;
END IF`,
    );
    expect(rowsOf(model, 'C')).toEqual([
      ['N', 'T'],
      ['4', 'A'],
    ]);
  });
});

describe('inter-record functions', () => {
  const T = `T: LOAD * INLINE [
Date, Amount
1, 10
2, 20
3, 30
];
`;

  it('Peek reads rows already loaded: from 0, negative from the end, of a named table or the last one', async () => {
    const model = await run(
      `${T}LET vLast = Peek('Amount');
LET vFirst = Peek('Amount', 0, 'T');
LET vSecondLast = Peek('Amount', -2, 'T');
LET vOut = IsNull(Peek('Amount', 3, 'T'));
LET vNoField = IsNull(Peek('Nope', 0, 'T'));`,
    );
    expect(variables(model, 'vLast', 'vFirst', 'vSecondLast', 'vOut', 'vNoField')).toEqual({
      vLast: '30',
      vFirst: '10',
      vSecondLast: '20',
      vOut: '-1',
      vNoField: '-1',
    });
  });

  it('Peek in a LOAD reads the rows this LOAD has made (a running total), with bare or quoted field names', async () => {
    const model = await run(
      `${T}R: NOCONCATENATE LOAD Date, Amount, RangeSum(Amount, Peek('Running')) AS Running, Peek(Date) AS PrevDate RESIDENT T;`,
    );
    expect(rowsOf(model, 'R')).toEqual([
      ['Date', 'Amount', 'Running', 'PrevDate'],
      ['1', '10', '10', '-'],
      ['2', '20', '30', '1'],
      ['3', '30', '60', '2'],
    ]);
  });

  it('a concatenating LOAD continues its target: Peek sees the target’s rows and RowNo counts on', async () => {
    const model = await run(
      `${T}CONCATENATE (T) LOAD 4 AS Date, 40 AS Amount, RowNo() AS R, Peek('Amount') AS P AUTOGENERATE 2;`,
    );
    expect(rowsOf(model, 'T')).toEqual([
      ['Date', 'Amount', 'R', 'P'],
      ['1', '10', '-', '-'],
      ['2', '20', '-', '-'],
      ['3', '30', '-', '-'],
      ['4', '40', '4', '30'],
      ['4', '40', '5', '40'],
    ]);
  });

  it('Previous reads the previous input record WHERE kept (nested: two back); NULL at the first', async () => {
    const model = await run(`P: LOAD * INLINE [
Day, Sales
1, 5
2, 7
3, 4
4, 9
];
D: NOCONCATENATE LOAD Day, Sales - Previous(Sales) AS Delta, Previous(Previous(Day)) AS TwoBack
RESIDENT P WHERE Day <> 3;`);
    expect(rowsOf(model, 'D')).toEqual([
      ['Day', 'Delta', 'TwoBack'],
      ['1', '-', '-'],
      ['2', '2', '-'],
      ['4', '2', '1'],
    ]);
  });

  it('Exists: the incremental-load idiom keeps new ids once, counting rows of the current LOAD', async () => {
    const model = await run(`Orders: LOAD * INLINE [
OrderID, Amount
1, 100
2, 200
];
CONCATENATE (Orders) LOAD * INLINE [
OrderID, Amount
2, 999
3, 300
3, 301
4, 400
] WHERE NOT Exists(OrderID);
LET known = Exists(OrderID, 4);
LET unknown = Exists('OrderID', 5);
Flags: LOAD Id, If(Exists(OrderID, Id), 'known', 'new') AS Status INLINE [
Id
1
9
];`);
    expect(rowsOf(model, 'Orders')).toEqual([
      ['OrderID', 'Amount'],
      ['1', '100'],
      ['2', '200'],
      ['3', '300'],
      ['4', '400'],
    ]);
    expect(variables(model, 'known', 'unknown')).toEqual({ known: '-1', unknown: '0' });
    expect(rowsOf(model, 'Flags')).toEqual([
      ['Id', 'Status'],
      ['1', 'known'],
      ['9', 'new'],
    ]);
  });

  it('Lookup returns the field of the first matching row, NULL without a match', async () => {
    const model = await run(`Prices: LOAD * INLINE [
Product, Price
A, 10
B, 20
A, 15
];
LET pA = Lookup('Price', 'Product', 'A', 'Prices');
LET pB = Lookup('Price', 'Product', 'B', 'Prices');
LET pC = IsNull(Lookup('Price', 'Product', 'C', 'Prices'));
Sales: LOAD Item, Lookup('Price', 'Product', Item, 'Prices') AS P INLINE [
Item
B
C
];`);
    expect(variables(model, 'pA', 'pB', 'pC')).toEqual({ pA: '10', pB: '20', pC: '-1' });
    expect(rowsOf(model, 'Sales')).toEqual([
      ['Item', 'P'],
      ['B', '20'],
      ['C', '-'],
    ]);
  });

  it('RecNo, RowNo and IterNo under WHILE: a record with no iteration makes no row', async () => {
    const model = await run(`W: LOAD Start + IterNo() - 1 AS Day, IterNo() AS I, RecNo() AS Rec, RowNo() AS Row
INLINE [
Start, Len
10, 2
20, 0
30, 3
] WHILE IterNo() <= Len;`);
    expect(rowsOf(model, 'W')).toEqual([
      ['Day', 'I', 'Rec', 'Row'],
      ['10', '1', '1', '1'],
      ['11', '2', '1', '2'],
      ['30', '1', '3', '3'],
      ['31', '2', '3', '4'],
      ['32', '3', '3', '5'],
    ]);
  });

  it('reports a wrong number of arguments as a script error with the line', async () => {
    const error = await run("LET a = 1;\nLET x = Peek('A', 0, 'T', 1);").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScriptError);
    expect((error as ScriptError).line).toBe(2);
    expect((error as ScriptError).message).toBe('Error in expression: Peek takes 1 to 3 arguments');
  });
});

describe('AutoNumber, Hash and ApplyMap', () => {
  it('AutoNumber numbers values 1, 2, 3 … in order of first appearance, per AutoID, for the whole reload', async () => {
    const model = await run(`K: LOAD Key, AutoNumber(Key) AS N1, AutoNumber(Key, 'other') AS N2 INLINE [
Key
b
a
b
c
];
K2: LOAD AutoNumber('a') AS N3, AutoNumber('z', 'other') AS N4 AUTOGENERATE 1;`);
    expect(rowsOf(model, 'K')).toEqual([
      ['Key', 'N1', 'N2'],
      ['b', '1', '1'],
      ['a', '2', '2'],
      ['b', '1', '1'],
      ['c', '3', '3'],
    ]);
    expect(rowsOf(model, 'K2')).toEqual([
      ['N3', 'N4'],
      ['2', '4'],
    ]);
  });

  it('Hash128/160/256 give 22/27/43 characters of the 64-character alphabet from “!”, deterministic', async () => {
    const model = await run(`LET h128 = Hash128('abc', 'xyz', '123');
LET again = Hash128('abc', 'xyz', '123');
LET h160 = Hash160('abc', 'xyz', '123');
LET h256 = Hash256('abc', 'xyz', '123');
LET split1 = Hash128('ab', 'c');
LET split2 = Hash128('a', 'bc');
LET empty = Hash128('');`);
    const [h128, again, h160, h256, split1, split2, empty] = [
      'h128',
      'again',
      'h160',
      'h256',
      'split1',
      'split2',
      'empty',
    ].map((n) => model.variables.get(n) ?? '');
    expect([h128?.length, h160?.length, h256?.length]).toEqual([22, 27, 43]);
    expect(again).toBe(h128);
    for (const hash of [h128, h160, h256]) expect(hash).toMatch(/^[!-`]+$/);
    expect(split1).not.toBe(split2);
    // MD5('') = d4 1d 8c …: bits 110101 000001 110110 001100 → '!' + 53, 1, 54, 12 = V " W -
    expect(empty?.slice(0, 4)).toBe('V"W-');
  });

  it('ApplyMap gives the default for unmapped values, else the value itself', async () => {
    const model = await run(`M: MAPPING LOAD * INLINE [
Code, Name
1, One
2, Two
];
AM: LOAD Code, ApplyMap('M', Code) AS N1, ApplyMap('M', Code, 'none') AS N2 INLINE [
Code
1
3
];`);
    expect(rowsOf(model, 'AM')).toEqual([
      ['Code', 'N1', 'N2'],
      ['1', 'One', 'One'],
      ['3', '3', 'none'],
    ]);
  });
});

describe('DayNumberOfYear and DayNumberOfQuarter (366-day years, as the engine counts)', () => {
  it('match help.qlik.com’s examples', async () => {
    const model = await run(`LET y1 = DayNumberOfYear(MakeDate(2022, 6, 30));
LET y2 = DayNumberOfYear(MakeDate(2022, 12, 31));
LET y3 = DayNumberOfYear(MakeDate(2014, 9, 12), 3);
LET q1 = DayNumberOfQuarter(MakeDate(2022, 3, 1));
LET q2 = DayNumberOfQuarter(MakeDate(2022, 4, 1));
LET q3 = DayNumberOfQuarter(MakeDate(2014, 9, 12), 3);
LET q4 = DayNumberOfQuarter(MakeDate(2023, 1, 5), 11);`);
    expect(variables(model, 'y1', 'y2', 'y3', 'q1', 'q2', 'q3', 'q4')).toEqual({
      y1: '182',
      y2: '366',
      y3: '196',
      q1: '61',
      q2: '1',
      q3: '12',
      q4: '66',
    });
  });
});
