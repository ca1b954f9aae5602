import { describe, expect, it, vi } from 'vitest';
import type { JsonRecord } from '../../../../src/internal/data/json-record.js';
import { noDataView } from '../../../../src/internal/data/views/hypercube-shape.js';
import {
  computeLayout,
  computeLibraryLayout,
  type LayoutContext,
} from '../../../../src/internal/engine/layout/compute-layout.js';
import { fillPropertyDefaults } from '../../../../src/internal/engine/layout/fill-defaults.js';
import {
  bookmark,
  bookmarkLayoutGolden,
  dimensionAbcs,
  golden,
  measureSumNumbers,
  objectUsingInline,
  variable,
} from './corectl-inputs.js';
import { replayDataView } from './replay-data-view.js';
import { firstShapeMismatch, LAYOUT_DATA_KEYS, LAYOUT_OPAQUE_KEYS } from './shape-compare.js';
import { layoutContext, libraryLayoutContext } from './test-layout-context.js';

describe('computeLayout against the real-engine hypercube layout golden', () => {
  const expected = golden('TestObjectManagementCommands_object_layout_object-using-inline');

  it('lays out object-using-inline exactly, with the data replayed from the recording', () => {
    const view = replayDataView(expected.qHyperCube as JsonRecord);
    const actual = computeLayout(
      fillPropertyDefaults('GenericObjectProperties', objectUsingInline),
      layoutContext(view),
    );
    expect(firstShapeMismatch(actual, expected)).toBeUndefined();
    expect(actual).toEqual(expected);
  });

  it('has the same shape with no data', () => {
    const actual = computeLayout(
      fillPropertyDefaults('GenericObjectProperties', objectUsingInline),
      layoutContext(noDataView),
    );
    const options = { dataKeys: LAYOUT_DATA_KEYS, opaqueKeys: LAYOUT_OPAQUE_KEYS };
    expect(firstShapeMismatch(actual, expected, options)).toBeUndefined();
    const cube = actual.qHyperCube as JsonRecord;
    expect(cube.qSize).toEqual({ qcx: 2, qcy: 0 });
    expect(cube.qGrandTotalRow).toEqual([
      { qText: '-', qNum: 'NaN', qElemNumber: -1, qState: 'X', qIsTotalCell: true, qIsNull: true },
    ]);
  });
});

describe('computeLibraryLayout against the real-engine goldens', () => {
  it('lays out a master measure as {qInfo, qMeasure, qMeta}', () => {
    const actual = computeLibraryLayout(
      'measure',
      fillPropertyDefaults('GenericMeasureProperties', measureSumNumbers),
      libraryLayoutContext(),
    );
    expect(actual).toEqual(golden('TestMeasureManagementCommands_measure_layout_measure-sum-numbers'));
    expect(firstShapeMismatch(actual, golden('TestMeasureManagementCommands_measure_layout_measure-sum-numbers'))).toBe(
      undefined,
    );
  });

  it('lays out a master dimension as {qInfo, qMeta, qDim, qDimInfos}', () => {
    const expected = golden('TestDimensionManagementCommands_dimension_layout_dimension-abcs');
    const props = fillPropertyDefaults('GenericDimensionProperties', dimensionAbcs);
    const withoutData = computeLibraryLayout('dimension', props, libraryLayoutContext());
    expect(withoutData.qDimInfos).toEqual([{ qApprMaxGlyphCount: 0, qCardinal: 0, qTags: [] }]);
    expect(firstShapeMismatch(withoutData, expected, { dataKeys: LAYOUT_DATA_KEYS })).toBeUndefined();
    const withData = computeLibraryLayout(
      'dimension',
      props,
      libraryLayoutContext({
        dimensionInfos: () => [{ qApprMaxGlyphCount: 1, qCardinal: 3, qTags: ['$ascii', '$text'] }],
      }),
    );
    expect(withData).toEqual(expected);
  });

  it('lays out a variable as {qInfo, qMeta, qText, qNum, <custom>}', () => {
    const actual = computeLibraryLayout(
      'variable',
      fillPropertyDefaults('GenericVariableProperties', variable('variable-xyz')),
      libraryLayoutContext(),
    );
    expect(actual).toEqual(golden('TestVariableManagementCommands_variable_layout_variable-xyz'));
  });

  it('lays out a bookmark as {qInfo, qMeta, qBookmark, qFieldInfos}, qMetaDef after the privileges', () => {
    const actual = computeLibraryLayout(
      'bookmark',
      fillPropertyDefaults('GenericBookmarkProperties', bookmark(2)),
      libraryLayoutContext({ bookmark: () => structuredClone(bookmarkLayoutGolden.qBookmark as JsonRecord) }),
    );
    expect(firstShapeMismatch(actual, bookmarkLayoutGolden)).toBeUndefined();
  });

  it('evaluates = variable definitions and leaves text definitions as they are', () => {
    const layout = (qDefinition: string): JsonRecord =>
      computeLibraryLayout(
        'variable',
        { qInfo: { qId: 'v', qType: 'variable' }, qDefinition },
        libraryLayoutContext({}),
      );
    expect(layout('=1+1')).toMatchObject({ qText: '<1+1>', qNum: 2 });
    expect(layout('abc')).toMatchObject({ qText: 'abc', qNum: 'NaN' });
    expect(layout('')).toMatchObject({ qText: '', qNum: 'NaN' });
  });

  it('leaves qMeta out when the context has none', () => {
    const layout = computeLibraryLayout(
      'measure',
      fillPropertyDefaults('GenericMeasureProperties', measureSumNumbers),
      {
        ...libraryLayoutContext(),
        meta: undefined,
      },
    );
    expect(Object.keys(layout)).toEqual(['qInfo', 'qMeasure']);
  });
});

