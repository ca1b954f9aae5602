/** Node sizes (with the rows drawn inside them) and the dagre layout of a view. */
import dagre, { type Graph } from '@dagrejs/dagre';
import type { FieldPath } from '../src/internal/html/entity-graph.js';
import type { View, ViewNode } from '../src/internal/html/entity-view.js';
import { clip, LABEL_PX, MAX_ROWS, ROW, TEXT_PX, textWidth } from './dom.js';
import type { Model } from './model.js';
import type { ViewState } from './view-state.js';

/** A row drawn inside a node: a dataset's column, an app's item on the field path, or a "more" line. */
interface NodeRow {
  text: string;
  column?: string;
  field?: string;
  onPath: boolean;
}

export interface NodeSize {
  w: number;
  h: number;
  rows: NodeRow[];
}

export interface Layout {
  readonly g: Graph;
  readonly sizes: ReadonlyMap<string, NodeSize>;
  /** Time dagre took, in milliseconds (one decimal). */
  readonly ms: number;
}

const SHORT_KIND: Record<string, string> = {
  ModelField: 'field',
  MasterMeasure: 'measure',
  MasterDimension: 'dimension',
  Variable: 'variable',
  Visualization: 'chart',
  Sheet: 'sheet',
};

function datasetRows(columns: readonly string[], showAll: boolean, onPathColumns?: ReadonlySet<string>): NodeRow[] {
  const list = showAll ? columns : [...(onPathColumns ?? [])].sort();
  const rows = list.map((c) => ({ text: c, column: c, onPath: onPathColumns?.has(c) ?? false }));
  if (rows.length > MAX_ROWS) {
    // Columns on the path first, so the highlighted ones are never cut off.
    rows.sort((a, b) => Number(b.onPath) - Number(a.onPath));
    const more = rows.length - (MAX_ROWS - 1);
    return [...rows.slice(0, MAX_ROWS - 1), { text: `+ ${more} more columns`, onPath: false }];
  }
  return rows;
}

/** Rows drawn inside a node: a dataset's columns, an app's items on the field path. */
function rowsOf(n: ViewNode, model: Model, state: ViewState, path: FieldPath | undefined): NodeRow[] {
  if (n.type !== 'entity') return [];
  const e = model.entityOf(n.id);
  if (!e) return [];
  if (e.kind !== 'app') return datasetRows(e.columns, state.columns.has(n.id), path?.columns.get(n.id));
  const items = path?.items.get(n.id) ?? [];
  const rows: NodeRow[] = items.map((i) => ({
    text: `${clip(i.name, 34)} (${SHORT_KIND[i.kind] ?? i.kind})`,
    ...(i.kind === 'ModelField' ? { field: i.name } : {}),
    onPath: true,
  }));
  if (rows.length > MAX_ROWS)
    return [...rows.slice(0, MAX_ROWS - 1), { text: `+ ${rows.length - MAX_ROWS + 1} more`, onPath: true }];
  return rows;
}

function sizeOf(n: ViewNode, rows: NodeRow[]): NodeSize {
  const label = clip(n.label, 44);
  const detail = clip(n.detail, 34);
  const w = Math.max(
    100,
    textWidth(`${n.type === 'group' ? '▸ ' : ''}${label}`, LABEL_PX, true) + 26,
    textWidth(detail, TEXT_PX) + 24,
    ...rows.map((r) => textWidth(r.text, TEXT_PX, r.onPath) + 30),
  );
  const h = 46 + (rows.length > 0 ? rows.length * ROW + 8 : 0);
  return { w: Math.ceil(w), h, rows };
}

/** Lays the view out left to right (layered, crossing minimisation). */
export function layoutView(view: View, model: Model, state: ViewState, path: FieldPath | undefined): Layout {
  const t0 = performance.now();
  const g = new dagre.graphlib.Graph({ multigraph: false });
  g.setGraph({ rankdir: 'LR', nodesep: 16, ranksep: 22, edgesep: 10, marginx: 8, marginy: 12 });
  g.setDefaultEdgeLabel(() => ({}));
  const sizes = new Map<string, NodeSize>();
  for (const n of view.nodes) {
    const size = sizeOf(n, rowsOf(n, model, state, path));
    sizes.set(n.id, size);
    g.setNode(n.id, { width: size.w, height: size.h });
  }
  // A count is an edge label: dagre keeps room for it between the layers.
  for (const e of view.edges)
    g.setEdge(
      e.from,
      e.to,
      e.count > 1 ? { width: textWidth(String(e.count), 12) + 8, height: 16, labelpos: 'c' } : {},
    );
  dagre.layout(g);
  return { g, sizes, ms: Math.round((performance.now() - t0) * 10) / 10 };
}
