import type { LineageEdge, LineageGraph, LineageNode } from '../../generated/lineage-graph.js';
import { indexOf, type Step, type TraceDirection, type TraceLevel } from './graph-index.js';

/** Options of `upstream` and `downstream` (query-lineage). */
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

/** The answer of `upstream` / `downstream`. */
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

/**
 * The breadth-first walk behind `upstream` and `downstream`, from a node already resolved. Imports
 * nothing but the graph index, so the HTML viewer bundles the same walk the API answers with.
 *
 * @example
 * ```ts
 * const trace = walkTrace(graph, node, 'downstream', { level: 'field' });
 * ```
 */
export function walkTrace(
  graph: LineageGraph,
  first: LineageNode,
  direction: TraceDirection,
  options: TraceOptions,
): LineageTrace {
  const index = indexOf(graph);
  const level = options.level ?? 'field';
  const maxDepth = options.depth ?? Number.POSITIVE_INFINITY;
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
