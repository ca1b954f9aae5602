import { describe, expect, it } from 'vitest';
import { formatSummary, missingPage, summarizeLayout } from '../../src/internal/layout-summary.js';

const cell = (qText: string, qState = 'O') => ({ qText, qNum: 'NaN', qState });

describe('what watch shows of an object', () => {
  it("shows a KPI's measures by title, from the first row or else the grand total", () => {
    const kpi = {
      qHyperCube: {
        qSize: { qcx: 2, qcy: 1 },
        qDimensionInfo: [],
        qMeasureInfo: [{ qFallbackTitle: 'Sales CY' }, { qFallbackTitle: 'Sales PY' }],
        qDataPages: [{ qMatrix: [[cell('€495,702'), cell('€887,927')]] }],
      },
    };
    const summary = summarizeLayout(kpi);
    expect(summary).toEqual({
      values: [
        { label: 'Sales CY', text: '€495,702' },
        { label: 'Sales PY', text: '€887,927' },
      ],
    });
    expect(formatSummary(summary)).toBe('Sales CY: €495,702 · Sales PY: €887,927');
    const totalOnly = { qHyperCube: { ...kpi.qHyperCube, qDataPages: [], qGrandTotalRow: [cell('1'), cell('2')] } };
    expect(summarizeLayout(totalOnly).values?.map((v) => v.text)).toEqual(['1', '2']);
  });

  it("shows a chart's first rows with column titles, and asks for them when the layout has none", () => {
    const chart = {
      qHyperCube: {
        qSize: { qcx: 2, qcy: 40 },
        qDimensionInfo: [{ qFallbackTitle: 'Region' }],
        qMeasureInfo: [{ qFallbackTitle: 'Sales' }],
        qDataPages: [],
      },
    };
    expect(missingPage(chart)).toEqual({
      path: '/qHyperCubeDef',
      page: { qTop: 0, qLeft: 0, qWidth: 2, qHeight: 3 },
    });
    const fetched = [
      {
        qMatrix: [
          [cell('Nordics'), cell('10')],
          [cell('DACH'), cell('8')],
          [cell('Iberia'), cell('5')],
        ],
      },
    ];
    const summary = summarizeLayout(chart, fetched);
    expect(summary.rows).toEqual([
      ['Nordics', '10'],
      ['DACH', '8'],
      ['Iberia', '5'],
    ]);
    expect(formatSummary(summary, 40)).toBe('Region | Sales: Nordics | 10; DACH | 8; Iberia | 5; …');
    expect(missingPage({ qHyperCube: { ...chart.qHyperCube, qDataPages: fetched } })).toBeUndefined();
    expect(missingPage({ qHyperCube: { ...chart.qHyperCube, qSize: { qcx: 2, qcy: 0 } } })).toBeUndefined();
  });

  it("shows a list box's first values with the selected ones in brackets", () => {
    const list = { qListObject: { qSize: { qcx: 1, qcy: 7 }, qDataPages: [] } };
    expect(missingPage(list)).toEqual({ path: '/qListObjectDef', page: { qTop: 0, qLeft: 0, qWidth: 1, qHeight: 5 } });
    const summary = summarizeLayout(list, [{ qMatrix: [[cell('Nordics', 'S')], [cell('DACH', 'X')]] }]);
    expect(formatSummary(summary)).toBe('[Nordics] DACH');
  });

  it('shows nothing for objects without data (a sheet, a text)', () => {
    expect(summarizeLayout({ qInfo: { qType: 'text-image' } })).toEqual({});
    expect(formatSummary({})).toBe('');
    expect(missingPage({})).toBeUndefined();
  });
});
