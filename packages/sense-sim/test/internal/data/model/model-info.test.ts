import { describe, expect, it } from 'vitest';
import { DataEngine } from '../../../../src/internal/data/data-engine.js';
import { corectlModel, loadedModel } from '../model-fixtures.js';

describe('GetTablesAndKeys', () => {
  it('describes tables, fields and keys as corectl prints them (TestBasicAnalyzing goldens)', () => {
    const { qtr, qk } = new DataEngine(corectlModel()).tablesAndKeys();
    expect(qk).toEqual([{ qKeyFields: ['numbers'], qTables: ['TableA', 'TableB'] }]);
    expect(
      qtr.map((table) => [table.qName, table.qNoOfRows, table.qFields.map((field) => field.qName).join(', ')]),
    ).toEqual([
      ['TableA', 5, 'numbers, abcs'],
      ['TableB', 5, 'numbers, xyz'],
    ]);
    // corectl: "TableA: 5/5*" (distinct/non-nulls, * for ANY_KEY) and "TableA: 3/5".
    const [numbers, abcs] = qtr[0]?.qFields ?? [];
    expect(numbers).toMatchObject({ qnTotalDistinctValues: 5, qnNonNulls: 5, qnRows: 5, qKeyType: 'ANY_KEY' });
    expect(numbers?.qTags).toEqual(['$key', '$numeric', '$integer']);
    expect(abcs).toMatchObject({
      qnTotalDistinctValues: 3,
      qnNonNulls: 5,
      qKeyType: 'NOT_KEY',
      qHasDuplicates: true,
      qHasNull: false,
      qInformationDensity: 1,
      qSubsetRatio: 1,
      qTags: ['$ascii', '$text'],
    });
    expect(qtr[0]).toMatchObject({
      qLoose: false,
      qIsSynthetic: false,
      qIsDirectDiscovery: false,
      qTableTags: [],
      qComment: '',
    });
  });

  it('classifies keys in synthetic mode and can include the system tables', () => {
    const engine = new DataEngine(
      loadedModel([
        {
          name: 'Facts',
          fields: ['K', 'V'],
          rows: [
            ['a', 1],
            ['a', 2],
            ['b', 3],
          ],
        },
        {
          name: 'Dim',
          fields: ['K', 'Name'],
          rows: [
            ['a', 'A'],
            ['b', 'B'],
            ['c', 'C'],
          ],
        },
        { name: 'Part', fields: ['K', 'Extra'], rows: [['a', 1]] },
      ]),
    );
    const keyTypes = engine.tablesAndKeys({ syntheticMode: true }).qtr.map((table) => table.qFields[0]?.qKeyType);
    expect(keyTypes).toEqual(['ANY_KEY', 'PERFECT_KEY', 'PRIMARY_KEY']);
    expect(engine.tablesAndKeys({ includeSysVars: true }).qtr.map((table) => table.qName)).toContain('$$SysTable 1');
  });
});

describe('GetTableData', () => {
  it('returns rows as FieldValues, with the field names first for offset -1', () => {
    const engine = new DataEngine(
      loadedModel([
        {
          name: 'T',
          fields: ['A', 'N'],
          rows: [
            ['x', 1],
            [null, 2.5],
          ],
        },
      ]),
    );
    expect(engine.tableData(-1, 3, 'T')).toEqual([
      {
        qValue: [
          { qText: 'A', qIsNumeric: false },
          { qText: 'N', qIsNumeric: false },
        ],
      },
      {
        qValue: [
          { qText: 'x', qIsNumeric: false },
          { qText: '1', qIsNumeric: true, qNumber: 1 },
        ],
      },
      {
        qValue: [
          { qText: '-', qIsNumeric: false },
          { qText: '2.5', qIsNumeric: true, qNumber: 2.5 },
        ],
      },
    ]);
    expect(engine.tableData(1, 10, 'T')?.length).toBe(1);
    expect(engine.tableData(0, 10, 'Nope')).toBeUndefined();
  });
});

describe('GetFieldDescription', () => {
  it('describes a field (corectl fields golden: numbers 5, abcs 3/5)', () => {
    const engine = new DataEngine(corectlModel());
    expect(engine.fieldDescription('numbers')).toEqual({
      qInternalNumber: 0,
      qName: 'numbers',
      qSrcTables: ['TableA', 'TableB'],
      qCardinal: 5,
      qTotalCount: 5,
      qIsNumeric: true,
      qComment: '',
      qTags: ['$key', '$numeric', '$integer'],
      qByteSize: 85,
    });
    expect(engine.fieldDescription('abcs')).toMatchObject({ qCardinal: 3, qTotalCount: 5 });
    expect(engine.fieldDescription('$Table')).toMatchObject({ qIsSystem: true, qIsHidden: true });
    engine.fieldSelector('abcs')?.selectValues([{ qText: 'a' }]);
    engine.fieldSelector('abcs')?.lock();
    expect(engine.fieldDescription('abcs')?.qIsLocked).toBe(true);
    expect(engine.fieldDescription('nope')).toBeUndefined();
  });
});
