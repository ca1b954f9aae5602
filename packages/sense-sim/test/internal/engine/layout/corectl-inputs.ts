// The properties qlik-oss/corectl's integration tests sent to a real engine (qlikcore 12.1050)
// before recording the goldens in ./golden (copied from corectl and halyard.js, both MIT). Taken
// from corectl's test/projects/using-entities and test/projects/nested-objects, trimmed to what the
// goldens need; the second chart of the sheet keeps the verbose Sense-client form (`qv: ""`, false
// flags, zero sort flags) to show what the engine drops.
import { readFileSync } from 'node:fs';
import type { JsonRecord } from '../../../../src/internal/data/json-record.js';

/** A golden file of ./golden, parsed. */
export function golden(name: string): JsonRecord {
  return JSON.parse(readFileSync(new URL(`./golden/${name}.golden`, import.meta.url), 'utf8')) as JsonRecord;
}

/** using-entities/object-using-inline.json */
export const objectUsingInline: JsonRecord = {
  qInfo: { qId: 'object-using-inline', qType: 'my-hypercube' },
  qHyperCubeDef: {
    customProperty: 'should be filtered by the minimum flag',
    qDimensions: [{ qDef: { qFieldDefs: ['xyz'] } }],
    qMeasures: [{ qDef: { qDef: 'count(numbers)' }, qSortBy: { qSortByFrequency: 1 } }],
    qInitialDataFetch: [{ qWidth: 50, qHeight: 20 }],
  },
};

/** using-entities/measure-sum-numbers.json */
export const measureSumNumbers: JsonRecord = {
  qInfo: { qId: 'measure-sum-numbers', qType: 'measure' },
  qMeasure: { title: 'Sum of numbers', qDef: 'Sum(numbers)' },
};

/** using-entities/dimension-abcs.json */
export const dimensionAbcs: JsonRecord = {
  qInfo: { qId: 'dimension-abcs', qType: 'dimension' },
  qDim: { qFieldDefs: ['abcs'] },
};

/** using-entities/variables.json */
export function variable(id: 'variable-abc' | 'variable-xyz'): JsonRecord {
  return {
    qInfo: { qId: id, qType: 'variable' },
    qMetaDef: {},
    qName: id,
    qComment: id === 'variable-abc' ? 'First three letters of the alphabet' : 'Last three letters of the alphabet',
    qNumberPresentation: { qType: 'U', qnDec: 10, qUseThou: 0 },
    qDefinition: '1',
    tags: [],
  };
}

/** using-entities/bookmarks.json (ids as in the goldens of the time). */
export function bookmark(n: 1 | 2): JsonRecord {
  return {
    qInfo: { qId: `bookmark-${n}`, qType: 'bookmark' },
    qMetaDef:
      n === 1
        ? { title: 'Håkan #1', description: 'Håkans första bokmärke!' }
        : { title: 'Håkan #2', description: 'Håkans andra bokmärke!' },
  };
}

/** corectl test/golden/TestBookmarkManagementCommands_bookmark_properties_bookmark-1.golden */
export const bookmarkPropertiesGolden: JsonRecord = {
  qInfo: { qId: 'bookmark-1', qType: 'bookmark' },
  qMetaDef: { title: 'Håkan #1', description: 'Håkans första bokmärke!' },
};

/**
 * corectl test/golden/TestBookmarkManagementCommands_bookmark_layout_bookmark-2.golden; corectl
 * replaced the modification time by a placeholder, here a number again.
 */
export const bookmarkLayoutGolden: JsonRecord = {
  qInfo: { qId: 'bookmark-2', qType: 'bookmark' },
  qMeta: {
    privileges: ['read', 'update', 'delete', 'exportdata'],
    title: 'Håkan #2',
    description: 'Håkans andra bokmärke!',
  },
  qBookmark: {
    qStateData: [{ qStateName: '$', qFieldItems: [] }],
    qUtcModifyTime: 45000.5,
    qVariableItems: [],
  },
  qFieldInfos: [],
};

const emptyExpr = { qv: '' };
const verboseOtherTotalSpec = {
  qOtherMode: 'OTHER_OFF',
  qOtherCounted: emptyExpr,
  qOtherLimit: emptyExpr,
  qOtherLimitMode: 'OTHER_GT_LIMIT',
  qSuppressOther: false,
  qForceBadValueKeeping: true,
  qApplyEvenWhenPossiblyWrongResult: true,
  qGlobalOtherGrouping: false,
  qOtherCollapseInnerDimensions: false,
  qOtherSortMode: 'OTHER_SORT_DESCENDING',
  qTotalMode: 'TOTAL_OFF',
  qReferencedExpression: emptyExpr,
};

