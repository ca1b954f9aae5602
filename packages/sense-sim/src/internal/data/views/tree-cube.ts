import type { ChartContext } from '../expressions/chart-context.js';
import { asRecord, asRecords, type JsonRecord } from '../json-record.js';
import { elemKey } from './cube-subsets.js';
import { HyperCubeData } from './hypercube-data.js';
import { buildHyperCubeLayout, type LibraryItems, type NxCell } from './hypercube-shape.js';

/** A node of the tree: a value of the dimension on its level, with that dimension's value expressions. */
interface TreeNode {
  readonly level: number;
  readonly cell: NxCell;
  readonly values: readonly NxCell[];
  readonly path: readonly number[];
  readonly children: TreeNode[];
  groupPos: number;
  row: number;
}

/** One level of the tree: the cube over the dimensions down to it, with its dimension's value expressions. */
interface TreeLevel {
  readonly dim: number;
  readonly layout: JsonRecord;
  readonly nodes: TreeNode[];
}

/**
 * The data of a TreeDataDef (`qTreeDataDef` → `qTreeData`, GetHyperCubeTreeData) in one selection
 * state. The dimensions, in qInterColumnSortOrder order, are the levels of the tree; each node is a
 * value of its level's dimension under its parent's values, carrying the level dimension's
 * `qValueExprs` computed over its group, and the root (qType R) carries the TreeDataDef's own
 * `qValueExprs` over everything. Values are sorted by each dimension's own sort criteria. A
 * hypercube in tree mode (`qMode: "T"`) is read the same way, its measures standing for the value
 * expressions of every level and of the root.
 *
 * Paging (NxTreeDataOption): `qTreeLevels` keeps levels `qLeft…qLeft+qDepth-1` (all with qDepth ≤ 0;
 * the children of left-out upper levels hang from the root); `qTreeNodes[level].qArea` keeps the
 * nodes of that level whose `qRow` (position on the level) is in `qTop…qTop+qHeight-1` and, when
 * `qWidth` > 0, the values `qLeft…qLeft+qWidth-1`; more nodes than `qMaxNbrOfNodes` (> 0) → none.
 *
 * @example
 * const tree = new TreeCube(def, ctx);
 * tree.nodes({}); // [{ qType: 'R', qValues: […], qNodes: [<first level>…], … }]
 */
export class TreeCube {
  private readonly levels: TreeLevel[] = [];
  private readonly order: number[];
  private readonly rootValues: readonly NxCell[];
  private readonly rootLayout: JsonRecord;

  constructor(
    private readonly def: Readonly<JsonRecord>,
    ctx: ChartContext,
    library?: LibraryItems,
  ) {
    const dimensionDefs = asRecords(def.qDimensions);
    this.order = treeOrder(def.qInterColumnSortOrder, dimensionDefs.length);
    const cubeDef = (dims: readonly number[], measures: readonly JsonRecord[]): JsonRecord => ({
      qStateName: def.qStateName ?? '',
      qDimensions: dims.map((d) => dimensionDefs[d] ?? {}),
      qMeasures: measures,
      qInterColumnSortOrder: [],
      qSuppressZero: def.qSuppressZero === true,
      qSuppressMissing: def.qSuppressMissing === true,
      qInitialDataFetch: [],
      qMode: 'S',
    });
    // A hypercube in tree mode (qMode T) has no value expressions: its measures are computed on every level.
    const shared = asRecords(def.qMeasures);
    const own = (measures: readonly JsonRecord[]): readonly JsonRecord[] => (measures.length > 0 ? measures : shared);
    const rootMeasures = own(asRecords(def.qValueExprs));
    const rootDef = cubeDef([], rootMeasures);
    const rootData = new HyperCubeData(rootDef, ctx, library);
    this.rootLayout = buildHyperCubeLayout(rootDef, rootData, library);
    this.rootValues = rootMeasures.length > 0 ? (rootData.page(full(rootMeasures.length, 1))[0] ?? []) : [];
    let parents = new Map<string, TreeNode>();
    for (let k = 0; k < this.order.length; k++) {
      const dims = this.order.slice(0, k + 1);
      const dim = dims[k] as number;
      const measures = own(asRecords(dimensionDefs[dim]?.qValueExprs));
      const levelDef = cubeDef(dims, measures);
      const data = new HyperCubeData(levelDef, ctx, library);
      const nodes: TreeNode[] = [];
      const next = new Map<string, TreeNode>();
      if (data.dimensionFields.every((name) => name !== undefined)) {
        for (const cells of data.page(full(dims.length + measures.length, data.rowCount()))) {
          const path = cells.slice(0, dims.length).map((cell) => cell.qElemNumber);
          const parent = k === 0 ? undefined : parents.get(elemKey(path.slice(0, k)));
          if (k > 0 && !parent) continue;
          const n: TreeNode = {
            level: k,
            cell: cells[k] as NxCell,
            values: cells.slice(dims.length),
            path,
            children: [],
            groupPos: parent ? parent.children.length : nodes.length,
            row: nodes.length,
          };
          parent?.children.push(n);
          nodes.push(n);
          next.set(elemKey(path), n);
        }
      }
      this.levels.push({ dim, layout: buildHyperCubeLayout(levelDef, data, library), nodes });
      parents = next;
    }
  }

  /** The number of nodes on each level (`qNodesOnDim`, and `qTreeNodesOnDim` of a hypercube in tree mode). */
  nodesOnDim(): number[] {
    return this.levels.map((level) => level.nodes.length);
  }

