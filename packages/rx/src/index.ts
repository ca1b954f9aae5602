// @qixflow/rx — typed rxjs 7 streams of Qlik Sense app objects over any enigma.js session.

// creation functions: layouts and properties
export { appChanged } from './create/app-changed.js';
export { appLayout } from './create/app-layout.js';
// creation functions: lists
export { bookmarks } from './create/bookmarks.js';
export { currentSelections } from './create/current-selections.js';
// creation functions: handles
export { field } from './create/field.js';
// creation functions: data
export { fieldStates } from './create/field-states.js';
export type { FieldsOptions } from './create/fields.js';
export { fields } from './create/fields.js';
export { genericObject } from './create/generic-object.js';
export { hyperCubeMatrix } from './create/hyper-cube-matrix.js';
export { hyperCubePages } from './create/hyper-cube-pages.js';
export type { LayoutOfApi } from './create/layout.js';
export { layout } from './create/layout.js';
export { listObjectPages } from './create/list-object-pages.js';
export type { MasterItemKind } from './create/master-items.js';
export { masterItems } from './create/master-items.js';
// creation functions: session
export type { QixNotification } from './create/notifications.js';
export { notifications } from './create/notifications.js';
export { objectLayout } from './create/object-layout.js';
export { objectLayouts } from './create/object-layouts.js';
export { DEFAULT_OBJECT_LIST_DATA, objectList } from './create/object-list.js';
export { objectProperties } from './create/object-properties.js';
export { reloads } from './create/reloads.js';
export { sessionObject } from './create/session-object.js';
export { sessionObjectLayout } from './create/session-object-layout.js';
export type { SessionState } from './create/session-state.js';
export { sessionState } from './create/session-state.js';
// creation functions: site
export type { ClosableAsyncIterable, SiteChangeEventLike, SiteChangesRxOptions } from './create/site-changes.js';
export { siteChanges } from './create/site-changes.js';
export type { StreamHyperCubeOptions } from './create/stream-hyper-cube.js';
export { streamHyperCube } from './create/stream-hyper-cube.js';
export { variableValue } from './create/variable-value.js';
export type { VariablesOptions } from './create/variables.js';
export { variables } from './create/variables.js';
// errors
export type { RxQixErrorCode, RxQixErrorDetails } from './errors.js';
export { isRxQixError, RxQixError } from './errors.js';
// types
export type { ApiTarget } from './internal/api-target.js';
export { useEnigmaMethods } from './internal/direct-getter.js';
export { MAX_CELLS } from './internal/pages.js';
// operators
export type { FieldSelection } from './operators/batch-selections.js';
export { batchSelections } from './operators/batch-selections.js';
export { immutable } from './operators/immutable.js';
export type { FetchContext, RefetchOptions } from './operators/refetch-on-change.js';
export { refetchOnChange } from './operators/refetch-on-change.js';
export { selectAndWait } from './operators/select-and-wait.js';
export { selectionRound } from './operators/selection-round.js';
export type {
  FieldAttributes,
  FieldValue,
  NxInfo,
  NxLayoutErrors,
  NxMeta,
  NxNumber,
  NxPage,
  NxSelectionInfo,
  NxStateCounts,
  ObjectInterface,
  QixDouble,
  Rect,
  Size,
} from './types/common.js';
export type {
  HyperCube,
  ListObject,
  NxCardinalities,
  NxCell,
  NxCellState,
  NxDataPage,
  NxDimensionInfo,
  NxGroupTail,
  NxHypercubeMode,
  NxMeasureInfo,
  NxSortIndicator,
  NxSortIndicatorType,
  StateEnumType,
} from './types/hyper-cube.js';
export type {
  ContainerList,
  FieldList,
  FieldStates,
  GenericObjectLayout,
  GenericObjectProperties,
  GenericVariableLayout,
  LayoutFor,
  LayoutOf,
  NxAppLayout,
  NxContainerEntry,
  NxCurrentSelectionItem,
  NxFieldDescription,
  NxVariableListItem,
  SelectionObject,
  VariableList,
  VariableValue,
} from './types/layouts.js';
export type { QixApi, QixEventSource, QixListener, QixPromise, QixSession } from './types/qix-api.js';
export type {
  QixDoc,
  QixField,
  QixGenericObject,
  QixGenericVariable,
  QixGlobal,
} from './types/qix-objects.js';
