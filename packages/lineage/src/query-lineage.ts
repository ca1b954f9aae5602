import type { LineageEdge, LineageGraph, LineageNode } from './generated/lineage-graph.js';
import { indexOf, type TraceDirection, type TraceLevel } from './internal/query/graph-index.js';
import { resolveReference } from './internal/query/resolve-reference.js';
import { type LineageTrace, type TraceOptions, walkTrace } from './internal/query/walk-trace.js';

export type { TraceDirection, TraceLevel } from './internal/query/graph-index.js';
export type { LineageTrace, TraceOptions, TraceTree } from './internal/query/walk-trace.js';

/** The answer of {@link path}: the nodes from `from` to `to` and the edge before each next node. */
export interface LineagePath {
  readonly direction: TraceDirection;
  readonly level: TraceLevel;
  readonly nodes: readonly LineageNode[];
  readonly edges: readonly LineageEdge[];
}

function walk(graph: LineageGraph, start: string, direction: TraceDirection, options: TraceOptions): LineageTrace {
  return walkTrace(graph, resolveReference(graph, start), direction, options);
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