describe('computeLayout expressions', () => {
  const layoutOf = (holder: unknown, ctx: LayoutContext = layoutContext()): unknown =>
    computeLayout({ qInfo: { qId: 'o', qType: 't' }, value: holder }, ctx).value;

  it.each([
    ['the object form', { qStringExpression: { qExpr: '=Count(x)' } }, '<Count(x)>'],
    ['the abbreviated form', { qStringExpression: '=Count(x)' }, '<Count(x)>'],
    ['an expression without =', { qStringExpression: { qExpr: 'Count(x)' } }, '<Count(x)>'],
    ['a quoted literal, unevaluated', { qStringExpression: "'Count(x)'" }, 'Count(x)'],
    ['a quoted literal with a doubled quote', { qStringExpression: { qExpr: "'it''s'" } }, "it's"],
    ['two literals joined, evaluated', { qStringExpression: "='a' & 'b'" }, "<'a' & 'b'>"],
    ['an empty expression', { qStringExpression: { qExpr: '' } }, ''],
  ])('qStringExpression: %s', (_name, holder, expected) => {
    expect(layoutOf(holder)).toBe(expected);
  });

  it.each([
    ['the object form', { qValueExpression: { qExpr: '=1+1' } }, 2],
    ['the abbreviated form (RXQ)', { qValueExpression: '=1+1' }, 2],
    ['an expression without =', { qValueExpression: '1+1' }, 2],
    ['no number, written as "NaN"', { qValueExpression: '=Only(x)' }, 'NaN'],
    ['a quoted number, unevaluated', { qValueExpression: "'42'" }, 42],
    ['an empty expression', { qValueExpression: '' }, 'NaN'],
  ])('qValueExpression: %s', (_name, holder, expected) => {
    expect(layoutOf(holder)).toBe(expected);
  });

  it('does not evaluate literals or empty expressions', () => {
    const stringExpression = vi.fn((expr: string) => expr);
    const valueExpression = vi.fn(() => 0);
    const ctx = layoutContext(noDataView, { stringExpression, valueExpression });
    layoutOf([{ qStringExpression: "'x'" }, { qStringExpression: '' }, { qValueExpression: "'1'" }], ctx);
    expect(stringExpression).not.toHaveBeenCalled();
    expect(valueExpression).not.toHaveBeenCalled();
  });
});

