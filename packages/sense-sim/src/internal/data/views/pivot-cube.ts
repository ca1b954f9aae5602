import type { ChartContext } from '../expressions/chart-context.js';
import { ChartEvaluator } from '../expressions/chart-evaluator.js';
import { parseChartExpression } from '../expressions/chart-expression.js';
import { singleGroup } from '../expressions/chart-groups.js';
import { ExpressionError } from '../expressions/expression-error.js';
import { toNumber } from '../expressions/value-ops.js';
import { asRecord, asRecords, asText, type JsonRecord, type NxNumber, nxNumber } from '../json-record.js';
import { cellText } from './cube-cells.js';
import { elemKey, SubsetCubes, type SubsetRow } from './cube-subsets.js';
import { HyperCubeData } from './hypercube-data.js';
import { buildHyperCubeLayout, type LibraryItems, type NxCell, type Rect } from './hypercube-shape.js';
import { PivotExpansion } from './pivot-expansion.js';
import { PivotInterRecord, type PivotLeaf, type PivotMeasure, pivotMeasures } from './pivot-inter-record.js';

/** The pseudo dimension's place in `qInterColumnSortOrder` and in an axis' levels. */
export const PSEUDO = -1;

/** The two axes of a pivot table. */
export type PivotAxis = 'left' | 'top';

/** A node of a pivot axis as shown: a dimension value, a measure (pseudo dimension) or a total. */
interface AxisNode {
  readonly kind: 'value' | 'pseudo' | 'total';
  /** Index of the node's level on its axis (-1 for the root). */
  readonly level: number;
  readonly cell: NxCell | undefined;
  /** The measure this node and its subtree show (from the nearest pseudo node), if any. */
  readonly measure: number | undefined;
  /** Element numbers (measure indices for pseudo levels) from the axis' first level down to this node. */
  readonly path: readonly number[];
  /** Dimension → element number for every dimension level above and at this node. */
  readonly assignment: ReadonlyMap<number, number>;
  readonly total: boolean;
  readonly children: AxisNode[];
  expanded: boolean;
  canExpand: boolean;
  canCollapse: boolean;
  first: number;
  span: number;
}

/** How the levels of a pivot are laid out: `order` is qEffectiveInterColumnSortOrder (-1 is the pseudo dimension). */
export interface PivotLevels {
  readonly order: readonly number[];
  readonly left: readonly number[];
  readonly top: readonly number[];
}

/**
 * The levels of a pivot: qInterColumnSortOrder gives their order (-1 places the pseudo dimension,
 * which exists when there is more than one measure and goes last when not placed), the remaining
 * dimensions follow in definition order; the first qNoOfLeftDims are left dimensions. With
 * qNoOfLeftDims -1 every dimension is a left dimension, and a pseudo dimension placed last is a
 * top dimension (engine schema, HyperCubeDef.qNoOfLeftDims).
 *
 * @example
 * pivotLevels({ qInterColumnSortOrder: [0, -1, 1, 2, 3], qNoOfLeftDims: 3 }, 4, 2);
 * // → { order: [0, -1, 1, 2, 3], left: [0, -1, 1], top: [2, 3] }
 */
export function pivotLevels(def: Readonly<JsonRecord>, dimensions: number, measures: number): PivotLevels {
  const pseudo = measures > 1;
  const requested = Array.isArray(def.qInterColumnSortOrder) ? def.qInterColumnSortOrder : [];
  const order: number[] = [];
  for (const column of requested) {
    const valid = Number.isInteger(column) && ((column >= 0 && column < dimensions) || (column === PSEUDO && pseudo));
    if (valid && !order.includes(column as number)) order.push(column as number);
  }
  for (let d = 0; d < dimensions; d++) if (!order.includes(d)) order.push(d);
  if (pseudo && !order.includes(PSEUDO)) order.push(PSEUDO);
  const wanted = typeof def.qNoOfLeftDims === 'number' ? Math.trunc(def.qNoOfLeftDims) : -1;
  const left =
    wanted < 0 ? order.length - (order[order.length - 1] === PSEUDO ? 1 : 0) : Math.min(wanted, order.length);
  return { order, left: order.slice(0, left), top: order.slice(left) };
}

