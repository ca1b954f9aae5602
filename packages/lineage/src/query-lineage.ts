import type { LineageEdge, LineageGraph, LineageNode } from './generated/lineage-graph.js';
import { indexOf, type Step, type TraceDirection, type TraceLevel } from './internal/query/graph-index.js';
import { resolveReference } from './internal/query/resolve-reference.js';

export type { TraceDirection, TraceLevel } from './internal/query/graph-index.js';

/** Options of {@link upstream} and {@link downstream}. */
export interface TraceOptions {
  /** `'field'` (default): column lineage; `'dataset'`: datasets, tables, statements, apps. */
  readonly level?: TraceLevel;
  /** How many edges away from the start to go (default: no limit). */
  readonly depth?: number;
}

/** A node of a trace tree, with the edge that led to it from its parent. */
export interface TraceTree {
  readonly node: LineageNode;
  /** The edge between the parent and this node (absent at the root), as it is in the graph. */
  readonly via?: LineageEdge;
  /**
   * The node is expanded elsewhere in the tree (it was reached earlier, or this is a cycle): its
   * children are there, not here.
   */
  readonly repeated?: boolean;
  /** `depth` stopped the walk here (the node has further steps). */
  readonly truncated?: boolean;
  readonly children: readonly TraceTree[];
}

/** The answer of {@link upstream} / {@link downstream}. */
export interface LineageTrace {
  readonly direction: TraceDirection;
  readonly level: TraceLevel;
  readonly root: TraceTree;
  /** Every node reached, the start first, then by distance (each once, in tree order). */
  readonly nodes: readonly LineageNode[];
  /** Every edge walked (each once, in walk order). */
  readonly edges: readonly LineageEdge[];
  /**
   * The nodes where the walk ended because there was no further step (not because of `depth`), by
   * id: upstream, the original sources (database columns, files, INLINE …); downstream, the last
   * consumers (sheets, unused fields).
   */
  readonly leaves: readonly LineageNode[];
}

/** The answer of {@link path}: the nodes from `from` to `to` and the edge before each next node. */
export interface LineagePath {
  readonly direction: TraceDirection;
  readonly level: TraceLevel;
  readonly nodes: readonly LineageNode[];
  readonly edges: readonly LineageEdge[];
}

interface MutableTree {
  node: LineageNode;
  via?: LineageEdge;
  repeated?: boolean;
  truncated?: boolean;
  children: MutableTree[];
}

/** Steps in a stable order: by edge kind, then node name, then id. */
const order = (a: Step, b: Step) =>
  a.edge.kind.localeCompare(b.edge.kind) ||
  a.node.name.localeCompare(b.node.name) ||
  (a.node.id < b.node.id ? -1 : a.node.id > b.node.id ? 1 : a.edge.id < b.edge.id ? -1 : 1);

function walk(graph: LineageGraph, start: string, direction: TraceDirection, options: TraceOptions): LineageTrace {
  const index = indexOf(graph);
  const level = options.level ?? 'field';
  const maxDepth = options.depth ?? Number.POSITIVE_INFINITY;
  const first = resolveReference(graph, start);
  const root: MutableTree = { node: first, children: [] };
  const seen = new Set([first.id]);
  const nodes: LineageNode[] = [first];
  const edges: LineageEdge[] = [];
  const edgeSeen = new Set<string>();
  const leaves: LineageNode[] = [];
  // Breadth first: each node is expanded where it is nearest the start.
  let frontier: { tree: MutableTree; depth: number }[] = [{ tree: root, depth: 0 }];
  while (frontier.length > 0) {
    const next: typeof frontier = [];
    for (const { tree, depth } of frontier) {
      const steps = index.steps(tree.node.id, direction, level).sort(order);
      if (steps.length === 0) leaves.push(tree.node);
      if (depth >= maxDepth) {
        if (steps.length > 0) tree.truncated = true;
        continue;
      }
      for (const { edge, node } of steps) {
        if (!edgeSeen.has(edge.id)) {
          edgeSeen.add(edge.id);
          edges.push(edge);
        }
        const child: MutableTree = { node, via: edge, children: [] };
        if (seen.has(node.id)) child.repeated = true;
        else {
          seen.add(node.id);
          nodes.push(node);
          next.push({ tree: child, depth: depth + 1 });
        }
        tree.children.push(child);
      }
    }
    frontier = next;
  }
  leaves.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { direction, level, root, nodes, edges, leaves };
}

