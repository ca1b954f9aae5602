import type { JsonRecord } from '../../../../src/internal/data/json-record.js';
import type { StateCounts } from '../../../../src/internal/data/selections/field-value-states.js';
import type {
  DimensionFacts,
  LayoutDataView,
  MeasureFacts,
  NumberFormat,
  NxCell,
} from '../../../../src/internal/data/views/hypercube-shape.js';

interface RecordedDimensionInfo {
  qApprMaxGlyphCount: number;
  qCardinal: number;
  qTags: string[];
  qDimensionType: 'D' | 'N' | 'T';
  qNumFormat: NumberFormat;
  qMin: number | 'NaN';
  qMax: number | 'NaN';
  qStateCounts: StateCounts;
  qContinuousAxes?: boolean;
  qCardinalities?: { qHypercubeCardinal: number };
}

interface RecordedMeasureInfo {
  qApprMaxGlyphCount: number;
  qNumFormat: NumberFormat;
  qMin: number | 'NaN';
  qMax: number | 'NaN';
}

interface RecordedCube {
  qSize: { qcy: number };
  qDimensionInfo: RecordedDimensionInfo[];
  qMeasureInfo: RecordedMeasureInfo[];
  qGrandTotalRow: NxCell[];
  qDataPages: { qMatrix: NxCell[][] }[];
}

const toNumber = (value: number | 'NaN'): number => (value === 'NaN' ? Number.NaN : value);

/**
 * A data view answering what a recorded real-engine hypercube layout says: it stands in for the
 * data engine so that everything else in the layout is computed by the code under test. Pages are
 * cut from the recorded first page, which starts at row 0, column 0.
 */
export function replayDataView(recorded: JsonRecord): LayoutDataView {
  const cube = recorded as unknown as RecordedCube;
  const at = <T>(items: T[], index: number): T => {
    const item = items[index];
    if (item === undefined) throw new RangeError(`the recording has no entry ${index}`);
    return item;
  };
  return {
    rowCount: () => cube.qSize.qcy,
    dimension: (index): DimensionFacts => {
      const info = at(cube.qDimensionInfo, index);
      return {
        cardinal: info.qCardinal,
        ...(info.qCardinalities ? { hypercubeCardinal: info.qCardinalities.qHypercubeCardinal } : {}),
        apprMaxGlyphCount: info.qApprMaxGlyphCount,
        tags: info.qTags,
        dimensionType: info.qDimensionType,
        numFormat: info.qNumFormat,
        min: toNumber(info.qMin),
        max: toNumber(info.qMax),
        stateCounts: info.qStateCounts,
        ...(info.qContinuousAxes === undefined ? {} : { continuousAxes: info.qContinuousAxes }),
      };
    },
    measure: (index): MeasureFacts => {
      const info = at(cube.qMeasureInfo, index);
      return {
        apprMaxGlyphCount: info.qApprMaxGlyphCount,
        numFormat: info.qNumFormat,
        min: toNumber(info.qMin),
        max: toNumber(info.qMax),
      };
    },
    grandTotal: (index) => structuredClone(at(cube.qGrandTotalRow, index)),
    page: (area) =>
      (cube.qDataPages[0]?.qMatrix ?? [])
        .slice(area.qTop, area.qTop + area.qHeight)
        .map((row) => structuredClone(row.slice(area.qLeft, area.qLeft + area.qWidth))),
  };
}
