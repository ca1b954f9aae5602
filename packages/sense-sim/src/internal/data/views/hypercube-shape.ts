import {
  asRecord,
  asRecords,
  asStrings,
  asText,
  isEngineKey,
  isJsonRecord,
  type JsonRecord,
  type NxNumber,
  nxNumber,
  setEntry,
} from '../json-record.js';
import type { StateCounts } from '../selections/field-value-states.js';

/** Cell and value states: locked, selected, optional, deselected, alternative, excluded and the excluded variants. */
export type CellState = 'L' | 'S' | 'O' | 'D' | 'A' | 'X' | 'XS' | 'XL';

/** One cell of a data page or of the grand total row. */
export interface NxCell {
  qText?: string;
  qNum: NxNumber;
  /** Index into the field's symbol table; 0 for measure cells, -1 for totals. */
  qElemNumber: number;
  qState: CellState;
  qIsEmpty?: boolean;
  qIsTotalCell?: boolean;
  qIsOtherCell?: boolean;
  qFrequency?: string;
  qIsNull?: boolean;
  qAttrExps?: JsonRecord;
  qAttrDims?: JsonRecord;
}

/** A number format (FieldAttributes) in the engine's output form. */
export interface NumberFormat {
  qType: string;
  qnDec: number;
  qUseThou: number;
  qFmt?: string;
  qDec?: string;
  qThou?: string;
}

/** A rectangle of a cube: columns `qLeft…qLeft+qWidth-1`, rows `qTop…qTop+qHeight-1`. */
export interface Rect {
  qLeft: number;
  qTop: number;
  qWidth: number;
  qHeight: number;
}

/** What only the data can say about a dimension column (or the field of a list object). */
export interface DimensionFacts {
  /** Distinct values of the field (`qCardinal`). */
  readonly cardinal: number;
  /** Distinct values within the cube; the field's cardinal when left out. */
  readonly hypercubeCardinal?: number;
  readonly apprMaxGlyphCount: number;
  /** Field tags, e.g. `["$ascii","$text"]`. */
  readonly tags: readonly string[];
  /** D discrete, N numeric, T time. */
  readonly dimensionType: 'D' | 'N' | 'T';
  readonly numFormat: NumberFormat;
  /** NaN for text fields. */
  readonly min: number;
  readonly max: number;
  readonly stateCounts: StateCounts;
  readonly continuousAxes?: boolean;
  readonly locked?: boolean;
  /** The field of a cyclic or drill-down group in use (`qGroupPos`); the definition's qActiveField when left out. */
  readonly groupPos?: number;
}

/** What only the data can say about a measure column. */
export interface MeasureFacts {
  readonly apprMaxGlyphCount: number;
  /** The format the engine picked for the values; used unless the definition sets one. */
  readonly numFormat: NumberFormat;
  readonly min: number;
  readonly max: number;
}

/**
 * What a hypercube or list object layout needs from the data engine, for one definition in one
 * selection state. Columns are numbered dimensions first, then measures (straight mode).
 */
export interface LayoutDataView {
  /** Rows of the cube, or values of the list object. */
  rowCount(): number;
  /** Facts about dimension `index` (0 for a list object). */
  dimension(index: number): DimensionFacts;
  /** Facts about measure `index` (0 is the first measure, not the first column). */
  measure(index: number): MeasureFacts;
  /** The grand total cell of measure `index`. */
  grandTotal(index: number): NxCell;
  /** The cells of `area`, already clipped to the cube: `qHeight` rows of `qWidth` cells. */
  page(area: Rect): NxCell[][];
  /** Min and max of attribute expression `index` of column `column`; NaN when left out. */
  attributeExpression?(column: number, index: number): { readonly min: number; readonly max: number };
  /** Cardinal of attribute dimension `index` of column `column`; 0 when left out. */
  attributeDimension?(column: number, index: number): { readonly cardinal: number };
}

/**
 * Master items a cube refers to by `qLibraryId` (their defaulted `qDim` / `qMeasure`). The fields,
 * labels and grouping of a master dimension, and the expression and label of a master measure,
 * replace the inline ones (engine schema, NxDimension and NxMeasure notes).
 */
export interface LibraryItems {
  dimension(id: string): JsonRecord | undefined;
  measure(id: string): JsonRecord | undefined;
}

