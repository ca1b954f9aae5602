import { describe, expect, it } from 'vitest';
import type { JsonRecord } from '../../../../src/internal/data/json-record.js';
import { engineStructTable } from '../../../../src/internal/engine/layout/engine-struct-table.js';
import { fillPropertyDefaults } from '../../../../src/internal/engine/layout/fill-defaults.js';
import {
  bookmark,
  bookmarkPropertiesGolden,
  dimensionAbcs,
  golden,
  measureSumNumbers,
  nestedSheetTree,
  objectUsingInline,
  variable,
} from './corectl-inputs.js';
import { firstShapeMismatch } from './shape-compare.js';

describe('fillPropertyDefaults against the real-engine goldens', () => {
  it.each([
    {
      struct: 'GenericObjectProperties',
      input: objectUsingInline,
      golden: 'TestObjectManagementCommands_object_properties_object-using-inline',
    },
    {
      struct: 'GenericObjectEntry',
      input: nestedSheetTree,
      golden: 'TestGetFullPropertyTree_object_properties_a699ee97-152d-4470-9655-ae7c82d71491_--full',
    },
    {
      struct: 'GenericMeasureProperties',
      input: measureSumNumbers,
      golden: 'TestMeasureManagementCommands_measure_properties_measure-sum-numbers',
    },
    {
      struct: 'GenericDimensionProperties',
      input: dimensionAbcs,
      golden: 'TestDimensionManagementCommands_dimension_properties_dimension-abcs',
    },
    {
      struct: 'GenericVariableProperties',
      input: variable('variable-abc'),
      golden: 'TestVariableManagementCommands_variable_properties_variable-abc',
    },
  ])('$struct reproduces $golden', ({ struct, input, golden: goldenName }) => {
    const expected = golden(goldenName);
    const actual = fillPropertyDefaults(struct, input);
    expect(firstShapeMismatch(actual, expected)).toBeUndefined();
    expect(actual).toEqual(expected);
  });

  it('GenericBookmarkProperties reproduces the bookmark properties golden', () => {
    expect(fillPropertyDefaults('GenericBookmarkProperties', bookmark(1))).toEqual(bookmarkPropertiesGolden);
  });

  it('is idempotent: filling the goldens changes nothing', () => {
    const expected = golden('TestObjectManagementCommands_object_properties_object-using-inline');
    expect(fillPropertyDefaults('GenericObjectProperties', expected)).toEqual(expected);
    const tree = golden('TestGetFullPropertyTree_object_properties_a699ee97-152d-4470-9655-ae7c82d71491_--full');
    expect(firstShapeMismatch(fillPropertyDefaults('GenericObjectEntry', tree), tree)).toBeUndefined();
  });

  it('never mutates its input', () => {
    const input = structuredClone(nestedSheetTree);
    fillPropertyDefaults('GenericObjectEntry', input);
    expect(input).toEqual(nestedSheetTree);
  });
});

describe('fillPropertyDefaults rules', () => {
  it('turns enum numbers and long names into short titles and keeps unknown values', () => {
    const out = fillPropertyDefaults('HyperCubeDef', {
      qMode: 1,
      qReductionMode: 'DATA_REDUCTION_CLUSTERED',
      qDimensions: [],
    });
    expect(out.qMode).toBe('P');
    expect(out.qReductionMode).toBe('C');
    expect(fillPropertyDefaults('HyperCubeDef', { qMode: 'not-a-mode' }).qMode).toBe('not-a-mode');
    expect(fillPropertyDefaults('HyperCubeDef', {}).qMode).toBe('S');
  });

  it('keeps a false that overrides a true default, drops other false flags and empty strings', () => {
    const spec = fillPropertyDefaults('OtherTotalSpecProp', { qForceBadValueKeeping: false, qSuppressOther: false });
    expect(spec.qForceBadValueKeeping).toBe(false);
    expect(spec).not.toHaveProperty('qSuppressOther');
    expect(fillPropertyDefaults('NxInfo', { qId: '', qType: 'x' })).toEqual({ qType: 'x' });
  });

  it('drops zero sort flags but keeps int32 zeros', () => {
    expect(fillPropertyDefaults('SortCriteria', { qSortByState: 0, qSortByAscii: -1 })).toEqual({
      qSortByAscii: -1,
      qExpression: {},
    });
    expect(fillPropertyDefaults('NxPage', {})).toEqual({ qLeft: 0, qTop: 0, qWidth: 0, qHeight: 0 });
  });

  it('reads abbreviated expression strings as their structs', () => {
    const dimension = fillPropertyDefaults('NxDimension', { qOtherLabel: '=Others', qCalcCond: '' });
    expect(dimension.qOtherLabel).toEqual({ qv: '=Others' });
    expect(dimension.qCalcCond).toEqual({});
    expect(
      fillPropertyDefaults('GenericObjectProperties', { qInfo: { qType: 't' }, label: { qStringExpression: '=1' } })
        .label,
    ).toEqual({ qStringExpression: { qExpr: '=1' } });
  });

  it('keeps custom and unknown q keys after the struct fields, reading q…Defs inside them at any depth', () => {
    const out = fillPropertyDefaults('GenericObjectProperties', {
      custom: { deeper: [{ qListObjectDef: { qDef: { qFieldDefs: ['A'] } } }] },
      qInfo: { qType: 't', extra: 1 },
      qUnknownThing: { qHyperCubeDef: {} },
    });
    expect(Object.keys(out)).toEqual(['qInfo', 'qMetaDef', 'custom', 'qUnknownThing']);
    expect(out.qInfo).toEqual({ qType: 't', extra: 1 });
    const listDef = (((out.custom as JsonRecord).deeper as JsonRecord[])[0] as JsonRecord).qListObjectDef as JsonRecord;
    expect(listDef.qFrequencyMode).toBe('N');
    expect((listDef.qDef as JsonRecord).qFieldDefs).toEqual(['A']);
    expect((out.qUnknownThing as JsonRecord).qHyperCubeDef).toHaveProperty('qMaxStackedCells', 5000);
  });

  it('keeps a "__proto__" key from the wire as an ordinary key', () => {
    const input = JSON.parse('{"qInfo":{"qType":"t"},"custom":{"__proto__":{"polluted":true}}}') as JsonRecord;
    const custom = fillPropertyDefaults('GenericObjectProperties', input).custom as JsonRecord;
    expect(Object.getPrototypeOf(custom)).toBe(Object.prototype);
    expect(Object.hasOwn(custom, '__proto__')).toBe(true);
    expect((custom as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('fills every struct of the table from nothing without running away', () => {
    for (const name of Object.keys(engineStructTable.structs))
      expect(() => fillPropertyDefaults(name, {})).not.toThrow();
  });
});