/** A Sense table definition as the client stores it under `qUndoExclude.generated`. */
function generatedTable(cId: string, libraryId: string | undefined, fields: string[]): JsonRecord {
  return {
    qHyperCubeDef: {
      qDimensions: [
        {
          ...(libraryId === undefined ? {} : { qLibraryId: libraryId }),
          qDef: {
            qFieldDefs: fields,
            qFieldLabels: fields,
            qSortCriterias: [{ qSortByAscii: 1, qSortByLoadOrder: 1 }],
            autoSort: true,
            cId,
            othersLabel: 'Others',
            textAlign: { auto: true, align: 'left' },
            representation: { type: 'text', urlLabel: '' },
          },
          othersLabel: 'Others',
        },
      ],
      qInterColumnSortOrder: [0],
      qSuppressMissing: true,
      qInitialDataFetch: [{ qLeft: 0, qTop: 0, qWidth: 0, qHeight: 0 }],
      qColumnOrder: [0],
      columnOrder: [0],
      columnWidths: [-1],
    },
    showTitles: true,
    title: '',
    subtitle: '',
    footnote: '',
    showDetails: false,
    totals: { show: true, position: 'noTotals', label: 'Totals' },
    scrolling: { keepFirstColumnInView: false },
    multiline: { wrapTextInHeaders: true, wrapTextInCells: true },
    qInfo: { qType: 'table' },
    visualization: 'table',
    qLayoutExclude: { disabled: {}, quarantine: {} },
  };
}

/** nested-objects/sheet.json: a sheet with two auto-charts, as a GenericObjectEntry tree. */
export const nestedSheetTree: JsonRecord = {
  qProperty: {
    qInfo: { qId: 'a699ee97-152d-4470-9655-ae7c82d71491', qType: 'sheet' },
    qExtendsId: '',
    qMetaDef: { title: 'My new sheet 2', description: '' },
    rank: null,
    thumbnail: { qStaticContentUrlDef: { qUrl: '' } },
    columns: 24,
    rows: 12,
    cells: [
      { name: 'sZAVcpj', type: 'auto-chart', col: 0, row: 0, colspan: 24, rowspan: 6 },
      { name: 'gCCkr', type: 'auto-chart', col: 0, row: 6, colspan: 24, rowspan: 6 },
    ],
    qChildListDef: { qData: { title: '/title' } },
  },
  qChildren: [
    {
      qProperty: {
        qInfo: { qId: 'sZAVcpj', qType: 'auto-chart' },
        qMetaDef: { title: 'My new child object', description: '' },
        qHyperCubeDef: {
          qDimensions: [
            {
              qDef: {
                qFieldDefs: ['Field_1'],
                qFieldLabels: ['Field_1'],
                qSortCriterias: [{ qSortByState: 1, qSortByNumeric: 1, qSortByAscii: 1, qSortByLoadOrder: 1 }],
                autoSort: true,
              },
            },
          ],
          qInterColumnSortOrder: [0],
          qSuppressMissing: true,
        },
        showTitles: true,
        title: '',
        subtitle: '',
        footnote: '',
        showDetails: false,
        visualization: 'auto-chart',
        qUndoExclude: { hashCode: 217337523, generated: generatedTable('qgaQvs', undefined, ['Field_1']) },
      },
      qChildren: [],
      qEmbeddedSnapshotRef: null,
    },
    {
      qProperty: {
        qInfo: { qId: 'gCCkr', qType: 'auto-chart' },
        qExtendsId: '',
        qMetaDef: {},
        qHyperCubeDef: {
          qStateName: '',
          qDimensions: [
            {
              qLibraryId: 'TYDsdh',
              qDef: {
                qGrouping: 'N',
                qFieldDefs: [],
                qFieldLabels: [],
                qSortCriterias: [],
                qNumberPresentations: [],
                qReverseSort: false,
                qActiveField: 0,
                qLabelExpression: '',
              },
              qNullSuppression: false,
              qIncludeElemValue: false,
              qOtherTotalSpec: verboseOtherTotalSpec,
              qShowTotal: false,
              qShowAll: false,
              qOtherLabel: emptyExpr,
              qTotalLabel: emptyExpr,
              qCalcCond: emptyExpr,
              qAttributeExpressions: [],
              qAttributeDimensions: [],
              qCalcCondition: { qCond: emptyExpr, qMsg: emptyExpr },
            },
          ],
          qMeasures: [],
          qInterColumnSortOrder: [0],
          qSuppressZero: false,
          qSuppressMissing: true,
          qInitialDataFetch: [],
          qReductionMode: 'N',
          qMode: 'S',
          qPseudoDimPos: -1,
          qNoOfLeftDims: -1,
          qAlwaysFullyExpanded: false,
          qMaxStackedCells: 5000,
          qPopulateMissing: false,
          qShowTotalsAbove: false,
          qIndentMode: false,
          qCalcCond: emptyExpr,
          qSortbyYValue: 0,
          qTitle: emptyExpr,
          qCalcCondition: { qCond: emptyExpr, qMsg: emptyExpr },
          qColumnOrder: [],
        },
        showTitles: false,
        title: '',
        subtitle: '',
        footnote: '',
        showDetails: false,
        visualization: 'auto-chart',
        qUndoExclude: {
          hashCode: 231083087,
          generated: { ...generatedTable('uLGm', 'TYDsdh', []), showTitles: false },
        },
      },
      qChildren: [],
      qEmbeddedSnapshotRef: null,
    },
  ],
  qEmbeddedSnapshotRef: null,
};
