import { describe, expect, it } from 'vitest';
import {
  isQualified,
  type LoadStatement,
  type PlacedTable,
  parseScript,
  placeTable,
  type QualifyRule,
  qualifyFieldNames,
  qualifyRule,
  uniqueTableName,
} from '../src/index.js';

/** The LOAD statement of `text` (its prefixes and label are what placement reads). */
function load(text: string): LoadStatement {
  const statement = parseScript(text).ast.body.find((s) => s.kind === 'LoadStatement');
  if (statement?.kind !== 'LoadStatement') throw new Error(`no LOAD in ${text}`);
  return statement;
}

/** The rules of the QUALIFY / UNQUALIFY statements in `text`. */
function rules(text: string): QualifyRule[] {
  return parseScript(text).ast.body.flatMap((s) =>
    s.kind === 'Qualify' || s.kind === 'Unqualify' ? [qualifyRule(s)] : [],
  );
}

const ORDERS: PlacedTable = { name: 'Orders', fields: ['OrderID', 'Amount'] };
const LINES: PlacedTable = { name: 'Lines', fields: ['OrderID', 'Qty'] };
const MAP: PlacedTable = { name: 'M', fields: ['OrderID', 'Amount'], mapping: true };
const OPEN: PlacedTable = { name: 'Open', fields: ['A'], open: true };

interface Case {
  readonly name: string;
  readonly script: string;
  readonly fields: readonly string[];
  readonly tables?: readonly PlacedTable[];
  readonly last?: PlacedTable;
  readonly open?: boolean;
  /** `kind target-or-name: fields`, plus ` (implicit)`, ` keep with T`, ` unresolved PREFIX` when set. */
  readonly expected: string;
}

const CASES: readonly Case[] = [
  {
    name: 'a new table is named after its label',
    script: 'T: LOAD a FROM x.csv;',
    fields: ['a'],
    expected: 'new T: a',
  },
  {
    name: 'without a label, after its default name',
    script: 'LOAD a FROM x.csv;',
    fields: ['a'],
    expected: 'new x: a',
  },
  {
    name: 'a taken name gets -1, -2 …',
    script: 'NOCONCATENATE Orders: LOAD OrderID FROM x.csv;',
    fields: ['OrderID'],
    tables: [ORDERS, { name: 'Orders-1', fields: [] }],
    expected: 'new Orders-2: OrderID',
  },
  {
    name: 'the same field set (any order) appends implicitly',
    script: 'More: LOAD Amount, OrderID FROM x.csv;',
    fields: ['Amount', 'OrderID'],
    tables: [LINES, ORDERS],
    expected: 'concatenate Orders: Amount, OrderID (implicit)',
  },
  {
    name: 'NOCONCATENATE stops implicit concatenation',
    script: 'NOCONCATENATE LOAD Amount, OrderID FROM x.csv;',
    fields: ['Amount', 'OrderID'],
    tables: [ORDERS],
    expected: 'new x: Amount, OrderID',
  },
  {
    name: 'an open field list, or an open table, is never concatenated implicitly',
    script: 'LOAD * FROM x.csv;',
    fields: ['A'],
    open: true,
    tables: [{ name: 'Known', fields: ['A'] }, OPEN],
    expected: 'new x: A',
  },
  {
    name: 'an open table is not a target',
    script: 'LOAD A FROM x.csv;',
    fields: ['A'],
    tables: [OPEN],
    expected: 'new x: A',
  },
  {
    name: 'a load without fields is never concatenated implicitly',
    script: 'LOAD * FROM x.csv;',
    fields: [],
    tables: [{ name: 'Empty', fields: [] }],
    expected: 'new x: ',
  },
  {
    name: 'CONCATENATE appends to the previous table',
    script: 'CONCATENATE LOAD Qty FROM x.csv;',
    fields: ['Qty'],
    tables: [ORDERS, LINES],
    last: ORDERS,
    expected: 'concatenate Orders: Qty',
  },
  {
    name: 'CONCATENATE (T) appends to T',
    script: 'CONCATENATE (Lines) LOAD Amount FROM x.csv;',
    fields: ['Amount'],
    tables: [ORDERS, LINES],
    last: ORDERS,
    expected: 'concatenate Lines: Amount',
  },
  {
    name: 'CONCATENATE to a missing table loads a new one, unresolved',
    script: 'CONCATENATE (Nope) LOAD OrderID, Amount FROM x.csv;',
    fields: ['OrderID', 'Amount'],
    tables: [ORDERS],
    expected: 'new x: OrderID, Amount unresolved CONCATENATE',
  },
  {
    name: 'JOIN joins onto the previous table',
    script: 'LEFT JOIN LOAD OrderID, Qty FROM x.csv;',
    fields: ['OrderID', 'Qty'],
    tables: [ORDERS, LINES],
    last: LINES,
    expected: 'join Lines: OrderID, Qty',
  },
  {
    name: 'JOIN (T) joins onto T',
    script: 'JOIN (Orders) LOAD OrderID, Qty FROM x.csv;',
    fields: ['OrderID', 'Qty'],
    tables: [ORDERS, LINES],
    last: LINES,
    expected: 'join Orders: OrderID, Qty',
  },
  {
    name: 'JOIN without a target falls back to implicit concatenation or a new table, unresolved',
    script: 'JOIN (Nope) LOAD OrderID, Amount FROM x.csv;',
    fields: ['OrderID', 'Amount'],
    tables: [ORDERS],
    expected: 'concatenate Orders: OrderID, Amount (implicit) unresolved JOIN',
  },
  {
    name: 'KEEP loads a new table kept with T, never concatenated',
    script: 'LEFT KEEP (Orders) Amounts: LOAD OrderID, Amount FROM x.csv;',
    fields: ['OrderID', 'Amount'],
    tables: [ORDERS],
    expected: 'new Amounts: OrderID, Amount keep with Orders',
  },
  {
    name: 'KEEP without a table keeps with the previous one',
    script: 'INNER KEEP LOAD Qty FROM x.csv;',
    fields: ['Qty'],
    tables: [ORDERS],
    last: ORDERS,
    expected: 'new x: Qty keep with Orders',
  },
  {
    name: 'MAPPING concatenates onto mapping tables only, and ignores CONCATENATE and JOIN',
    script: 'MAPPING CONCATENATE (Orders) LOAD OrderID, Amount FROM x.csv;',
    fields: ['OrderID', 'Amount'],
    tables: [ORDERS, MAP],
    last: ORDERS,
    expected: 'concatenate M: OrderID, Amount (implicit)',
  },
  {
    name: 'MAPPING fields are never qualified',
    script: 'QUALIFY *; MAPPING LOAD a, b FROM x.csv;',
    fields: ['a', 'b'],
    expected: 'new x: a, b',
  },
  {
    name: 'QUALIFY applies to a new table with its (unique) name',
    script: 'QUALIFY *; UNQUALIFY OrderID; NOCONCATENATE Orders: LOAD OrderID, Amount FROM x.csv;',
    fields: ['OrderID', 'Amount'],
    tables: [ORDERS],
    expected: 'new Orders-1: OrderID, Orders-1.Amount',
  },
  {
    name: 'QUALIFY names decide implicit concatenation (with the label)',
    script: 'QUALIFY Amount; Orders: LOAD OrderID, Amount FROM x.csv;',
    fields: ['OrderID', 'Amount'],
    tables: [{ name: 'Orders', fields: ['OrderID', 'Orders.Amount'] }],
    expected: 'concatenate Orders: OrderID, Orders.Amount (implicit)',
  },
  {
    name: 'JOIN fields are qualified with the label, else the target name',
    script: 'QUALIFY Qty; JOIN (Orders) LOAD OrderID, Qty FROM x.csv;',
    fields: ['OrderID', 'Qty'],
    tables: [ORDERS],
    expected: 'join Orders: OrderID, Orders.Qty',
  },
];