  /** The `qTreeData` of the layout (TreeData), with qTreeDataPages from qInitialDataFetch. */
  layout(): JsonRecord {
    const out: JsonRecord = {};
    const stateName = this.def.qStateName;
    if (typeof stateName === 'string' && stateName !== '') out.qStateName = stateName;
    out.qNodesOnDim = this.nodesOnDim();
    out.qDimensionInfo = asRecords(this.def.qDimensions).map((_, d) => this.dimensionInfo(d));
    out.qEffectiveInterColumnSortOrder = [...this.order];
    out.qTreeDataPages = asRecords(this.def.qInitialDataFetch).flatMap((option) => this.nodes(option));
    out.qMeasureInfo = structuredClone(asRecords(this.rootLayout.qMeasureInfo));
    return out;
  }

  /** GetHyperCubeTreeData's `qNodes` for an NxTreeDataOption: the root node with the kept levels under it. */
  nodes(option: Readonly<JsonRecord>): JsonRecord[] {
    const levels = asRecord(option.qTreeLevels);
    const from = Math.max(typeof levels.qLeft === 'number' ? Math.trunc(levels.qLeft) : 0, 0);
    const depth = typeof levels.qDepth === 'number' ? Math.trunc(levels.qDepth) : -1;
    const to = depth <= 0 ? this.levels.length : Math.min(from + depth, this.levels.length);
    const areas = asRecords(option.qTreeNodes).map((page) => asRecord(page.qArea));
    let count = 1;
    const keep = (n: TreeNode): boolean => {
      const area = areas[n.level];
      if (!area || area.qHeight === undefined) return true;
      const top = Number(area.qTop ?? 0);
      return n.row >= top && n.row < top + Number(area.qHeight);
    };
    const values = (level: number, cells: readonly NxCell[]): JsonRecord[] => {
      const area = areas[level];
      const width = Number(area?.qWidth ?? 0);
      const left = Number(area?.qLeft ?? 0);
      const kept = width > 0 ? cells.slice(left, left + width) : cells;
      return kept.map(treeValue);
    };
    const build = (n: TreeNode, treePath: readonly number[]): JsonRecord[] => {
      if (n.level >= to) return [];
      const below = (): JsonRecord[] => n.children.flatMap((child) => build(child, [...treePath, n.groupPos]));
      if (n.level < from) return below();
      if (!keep(n)) return [];
      count += 1;
      return [this.nodeJson(n, values(n.level, n.values), below(), treePath)];
    };
    const top = (this.levels[0]?.nodes ?? []).filter((n) => n.level === 0);
    const root: JsonRecord = {
      qText: '',
      qValue: 'NaN',
      qElemNo: -1,
      qGroupPos: 0,
      qGroupSize: top.length,
      qRow: 0,
      qType: 'R',
      qValues: this.rootValues.map(treeValue),
      qNodes: top.flatMap((n) => build(n, [])),
      qMaxPos: [],
      qMinNeg: [],
      qState: 'L',
      qTreePath: [],
    };
    const max = typeof option.qMaxNbrOfNodes === 'number' ? option.qMaxNbrOfNodes : 0;
    return max > 0 && count > max ? [] : [root];
  }

  private nodeJson(n: TreeNode, values: JsonRecord[], children: JsonRecord[], treePath: readonly number[]): JsonRecord {
    const out: JsonRecord = {
      qText: n.cell.qText ?? '',
      qValue: n.cell.qNum,
      qElemNo: n.cell.qElemNumber,
      qGroupPos: n.groupPos,
      qGroupSize: n.children.length,
      qRow: n.row,
      qType: n.cell.qIsNull === true ? 'U' : 'N',
      qValues: values,
      qNodes: children,
    };
    if (n.cell.qAttrExps) out.qAttrExps = structuredClone(n.cell.qAttrExps);
    out.qMaxPos = [];
    out.qMinNeg = [];
    out.qState = n.cell.qState;
    out.qTreePath = [...treePath];
    return out;
  }

  /** NxTreeDimensionInfo: the dimension's info with its value expressions' infos (qMeasureInfo) before qAttrExprInfo. */
  private dimensionInfo(d: number): JsonRecord {
    const k = this.order.indexOf(d);
    const level = this.levels[k];
    if (!level) return {};
    const info = asRecords(level.layout.qDimensionInfo)[k] ?? {};
    const out: JsonRecord = {};
    for (const [key, value] of Object.entries(info)) {
      if (key === 'qAttrExprInfo') out.qMeasureInfo = structuredClone(asRecords(level.layout.qMeasureInfo));
      out[key] = value;
    }
    return out;
  }
}

/** Levels in qInterColumnSortOrder order, then the dimensions it leaves out. */
function treeOrder(requested: unknown, dimensions: number): number[] {
  const order: number[] = [];
  for (const column of Array.isArray(requested) ? requested : []) {
    if (Number.isInteger(column) && column >= 0 && column < dimensions && !order.includes(column)) order.push(column);
  }
  for (let d = 0; d < dimensions; d++) if (!order.includes(d)) order.push(d);
  return order;
}

function full(width: number, height: number): { qLeft: number; qTop: number; qWidth: number; qHeight: number } {
  return { qLeft: 0, qTop: 0, qWidth: width, qHeight: height };
}

function treeValue(cell: NxCell): JsonRecord {
  const out: JsonRecord = { qText: cell.qText ?? '', qValue: cell.qNum };
  if (cell.qAttrExps) out.qAttrExps = structuredClone(cell.qAttrExps);
  return out;
}
