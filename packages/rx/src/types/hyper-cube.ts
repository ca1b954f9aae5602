/** Hypercube and list object structs, re-exported from `@qixflow/qix` (generated from the engine schema). */
import type { NxSortIndicatorType, StateEnumType } from '@qixflow/qix';

export type {
  HyperCube,
  ListObject,
  NxCardinalities,
  NxCell,
  NxDataPage,
  NxDimensionInfo,
  NxGroupTail,
  NxHypercubeMode,
  NxMeasureInfo,
  NxSortIndicatorType,
  StateEnumType,
} from '@qixflow/qix';

/**
 * The state letter of a cell (`L S O D A X XS XL`).
 *
 * @deprecated Use `StateEnumType` (from `@qixflow/qix`, re-exported here).
 */
export type NxCellState = StateEnumType;

/**
 * Sort indicator: N(one), A(scending), D(escending).
 *
 * @deprecated Use `NxSortIndicatorType` (from `@qixflow/qix`, re-exported here).
 */
export type NxSortIndicator = NxSortIndicatorType;