/**
 * A hypercube in pivot mode (`qMode: "P"`) for a defaulted HyperCubeDef in one selection state:
 * the left and top axes as trees of dimension values (with the pseudo dimension for several
 * measures and the totals the dimensions ask for), expanded as `qExpansionState` says, and the
 * measures computed for every pair of left and top leaves over the dimension values both fix.
 *
 * - Nodes start collapsed unless `qAlwaysFullyExpanded`; pseudo nodes are always expanded.
 * - A dimension with `qOtherTotalSpec.qTotalMode: "TOTAL_EXPR"` (or `qShowTotal`) gets a total
 *   node (qType T, qElemNo -1, text `qTotalLabel` or "Totals") after the values under each
 *   expanded parent (before them with `qShowTotalsAbove`); at the first level that is the grand
 *   total. A total splits by measure when the pseudo dimension is below it.
 * - `qSize` is the data area: `qcx` top leaves (one when there is no top level), `qcy` left leaves.
 * - Data cells are qType V, T when in a total row or column, and E (text "-") for combinations
 *   that have no data.
 * - Measures with chart inter-record functions are computed over the pivot's cells
 *   ({@link PivotInterRecord}): Before/After/First/Last/ColumnNo/NoOfColumns/HRank along the row
 *   segment, Above/Below/Top/Bottom/RowNo/NoOfRows/Rank along the column segment.
 *
 * @example
 * const pivot = new PivotCube(def, ctx);
 * pivot.layout(); // the qHyperCube, with qPivotDataPages from qInitialDataFetch
 * pivot.pages([{ qLeft: 0, qTop: 0, qWidth: 2, qHeight: 10 }]); // NxPivotPage[]
 */
export class PivotCube {
  readonly levels: PivotLevels;
  private readonly cubes: SubsetCubes;
  private readonly full: HyperCubeData;
  private readonly base: JsonRecord;
  private readonly expansion: PivotExpansion;
  private readonly measureCount: number;
  private readonly titles: string[];
  private readonly leftRoot: AxisNode;
  private readonly topRoot: AxisNode;
  private readonly rows: AxisNode[];
  private readonly columns: AxisNode[];
  /** A top axis without levels shows the measure(s) as its cells (schema: NxPivotPage.qTop). */
  private readonly measureColumns: boolean;
  /** Measures with inter-record functions, computed over the pivot's cells rather than a straight cube's rows. */
  private readonly interMeasures: Map<number, PivotMeasure>;
  private inter: PivotInterRecord | undefined;

  constructor(
    private readonly def: Readonly<JsonRecord>,
    private readonly ctx: ChartContext,
    library?: LibraryItems,
  ) {
    const dimensionDefs = asRecords(def.qDimensions);
    this.measureCount = asRecords(def.qMeasures).length;
    this.levels = pivotLevels(def, dimensionDefs.length, this.measureCount);
    this.cubes = new SubsetCubes(def, ctx, library);
    this.full = new HyperCubeData({ ...def, qMode: 'S', qInitialDataFetch: [] }, ctx, library);
    this.base = buildHyperCubeLayout({ ...def, qMode: 'S', qInitialDataFetch: [] }, this.full, library);
    this.titles = asRecords(this.base.qMeasureInfo).map((info) => asText(info.qFallbackTitle));
    const names = dimensionDefs.map((_, d) => this.full.dimensionFields[d] ?? this.cubes.dimensionName(d));
    this.expansion = PivotExpansion.read(def, names, (d) => this.depthOf(d));
    const valid = this.full.dimensionFields.every((name) => name !== undefined);
    this.leftRoot = this.buildAxis(this.levels.left, valid);
    this.topRoot = this.buildAxis(this.levels.top, valid);
    this.measureColumns = this.levels.top.length === 0 && !this.levels.left.includes(PSEUDO);
    this.rows = this.arrange(this.leftRoot, this.levels.left);
    this.columns = this.arrange(this.topRoot, this.levels.top);
    this.interMeasures = pivotMeasures(def, ctx, library);
  }

  /** The `qHyperCube` of the layout: the straight cube's infos with pivot size, order, left dims and pages. */
  layout(): JsonRecord {
    const out = structuredClone(this.base);
    out.qSize = this.size();
    out.qEffectiveInterColumnSortOrder = [...this.levels.order];
    out.qPivotDataPages = this.pages(asRecords(this.def.qInitialDataFetch));
    out.qMode = 'P';
    out.qNoOfLeftDims = this.levels.left.length;
    return out;
  }

