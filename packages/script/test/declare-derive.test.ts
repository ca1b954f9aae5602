import { describe, expect, it } from 'vitest';
import type { Statement } from '../src/index.js';
import { parseScript, printExpression, printScript } from '../src/index.js';
import { expectRoundTrip, withoutSpans } from './helpers.js';

/** The statements of a script that must parse cleanly and round-trip through printScript. */
function body(text: string): readonly Statement[] {
  const r = parseScript(text);
  expect(r.diagnostics).toEqual([]);
  expectRoundTrip(text);
  return r.ast.body;
}

/** The calendar the Data Manager writes at the end of its generated section (abridged, verbatim lines). */
const DATA_MANAGER_CALENDAR = `[autoCalendar]: 
  DECLARE FIELD DEFINITION Tagged ('$date')
FIELDS
  Dual(Year($1), YearStart($1)) AS [Year] Tagged ('$axis', '$year'),
  Dual('Q'&Num(Ceil(Num(Month($1))/3)),Num(Ceil(NUM(Month($1))/3),00)) AS [Quarter] Tagged ('$quarter', '$cyclic'),
  Date(Floor($1), 'D') AS [_Date] Tagged ('$axis', '$date', '$hidden', '$simplified'),
  If (DayNumberOfYear($1) <= DayNumberOfYear(Today()), 1, 0) AS [InYTD] ,
  (WeekStart(Today())-WeekStart($1))/7 AS [WeeksAgo] ,
  Week(Today())-Week($1) AS [WeekRelNo] ;

DERIVE FIELDS FROM FIELDS [OrderDate], [ShipDate] USING [autoCalendar] ;
`;

describe('parseScript: DECLARE and DERIVE', () => {
  it('reads the Data Manager calendar: the label names the definition, each field keeps its expression and tags', () => {
    const [declare, derive] = body(DATA_MANAGER_CALENDAR);
    if (declare?.kind !== 'Declare') throw new Error(`expected Declare, got ${declare?.kind}`);
    expect(declare.name).toBe('autoCalendar');
    expect(declare.tags).toEqual(['$date']);
    expect(declare.using).toBeNull();
    expect(declare.parameters).toEqual([]);
    expect(declare.fields.map((f) => [f.name, printExpression(f.expression), f.tags])).toEqual([
      ['Year', 'Dual(Year($1), YearStart($1))', ['$axis', '$year']],
      [
        'Quarter',
        "Dual('Q' & Num(Ceil(Num(Month($1)) / 3)), Num(Ceil(NUM(Month($1)) / 3), 00))",
        ['$quarter', '$cyclic'],
      ],
      ['_Date', "Date(Floor($1), 'D')", ['$axis', '$date', '$hidden', '$simplified']],
      ['InYTD', 'If(DayNumberOfYear($1) <= DayNumberOfYear(Today()), 1, 0)', []],
      ['WeeksAgo', '(WeekStart(Today()) - WeekStart($1)) / 7', []],
      ['WeekRelNo', 'Week(Today()) - Week($1)', []],
    ]);
    expect(withoutSpans(derive)).toEqual({
      kind: 'Derive',
      from: 'fields',
      fields: ['OrderDate', 'ShipDate'],
      tags: [],
      definition: 'autoCalendar',
    });
  });

  it('reads PARAMETERS, an unparenthesised TAGGED list and the reuse form USING … WITH', () => {
    const [calendar, fiscal] = body(
      "Calendar: DECLARE FIELDS DEFINITION TAGGED '$date', '$x' Parameters first_month_of_year = 1, offset = 2 + 1\n" +
        "Fields Year($1) As Year, DayNumberOfYear($1, first_month_of_year) as DayNr Tagged ('$numeric');\n" +
        'Fiscal: Declare Field Definition Using Calendar With first_month_of_year = 3;',
    );
    expect(withoutSpans(calendar)).toMatchObject({
      kind: 'Declare',
      name: 'Calendar',
      tags: ['$date', '$x'],
      parameters: [
        { kind: 'DeclareParameter', name: 'first_month_of_year', value: { kind: 'NumberLiteral', value: 1 } },
        { kind: 'DeclareParameter', name: 'offset', value: { kind: 'BinaryExpression', operator: '+' } },
      ],
      fields: [
        { kind: 'DeclareField', name: 'Year', tags: [] },
        { kind: 'DeclareField', name: 'DayNr', tags: ['$numeric'] },
      ],
      using: null,
    });
    expect(withoutSpans(fiscal)).toMatchObject({
      kind: 'Declare',
      name: 'Fiscal',
      tags: [],
      fields: [],
      using: 'Calendar',
      parameters: [{ name: 'first_month_of_year', value: { kind: 'NumberLiteral', value: 3 } }],
    });
  });

  it('reads DERIVE from explicit tags (with or without parentheses) and from the implicit tag', () => {
    expect(
      body(
        "DERIVE FIELDS FROM EXPLICIT TAGS ('$date', '$timestamp') USING [autoCalendar];\n" +
          "Derive From Explicit Tag '$date' Using Calendar;\n" +
          'Derive Fields From Implicit Tag Using Calendar;',
      ).map((s) => withoutSpans(s)),
    ).toEqual([
      { kind: 'Derive', from: 'explicit-tags', fields: [], tags: ['$date', '$timestamp'], definition: 'autoCalendar' },
      { kind: 'Derive', from: 'explicit-tags', fields: [], tags: ['$date'], definition: 'Calendar' },
      { kind: 'Derive', from: 'implicit-tags', fields: [], tags: [], definition: 'Calendar' },
    ]);
  });

  it('prints the canonical form', () => {
    const { ast } = parseScript(
      "[my cal]: DECLARE FIELD DEFINITION Tagged ('$date') PARAMETERS p = 1 FIELDS Year($1) AS [Year] Tagged ('$axis');\n" +
        'DERIVE FIELDS FROM FIELDS [Order Date] USING [my cal];',
    );
    expect(printScript(ast)).toBe(
      "[my cal]:\nDECLARE FIELD DEFINITION TAGGED ('$date')\nPARAMETERS p = 1\nFIELDS\n    Year($1) AS Year TAGGED ('$axis');\n" +
        'DERIVE FIELDS FROM FIELDS [Order Date] USING [my cal];\n',
    );
  });

  it('reports a DECLARE without FIELDS and a DERIVE without USING as errors', () => {
    expect(parseScript('C: DECLARE FIELD DEFINITION Year($1) AS Y;').diagnostics.map((d) => d.severity)).toContain(
      'error',
    );
    expect(parseScript('DERIVE FIELDS FROM FIELDS OrderDate;').diagnostics.map((d) => d.message)).toContain(
      'Expected USING, found ";".',
    );
  });

  it('reads the Data Manager TAG FIELD … WITH form with several tags', () => {
    expect(
      withoutSpans(
        body("TAG FIELD [Nationality] WITH '$geoname', '$relates_Cleaned Airline Data.Nationality_GeoInfo';")[0],
      ),
    ).toEqual({
      kind: 'Tag',
      untag: false,
      names: ['Nationality'],
      tags: ['$geoname', '$relates_Cleaned Airline Data.Nationality_GeoInfo'],
      using: null,
    });
  });
});
