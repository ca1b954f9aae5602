/**
 * Shared engine structs, re-exported from `@qixflow/qix` (generated from the engine schema). Every value rx
 * emits is deep-frozen: treat them as read-only.
 */
import type { QixDouble } from '@qixflow/qix';

export type {
  FieldAttributes,
  FieldValue,
  NxInfo,
  NxLayoutErrors,
  NxMeta,
  NxPage,
  NxSelectionInfo,
  NxStateCounts,
  ObjectInterface,
  QixDouble,
  Rect,
  Size,
} from '@qixflow/qix';

/**
 * A number as the engine sends it: JSON has no NaN, so non-numeric values come as the string `"NaN"`.
 *
 * @deprecated Use `QixDouble` (from `@qixflow/qix`, re-exported here).
 */
export type NxNumber = QixDouble;