  /** `qSize`: the data area, top leaves by left leaves. */
  size(): { qcx: number; qcy: number } {
    return { qcx: this.columns.length, qcy: this.rows.length };
  }

  /** NxPivotPage of each requested page (clipped to the data area). */
  pages(requested: readonly Readonly<JsonRecord>[]): JsonRecord[] {
    return requested.map((page) => this.page(clip(page, this.size())));
  }

  /**
   * ExpandLeft / CollapseLeft / ExpandTop / CollapseTop: the `qExpansionState` after expanding (or
   * collapsing) the node on axis level `level` that spans data row (left) or column (top) `index`,
   * or every node of the axis when `all`. Pseudo and total nodes are left as they are.
   */
  expand(axis: PivotAxis, index: number, level: number, expanded: boolean, all: boolean): JsonRecord[] {
    const levels = axis === 'left' ? this.levels.left : this.levels.top;
    if (all)
      this.expansion.setAll(
        // The last level has nothing to expand.
        levels.slice(0, -1).filter((level) => level !== PSEUDO),
        expanded,
      );
    else {
      const node = findNode(axis === 'left' ? this.leftRoot : this.topRoot, level, index);
      const dim = levels[level];
      if (node && node.kind === 'value' && dim !== undefined && dim !== PSEUDO)
        this.expansion.set(dim, node.path, expanded);
    }
    return this.expansion.write();
  }

  /**
   * SelectPivotCells: the element numbers to select per field for NxSelectionCells. A left cell
   * (`L`) is the node on left dimension `qCol` spanning data row `qRow`, a top cell (`T`) the node
   * on top dimension `qRow` spanning data column `qCol` (schema: NxSelectionCell); each stands for
   * its own dimension's value. A data cell (`D`) stands for the values of every dimension its row
   * and column fix. Pseudo and total nodes, NULL and cells outside the shown pivot select nothing.
   * A calculated dimension's values are no field's values: selecting one throws ExpressionError.
   * That a left or top cell selects only its own value (not its parents') and that a data cell
   * selects every value it stands for are this simulator's choices, unconfirmed against Qlik.
   */
  selectionTargets(cells: readonly Readonly<JsonRecord>[]): Map<string, number[]> {
    const byDim = new Map<number, Set<number>>();
    const add = (dim: number | undefined, elem: number | undefined): void => {
      if (dim === undefined || dim === PSEUDO || elem === undefined || elem < 0) return;
      let elems = byDim.get(dim);
      if (!elems) {
        elems = new Set();
        byDim.set(dim, elems);
      }
      elems.add(elem);
    };
    for (const cell of cells) {
      const type = String(cell.qType ?? 'D');
      const row = typeof cell.qRow === 'number' ? cell.qRow : -1;
      const col = typeof cell.qCol === 'number' ? cell.qCol : -1;
      if (type === 'L' || type === 'NX_CELL_LEFT' || type === '2') {
        const found = findNode(this.leftRoot, col, row);
        if (found?.kind === 'value') add(this.levels.left[col], found.cell?.qElemNumber);
      } else if (type === 'T' || type === 'NX_CELL_TOP' || type === '1') {
        const found = findNode(this.topRoot, row, col);
        if (found?.kind === 'value') add(this.levels.top[row], found.cell?.qElemNumber);
      } else {
        const leaves = [this.rows[row], this.columns[col]];
        if (leaves.some((leaf) => leaf === undefined)) continue;
        for (const leaf of leaves) for (const [dim, elem] of leaf?.assignment ?? []) add(dim, elem);
      }
    }
    const out = new Map<string, number[]>();
    for (const [dim, elems] of [...byDim].sort((a, b) => a[0] - b[0])) {
      const name = this.full.dimensionFields[dim];
      if (name === undefined) continue;
      if (this.full.dimensionCalculated[dim] === true)
        throw new ExpressionError(`selecting in the calculated dimension ${name} is not supported`);
      out.set(name, [...elems]);
    }
    return out;
  }

  // ── Building ───────────────────────────────────────────────────────────────────────────────

  /** A dimension's level on its axis. */
  private depthOf(dim: number): number {
    const left = this.levels.left.indexOf(dim);
    return left >= 0 ? left : this.levels.top.indexOf(dim);
  }

