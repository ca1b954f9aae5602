import { describe, expect, it } from 'vitest';
import type { JsonRecord } from '../../../../src/internal/data/json-record.js';
import {
  buildHyperCubeLayout,
  buildListObjectLayout,
  type LayoutDataView,
  noDataView,
} from '../../../../src/internal/data/views/hypercube-shape.js';
import { fillPropertyDefaults } from '../../../../src/internal/engine/layout/fill-defaults.js';
import { golden } from '../../engine/layout/corectl-inputs.js';
import { replayDataView } from '../../engine/layout/replay-data-view.js';
import { firstShapeMismatch } from '../../engine/layout/shape-compare.js';

const hyperCubeDef = (def: JsonRecord): JsonRecord => fillPropertyDefaults('HyperCubeDef', def);
const listObjectDef = (def: JsonRecord): JsonRecord => fillPropertyDefaults('ListObjectDef', def);

/** Keys the engine added to hypercube layouts after the version halyard.js recorded. */
function withoutLaterKeys(cube: JsonRecord): JsonRecord {
  const { qTreeNodesOnDim: _nodes, qColumnOrder: _order, ...rest } = cube;
  const strip = (infos: unknown, key: string): JsonRecord[] =>
    (infos as JsonRecord[]).map((info) => Object.fromEntries(Object.entries(info).filter(([k]) => k !== key)));
  return {
    ...rest,
    qDimensionInfo: strip(cube.qDimensionInfo, 'qCardinalities'),
    qMeasureInfo: strip(cube.qMeasureInfo, 'qTrendLines'),
  };
}

