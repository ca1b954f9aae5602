import { describe, expect, it } from 'vitest';
import { QrsQueryError, queryEntities } from '../../../src/internal/qrs/qrs-query.js';

const SALES_ID = '5b0e4c8a-1f2d-4e3b-9a7c-0d1e2f3a4b5c';

/** App-like entities in the shape `/qrs/app/full` returns. */
const apps: Record<string, unknown>[] = [
  {
    id: SALES_ID,
    name: 'Sales',
    published: true,
    fileSize: 2048,
    createdDate: '2026-02-01T10:00:00.000Z',
    stream: { id: 's1', name: 'Finance', privileges: null },
    owner: { userId: 'alice', userDirectory: 'CORP' },
    tags: [{ name: 'finance' }, { name: 'monthly' }],
  },
  {
    id: 'a2',
    name: "O'Brien's Budget",
    published: true,
    fileSize: 512,
    createdDate: '2026-01-15T00:00:00Z',
    stream: { id: 's2', name: 'everyone', privileges: null },
    owner: { userId: 'bob', userDirectory: 'CORP' },
    tags: [{ name: 'Finance' }],
  },
  {
    id: 'a3',
    name: 'Scratch',
    published: false,
    fileSize: 100,
    createdDate: '2026-03-01T00:00:00.000Z',
    stream: null,
    owner: { userId: 'carol', userDirectory: 'LAB' },
    tags: [],
  },
  {
    id: 'a4',
    name: 'sales archive',
    published: false,
    fileSize: 4096,
    createdDate: '2025-12-31T23:59:59.000Z',
    stream: null,
    owner: { userId: 'alice', userDirectory: 'CORP' },
    tags: [{ name: 'archive' }],
  },
];

function names(filter: string | null, orderby: string | null = null): unknown[] {
  return queryEntities(apps, filter, orderby).map((e) => e.name);
}

function errorOf(run: () => unknown): QrsQueryError {
  try {
    run();
  } catch (error) {
    if (error instanceof QrsQueryError) return error;
    throw error;
  }
  throw new Error('expected a QrsQueryError');
}

