import type { LineageEdge, LineageGraph, LineageNode, LineageTrace, TraceTree } from '@qixflow/lineage';
import { escapeControl } from '../output/escape-control.js';

/**
 * Names nodes for people: `dataset#field`, `table.field`, with the app's name.
 *
 * @example
 * ```ts
 * const namer = new NodeNamer(graph);
 * namer.name(node); // 'dbo.Orders#Status'
 * ```
 */
export class NodeNamer {
  readonly #nodes = new Map<string, LineageNode>();
  readonly #apps = new Map<string, string>();

  constructor(graph: LineageGraph) {
    for (const n of graph.nodes) {
      this.#nodes.set(n.id, n);
      if (n.kind === 'App') this.#apps.set(n.attributes.appId, n.name);
    }
  }

  /** `dbo.Orders#Status`, `SalesFact.Sales`, `Total Sales` … */
  name(node: LineageNode): string {
    if (node.kind === 'DatasetField') return `${this.#nodes.get(node.attributes.dataset)?.name ?? '?'}#${node.name}`;
    if (node.kind === 'ScriptField') return `${this.#nodes.get(node.attributes.table)?.name ?? '?'}.${node.name}`;
    return node.name;
  }

  /** The app's name (or id), empty for site-level nodes. */
  app(node: LineageNode): string {
    return node.appId === undefined ? '' : (this.#apps.get(node.appId) ?? node.appId);
  }
}

/**
 * `DERIVES expression`, `INDIRECT filter`, `REFERENCES measure`, `SAME_AS` …
 *
 * @example
 * ```ts
 * edgeLabel(edge); // 'INDIRECT filter'
 * ```
 */
function edgeLabel(edge: LineageEdge): string {
  switch (edge.kind) {
    case 'DERIVES':
      return `DERIVES ${edge.attributes.transformation}`;
    case 'INDIRECT':
      return `INDIRECT ${edge.attributes.subtype}`;
    case 'REFERENCES':
      return `REFERENCES ${edge.attributes.usage}`;
    case 'READS':
      return `READS ${edge.attributes.mode}`;
    case 'PRODUCES':
      return `PRODUCES ${edge.attributes.operation}`;
    default:
      return edge.kind;
  }
}

/**
 * The trace as an indented tree, one node a line: the edge from its parent, the node's kind and name,
 * its app when it differs from its parent's; `(repeated)` for a node expanded elsewhere, `…` where
 * `--depth` stopped.
 *
 * @example
 * ```ts
 * for (const line of formatTraceTree(upstream(graph, 'chart:App/Chart'), new NodeNamer(graph))) console.log(line);
 * ```
 */
export function formatTraceTree(trace: LineageTrace, namer: NodeNamer): string[] {
  const lines: string[] = [];
  const visit = (t: TraceTree, prefix: string, last: boolean, parentApp: string | undefined) => {
    const app = namer.app(t.node);
    const head = t.via ? `${prefix}${last ? '└─ ' : '├─ '}${edgeLabel(t.via)} → ` : '';
    const where = app !== parentApp && app !== '' ? `  [${app}]` : '';
    const tail = t.repeated ? '  (repeated)' : t.truncated ? '  …' : '';
    lines.push(escapeControl(`${head}${t.node.kind} ${namer.name(t.node)}${where}${tail}`));
    const childPrefix = t.via ? `${prefix}${last ? '   ' : '│  '}` : '';
    t.children.forEach((c, i) => {
      visit(c, childPrefix, i === t.children.length - 1, app);
    });
  };
  visit(trace.root, '', true, undefined);
  return lines;
}

/**
 * `<kind> <name>  [app]` lines of some nodes, sorted.
 *
 * @example
 * ```ts
 * nodeList(trace.leaves, namer); // ['DatasetField dbo.Orders#Status  [Sales Extract]', …]
 * ```
 */
export function nodeList(nodes: readonly LineageNode[], namer: NodeNamer): string[] {
  return nodes
    .map((n) => {
      const app = namer.app(n);
      return escapeControl(`${n.kind} ${namer.name(n)}${app ? `  [${app}]` : ''}`);
    })
    .sort();
}

/** A trace tree as JSON: node ids, kinds, readable names, the edge from the parent. */
export interface TraceTreeJson {
  id: string;
  kind: string;
  name: string;
  app?: string;
  via?: { id: string; kind: string; label: string; attributes: object };
  repeated?: true;
  truncated?: true;
  children: TraceTreeJson[];
}

/**
 * The JSON form of a tree (`--json`).
 *
 * @example
 * ```ts
 * JSON.stringify(traceTreeJson(trace.root, namer));
 * ```
 */
export function traceTreeJson(t: TraceTree, namer: NodeNamer): TraceTreeJson {
  const app = namer.app(t.node);
  return {
    id: t.node.id,
    kind: t.node.kind,
    name: namer.name(t.node),
    ...(app ? { app } : {}),
    ...(t.via
      ? { via: { id: t.via.id, kind: t.via.kind, label: edgeLabel(t.via), attributes: t.via.attributes } }
      : {}),
    ...(t.repeated ? { repeated: true as const } : {}),
    ...(t.truncated ? { truncated: true as const } : {}),
    children: t.children.map((c) => traceTreeJson(c, namer)),
  };
}

/**
 * Every edge of a trace with readable names of its ends (for the JSON output).
 *
 * @example
 * ```ts
 * edgeRows(trace.edges, graph, namer)[0]; // { kind: 'DERIVES', label: 'DERIVES expression', fromName: 'dbo.Orders#Status [Sales Extract]', … }
 * ```
 */
export function edgeRows(
  edges: readonly LineageEdge[],
  graph: LineageGraph,
  namer: NodeNamer,
): { id: string; kind: string; label: string; from: string; to: string; fromName: string; toName: string }[] {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const named = (id: string) => {
    const n = byId.get(id);
    return n ? `${namer.name(n)}${namer.app(n) ? ` [${namer.app(n)}]` : ''}` : id;
  };
  return edges.map((e) => ({
    id: e.id,
    kind: e.kind,
    label: edgeLabel(e),
    from: e.from,
    to: e.to,
    fromName: named(e.from),
    toName: named(e.to),
  }));
}
