import { describe, expect, it } from 'vitest';
import { DataEngine } from '../../../src/internal/data/data-engine.js';
import type { DerivedFieldSet, LoadedModel } from '../../../src/internal/data/model/loaded-model.js';
import { runScript } from '../../../src/internal/reload/run-script.js';
import { ScriptError } from '../../../src/internal/reload/script-error.js';
import { scriptEvaluator } from '../../../src/internal/reload/script-evaluator.js';
import { AUTO_CALENDAR } from './auto-calendar.js';

/** Noon UTC, so that Today() is 1 January 2026 in every time zone from UTC-11 to UTC+11. */
const NOW = Date.UTC(2026, 0, 1, 12);

function run(script: string): Promise<LoadedModel> {
  return runScript(script, { dataDir: '/nonexistent', connections: [], evaluate: scriptEvaluator(() => NOW) });
}

const ORDERS = `SET DateFormat='YYYY-MM-DD';
Orders: LOAD OrderID, Date#(OrderDate, 'YYYY-MM-DD') AS OrderDate, Date#(ShipDate, 'YYYY-MM-DD') AS ShipDate, Sales
INLINE [
OrderID, OrderDate, ShipDate, Sales
1, 2025-01-15, 2025-01-20, 100
2, 2025-03-31, 2025-04-02, 200
3, 2024-12-31, 2025-01-03, 50
];
`;

function set(model: LoadedModel, source: string, definition = 'autoCalendar'): DerivedFieldSet {
  const found = model.derivedFields?.find((s) => s.source === source && s.definition === definition);
  if (!found) throw new Error(`no derived fields of ${source} by ${definition}`);
  return found;
}

/** The texts of some derived fields (by their names in the definition), a row per data field value. */
function columns(derived: DerivedFieldSet, ...methods: string[]): string[][] {
  const at = methods.map((m) => derived.fields.findIndex((f) => f.method === m) + 1);
  return derived.rows.map((row) => [row[0]?.text ?? '-', ...at.map((i) => row[i]?.text ?? '-')]);
}

