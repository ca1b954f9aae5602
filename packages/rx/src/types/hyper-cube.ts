import type { FieldAttributes, NxLayoutErrors, NxNumber, NxPage, NxStateCounts, Size } from './common.js';

/** `NxCellStateEnumType` letters: Locked, Selected, Optional, Deselected, Alternative, eXcluded, … */
export type NxCellState = 'L' | 'S' | 'O' | 'D' | 'A' | 'X' | 'XS' | 'XL' | (string & {});

/** `NxCell`: one cell of a data page. */
export interface NxCell {
  readonly qText?: string;
  /** The string `"NaN"` for text cells. */
  readonly qNum?: NxNumber;
  /** Index into the field's symbol table (selections use it); 0 for measures, -1 for totals. */
  readonly qElemNumber: number;
  readonly qState: NxCellState;
  readonly qIsEmpty?: boolean;
  readonly qIsTotalCell?: boolean;
  readonly qIsOtherCell?: boolean;
  readonly qIsNull?: boolean;
  readonly qFrequency?: string;
  readonly qHighlightRanges?: { readonly qRanges: readonly { qCharPos: number; qCharCount: number }[] };
  readonly qAttrExps?: { readonly qValues: readonly { qText?: string; qNum?: NxNumber }[] };
  readonly qAttrDims?: { readonly qValues: readonly { qText?: string; qElemNo?: number }[] };
  readonly qInExtRow?: boolean;
}

/** `NxGroupTail`. */
export interface NxGroupTail {
  readonly qUp: number;
  readonly qDown: number;
}

/** `NxDataPage`: a page of a hypercube or list object (`GetHyperCubeData`, `GetListObjectData`). */
export interface NxDataPage {
  readonly qMatrix: readonly (readonly NxCell[])[];
  readonly qTails: readonly NxGroupTail[];
  readonly qArea: NxPage;
  readonly qIsReduced?: boolean;
}

/** `NxCardinalities`. */
export interface NxCardinalities {
  readonly qCardinal: number;
  readonly qHypercubeCardinal: number;
  readonly qAllValuesCardinal: number;
}

/** Sort indicator: N(one), A(scending), D(escending). */
export type NxSortIndicator = 'N' | 'A' | 'D' | (string & {});

/** `NxDimensionInfo`. */
export interface NxDimensionInfo {
  readonly qFallbackTitle: string;
  readonly qApprMaxGlyphCount: number;
  readonly qCardinal: number;
  readonly qLocked?: boolean;
  readonly qSortIndicator: NxSortIndicator;
  readonly qGroupFallbackTitles: readonly string[];
  readonly qGroupPos: number;
  readonly qStateCounts: NxStateCounts;
  readonly qTags: readonly string[];
  readonly qError?: NxLayoutErrors;
  /** D(iscrete), N(umeric), T(ime). */
  readonly qDimensionType: 'D' | 'N' | 'T' | (string & {});
  readonly qReverseSort?: boolean;
  /** N(one), H(ierarchy/drill-down), C(yclic). */
  readonly qGrouping: 'N' | 'H' | 'C' | (string & {});
  readonly qIsSemantic?: boolean;
  readonly qNumFormat: FieldAttributes;
  readonly qIsAutoFormat: boolean;
  readonly qGroupFieldDefs: readonly string[];
  readonly qMin: NxNumber;
  readonly qMax: NxNumber;
  readonly qContinuousAxes?: boolean;
  readonly qIsCyclic?: boolean;
  readonly qDerivedField?: boolean;
  readonly qAttrExprInfo: readonly unknown[];
  readonly qAttrDimInfo: readonly unknown[];
  readonly qCalcCondMsg?: string;
  readonly qIsCalculated?: boolean;
  readonly qIsOneAndOnlyOne?: boolean;
  readonly qCardinalities?: NxCardinalities;
  readonly qLibraryId?: string;
  readonly [key: string]: unknown;
}

/** `NxMeasureInfo`. */
export interface NxMeasureInfo {
  readonly qFallbackTitle: string;
  readonly qApprMaxGlyphCount: number;
  readonly qCardinal: number;
  readonly qSortIndicator: NxSortIndicator;
  readonly qNumFormat: FieldAttributes;
  readonly qMin: NxNumber;
  readonly qMax: NxNumber;
  readonly qError?: NxLayoutErrors;
  readonly qReverseSort?: boolean;
  readonly qIsAutoFormat: boolean;
  readonly qAttrExprInfo: readonly unknown[];
  readonly qAttrDimInfo: readonly unknown[];
  readonly qCalcCondMsg?: string;
  readonly qLibraryId?: string;
  readonly qTrendLines?: readonly unknown[];
  readonly [key: string]: unknown;
}

/** Hypercube mode: S(traight), P(ivot), K (stacked), T(ree), D(ynamic). */
export type NxHypercubeMode = 'S' | 'P' | 'K' | 'T' | 'D' | (string & {});

/** `HyperCube`: the layout counterpart of a `qHyperCubeDef`. */
export interface HyperCube {
  readonly qStateName?: string;
  readonly qSize: Size;
  readonly qError?: NxLayoutErrors;
  readonly qDimensionInfo: readonly NxDimensionInfo[];
  readonly qMeasureInfo: readonly NxMeasureInfo[];
  readonly qEffectiveInterColumnSortOrder: readonly number[];
  readonly qGrandTotalRow: readonly NxCell[];
  /** Filled only from `qInitialDataFetch`. */
  readonly qDataPages: readonly NxDataPage[];
  readonly qPivotDataPages: readonly unknown[];
  readonly qStackedDataPages: readonly unknown[];
  readonly qMode: NxHypercubeMode;
  readonly qNoOfLeftDims: number;
  readonly qIndentMode?: boolean;
  readonly qHasOtherValues?: boolean;
  readonly qTitle?: string;
  readonly qTreeNodesOnDim: readonly number[];
  readonly qCalcCondMsg?: string;
  readonly qColumnOrder: readonly number[];
  readonly [key: string]: unknown;
}

/** `ListObject`: the layout counterpart of a `qListObjectDef` (one dimension). */
export interface ListObject {
  readonly qStateName?: string;
  readonly qSize: Size;
  readonly qError?: NxLayoutErrors;
  /** A single object, not an array. */
  readonly qDimensionInfo: NxDimensionInfo;
  readonly qExpressions: readonly unknown[];
  readonly qDataPages: readonly NxDataPage[];
  readonly [key: string]: unknown;
}