  /** Every node of an axis (before expansion): the value combinations of its dimensions that have data. */
  private buildAxis(levels: readonly number[], valid: boolean): AxisNode {
    const root = node('value', -1, undefined, undefined, [], new Map(), false);
    if (!valid || levels.length === 0) return root;
    const dims = levels.filter((level) => level !== PSEUDO);
    const rows = this.existing(dims, this.cubes.rows(dims));
    const index = new Map<AxisNode, Map<string, AxisNode>>();
    const childOf = (parent: AxisNode, key: string, make: () => AxisNode): AxisNode => {
      let children = index.get(parent);
      if (!children) {
        children = new Map();
        index.set(parent, children);
      }
      let child = children.get(key);
      if (!child) {
        child = make();
        children.set(key, child);
        parent.children.push(child);
      }
      return child;
    };
    const insert = (parent: AxisNode, li: number, row: SubsetRow): void => {
      const dim = levels[li];
      if (dim === undefined) return;
      if (dim === PSEUDO) {
        for (let m = 0; m < this.measureCount; m++) {
          const child = childOf(parent, `p${m}`, () =>
            node('pseudo', li, undefined, m, [...parent.path, m], parent.assignment, false),
          );
          insert(child, li + 1, row);
        }
        return;
      }
      const cell = row.dims[dims.indexOf(dim)] as NxCell;
      const elem = cell.qElemNumber;
      const child = childOf(parent, `v${elem}`, () => {
        const assignment = new Map(parent.assignment).set(dim, elem);
        return node('value', li, cell, parent.measure, [...parent.path, elem], assignment, false);
      });
      insert(child, li + 1, row);
    };
    for (const row of rows) insert(root, 0, row);
    return root;
  }

  /** With zero or missing suppression, the axis keeps the combinations the full straight cube kept. */
  private existing(dims: readonly number[], rows: SubsetRow[]): SubsetRow[] {
    if (this.def.qSuppressZero !== true && this.def.qSuppressMissing !== true) return rows;
    const width = asRecords(this.def.qDimensions).length;
    const kept = new Set<string>();
    const matrix = this.full.page({ qLeft: 0, qTop: 0, qWidth: width, qHeight: this.full.rowCount() });
    for (const cells of matrix) kept.add(elemKey(dims.map((d) => cells[d]?.qElemNumber ?? -2)));
    return rows.filter((row) => kept.has(row.key));
  }

  /** Applies expansion and totals to an axis; returns its leaves in order (or one virtual leaf without levels). */
  private arrange(root: AxisNode, levels: readonly number[]): AxisNode[] {
    const always = this.def.qAlwaysFullyExpanded === true;
    const shown = (parent: AxisNode): void => {
      for (const child of parent.children) {
        if (child.children.length === 0) continue;
        const dim = levels[child.level] as number;
        child.expanded = always || child.kind !== 'value' || this.expansion.isExpanded(dim, child.path);
        child.canExpand = !child.expanded;
        child.canCollapse = child.expanded && !always && child.kind === 'value';
        if (child.expanded) shown(child);
      }
      this.addTotal(parent, levels);
    };
    root.expanded = true;
    shown(root);
    const leaves: AxisNode[] = [];
    const place = (parent: AxisNode): void => {
      parent.first = leaves.length;
      const visible = parent.expanded ? parent.children : [];
      if (visible.length === 0 && parent.level >= 0) leaves.push(parent);
      for (const child of visible) place(child);
      parent.span = leaves.length - parent.first;
    };
    place(root);
    if (levels.length === 0) {
      const measure = this.measureColumns && root === this.topRoot ? 0 : undefined;
      const virtual = node('value', 0, undefined, measure, [], new Map(), false);
      virtual.span = 1;
      return [virtual];
    }
    return leaves;
  }

  /** The total node the children of `parent` get when their dimension shows totals. */
  private addTotal(parent: AxisNode, levels: readonly number[]): void {
    const li = parent.level + 1;
    const dim = levels[li];
    if (dim === undefined || dim === PSEUDO || parent.children.length === 0) return;
    const dimensionDef = asRecords(this.def.qDimensions)[dim] ?? {};
    const mode = asRecord(dimensionDef.qOtherTotalSpec).qTotalMode;
    if (!(mode === 'TOTAL_EXPR' || mode === 1 || dimensionDef.qShowTotal === true)) return;
    const total = node('total', li, undefined, parent.measure, [...parent.path, -1], parent.assignment, true);
    const pseudoBelow = levels.indexOf(PSEUDO) > li;
    if (pseudoBelow && parent.measure === undefined) {
      total.expanded = true;
      for (let m = 0; m < this.measureCount; m++)
        total.children.push(node('pseudo', li + 1, undefined, m, [...total.path, m], total.assignment, true));
    }
    if (this.def.qShowTotalsAbove === true) parent.children.unshift(total);
    else parent.children.push(total);
  }