const ZERO_STATE_COUNTS: StateCounts = {
  qLocked: 0,
  qSelected: 0,
  qOption: 0,
  qDeselected: 0,
  qAlternative: 0,
  qExcluded: 0,
  qSelectedExcluded: 0,
  qLockedExcluded: 0,
};

/** The facts of a dimension over no field (an empty engine, an unknown field): cardinal 0, "NaN" min/max. */
export function emptyDimensionFacts(): DimensionFacts {
  return {
    cardinal: 0,
    apprMaxGlyphCount: 0,
    tags: [],
    dimensionType: 'D',
    numFormat: { qType: 'U', qnDec: 0, qUseThou: 0 },
    min: Number.NaN,
    max: Number.NaN,
    stateCounts: { ...ZERO_STATE_COUNTS },
  };
}

/**
 * A data view over nothing: what a loaded but empty engine answers. No rows, cardinal 0, "NaN"
 * min/max, unknown number formats and null grand totals; lets layouts work before data does.
 */
export const noDataView: LayoutDataView = {
  rowCount: () => 0,
  dimension: () => emptyDimensionFacts(),
  measure: () => ({
    apprMaxGlyphCount: 0,
    numFormat: { qType: 'U', qnDec: 0, qUseThou: 0 },
    min: Number.NaN,
    max: Number.NaN,
  }),
  grandTotal: () => ({ qText: '-', qNum: 'NaN', qElemNumber: -1, qState: 'X', qIsTotalCell: true, qIsNull: true }),
  page: () => [],
};

/**
 * The `qHyperCube` of a layout for a (defaulted) HyperCubeDef: the keys the engine computes, in its
 * order (CTL golden, qlikcore 12.1050). The definition's custom keys are not included: the layout
 * walk appends them. Only straight mode (`qMode: "S"`) fills pages; in other modes all page lists stay empty.
 *
 * @example
 * buildHyperCubeLayout({ qDimensions: [{ qDef: { qFieldDefs: ['xyz'] } }], qMeasures: [] }, noDataView);
 * // → { qSize: { qcx: 1, qcy: 0 }, qDimensionInfo: [{ qFallbackTitle: 'xyz', … }], … }
 */
export function buildHyperCubeLayout(
  def: Readonly<JsonRecord>,
  view: LayoutDataView,
  library?: LibraryItems,
): JsonRecord {
  const dimensions = asRecords(def.qDimensions);
  const measures = asRecords(def.qMeasures);
  const qcx = dimensions.length + measures.length;
  const qcy = view.rowCount();
  const out: JsonRecord = {};
  const stateName = asText(def.qStateName);
  if (stateName !== '') out.qStateName = stateName;
  out.qSize = { qcx, qcy };
  out.qDimensionInfo = dimensions.map((dimension, i) => dimensionInfo(dimension, view.dimension(i), i, view, library));
  out.qMeasureInfo = measures.map((measure, i) =>
    measureInfo(measure, view.measure(i), dimensions.length + i, view, library),
  );
  out.qEffectiveInterColumnSortOrder = effectiveSortOrder(integers(def.qInterColumnSortOrder), qcx);
  out.qGrandTotalRow = measures.map((_, i) => view.grandTotal(i));
  const mode = asText(def.qMode) || 'S';
  // Pivot and stacked modes fetch into their own page kinds (data/cube-modes.ts), tree mode into none.
  const initialPages = mode === 'S' ? asRecords(def.qInitialDataFetch) : [];
  out.qDataPages = initialPages.map((page) => {
    const area = clip(page, qcx, qcy);
    return { qMatrix: view.page(area), qTails: dimensions.map(() => ({ qUp: 0, qDown: 0 })), qArea: area };
  });
  out.qPivotDataPages = [];
  out.qStackedDataPages = [];
  out.qMode = mode;
  out.qNoOfLeftDims = integer(def.qNoOfLeftDims, -1);
  if (def.qIndentMode === true) out.qIndentMode = true;
  out.qTreeNodesOnDim = [];
  out.qColumnOrder = integers(def.qColumnOrder);
  return out;
}

/**
 * The `qListObject` of a layout for a (defaulted) ListObjectDef, in the engine's key order (HELP
 * example): state, size, one dimension info object, expressions, pages. Custom keys are appended by
 * the layout walk.
 */