/**
 * Where a node's data comes from: a tree against the data flow, across apps (SAME_AS between each
 * app's copy of a dataset and its fields), with the edges walked. `node` is a node id or a reference
 * (`chart:<app>/<title or id>`, `dbo.Orders#Status`, `lib://QVDs/sales/Orders.qvd#OrderID` …: see the
 * README). At field level the tree follows REFERENCES (chart → master item → model field), DERIVES
 * (value flow), INDIRECT (WHERE, JOIN key and GROUP BY fields) and SAME_AS; at dataset level READS,
 * WRITES, PRODUCES, SAME_AS, USES_CONNECTION, BINARY_FROM and REFERENCES. Cycles end in a `repeated`
 * node. Throws a `LineageError` (`ERR_LINEAGE_NODE_NOT_FOUND`, `ERR_LINEAGE_NODE_AMBIGUOUS`) for a
 * reference that names no node or several.
 *
 * @example
 * ```ts
 * const trace = upstream(graph, 'chart:Sales Dashboard/Sales by Region', { level: 'field' });
 * const sources = trace.leaves.filter((n) => n.kind === 'DatasetField'); // the source columns
 * ```
 */
export function upstream(graph: LineageGraph, node: string, options: TraceOptions = {}): LineageTrace {
  return walk(graph, node, 'upstream', options);
}

/**
 * What depends on a node: a tree with the data flow, across apps, down to the charts (the impact of
 * changing a column or a dataset). Same references, edges and options as {@link upstream}.
 *
 * @example
 * ```ts
 * const impact = downstream(graph, 'dbo.Orders#Status');
 * const charts = impact.nodes.filter((n) => n.kind === 'Visualization').map((n) => n.name);
 * ```
 */
export function downstream(graph: LineageGraph, node: string, options: TraceOptions = {}): LineageTrace {
  return walk(graph, node, 'downstream', options);
}

/**
 * A shortest chain of edges along the data flow from `from` to `to` (field level first, then dataset
 * level); `undefined` when `to` is not downstream of `from`. References as in {@link upstream}.
 *
 * @example
 * ```ts
 * const p = path(graph, 'dbo.Orders#Status', 'chart:Sales Dashboard/Sales by Region');
 * console.log(p?.nodes.map((n) => n.name).join(' → '));
 * ```
 */
export function path(
  graph: LineageGraph,
  from: string,
  to: string,
  options: { readonly level?: TraceLevel } = {},
): LineagePath | undefined {
  const index = indexOf(graph);
  const start = resolveReference(graph, from);
  const goal = resolveReference(graph, to);
  const levels: TraceLevel[] = options.level ? [options.level] : ['field', 'dataset'];
  for (const level of levels) {
    const back = new Map<string, { edge: LineageEdge; prev: string } | null>([[start.id, null]]);
    let frontier = [start.id];
    while (frontier.length > 0 && !back.has(goal.id)) {
      const next: string[] = [];
      for (const id of frontier)
        for (const step of index.steps(id, 'downstream', level)) {
          if (back.has(step.node.id)) continue;
          back.set(step.node.id, { edge: step.edge, prev: id });
          next.push(step.node.id);
        }
      frontier = next;
    }
    if (!back.has(goal.id)) continue;
    const nodes: LineageNode[] = [];
    const edges: LineageEdge[] = [];
    for (let id: string | undefined = goal.id; id !== undefined; ) {
      const node = index.nodes.get(id);
      if (node) nodes.unshift(node);
      const link = back.get(id);
      if (link) edges.unshift(link.edge);
      id = link?.prev;
    }
    return { direction: 'downstream', level, nodes, edges };
  }
  return undefined;
}

/**
 * The node a reference names (see {@link upstream}); throws a `LineageError` when none or several do.
 *
 * @example
 * ```ts
 * const status = resolveLineageNode(graph, 'dbo.Orders#Status'); // the DatasetField node
 * ```
 */
export function resolveLineageNode(graph: LineageGraph, reference: string): LineageNode {
  return resolveReference(graph, reference);
}