function describePlacement(c: Case): string {
  const placement = placeTable({
    statement: load(c.script),
    defaultName: 'x',
    fields: c.fields,
    tables: c.tables ?? [],
    lastTable: c.last,
    qualify: rules(c.script),
    ...(c.open ? { open: true } : {}),
  });
  const where = placement.kind === 'new' ? placement.name : placement.target.name;
  const implicit = placement.kind === 'concatenate' && placement.implicit ? ' (implicit)' : '';
  const keep = placement.kind === 'new' && placement.keep ? ` keep with ${placement.keep.target?.name}` : '';
  const unresolved = placement.unresolved ? ` unresolved ${placement.unresolved.prefix}` : '';
  return `${placement.kind} ${where}: ${placement.fields.join(', ')}${implicit}${keep}${unresolved}`;
}

describe('placeTable: where a LOAD lands and what its fields are called', () => {
  it.each(CASES)('$name', (c) => {
    expect(describePlacement(c)).toBe(c.expected);
  });

  it('looks targets and taken names up through findTable when given', () => {
    const placement = placeTable({
      statement: load('CONCATENATE (orders) LOAD Qty FROM x.csv;'),
      defaultName: 'x',
      fields: ['Qty'],
      tables: [ORDERS],
      lastTable: undefined,
      qualify: [],
      findTable: (name) => (name.toLowerCase() === 'orders' ? ORDERS : undefined),
    });
    expect(placement).toMatchObject({ kind: 'concatenate', target: ORDERS, implicit: false });
  });
});

describe('QUALIFY rules', () => {
  it.each([
    ['QUALIFY *;', 'Amount', true],
    ['QUALIFY *; UNQUALIFY Id;', 'Id', false],
    ['QUALIFY *; UNQUALIFY Id; QUALIFY Id;', 'Id', true],
    ['QUALIFY A*;', 'Amount', true],
    ['QUALIFY A*;', 'amount', false],
    ['QUALIFY a; UNQUALIFY *;', 'a', false],
    ['', 'a', false],
  ] as const)('%s qualifies %s: %s', (script, field, expected) => {
    expect(isQualified(rules(script), field)).toBe(expected);
  });

  it('prefixes qualified names with the table name', () => {
    expect(qualifyFieldNames(rules('QUALIFY *; UNQUALIFY Key;'), 'T', ['Key', 'Value'])).toEqual(['Key', 'T.Value']);
  });

  it('makes a table name unique with -1, -2 …', () => {
    const taken = new Set(['T', 'T-1']);
    expect(uniqueTableName('T', (n) => taken.has(n))).toBe('T-2');
    expect(uniqueTableName('U', (n) => taken.has(n))).toBe('U');
  });
});