describe('queryEntities filter', () => {
  it('returns every entity, in order, in a new array when there is no filter', () => {
    const result = queryEntities(apps, null, null);
    expect(result).toEqual(apps);
    expect(result).not.toBe(apps);
    expect(names('   ')).toEqual(['Sales', "O'Brien's Budget", 'Scratch', 'sales archive']);
  });

  it('compares strings without regard to case', () => {
    expect(names("name eq 'SALES'")).toEqual(['Sales']);
    expect(names("name ne 'sales'")).toEqual(["O'Brien's Budget", 'Scratch', 'sales archive']);
  });

  it('supports substring-of, starts-with and ends-with, case-insensitively', () => {
    expect(names("name so 'ALE'")).toEqual(['Sales', 'sales archive']);
    expect(names("name sw 'sal'")).toEqual(['Sales', 'sales archive']);
    expect(names("name ew 'GET'")).toEqual(["O'Brien's Budget"]);
  });

  it('orders numbers as numbers and timestamps as instants', () => {
    expect(names('fileSize gt 512')).toEqual(['Sales', 'sales archive']);
    expect(names('fileSize ge 512')).toEqual(['Sales', "O'Brien's Budget", 'sales archive']);
    expect(names('fileSize lt 512')).toEqual(['Scratch']);
    expect(names('fileSize le 100')).toEqual(['Scratch']);
    expect(names("fileSize gt '1000'")).toEqual(['Sales', 'sales archive']);
    // '2026-01-15T00:00:00Z' and '…00.000Z' are the same instant
    expect(names("createdDate eq '2026-01-15T00:00:00.000Z'")).toEqual(["O'Brien's Budget"]);
    expect(names("createdDate ge '2026-01-15T00:00:00Z' and createdDate lt '2026-03-01'")).toEqual([
      'Sales',
      "O'Brien's Budget",
    ]);
  });

  it("reads '' inside a quoted value as one quote", () => {
    expect(names("name eq 'O''Brien''s Budget'")).toEqual(["O'Brien's Budget"]);
    expect(names("name so ''''")).toEqual(["O'Brien's Budget"]);
  });

  it('compares booleans and numbers given bare', () => {
    expect(names('published eq true')).toEqual(['Sales', "O'Brien's Budget"]);
    expect(names('published eq FALSE')).toEqual(['Scratch', 'sales archive']);
    expect(names("published eq 'true'")).toEqual(['Sales', "O'Brien's Budget"]);
    expect(names('fileSize eq -1')).toEqual([]);
    expect(names('fileSize eq 2048.0')).toEqual(['Sales']);
  });

  it('accepts a bare GUID as a value and compares it without regard to case', () => {
    expect(names(`id eq ${SALES_ID.toUpperCase()}`)).toEqual(['Sales']);
    expect(names(`(id eq ${SALES_ID}) and (published eq true)`)).toEqual(['Sales']);
  });

  it('treats a path through a null object as null', () => {
    expect(names('stream.name eq null')).toEqual(['Scratch', 'sales archive']);
    expect(names('stream.name ne null')).toEqual(['Sales', "O'Brien's Budget"]);
    expect(names('stream eq null')).toEqual(['Scratch', 'sales archive']);
    expect(names("stream.name eq 'Finance'")).toEqual(['Sales']);
    // a null never satisfies an ordering or a text operator
    expect(names("stream.name gt 'a'")).toEqual(['Sales', "O'Brien's Budget"]);
    expect(names("stream.name so 'a'")).toEqual(['Sales']);
  });

  it('treats a missing property as null', () => {
    expect(names('nosuch eq null')).toHaveLength(4);
    expect(names("owner.nosuch eq 'x'")).toEqual([]);
  });

  it('matches a path through an array when any element matches, and ne when none does', () => {
    expect(names("tags.name eq 'finance'")).toEqual(['Sales', "O'Brien's Budget"]);
    expect(names("tags.name ne 'finance'")).toEqual(['Scratch', 'sales archive']);
    expect(names('tags.name eq null')).toEqual(['Scratch']);
  });

  it('matches keywords, operators and property names without regard to case', () => {
    expect(names("NAME EQ 'sales' OR Owner.UserDirectory Eq 'lab'")).toEqual(['Sales', 'Scratch']);
  });

  it('binds and tighter than or', () => {
    // a or (b and c): Scratch qualifies through the left side alone
    expect(names("name eq 'Scratch' or published eq true and owner.userId eq 'bob'")).toEqual([
      "O'Brien's Budget",
      'Scratch',
    ]);
    expect(names("owner.userId eq 'bob' and published eq true or name eq 'Scratch'")).toEqual([
      "O'Brien's Budget",
      'Scratch',
    ]);
  });

  it('lets parentheses override precedence', () => {
    expect(names("(name eq 'Scratch' or published eq true) and owner.userId eq 'bob'")).toEqual(["O'Brien's Budget"]);
  });

  it('binds not tighter than and', () => {
    // (not a) and b
    expect(names("not published eq true and owner.userId eq 'alice'")).toEqual(['sales archive']);
    // not (a and b)
    expect(names("not (published eq true and owner.userId eq 'alice')")).toEqual([
      "O'Brien's Budget",
      'Scratch',
      'sales archive',
    ]);
    expect(names('not not published eq true')).toEqual(['Sales', "O'Brien's Budget"]);
  });

  it('never reads a property from the prototype', () => {
    expect(names('constructor eq null')).toHaveLength(4);
    expect(names('__proto__ eq null')).toHaveLength(4);
  });

  it('evaluates a very long chain of and without exhausting the stack', () => {
    const chain = Array.from({ length: 5000 }, () => 'published eq true').join(' and ');
    expect(names(chain)).toEqual(['Sales', "O'Brien's Budget"]);
  });
});

describe('queryEntities orderby', () => {
  it('sorts ascending by default and descending on request, ignoring case', () => {
    expect(names(null, 'name')).toEqual(["O'Brien's Budget", 'Sales', 'sales archive', 'Scratch']);
    expect(names(null, 'name DESC')).toEqual(['Scratch', 'sales archive', 'Sales', "O'Brien's Budget"]);
    expect(names(null, 'fileSize asc')).toEqual(['Scratch', "O'Brien's Budget", 'Sales', 'sales archive']);
  });

  it('puts nulls last ascending and first descending', () => {
    expect(names(null, 'stream.name')).toEqual(["O'Brien's Budget", 'Sales', 'Scratch', 'sales archive']);
    expect(names(null, 'stream.name desc')).toEqual(['Scratch', 'sales archive', 'Sales', "O'Brien's Budget"]);
  });

  it('breaks ties with the next key, then keeps the original order', () => {
    expect(names(null, 'owner.userDirectory, fileSize desc')).toEqual([
      'sales archive',
      'Sales',
      "O'Brien's Budget",
      'Scratch',
    ]);
    expect(names(null, 'published')).toEqual(['Scratch', 'sales archive', 'Sales', "O'Brien's Budget"]);
  });

  it('filters before it sorts', () => {
    expect(names("owner.userId eq 'alice'", 'createdDate')).toEqual(['sales archive', 'Sales']);
  });
});