describe('DECLARE FIELD DEFINITION and DERIVE FIELDS', () => {
  it('derives the Data Manager calendar for each date field: names, tags and hand-worked values', async () => {
    const model = await run(ORDERS + AUTO_CALENDAR);
    expect(model.derivedFields?.map((s) => `${s.source} ${s.definition} [${s.tags.join(' ')}]`)).toEqual([
      'OrderDate autoCalendar [$date]',
      'ShipDate autoCalendar [$date]',
    ]);
    const orderDate = set(model, 'OrderDate');
    expect(orderDate.fields).toHaveLength(21);
    expect(orderDate.fields[0]).toEqual({
      name: 'OrderDate.autoCalendar.Year',
      method: 'Year',
      tags: ['$axis', '$year'],
    });
    expect(orderDate.fields.map((f) => f.name).slice(0, 3)).toEqual([
      'OrderDate.autoCalendar.Year',
      'OrderDate.autoCalendar.Quarter',
      'OrderDate.autoCalendar.YearQuarter',
    ]);
    // Today() is 2026-01-01, a Thursday, in ISO week 1 (WeekStart: Monday 2025-12-29).
    expect(
      columns(orderDate, 'Year', 'Quarter', 'YearQuarter', 'Month', 'YearMonth', 'Date', '_Date', 'YearsAgo'),
    ).toEqual([
      ['2025-01-15', '2025', 'Q1', '2025-Q1', 'Jan', '2025-Jan', '2025-01-15', '15', '1'],
      ['2025-03-31', '2025', 'Q1', '2025-Q1', 'Mar', '2025-Mar', '2025-03-31', '31', '1'],
      ['2024-12-31', '2024', 'Q4', '2024-Q4', 'Dec', '2024-Dec', '2024-12-31', '31', '2'],
    ]);
    expect(columns(orderDate, 'QuartersAgo', 'MonthsAgo', 'WeeksAgo', 'WeekRelNo', 'InYTD', 'InMTD')).toEqual([
      ['2025-01-15', '4', '12', '50', '-2', '0', '0'],
      ['2025-03-31', '4', '10', '39', '-13', '0', '0'],
      ['2024-12-31', '5', '13', '52', '0', '0', '0'],
    ]);
    // Year is a dual of the year and the year's first day (2025-01-01 is serial 45658).
    expect(orderDate.rows[0]?.[1]).toEqual({ text: '2025', num: 45658 });
    expect(columns(set(model, 'ShipDate'), 'YearMonth')).toEqual([
      ['2025-01-20', '2025-Jan'],
      ['2025-04-02', '2025-Apr'],
      ['2025-01-03', '2025-Jan'],
    ]);
  });

  it('derives from the fields carrying a tag (EXPLICIT) or the definition’s own tags (IMPLICIT)', async () => {
    const calendar = "Cal: DECLARE FIELD DEFINITION TAGGED '$date' FIELDS Year($1) AS Y;\n";
    const explicit = await run(`${ORDERS}${calendar}DERIVE FIELDS FROM EXPLICIT TAGS ('$date', '$nope') USING Cal;`);
    expect(explicit.derivedFields?.map((s) => s.source)).toEqual(['OrderDate', 'ShipDate']);
    const implicit = await run(
      `${ORDERS}TAG FIELD Sales WITH '$date';\n${calendar}DERIVE FIELDS FROM IMPLICIT TAG USING Cal;`,
    );
    expect(implicit.derivedFields?.map((s) => s.source)).toEqual(['OrderDate', 'ShipDate', 'Sales']);
    expect(columns(set(implicit, 'ShipDate', 'Cal'), 'Y')).toEqual([
      ['2025-01-20', '2025'],
      ['2025-04-02', '2025'],
      ['2025-01-03', '2025'],
    ]);
  });

  it('binds PARAMETERS by name, and USING … WITH reuses a definition with other values', async () => {
    const model = await run(`${ORDERS}Calendar: DECLARE FIELD DEFINITION TAGGED '$date'
PARAMETERS first_month_of_year = 1
FIELDS DayNumberOfYear($1, first_month_of_year) AS DayNr;
Fiscal: DECLARE FIELD DEFINITION USING Calendar WITH first_month_of_year = 3;
DERIVE FIELDS FROM FIELDS OrderDate USING Calendar;
DERIVE FIELDS FROM FIELDS OrderDate USING Fiscal;`);
    // 2025-03-31: day 91 of a 366-day year; from 1 March: 31. 2024-12-31: 366 and 306.
    expect(columns(set(model, 'OrderDate', 'Calendar'), 'DayNr')).toEqual([
      ['2025-01-15', '15'],
      ['2025-03-31', '91'],
      ['2024-12-31', '366'],
    ]);
    expect(columns(set(model, 'OrderDate', 'Fiscal'), 'DayNr')).toEqual([
      ['2025-01-15', '321'],
      ['2025-03-31', '31'],
      ['2024-12-31', '306'],
    ]);
    expect(set(model, 'OrderDate', 'Fiscal').fields[0]?.name).toBe('OrderDate.Fiscal.DayNr');
  });

  it('derives over the values the field has when the script ends; a dropped field derives nothing', async () => {
    const model = await run(`${ORDERS}Cal: DECLARE FIELD DEFINITION FIELDS Year($1) AS Y;
DERIVE FIELDS FROM FIELDS OrderDate, ShipDate USING Cal;
CONCATENATE (Orders) LOAD 4 AS OrderID, MakeDate(2023, 7, 1) AS OrderDate AUTOGENERATE 1;
DROP FIELD ShipDate;`);
    expect(model.derivedFields?.map((s) => s.source)).toEqual(['OrderDate']);
    expect(columns(set(model, 'OrderDate', 'Cal'), 'Y')).toEqual([
      ['2025-01-15', '2025'],
      ['2025-03-31', '2025'],
      ['2024-12-31', '2024'],
      ['2023-07-01', '2023'],
    ]);
  });

  it('reports an unknown definition, an unknown field and a nameless definition with their lines', async () => {
    const errors = await Promise.all(
      [
        `${ORDERS}DERIVE FIELDS FROM FIELDS OrderDate USING Nope;`,
        `${ORDERS}Cal: DECLARE FIELD DEFINITION FIELDS Year($1) AS Y;\nDERIVE FIELDS FROM FIELDS Nope USING Cal;`,
        'DECLARE FIELD DEFINITION FIELDS Year($1) AS Y;',
        'C: DECLARE FIELD DEFINITION FIELDS NoSuchFunction($1) AS Y;\nT: LOAD 1 AS D AUTOGENERATE 1;\nDERIVE FIELDS FROM FIELDS D USING C;',
      ].map((script) => run(script).catch((e: unknown) => e)),
    );
    expect(errors.map((e) => [(e as ScriptError).line, (e as ScriptError).message])).toEqual([
      [9, "Field definition 'Nope' not found"],
      [10, "Field 'Nope' not found"],
      [1, 'DECLARE FIELD DEFINITION needs a name, written as a label before it (Calendar: DECLARE …)'],
      [3, 'Error in expression: function NoSuchFunction is not supported'],
    ]);
    for (const e of errors) expect(e).toBeInstanceOf(ScriptError);
  });
});