export function buildListObjectLayout(
  def: Readonly<JsonRecord>,
  view: LayoutDataView,
  library?: LibraryItems,
): JsonRecord {
  const qcy = view.rowCount();
  return {
    qStateName: asText(def.qStateName) || '$',
    qSize: { qcx: 1, qcy },
    qDimensionInfo: dimensionInfo(def, view.dimension(0), 0, view, library),
    qExpressions: asRecords(def.qExpressions).map((expression) => {
      const expr = asText(expression.qExpr);
      return expr === '' ? {} : { qExpr: expr };
    }),
    // The HELP list object example has empty tails.
    qDataPages: asRecords(def.qInitialDataFetch).map((page) => {
      const area = clip(page, 1, qcy);
      return { qMatrix: view.page(area), qTails: [], qArea: area };
    }),
  };
}

/** NxDimensionInfo of an NxDimension (or ListObjectDef, which has the same `qLibraryId`/`qDef`). */
function dimensionInfo(
  dimension: Readonly<JsonRecord>,
  facts: DimensionFacts,
  column: number,
  view: LayoutDataView,
  library: LibraryItems | undefined,
): JsonRecord {
  const inline = asRecord(dimension.qDef);
  const libraryId = asText(dimension.qLibraryId);
  const master = libraryId === '' ? undefined : library?.dimension(libraryId);
  const source = master ?? inline;
  const fieldDefs = asStrings(source.qFieldDefs);
  const labels = asStrings(source.qFieldLabels);
  const grouping = asText(source.qGrouping) || 'N';
  const titles = fieldDefs.map((field, i) => labels[i] || field);
  const defined = grouping === 'C' ? Math.min(integer(inline.qActiveField, 0), Math.max(titles.length - 1, 0)) : 0;
  const active = grouping === 'N' ? 0 : (facts.groupPos ?? defined);
  const reverse = inline.qReverseSort === true;
  const criteria = asRecords(inline.qSortCriterias);
  const out: JsonRecord = {
    qFallbackTitle: titles[active] ?? '',
    qApprMaxGlyphCount: facts.apprMaxGlyphCount,
    qCardinal: facts.cardinal,
  };
  if (facts.locked === true) out.qLocked = true;
  out.qSortIndicator = sortIndicator(criteria[active] ?? criteria[0], reverse);
  out.qGroupFallbackTitles = titles;
  out.qGroupPos = active;
  out.qStateCounts = { ...facts.stateCounts };
  out.qTags = [...facts.tags];
  out.qDimensionType = facts.dimensionType;
  if (reverse) out.qReverseSort = true;
  out.qGrouping = grouping;
  const presentation = asRecords(inline.qNumberPresentations)[active];
  const fixed = presentation !== undefined && !isAutoFormat(presentation);
  out.qNumFormat = fixed ? { ...presentation } : { ...facts.numFormat };
  out.qIsAutoFormat = !fixed;
  out.qGroupFieldDefs = fieldDefs;
  out.qMin = nxNumber(facts.min);
  out.qMax = nxNumber(facts.max);
  if (facts.continuousAxes === true) out.qContinuousAxes = true;
  if (grouping === 'C') out.qIsCyclic = true;
  out.qAttrExprInfo = attributeExpressionInfo(dimension, column, view);
  out.qAttrDimInfo = attributeDimensionInfo(dimension, column, view);
  out.qCardinalities = {
    qCardinal: facts.cardinal,
    qHypercubeCardinal: facts.hypercubeCardinal ?? facts.cardinal,
    qAllValuesCardinal: -1,
  };
  if (libraryId !== '') out.qLibraryId = libraryId;
  return withCustomKeys(out, inline);
}