describe('queryEntities errors', () => {
  it.each([
    ["name eq 'Sales", 'unterminated string starting at position 8', 8],
    ["name = 'x'", "unexpected character '=' at position 5", 5],
    ['name eq "x"', "unexpected character '\"' at position 8", 8],
    ["name 'x'", "expected an operator (eq ne gt ge lt le so sw ew) after 'name' at position 5 but found 'x'", 5],
    [
      "name like 'x'",
      "expected an operator (eq ne gt ge lt le so sw ew) after 'name' at position 5 but found 'like'",
      5,
    ],
    ['name eq', "expected a value after 'eq' at position 7 but found end of filter", 7],
    ['name eq Sales', "expected a value after 'eq' at position 8 but found 'Sales'", 8],
    ['id eq 5b0e4c8a-1f2d', "expected a value after 'eq' at position 6 but found '5b0e4c8a-1f2d'", 6],
    ["(name eq 'x'", "expected ')' at position 12 but found end of filter", 12],
    ["name eq 'x')", "unexpected ')' at position 11", 11],
    ["name eq 'x' name eq 'y'", "unexpected 'name' at position 12", 12],
    ["name eq 'x' and", 'expected a property path at position 15 but found end of filter', 15],
    ['1abc eq 1', "expected a property path at position 0 but found '1abc'", 0],
    ["stream..name eq 'x'", "expected a property path at position 0 but found 'stream..name'", 0],
    ['()', "expected a property path at position 1 but found ')'", 1],
    ['not', 'expected a property path at position 3 but found end of filter', 3],
  ])('rejects %j', (filter, message, position) => {
    const error = errorOf(() => queryEntities(apps, filter, null));
    expect(error.message).toBe(message);
    expect(error.position).toBe(position);
    expect(error.name).toBe('QrsQueryError');
  });

  it('rejects nesting deeper than 64 levels', () => {
    const filter = `${'('.repeat(100)}name eq 'x'${')'.repeat(100)}`;
    const error = errorOf(() => queryEntities(apps, filter, null));
    expect(error.message).toBe('filter is nested too deeply at position 64');
    expect(names(`${'('.repeat(30)}name eq 'Sales'${')'.repeat(30)}`)).toEqual(['Sales']);
  });

  it.each([
    ['name up', "orderby: expected '<property> [asc|desc]' at position 0 but found 'name up'", 0],
    ['name,', "orderby: expected '<property> [asc|desc]' at position 5 but found an empty sort key", 5],
    ['name asc,  2x desc', "orderby: expected '<property> [asc|desc]' at position 11 but found '2x desc'", 11],
    ['name desc extra', "orderby: expected '<property> [asc|desc]' at position 0 but found 'name desc extra'", 0],
  ])('rejects orderby %j', (orderby, message, position) => {
    const error = errorOf(() => queryEntities(apps, null, orderby));
    expect(error.message).toBe(message);
    expect(error.position).toBe(position);
  });

  it('either parses or throws QrsQueryError for 2000 random inputs', () => {
    // A seeded generator, so a failure reproduces
    let seed = 0x2f6b_3c1d;
    const random = (): number => {
      seed = (Math.imul(seed, 1_664_525) + 1_013_904_223) >>> 0;
      return seed / 2 ** 32;
    };
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const fragments = [
      'name',
      'stream.name',
      'owner.userId',
      'tags.name',
      'eq',
      'ne',
      'gt',
      'so',
      'sw',
      'ew',
      'and',
      'or',
      'not',
      '(',
      ')',
      "'Sales'",
      "'O''x'",
      "'",
      "''",
      'null',
      'true',
      '42',
      '-1.5',
      SALES_ID,
      '.',
      ',',
      'asc',
      'desc',
      ' ',
      '\t',
      '=',
      '"',
      '\\',
      '\u00e9',
      '\u{1f600}',
      '\u0000',
    ];
    const alphabet = 'abcXYZ019 _.-()\'",=!<>\\\u00e9';
    let parsed = 0;
    let rejected = 0;
    for (let n = 0; n < 2000; n++) {
      let input = '';
      const length = Math.floor(random() * 12);
      for (let i = 0; i < length; i++) {
        input += random() < 0.7 ? `${pick(fragments)} ` : alphabet.charAt(Math.floor(random() * alphabet.length));
      }
      for (const run of [() => queryEntities(apps, input, null), () => queryEntities(apps, null, input)]) {
        try {
          expect(Array.isArray(run())).toBe(true);
          parsed++;
        } catch (error) {
          if (!(error instanceof QrsQueryError)) throw new Error(`${String(error)} for input ${JSON.stringify(input)}`);
          expect(error.message.length).toBeGreaterThan(0);
          rejected++;
        }
      }
    }
    // the generator must exercise both outcomes to be worth anything
    expect(parsed).toBeGreaterThan(50);
    expect(rejected).toBeGreaterThan(50);
  });
});