describe('TAG / UNTAG FIELDS USING a mapping table', () => {
  it('tags each field of the mapping with its tag, and untags them', async () => {
    const model = await run(`TagMap: MAPPING LOAD * INLINE [
Field, Tag
Region, $geoname
Sales, $measure
];
T: LOAD 'EU' AS Region, 1 AS Sales AUTOGENERATE 1;
TAG FIELDS USING TagMap;
TAG FIELD Region WITH '$dimension';
UntagMap: MAPPING LOAD * INLINE [
Field, Tag
Sales, $measure
];
UNTAG FIELDS USING UntagMap;`);
    expect(Object.fromEntries(model.fieldTags)).toEqual({ Region: ['$geoname', '$dimension'], Sales: [] });
  });
});

describe('derived fields in the data model', () => {
  it('link to their data field: charts group by them and their selections reach the data field', async () => {
    const engine = new DataEngine(
      await run(`${ORDERS}Cal: DECLARE FIELD DEFINITION TAGGED ('$date') FIELDS Dual(Year($1), YearStart($1)) AS Year TAGGED ('$year');
DERIVE FIELDS FROM FIELDS OrderDate USING Cal;`),
    );
    expect(engine.evaluateText("Sum({<[OrderDate.Cal.Year]={'2025'}>} Sales)")).toBe('300');
    expect(engine.fieldSelector('OrderDate.Cal.Year')?.selectValues([{ qText: '2024' }])).toBe(true);
    expect(engine.evaluateText('Sum(Sales)')).toBe('50');
    expect(engine.evaluateText('Only(OrderID)')).toBe('3');
  });

  it('are listed under their data field (qDerivedFieldData), not as fields, tables or keys of their own', async () => {
    const engine = new DataEngine(await run(ORDERS + AUTO_CALENDAR));
    const plain = engine.fieldList({}).qItems.map((i) => i.qName);
    expect(plain).toEqual(['OrderID', 'OrderDate', 'ShipDate', 'Sales']);
    const withDerived = engine.fieldList({ qShowDerivedFields: true }).qItems;
    const orderDate = withDerived.find((i) => i.qName === 'OrderDate') as Record<string, unknown>;
    const lists = (orderDate.qDerivedFieldData as { qDerivedFieldLists: Record<string, unknown>[] }).qDerivedFieldLists;
    expect(lists).toHaveLength(1);
    expect(lists[0]).toMatchObject({ qDerivedDefinitionName: 'autoCalendar', qGroupDefs: [], qTags: ['$date'] });
    expect((lists[0]?.qFieldDefs as unknown[] | undefined)?.[0]).toEqual({
      qId: 'OrderDate.autoCalendar.Year',
      qName: 'OrderDate.autoCalendar.Year',
      qMethod: 'Year',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the engine's syntax for a derived field's expression
      qExpr: '=${autoCalendar(OrderDate).Year}',
      qTags: ['$axis', '$year'],
    });
    expect(withDerived.find((i) => i.qName === 'Sales')).not.toHaveProperty('qDerivedFieldData');
    const { qtr, qk } = engine.tablesAndKeys();
    expect(qtr.map((t) => t.qName)).toEqual(['Orders']);
    expect(qk).toEqual([]);
    const field = qtr[0]?.qFields.find((f) => f.qName === 'OrderDate');
    expect(field?.qDerivedFields).toEqual([{ qDefinitionName: 'autoCalendar', qTags: ['$date'], qActive: true }]);
    expect(field?.qTags).not.toContain('$key');
  });
});
