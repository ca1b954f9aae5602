import type { DataEngine } from '../data-engine.js';
import type { JsonRecord } from '../json-record.js';
import { cubeMode } from './cube-subsets.js';
import { buildHyperCubeLayout, type LibraryItems, noDataView } from './hypercube-shape.js';
import { PivotCube } from './pivot-cube.js';
import { StackCube } from './stack-cube.js';
import { TreeCube } from './tree-cube.js';

/**
 * The `qHyperCube` of a layout in the definition's mode: pivot (`P`) and stacked (`K`) cubes get
 * their own size and pages (qPivotDataPages / qStackedDataPages), tree mode (`T`) the straight
 * cube with `qTreeNodesOnDim`, every other mode the straight cube. Without data, the empty straight
 * shape with the mode's short title.
 *
 * @example
 * hyperCubeLayout({ ...def, qMode: 'P' }, data, library, '$').qPivotDataPages; // NxPivotPage[]
 */
export function hyperCubeLayout(
  def: Readonly<JsonRecord>,
  data: DataEngine | undefined,
  library: LibraryItems | undefined,
  state: string,
): JsonRecord {
  const mode = cubeMode(def);
  if (data && mode === 'P') return new PivotCube(def, data.context(state), library).layout();
  if (data && mode === 'K') return new StackCube(def, data.context(state), library).layout();
  const straight = { ...def, qMode: mode };
  const layout = buildHyperCubeLayout(straight, data ? data.hyperCube(straight, library, state) : noDataView, library);
  if (data && mode === 'T') layout.qTreeNodesOnDim = new TreeCube(def, data.context(state), library).nodesOnDim();
  return layout;
}

/** The `qTreeData` of a layout for a TreeDataDef; an empty tree without data. */
export function treeDataLayout(
  def: Readonly<JsonRecord>,
  data: DataEngine | undefined,
  library: LibraryItems | undefined,
  state: string,
): JsonRecord {
  if (!data) {
    return {
      qNodesOnDim: [],
      qDimensionInfo: [],
      qEffectiveInterColumnSortOrder: [],
      qTreeDataPages: [],
      qMeasureInfo: [],
    };
  }
  return new TreeCube(def, data.context(state), library).layout();
}
