import type { NxInfo, NxLayoutErrors, NxMeta, NxNumber, NxSelectionInfo, NxStateCounts } from './common.js';
import type { HyperCube, ListObject, NxCell } from './hyper-cube.js';

/**
 * `GenericObjectLayout`: the properties with every `q…Def` replaced by its computed counterpart
 * (`qHyperCubeDef → qHyperCube`, `qListObjectDef → qListObject`, `qStringExpression → string` …)
 * plus `qInfo`, `qMeta`, `qSelectionInfo`; custom (non-`q`) keys are copied through at any depth.
 * Give your own layout type to the creation functions for the custom keys:
 * `objectLayout<MyChartLayout>(doc, id)`.
 */
export interface GenericObjectLayout {
  readonly qInfo: NxInfo;
  /** Left out for session objects. */
  readonly qMeta?: NxMeta;
  readonly qExtendsId?: string;
  readonly qHasSoftPatches?: boolean;
  readonly qError?: NxLayoutErrors;
  readonly qSelectionInfo: NxSelectionInfo;
  readonly qStateName?: string;
  readonly qHyperCube?: HyperCube;
  readonly qListObject?: ListObject;
  readonly qAppObjectList?: ContainerList;
  readonly qChildList?: ContainerList;
  readonly qDimensionList?: ContainerList;
  readonly qMeasureList?: ContainerList;
  readonly qBookmarkList?: ContainerList;
  readonly qVariableList?: VariableList;
  readonly qFieldList?: FieldList;
  readonly qSelectionObject?: SelectionObject;
  readonly [key: string]: unknown;
}

/**
 * `GenericObjectProperties`: what `CreateSessionObject` / `SetProperties` take. `qInfo.qId` may be
 * left out (the engine generates one).
 */
export interface GenericObjectProperties {
  readonly qInfo: { readonly qId?: string; readonly qType: string };
  readonly qMetaDef?: Readonly<Record<string, unknown>>;
  readonly qExtendsId?: string;
  readonly qStateName?: string;
  readonly [key: string]: unknown;
}

/** `NxContainerEntry`: an item of an app object / child / dimension / measure / bookmark list. */
export interface NxContainerEntry<D = Readonly<Record<string, unknown>>> {
  readonly qInfo: NxInfo;
  readonly qMeta?: NxMeta;
  /** The values the list's `qData` paths pointed at (e.g. `{ title: '/qMetaDef/title' }`). */
  readonly qData: D;
}

/** `AppObjectList`, `ChildList`, `DimensionList`, `MeasureList`, `BookmarkList`. */
export interface ContainerList<D = Readonly<Record<string, unknown>>> {
  readonly qItems: readonly NxContainerEntry<D>[];
}

/** `NxVariableListItem`. */
export interface NxVariableListItem {
  readonly qName: string;
  readonly qDescription?: string;
  readonly qDefinition: string;
  readonly qIsConfig?: boolean;
  readonly qIsReserved?: boolean;
  readonly qMeta?: NxMeta;
  readonly qInfo: NxInfo;
  readonly qData?: Readonly<Record<string, unknown>>;
  readonly qIsScriptCreated?: boolean;
}

/** `VariableList`. */
export interface VariableList {
  readonly qItems: readonly NxVariableListItem[];
}

/** `NxFieldDescription`: an item of a field list. */
export interface NxFieldDescription {
  readonly qName: string;
  readonly qIsSemantic?: boolean;
  readonly qIsHidden?: boolean;
  readonly qIsSystem?: boolean;
  readonly qAndMode?: boolean;
  readonly qCardinal?: number;
  readonly qTags?: readonly string[];
  readonly qIsDefinitionOnly?: boolean;
  readonly qSrcTables?: readonly string[];
  readonly qIsDetail?: boolean;
  readonly qIsImplicit?: boolean;
  readonly qReadableName?: string;
}

/** `FieldList`. */
export interface FieldList {
  readonly qItems: readonly NxFieldDescription[];
}

/** `NxCurrentSelectionItem`: one field with selections. */
export interface NxCurrentSelectionItem {
  readonly qField: string;
  readonly qTotal: number;
  readonly qIsNum?: boolean;
  readonly qLocked?: boolean;
  readonly qOneAndOnlyOne?: boolean;
  readonly qTextSearch?: string;
  readonly qSelectedCount: number;
  /** E.g. `"Nordics, Americas"` or `"3 of 7"`. */
  readonly qSelected: string;
  readonly qRangeInfo?: readonly unknown[];
  readonly qSortIndex?: number;
  readonly qStateCounts?: NxStateCounts;
  readonly qSelectedFieldSelectionInfo?: readonly { qName: string; qFieldSelectionMode: string }[];
  readonly qNotSelectedFieldSelectionInfo?: readonly { qName: string; qFieldSelectionMode: string }[];
  readonly qSelectionThreshold?: number;
  readonly qReadableName?: string;
  readonly qIsHidden?: boolean;
}

/** `SelectionObject`: the current selections of one state. */
export interface SelectionObject {
  readonly qBackCount: number;
  readonly qForwardCount: number;
  readonly qSelections: readonly NxCurrentSelectionItem[];
  readonly qStateName?: string;
}

/** `NxAppLayout`: `Doc.GetAppLayout`. Custom app properties are copied through. */
export interface NxAppLayout {
  readonly qTitle: string;
  readonly qFileName: string;
  readonly qLastReloadTime: string;
  readonly qModified: boolean;
  readonly qHasScript: boolean;
  readonly qStateNames: readonly string[];
  readonly qMeta: NxMeta;
  readonly qLocaleInfo: Readonly<Record<string, unknown>>;
  readonly qHasData: boolean;
  readonly qReadOnly: boolean;
  readonly qIsOpenedWithoutData: boolean;
  readonly qIsSessionApp?: boolean;
  readonly qProhibitBinaryLoad?: boolean;
  readonly qThumbnail: { readonly qUrl?: string };
  readonly qIsBDILiveMode?: boolean;
  readonly qIsDirectQueryMode?: boolean;
  readonly qUnsupportedFeatures?: readonly string[];
  /** ANALYTICS, DATA_PREPARATION, DATAFLOW_PREP, SINGLE_TABLE_PREP (open-ended). */
  readonly qUsage?: 'ANALYTICS' | 'DATA_PREPARATION' | 'DATAFLOW_PREP' | 'SINGLE_TABLE_PREP' | (string & {});
  readonly [key: string]: unknown;
}

/** `GenericVariableLayout`. */
export interface GenericVariableLayout {
  readonly qInfo: NxInfo;
  readonly qMeta?: NxMeta;
  readonly qText: string;
  readonly qNum: NxNumber;
  readonly qIsScriptCreated?: boolean;
  readonly [key: string]: unknown;
}

/** The value of a variable, as {@link variableValue} emits it. */
export interface VariableValue {
  readonly name: string;
  readonly text: string;
  /** `NaN` when the value is not numeric. */
  readonly num: number;
}

/** Every value of a field with its state, as {@link fieldStates} emits it. */
export interface FieldStates {
  readonly field: string;
  readonly stateName: string;
  /** Number of distinct values. */
  readonly cardinal: number;
  readonly stateCounts: NxStateCounts | undefined;
  /** One cell per value (`qText`, `qNum`, `qElemNumber`, `qState`), in the list's sort order. */
  readonly values: readonly NxCell[];
}
