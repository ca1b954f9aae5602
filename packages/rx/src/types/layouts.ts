/**
 * Layouts and properties, re-exported from `@qixflow/qix` (generated from the engine schema), plus the values
 * rx computes itself ({@link VariableValue}, {@link FieldStates}) and list types whose `qData` the caller types.
 */
import type {
  GenericObjectLayout,
  GenericObjectProperties,
  JsonObject,
  LayoutOf,
  NxCell,
  NxInfo,
  NxMeta,
  NxStateCounts,
} from '@qixflow/qix';

export type {
  FieldList,
  GenericObjectLayout,
  GenericObjectProperties,
  GenericVariableLayout,
  LayoutOf,
  NxAppLayout,
  NxCurrentSelectionItem,
  NxFieldDescription,
  NxVariableListItem,
  SelectionObject,
  VariableList,
} from '@qixflow/qix';

/**
 * The layout rx emits for an object with properties `P`: `LayoutOf<P>` (`qHyperCube` where `P` has a
 * `qHyperCubeDef`, custom keys computed, …), or `GenericObjectLayout` when nothing more is known of `P`.
 */
export type LayoutFor<P extends GenericObjectProperties> = GenericObjectProperties extends P
  ? GenericObjectLayout
  : LayoutOf<P>;

/**
 * An item of an app object / child / dimension / measure / bookmark list (`NxContainerEntry`), with `qData` typed
 * by the caller: the values the list's `qData` paths pointed at (e.g. `{ title: '/qMetaDef/title' }`).
 */
export interface NxContainerEntry<D = JsonObject> {
  readonly qInfo: NxInfo;
  readonly qMeta?: NxMeta;
  readonly qData: D;
}

/** `AppObjectList`, `ChildList`, `DimensionList`, `MeasureList`, `BookmarkList`, with `qData` typed by the caller. */
export interface ContainerList<D = JsonObject> {
  readonly qItems: readonly NxContainerEntry<D>[];
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
