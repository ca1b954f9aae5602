import type { DataEngine } from '../../data/data-engine.js';
import { ExpressionError } from '../../data/expressions/expression-error.js';
import { asRecord, asRecords, type JsonRecord } from '../../data/json-record.js';
import { STATE } from '../../data/selections/field-value-states.js';
import { cubeMode } from '../../data/views/cube-subsets.js';
import { type PivotAxis, PivotCube } from '../../data/views/pivot-cube.js';
import { DEFAULT_MAX_STACK_CELLS, StackCube } from '../../data/views/stack-cube.js';
import { TreeCube } from '../../data/views/tree-cube.js';
import { EngineError } from '../rpc/engine-error.js';
import type { EngineSession } from '../session/engine-session.js';
import { dep } from './dependency-keys.js';
import {
  checkPages,
  definitionAt,
  effectiveProperties,
  libraryItems,
  objectProperties,
  stateOf,
} from './object-views.js';
import type { FoundObject, OpenDoc, Origin } from './open-doc.js';

/** The cube definition at `path` and what computing it needs; records the data dependency. */
function cubeAt(
  session: EngineSession,
  doc: OpenDoc,
  found: FoundObject,
  path: string,
  key: 'qHyperCubeDef' | 'qTreeDataDef',
): { def: JsonRecord; data: DataEngine | undefined; state: string } {
  const props = effectiveProperties(doc, found);
  const def = definitionAt(props, path, key);
  const state = stateOf(def, props);
  session.addDependencies(dep.object(found.qId), [dep.data(state)]);
  return { def, data: doc.data(), state };
}

/** GetHyperCubePivotData: NxPivotPage of each page (error 7009 over 10 000 cells; `[]` without data). */
export function pivotPages(
  session: EngineSession,
  doc: OpenDoc,
  found: FoundObject,
  path: string,
  pages: unknown,
): JsonRecord[] {
  const requested = checkPages(pages);
  const { def, data, state } = cubeAt(session, doc, found, path, 'qHyperCubeDef');
  if (cubeMode(def) !== 'P') throw EngineError.of('LOCERR_HC_INVALID_OBJECT_STATE', path);
  if (!data) return [];
  return new PivotCube(def, data.context(state), libraryItems(doc)).pages(requested);
}

/**
 * SelectPivotCells(qPath, qSelections, qSoftLock, qDeselectOnlyOneSelected): selects, field by field,
 * the values the cells stand for (see PivotCube.selectionTargets), replacing the field's selection.
 * With qDeselectOnlyOneSelected, a field whose one selected value is the one asked for is cleared
 * instead. Returns the state and whether its selections changed; error 6002 when the cube is not a
 * pivot, LOCERR_GENERIC_INVALID_PARAMETERS for a cell of a calculated dimension.
 */
export function selectPivotCells(
  session: EngineSession,
  doc: OpenDoc,
  found: FoundObject,
  request: { path: string; cells: unknown; softLock: boolean; deselectOnlyOne: boolean },
): { state: string; changed: boolean } {
  const { def, data, state } = cubeAt(session, doc, found, request.path, 'qHyperCubeDef');
  if (cubeMode(def) !== 'P') throw EngineError.of('LOCERR_HC_INVALID_OBJECT_STATE', request.path);
  if (!data) return { state, changed: false };
  let targets: Map<string, number[]>;
  try {
    targets = new PivotCube(def, data.context(state), libraryItems(doc)).selectionTargets(asRecords(request.cells));
  } catch (caught) {
    if (caught instanceof ExpressionError) throw EngineError.of('LOCERR_GENERIC_INVALID_PARAMETERS', caught.message);
    throw caught;
  }
  let changed = false;
  for (const [name, elems] of targets) {
    const selector = data.fieldSelector(name, state);
    if (!selector) continue;
    const states = data.context(state).base.fieldStates(selector.field.index);
    const selected = [...states.keys()].filter((elem) => states[elem] === STATE.S);
    const only = request.deselectOnlyOne && selected.length === 1 && elems.length === 1 && selected[0] === elems[0];
    changed = (only ? selector.clear() : selector.lowLevelSelect(elems, false, request.softLock)) || changed;
  }
  return { state, changed };
}

/** GetHyperCubeStackData: NxStackPage of each page, at most `maxCells` outer cells each. */
export function stackPages(
  session: EngineSession,
  doc: OpenDoc,
  found: FoundObject,
  path: string,
  pages: unknown,
  maxCells: unknown,
): JsonRecord[] {
  const requested = checkPages(pages);
  const { def, data, state } = cubeAt(session, doc, found, path, 'qHyperCubeDef');
  if (cubeMode(def) !== 'K') throw EngineError.of('LOCERR_HC_INVALID_OBJECT_STATE', path);
  if (!data) return [];
  const limit = typeof maxCells === 'number' && maxCells > 0 ? maxCells : DEFAULT_MAX_STACK_CELLS;
  return new StackCube(def, data.context(state), libraryItems(doc)).pages(requested, limit);
}

/** GetHyperCubeTreeData on a TreeDataDef or a tree-mode hypercube: the root node with the tree the options keep (all of it without options). */
export function treeNodes(
  session: EngineSession,
  doc: OpenDoc,
  found: FoundObject,
  path: string,
  options: unknown,
): JsonRecord[] {
  const { def, data, state } = cubeAt(session, doc, found, path, 'qTreeDataDef');
  // A hypercube answers only in tree mode (engine schema: "a treedata object or a hypercube in DATA_MODE_TREE").
  if (Array.isArray(def.qMeasures) && cubeMode(def) !== 'T')
    throw EngineError.of('LOCERR_HC_INVALID_OBJECT_STATE', path);
  if (!data) return [];
  return new TreeCube(def, data.context(state), libraryItems(doc)).nodes(asRecord(options));
}

/**
 * ExpandLeft / ExpandTop / CollapseLeft / CollapseTop: stores the new expansion state in the
 * definition's `qExpansionState` (so it is in the properties, survives GetLayout and invalidates
 * the object). Left: `index` is the data row and `level` the left dimension; top: `index` is the
 * data column and `level` the top dimension. Error 6002 when the cube is not a pivot or is always
 * fully expanded (the methods apply only to pivots that are not, engine schema).
 */
export function expandPivot(
  doc: OpenDoc,
  found: FoundObject,
  origin: Origin,
  request: { path: string; axis: PivotAxis; index: number; level: number; expanded: boolean; all: boolean },
): void {
  const props = objectProperties(doc, found);
  const def = definitionAt(props, request.path, 'qHyperCubeDef');
  if (cubeMode(def) !== 'P' || def.qAlwaysFullyExpanded === true)
    throw EngineError.of('LOCERR_HC_INVALID_OBJECT_STATE', request.path);
  const data = doc.data();
  if (!data) return;
  const pivot = new PivotCube(def, data.context(stateOf(def, props)), libraryItems(doc));
  def.qExpansionState = pivot.expand(request.axis, request.index, request.level, request.expanded, request.all);
  doc.setProperties(found, props, origin);
}
