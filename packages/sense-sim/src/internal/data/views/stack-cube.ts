import type { ChartContext } from '../expressions/chart-context.js';
import { asRecords, type JsonRecord } from '../json-record.js';
import { HyperCubeData } from './hypercube-data.js';
import { buildHyperCubeLayout, type LibraryItems, type NxCell } from './hypercube-shape.js';

/** A node of the stacked tree: the root, a dimension value or the measure value under the last dimension. */
interface StackNode {
  readonly type: 'R' | 'N' | 'U' | 'V';
  readonly cell: NxCell | undefined;
  readonly row: number;
  readonly children: StackNode[];
  maxPos: number;
  minNeg: number;
}

/** The default of `GetHyperCubeStackData`'s qMaxNbrCells (engine schema). */
export const DEFAULT_MAX_STACK_CELLS = 10_000;

/**
 * A hypercube in stacked mode (`qMode: "K"`) for a defaulted HyperCubeDef: the dimensions (in
 * qInterColumnSortOrder order) as a tree under a root cell (qType R), each last-level value holding
 * one value cell (qType V) of the first measure — stacked cubes have one measure (engine schema,
 * HyperCubeDef.qInterColumnSortOrder). Every cell carries `qMaxPos`/`qMinNeg`, the sums of the
 * positive and negative values below it, and `qRow`, the row of the straight cube it starts at.
 *
 * Pages select outer-level cells: rows `qTop…qTop+qHeight-1` of the first dimension's values
 * (HELP "Get the values of a stacked table": qLeft and qWidth are not used); the root's qUp and
 * qDown count the outer cells before and after the page. `qSize` is `{qcx: columns, qcy: outer cells}`.
 *
 * @example
 * new StackCube(def, ctx).pages([{ qLeft: 0, qTop: 1, qWidth: 3, qHeight: 1 }], 10000);
 * // → [{ qData: [{ qElemNo: 0, qValue: 0, qType: 'R', …, qSubNodes: [<second value>] }], qArea: {…} }]
 */
export class StackCube {
  private readonly root: StackNode;
  private readonly base: JsonRecord;
  private readonly width: number;

  constructor(
    private readonly def: Readonly<JsonRecord>,
    ctx: ChartContext,
    library?: LibraryItems,
  ) {
    const dimensionDefs = asRecords(def.qDimensions);
    const measureDefs = asRecords(def.qMeasures);
    this.width = dimensionDefs.length + measureDefs.length;
    const straight = new HyperCubeData({ ...def, qMode: 'S', qInitialDataFetch: [] }, ctx, library);
    this.base = buildHyperCubeLayout({ ...def, qMode: 'S', qInitialDataFetch: [] }, straight, library);
    const order = (this.base.qEffectiveInterColumnSortOrder as number[]).filter((c) => c < dimensionDefs.length);
    const ordered = new HyperCubeData(
      {
        ...def,
        qMode: 'S',
        qDimensions: order.map((d) => dimensionDefs[d] ?? {}),
        qMeasures: measureDefs.slice(0, 1),
        qInterColumnSortOrder: [],
        qInitialDataFetch: [],
      },
      ctx,
      library,
    );
    const valid = straight.dimensionFields.every((name) => name !== undefined);
    this.root = { type: 'R', cell: undefined, row: 0, children: [], maxPos: 0, minNeg: 0 };
    if (valid) this.build(ordered, order.length, measureDefs.length > 0);
  }

  /** The `qHyperCube` of the layout, with qStackedDataPages from qInitialDataFetch (at most qMaxStackedCells outer cells). */
  layout(): JsonRecord {
    const out = structuredClone(this.base);
    out.qSize = this.size();
    const limit = typeof this.def.qMaxStackedCells === 'number' ? this.def.qMaxStackedCells : 5000;
    out.qStackedDataPages = this.pages(asRecords(this.def.qInitialDataFetch), limit);
    out.qMode = 'K';
    return out;
  }

  /** `qSize`: the columns of the cube and the outer cells. */
  size(): { qcx: number; qcy: number } {
    return { qcx: this.width, qcy: this.root.children.length };
  }

  /** NxStackPage of each page; at most `maxCells` outer cells each. */
  pages(requested: readonly Readonly<JsonRecord>[], maxCells = DEFAULT_MAX_STACK_CELLS): JsonRecord[] {
    const outer = this.root.children.length;
    return requested.map((page) => {
      const int = (value: unknown): number => (typeof value === 'number' ? Math.max(Math.trunc(value), 0) : 0);
      const qTop = Math.min(int(page.qTop), outer);
      const qHeight = Math.min(int(page.qHeight), outer - qTop, Math.max(maxCells, 0));
      const qLeft = Math.min(int(page.qLeft), this.width);
      const qWidth = Math.min(int(page.qWidth), this.width - qLeft);
      const root = cellOf(this.root);
      root.qUp = qTop;
      root.qDown = outer - qTop - qHeight;
      root.qSubNodes = this.root.children.slice(qTop, qTop + qHeight).map((child) => tree(child));
      return { qData: [root], qArea: { qLeft, qTop, qWidth, qHeight } };
    });
  }

  /** Walks the sorted rows: consecutive equal values on a level share one node. */
  private build(data: HyperCubeData, dims: number, hasMeasure: boolean): void {
    const rows = data.page({ qLeft: 0, qTop: 0, qWidth: dims + (hasMeasure ? 1 : 0), qHeight: data.rowCount() });
    rows.forEach((cells, r) => {
      let parent = this.root;
      const chain: StackNode[] = [this.root];
      for (let d = 0; d < dims; d++) {
        const cell = cells[d] as NxCell;
        const last = parent.children[parent.children.length - 1];
        let child = last && last.cell?.qElemNumber === cell.qElemNumber ? last : undefined;
        if (!child) {
          child = { type: cell.qIsNull ? 'U' : 'N', cell, row: r, children: [], maxPos: 0, minNeg: 0 };
          parent.children.push(child);
        }
        chain.push(child);
        parent = child;
      }
      const value = hasMeasure ? cells[dims] : undefined;
      if (!value) return;
      const num = typeof value.qNum === 'number' ? value.qNum : 0;
      parent.children.push({
        type: 'V',
        cell: value,
        row: r,
        children: [],
        maxPos: Math.max(num, 0),
        minNeg: Math.min(num, 0),
      });
      for (const n of chain) {
        n.maxPos += Math.max(num, 0);
        n.minNeg += Math.min(num, 0);
      }
    });
  }
}

/** An NxStackedPivotCell without its sub-nodes (the root has no text, as in the HELP example). */
function cellOf(n: StackNode): JsonRecord {
  const out: JsonRecord = {};
  if (n.type !== 'R') out.qText = n.cell?.qText ?? '';
  out.qElemNo = n.type === 'R' || n.type === 'V' ? 0 : (n.cell?.qElemNumber ?? -2);
  out.qValue = n.type === 'R' ? 0 : (n.cell?.qNum ?? 'NaN');
  out.qType = n.type;
  out.qMaxPos = n.maxPos;
  out.qMinNeg = n.minNeg;
  out.qUp = 0;
  out.qDown = 0;
  out.qRow = n.row;
  out.qSubNodes = [];
  if (n.cell?.qAttrExps) out.qAttrExps = structuredClone(n.cell.qAttrExps);
  return out;
}

function tree(n: StackNode): JsonRecord {
  const out = cellOf(n);
  out.qSubNodes = n.children.map((child) => tree(child));
  return out;
}