/** NxMeasureInfo of an NxMeasure. */
function measureInfo(
  measure: Readonly<JsonRecord>,
  facts: MeasureFacts,
  column: number,
  view: LayoutDataView,
  library: LibraryItems | undefined,
): JsonRecord {
  const inline = asRecord(measure.qDef);
  const libraryId = asText(measure.qLibraryId);
  const master = libraryId === '' ? undefined : library?.measure(libraryId);
  const expression = asText(master?.qDef ?? inline.qDef);
  const label = asText(master?.qLabel ?? inline.qLabel);
  const format = master?.qNumFormat ?? inline.qNumFormat;
  const fixed = isJsonRecord(format) && !isAutoFormat(format);
  const reverse = inline.qReverseSort === true;
  const out: JsonRecord = {
    qFallbackTitle: label || expression,
    qApprMaxGlyphCount: facts.apprMaxGlyphCount,
    qCardinal: 0,
    qSortIndicator: sortIndicator(asRecord(measure.qSortBy), reverse),
    qNumFormat: fixed ? { ...format } : { ...facts.numFormat },
    qMin: nxNumber(facts.min),
    qMax: nxNumber(facts.max),
  };
  if (reverse) out.qReverseSort = true;
  out.qIsAutoFormat = !fixed;
  out.qAttrExprInfo = attributeExpressionInfo(measure, column, view);
  out.qAttrDimInfo = attributeDimensionInfo(measure, column, view);
  if (libraryId !== '') out.qLibraryId = libraryId;
  out.qTrendLines = [];
  return withCustomKeys(out, inline);
}

function attributeExpressionInfo(column: Readonly<JsonRecord>, index: number, view: LayoutDataView): JsonRecord[] {
  return asRecords(column.qAttributeExpressions).map((attribute, i) => {
    const range = view.attributeExpression?.(index, i);
    return {
      qMin: nxNumber(range?.min ?? Number.NaN),
      qMax: nxNumber(range?.max ?? Number.NaN),
      qFallbackTitle: asText(attribute.qLabel) || asText(attribute.qExpression),
    };
  });
}

function attributeDimensionInfo(column: Readonly<JsonRecord>, index: number, view: LayoutDataView): JsonRecord[] {
  return asRecords(column.qAttributeDimensions).map((attribute, i) => {
    const cardinal = view.attributeDimension?.(index, i).cardinal ?? 0;
    return { qCardinal: cardinal, qSize: { qcx: 1, qcy: cardinal }, qFallbackTitle: asText(attribute.qDef) };
  });
}

/**
 * A for ascending, D for descending, N for none: the first non-zero of the directional criteria in
 * the engine's precedence (state and load order give no indicator). CTL golden: no criteria → N,
 * `qSortBy: {qSortByFrequency: 1}` → A.
 */
function sortIndicator(criteria: Readonly<JsonRecord> | undefined, reverse: boolean): 'N' | 'A' | 'D' {
  if (criteria === undefined) return 'N';
  for (const key of ['qSortByExpression', 'qSortByFrequency', 'qSortByNumeric', 'qSortByAscii']) {
    const direction = criteria[key];
    if (typeof direction === 'number' && direction !== 0) return direction > 0 !== reverse ? 'A' : 'D';
  }
  return 'N';
}

function isAutoFormat(format: Readonly<JsonRecord>): boolean {
  return format.qType === undefined || format.qType === 'U' || format.qType === 'UNKNOWN' || format.qType === 0;
}

/** Columns in the requested order, then the ones not mentioned (CTL golden: `[]` → `[0, 1]`). */
function effectiveSortOrder(requested: readonly number[], qcx: number): number[] {
  const order = [...new Set(requested.filter((column) => column >= 0 && column < qcx))];
  for (let column = 0; column < qcx; column++) if (!order.includes(column)) order.push(column);
  return order;
}

/** A requested page clipped to the cube (CTL golden: 50×20 asked of a 2×3 cube → 2×3). */
function clip(page: Readonly<JsonRecord>, qcx: number, qcy: number): Rect {
  const qLeft = Math.min(Math.max(integer(page.qLeft, 0), 0), qcx);
  const qTop = Math.min(Math.max(integer(page.qTop, 0), 0), qcy);
  return {
    qLeft,
    qTop,
    qWidth: Math.min(Math.max(integer(page.qWidth, 0), 0), qcx - qLeft),
    qHeight: Math.min(Math.max(integer(page.qHeight, 0), 0), qcy - qTop),
  };
}

function withCustomKeys(out: JsonRecord, definition: Readonly<JsonRecord>): JsonRecord {
  for (const [key, value] of Object.entries(definition)) {
    if (!isEngineKey(key) && !Object.hasOwn(out, key)) setEntry(out, key, structuredClone(value));
  }
  return out;
}

function integers(value: unknown): number[] {
  return Array.isArray(value) ? value.filter((item): item is number => Number.isInteger(item)) : [];
}

function integer(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isInteger(value) ? value : fallback;
}