describe('buildHyperCubeLayout', () => {
  it('reproduces the 10-column halyard.js cube, custom keys of each qDef included', () => {
    const expected = golden('halyard-hyper-cube');
    const fields: [string, string][] = [
      ['sorted_country', 'PWnHJ'],
      ['country_sort', 'eBhjjP'],
      ['date', 'HvAhH'],
      ['duration', 'uMQJEJ'],
      ['mixed_dimension', 'mqua'],
      ['country', 'aw'],
      ['time', 'JJVpRr'],
      ['timestamp', 'jRmnhPP'],
      ['year', 'ZRVeR'],
    ];
    const def = hyperCubeDef({
      qDimensions: fields.map(([field, cId]) => ({
        qDef: {
          qFieldDefs: [field],
          qSortCriterias: [{ qSortByNumeric: 1, qSortByAscii: 1 }],
          autoSort: true,
          cId,
          othersLabel: 'Others',
        },
      })),
      qMeasures: [
        {
          qDef: { qDef: 'Sum(country_sort)', autoSort: true, cId: 'vcEQsh', numFormatFromTemplate: true },
          qSortBy: { qSortByNumeric: -1 },
        },
      ],
      qInitialDataFetch: [{ qWidth: 10, qHeight: 100 }],
    });
    const cube = buildHyperCubeLayout(def, replayDataView(expected));
    // The layout walk appends the definition's own custom keys; here the cube has none.
    const actual = {
      ...withoutLaterKeys(cube),
      customErrorMessage: { calcCond: '' },
      columnOrder: [0, 1, 2, 3, 4],
      columnWidths: [-1, -1, -1, -1, -1],
    };
    expect(firstShapeMismatch(actual, expected)).toBeUndefined();
  });

  it('answers "no rows" through noDataView', () => {
    const cube = buildHyperCubeLayout(
      hyperCubeDef({
        qDimensions: [{ qDef: { qFieldDefs: ['A'] } }],
        qMeasures: [{ qDef: { qDef: 'Sum(B)' } }],
        qInitialDataFetch: [{ qWidth: 5, qHeight: 10 }],
      }),
      noDataView,
    );
    expect(cube.qSize).toEqual({ qcx: 2, qcy: 0 });
    expect(cube.qDataPages).toEqual([
      { qMatrix: [], qTails: [{ qUp: 0, qDown: 0 }], qArea: { qLeft: 0, qTop: 0, qWidth: 2, qHeight: 0 } },
    ]);
    const [dimension] = cube.qDimensionInfo as JsonRecord[];
    expect(dimension).toMatchObject({
      qFallbackTitle: 'A',
      qCardinal: 0,
      qMin: 'NaN',
      qMax: 'NaN',
      qGroupFieldDefs: ['A'],
    });
    expect(dimension?.qCardinalities).toEqual({ qCardinal: 0, qHypercubeCardinal: 0, qAllValuesCardinal: -1 });
    const [measure] = cube.qMeasureInfo as JsonRecord[];
    expect(measure).toMatchObject({ qFallbackTitle: 'Sum(B)', qMin: 'NaN', qMax: 'NaN', qIsAutoFormat: true });
  });

  it('clips initial pages to the cube and asks the view only for what is inside', () => {
    const asked: unknown[] = [];
    const view: LayoutDataView = {
      ...noDataView,
      rowCount: () => 5,
      page: (area) => {
        asked.push(area);
        return [];
      },
    };
    const cube = buildHyperCubeLayout(
      hyperCubeDef({
        qDimensions: [{ qDef: { qFieldDefs: ['A'] } }, { qDef: { qFieldDefs: ['B'] } }],
        qInitialDataFetch: [
          { qLeft: 1, qTop: 3, qWidth: 10, qHeight: 10 },
          { qLeft: 7, qTop: 9, qWidth: 1, qHeight: 1 },
        ],
      }),
      view,
    );
    expect(asked).toEqual([
      { qLeft: 1, qTop: 3, qWidth: 1, qHeight: 2 },
      { qLeft: 2, qTop: 5, qWidth: 0, qHeight: 0 },
    ]);
    expect((cube.qDataPages as JsonRecord[]).map((page) => page.qTails)).toEqual([
      [
        { qUp: 0, qDown: 0 },
        { qUp: 0, qDown: 0 },
      ],
      [
        { qUp: 0, qDown: 0 },
        { qUp: 0, qDown: 0 },
      ],
    ]);
  });

  it('fetches no straight pages for a pivot cube', () => {
    const cube = buildHyperCubeLayout(
      hyperCubeDef({
        qMode: 'P',
        qDimensions: [{ qDef: { qFieldDefs: ['A'] } }],
        qInitialDataFetch: [{ qWidth: 1, qHeight: 1 }],
      }),
      { ...noDataView, rowCount: () => 3 },
    );
    expect(cube).toMatchObject({ qMode: 'P', qDataPages: [], qPivotDataPages: [], qStackedDataPages: [] });
  });

  it('completes the inter-column sort order with the columns not mentioned', () => {
    const cube = buildHyperCubeLayout(
      hyperCubeDef({
        qDimensions: [{ qDef: { qFieldDefs: ['A'] } }, { qDef: { qFieldDefs: ['B'] } }],
        qMeasures: [{ qDef: { qDef: 'Sum(C)' } }],
        qInterColumnSortOrder: [2, 7, 2, 0],
      }),
      noDataView,
    );
    expect(cube.qEffectiveInterColumnSortOrder).toEqual([2, 0, 1]);
  });

  it('derives titles, sort indicators and groups from the definition and master items', () => {
    const library = {
      dimension: (id: string): JsonRecord | undefined =>
        id === 'dim-1' ? { qGrouping: 'N', qFieldDefs: ['Country'], qFieldLabels: ['Land'] } : undefined,
      measure: (id: string): JsonRecord | undefined =>
        id === 'msr-1'
          ? {
              qDef: 'Sum(Sales)',
              qLabel: 'Sales',
              qNumFormat: { qType: 'M', qnDec: 2, qUseThou: 1, qFmt: '$#,##0.00' },
            }
          : undefined,
    };
    const cube = buildHyperCubeLayout(
      hyperCubeDef({
        qDimensions: [
          { qLibraryId: 'dim-1' },
          {
            qDef: {
              qGrouping: 'C',
              qFieldDefs: ['Year', 'Month'],
              qFieldLabels: ['', 'Maand'],
              qActiveField: 1,
              qSortCriterias: [{ qSortByNumeric: 1 }, { qSortByAscii: -1 }],
            },
          },
          { qDef: { qFieldDefs: ['=Upper(Name)'], qSortCriterias: [{ qSortByAscii: 1 }], qReverseSort: true } },
        ],
        qMeasures: [
          { qLibraryId: 'msr-1' },
          { qDef: { qDef: 'Count(x)', qLabel: '' }, qSortBy: { qSortByNumeric: -1 } },
        ],
      }),
      noDataView,
      library,
    );
    const dimensions = cube.qDimensionInfo as JsonRecord[];
    expect(dimensions.map((d) => [d.qFallbackTitle, d.qSortIndicator, d.qGroupPos, d.qGrouping])).toEqual([
      ['Land', 'N', 0, 'N'],
      ['Maand', 'D', 1, 'C'],
      ['=Upper(Name)', 'D', 0, 'N'],
    ]);
    expect(dimensions[0]?.qLibraryId).toBe('dim-1');
    expect(dimensions[1]).toMatchObject({ qGroupFallbackTitles: ['Year', 'Maand'], qIsCyclic: true });
    expect(dimensions[2]?.qReverseSort).toBe(true);
    const measures = cube.qMeasureInfo as JsonRecord[];
    expect(measures.map((m) => [m.qFallbackTitle, m.qSortIndicator, m.qIsAutoFormat])).toEqual([
      ['Sales', 'N', false],
      ['Count(x)', 'D', true],
    ]);
    expect(measures[0]?.qNumFormat).toEqual({ qType: 'M', qnDec: 2, qUseThou: 1, qFmt: '$#,##0.00' });
  });
});

describe('buildListObjectLayout', () => {
  it('has the HELP shape: state, size, one dimension info, expressions, pages with empty tails', () => {
    const list = buildListObjectLayout(
      listObjectDef({ qDef: { qFieldDefs: ['Alpha'], cId: 'x1' }, qInitialDataFetch: [{ qWidth: 1, qHeight: 20 }] }),
      { ...noDataView, rowCount: () => 4 },
    );
    expect(Object.keys(list)).toEqual(['qStateName', 'qSize', 'qDimensionInfo', 'qExpressions', 'qDataPages']);
    expect(list.qStateName).toBe('$');
    expect(list.qSize).toEqual({ qcx: 1, qcy: 4 });
    expect(list.qDimensionInfo).toMatchObject({ qFallbackTitle: 'Alpha', cId: 'x1' });
    expect(list.qDataPages).toEqual([{ qMatrix: [], qTails: [], qArea: { qLeft: 0, qTop: 0, qWidth: 1, qHeight: 4 } }]);
  });

  it('keeps an alternate state name', () => {
    const list = buildListObjectLayout(listObjectDef({ qStateName: 'alt', qDef: { qFieldDefs: ['A'] } }), noDataView);
    expect(list.qStateName).toBe('alt');
  });
});