  // ── Pages ──────────────────────────────────────────────────────────────────────────────────

  private page(area: Rect): JsonRecord {
    const bottom = area.qTop + area.qHeight;
    const right = area.qLeft + area.qWidth;
    const left = this.levels.left.length === 0 ? [] : this.slice(this.leftRoot, area.qTop, bottom, this.levels.left);
    const top = this.measureColumns
      ? this.measureCells(area.qLeft, right)
      : this.levels.top.length === 0
        ? []
        : this.slice(this.topRoot, area.qLeft, right, this.levels.top);
    const data: JsonRecord[][] = [];
    for (let r = area.qTop; r < bottom; r++) {
      const row: JsonRecord[] = [];
      for (let c = area.qLeft; c < right; c++) row.push(this.valuePoint(r, c));
      data.push(row);
    }
    return { qLeft: left, qTop: top, qData: data, qArea: area };
  }

  /** The NxPivotDimensionCells of the nodes under `parent` that span leaves `start…end-1`. */
  private slice(parent: AxisNode, start: number, end: number, levels: readonly number[]): JsonRecord[] {
    const out: JsonRecord[] = [];
    const visible = parent.expanded ? parent.children : [];
    for (const child of visible) {
      const last = child.first + child.span;
      if (last <= start || child.first >= end) continue;
      const cell = this.dimensionCell(child, levels);
      cell.qUp = Math.max(0, start - child.first);
      cell.qDown = Math.max(0, last - end);
      cell.qSubNodes = this.slice(child, start, end, levels);
      out.push(cell);
    }
    return out;
  }

  /** A pivot dimension cell in the engine's key order (HELP examples): qSubNodes and tails are set by the caller. */
  private dimensionCell(n: AxisNode, levels: readonly number[]): JsonRecord {
    let text: string;
    let elem: number;
    let value: NxNumber = 'NaN';
    let type: string;
    if (n.kind === 'pseudo') {
      text = this.titles[n.measure ?? 0] ?? '';
      elem = n.measure ?? 0;
      type = 'P';
    } else if (n.kind === 'total') {
      text = this.totalLabel(levels[n.level] as number);
      elem = -1;
      type = 'T';
    } else {
      const cell = n.cell as NxCell;
      text = cell.qText ?? '';
      elem = cell.qElemNumber;
      value = cell.qNum;
      type = cell.qIsNull === true ? 'U' : 'N';
    }
    const out: JsonRecord = { qText: text, qElemNo: elem, qValue: value };
    if (n.canExpand) out.qCanExpand = true;
    if (n.canCollapse) out.qCanCollapse = true;
    out.qType = type;
    out.qUp = 0;
    out.qDown = 0;
    out.qSubNodes = [];
    if (n.cell?.qAttrExps) out.qAttrExps = structuredClone(n.cell.qAttrExps);
    return out;
  }

  /** The measures as top cells, for a pivot without top levels. */
  private measureCells(start: number, end: number): JsonRecord[] {
    const out: JsonRecord[] = [];
    for (let c = start; c < end && c < 1; c++) {
      out.push({ qText: this.titles[0] ?? '', qElemNo: 0, qValue: 'NaN', qType: 'P', qUp: 0, qDown: 0, qSubNodes: [] });
    }
    return out;
  }

