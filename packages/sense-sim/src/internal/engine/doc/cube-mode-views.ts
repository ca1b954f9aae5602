import { cubeMode } from '../../data/cube-subsets.js';
import type { DataEngine } from '../../data/data-engine.js';
import { type PivotAxis, PivotCube } from '../../data/pivot-cube.js';
import { DEFAULT_MAX_STACK_CELLS, StackCube } from '../../data/stack-cube.js';
import { TreeCube } from '../../data/tree-cube.js';
import { asRecord, type JsonRecord } from '../layout/json-record.js';
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
