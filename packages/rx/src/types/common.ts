/**
 * Shared engine structs (from the engine schema, `engine-rpc` 12.2528 / enigma.js 12.2027). Every
 * value rx emits is deep-frozen, so the types are read-only. Enums are open-ended string unions:
 * the engine may add values.
 */

/** `NxInfo`: an object's id and type. */
export interface NxInfo {
  readonly qId: string;
  readonly qType: string;
}

/** `NxMeta`: engine meta (`privileges` …) plus the `qMetaDef` entries (title, description, tags …). */
export interface NxMeta {
  readonly qName?: string;
  readonly privileges?: readonly string[];
  readonly title?: string;
  readonly description?: string;
  readonly tags?: readonly string[];
  readonly [key: string]: unknown;
}

/** `Size`: columns × rows. */
export interface Size {
  readonly qcx: number;
  readonly qcy: number;
}

/** `NxPage` (a rectangle of a hypercube or list object to fetch); also `Rect`. */
export interface NxPage {
  readonly qLeft: number;
  readonly qTop: number;
  readonly qWidth: number;
  readonly qHeight: number;
}

/** `Rect`. */
export type Rect = NxPage;

/** `NxSelectionInfo`: set while the object is in selection mode. */
export interface NxSelectionInfo {
  readonly qInSelections?: boolean;
  readonly qMadeSelections?: boolean;
}

/** `NxLayoutErrors` / `NxValidationError`. */
export interface NxLayoutErrors {
  readonly qErrorCode: number;
  readonly qContext?: string;
  readonly qExtendedMessage?: string;
}

/** `FieldAttributes`: number format. `qType`: U A I R F M D T TS IV (open-ended). */
export interface FieldAttributes {
  readonly qType?: 'U' | 'A' | 'I' | 'R' | 'F' | 'M' | 'D' | 'T' | 'TS' | 'IV' | (string & {});
  readonly qnDec?: number;
  readonly qUseThou?: number;
  readonly qFmt?: string;
  readonly qDec?: string;
  readonly qThou?: string;
}

/** `NxStateCounts`: how many values of a field are in each state. */
export interface NxStateCounts {
  readonly qLocked: number;
  readonly qSelected: number;
  readonly qOption: number;
  readonly qDeselected: number;
  readonly qAlternative: number;
  readonly qExcluded: number;
  readonly qSelectedExcluded: number;
  readonly qLockedExcluded: number;
}

/**
 * A number as the engine sends it: JSON has no NaN, so non-numeric values come as the string
 * `"NaN"` (cells, `qMin`/`qMax`, variable values).
 */
export type NxNumber = number | 'NaN';

/** `FieldValue`: a value to select (`Field.SelectValues`). */
export interface FieldValue {
  readonly qText?: string;
  readonly qIsNumeric?: boolean;
  readonly qNumber?: number;
}

/** `ObjectInterface`: what object-returning methods answer (`qReturn`). */
export interface ObjectInterface {
  readonly qType: string | null;
  readonly qHandle: number | null;
  readonly qGenericType?: string;
  readonly qGenericId?: string;
}