  /** The NxPivotValuePoint of the left leaf of data row `r` and the top leaf of data column `c`. */
  private valuePoint(r: number, c: number): JsonRecord {
    const row = this.rows[r] as AxisNode;
    const column = this.columns[c] as AxisNode;
    const assignment = new Map(row.assignment);
    for (const [dim, elem] of column.assignment) assignment.set(dim, elem);
    const measure = row.measure ?? column.measure ?? 0;
    const found = this.measureCount > 0 ? this.cubes.find(assignment) : undefined;
    const straight = found?.measures[measure];
    if (!straight) return { qText: '-', qNum: 'NaN', qType: 'E' };
    const inter = this.interMeasures.get(measure);
    const cell = inter ? { ...straight, ...this.interCell(inter, r, c) } : straight;
    const out: JsonRecord = {
      qText: cell.qText ?? '',
      qNum: cell.qNum,
      qType: row.total || column.total ? 'T' : 'V',
    };
    if (cell.qAttrExps) out.qAttrExps = structuredClone(cell.qAttrExps);
    return out;
  }

  /** The text and number of a measure with inter-record functions in a cell (an error shows as its message). */
  private interCell(measure: PivotMeasure, r: number, c: number): { qText: string; qNum: NxNumber } {
    this.inter ??= new PivotInterRecord(
      this.ctx,
      this.cubes,
      this.leaves(this.rows, this.levels.left),
      this.leaves(this.columns, this.levels.top),
    );
    try {
      const value = this.inter.value(measure.expression, r, c);
      return { qText: cellText(value, measure.format, this.ctx), qNum: nxNumber(toNumber(value)) };
    } catch (caught) {
      if (!(caught instanceof ExpressionError)) throw caught;
      return { qText: caught.message, qNum: 'NaN' };
    }
  }

  /**
   * The leaves of an axis as inter-record functions read them: a segment is the leaves of one
   * measure and level sharing every dimension value but their own (deepest) one; totals have none.
   */
  private leaves(leaves: readonly AxisNode[], levels: readonly number[]): PivotLeaf[] {
    return leaves.map((leaf) => {
      if (leaf.total) return { assignment: leaf.assignment, segment: undefined, line: undefined };
      const above = [...leaf.path];
      for (let i = above.length - 1; i >= 0; i--) {
        if (levels[i] === PSEUDO) continue;
        above.splice(i, 1);
        break;
      }
      const measure = leaf.measure ?? '';
      return {
        assignment: leaf.assignment,
        segment: `${measure}|${leaf.level}|${above.join(',')}`,
        line: `${measure}`,
      };
    });
  }

  /** A dimension's qTotalLabel (an expression when it starts with `=`), "Totals" when empty. */
  private totalLabel(dim: number): string {
    const label = asRecord(asRecords(this.def.qDimensions)[dim]?.qTotalLabel);
    const text = asText(label.qv);
    if (text.trim() === '') return 'Totals';
    if (!text.trim().startsWith('=')) return text;
    try {
      const value = new ChartEvaluator(this.ctx, singleGroup()).evaluate(parseChartExpression(text, this.ctx))[0];
      return value?.text ?? '-';
    } catch (caught) {
      if (!(caught instanceof ExpressionError)) throw caught;
      return caught.message;
    }
  }
}

function node(
  kind: AxisNode['kind'],
  level: number,
  cell: NxCell | undefined,
  measure: number | undefined,
  path: readonly number[],
  assignment: ReadonlyMap<number, number>,
  total: boolean,
): AxisNode {
  return {
    kind,
    level,
    cell,
    measure: kind === 'pseudo' ? (path[path.length - 1] as number) : measure,
    path,
    assignment,
    total,
    children: [],
    expanded: false,
    canExpand: false,
    canCollapse: false,
    first: 0,
    span: 0,
  };
}

/** The shown node on axis level `level` whose leaves include `index`. */
function findNode(root: AxisNode, level: number, index: number): AxisNode | undefined {
  let current: AxisNode | undefined = root;
  while (current && current.level < level) {
    if (!current.expanded) return undefined;
    current = current.children.find((child) => index >= child.first && index < child.first + child.span);
  }
  return current?.level === level ? current : undefined;
}

/** A requested page clipped to the data area. */
function clip(page: Readonly<JsonRecord>, size: { qcx: number; qcy: number }): Rect {
  const int = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? Math.trunc(value) : 0);
  const qLeft = Math.min(Math.max(int(page.qLeft), 0), size.qcx);
  const qTop = Math.min(Math.max(int(page.qTop), 0), size.qcy);
  return {
    qLeft,
    qTop,
    qWidth: Math.min(Math.max(int(page.qWidth), 0), size.qcx - qLeft),
    qHeight: Math.min(Math.max(int(page.qHeight), 0), size.qcy - qTop),
  };
}