describe('computeLayout walk', () => {
  it('puts the object keys first in schema order, then the properties in their order', () => {
    const layout = computeLayout(
      {
        qInfo: { qId: 'o', qType: 't' },
        custom: 1,
        qMetaDef: { title: 'T' },
        qStateName: 'alt',
        qExtendsId: 'base',
        qListObjectDef: { qDef: { qFieldDefs: ['A'] } },
      },
      layoutContext(noDataView, {
        hasSoftPatches: true,
        selectionInfo: { qInSelections: true, qMadeSelections: false },
      }),
    );
    expect(Object.keys(layout)).toEqual([
      'qInfo',
      'qMeta',
      'qExtendsId',
      'qHasSoftPatches',
      'qSelectionInfo',
      'qStateName',
      'custom',
      'qListObject',
    ]);
    expect(layout.qMeta).toEqual({ privileges: ['read', 'update', 'delete', 'exportdata'], title: 'T' });
    expect(layout.qSelectionInfo).toEqual({ qInSelections: true });
  });

  it('leaves qMeta out for an object without one (session objects)', () => {
    const layout = computeLayout(
      { qInfo: { qId: 's', qType: 't' }, qMetaDef: {} },
      layoutContext(noDataView, { meta: undefined }),
    );
    expect(layout).toEqual({ qInfo: { qId: 's', qType: 't' }, qSelectionInfo: {} });
  });

  it('copies non-q keys at any depth, inside q…Defs too, and computes q…Defs found there', () => {
    const hyperCube = vi.fn(() => ({ computed: true }));
    const props = fillPropertyDefaults('GenericObjectProperties', {
      qInfo: { qId: 'o', qType: 't' },
      a: {
        b: [
          {
            qHyperCubeDef: {
              qDimensions: [],
              customProperty: { deep: [{ label: { qStringExpression: '=x' } }], plain: 'kept' },
            },
          },
        ],
      },
      'we/ird~key': { qHyperCubeDef: {} },
    });
    const layout = computeLayout(props, layoutContext(noDataView, { hyperCube }));
    expect(layout.a).toEqual({
      b: [{ qHyperCube: { computed: true, customProperty: { deep: [{ label: '<x>' }], plain: 'kept' } } }],
    });
    expect(hyperCube).toHaveBeenCalledWith(expect.objectContaining({ qMode: 'S' }), '/a/b/0/qHyperCubeDef');
    expect(hyperCube).toHaveBeenCalledWith(expect.anything(), '/we~1ird~0key/qHyperCubeDef');
  });

  it('replaces every kind of q…Def by its counterpart and drops qLayoutExclude', () => {
    const defs = {
      qAppObjectListDef: { qType: 'sheet', qData: { title: '/qMetaDef/title' }, customA: 'a' },
      qBookmarkListDef: {},
      qChildListDef: {},
      qDimensionListDef: {},
      qEmbeddedSnapshotDef: {},
      qExtensionListDef: {},
      qFieldListDef: {},
      qHyperCubeDef: {},
      qListObjectDef: {},
      qMeasureListDef: {},
      qMediaListDef: {},
      qNxLibraryDimensionDef: { qFieldDefs: ['A'] },
      qNxLibraryMeasureDef: { qDef: 'Sum(A)' },
      qSelectionObjectDef: {},
      qStaticContentUrlDef: { qUrl: '/content/x.png' },
      qTreeDataDef: {},
      qUndoInfoDef: {},
      qVariableListDef: {},
      qLayoutExclude: { disabled: {} },
    };
    const appObjectList = vi.fn(() => ({ qItems: [] }));
    const layout = computeLayout(
      fillPropertyDefaults('GenericObjectProperties', { qInfo: { qId: 'o', qType: 't' }, ...defs }),
      layoutContext(noDataView, { appObjectList }),
    );
    expect(Object.keys(layout)).toEqual([
      'qInfo',
      'qMeta',
      'qSelectionInfo',
      'qAppObjectList',
      'qBookmarkList',
      'qChildList',
      'qDimensionList',
      'qEmbeddedSnapshot',
      'qExtensionList',
      'qFieldList',
      'qHyperCube',
      'qListObject',
      'qMeasureList',
      'qMediaList',
      'qNxLibraryDimension',
      'qNxLibraryMeasure',
      'qSelectionObject',
      'qStaticContentUrl',
      'qTreeData',
      'qUndoInfo',
      'qVariableList',
    ]);
    expect(appObjectList).toHaveBeenCalledWith({ qType: 'sheet', qData: { title: '/qMetaDef/title' }, customA: 'a' });
    expect(layout.qAppObjectList).toEqual({ qItems: [], customA: 'a' });
    expect(layout.qStaticContentUrl).toEqual({ qUrl: '/content/x.png' });
    expect(layout.qNxLibraryMeasure).toMatchObject({ qDef: 'Sum(A)', qGrouping: 'N' });
  });

  it('never mutates the properties', () => {
    const props = fillPropertyDefaults('GenericObjectProperties', objectUsingInline);
    const copy = structuredClone(props);
    computeLayout(props, layoutContext());
    expect(props).toEqual(copy);
  });
});
