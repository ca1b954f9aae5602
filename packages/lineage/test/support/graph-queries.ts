import type { LineageEdge, LineageGraph, LineageNode } from '../../src/index.js';

type Kind = LineageNode['kind'];
type EdgeKind = LineageEdge['kind'];

/** Finders over a graph that fail loudly (with what there is) when the expected element is missing. */
export class GraphQuery {
  readonly graph: LineageGraph;
  readonly #byId: Map<string, LineageNode>;

  constructor(graph: LineageGraph) {
    this.graph = graph;
    this.#byId = new Map(graph.nodes.map((n) => [n.id, n]));
  }

  node(id: string): LineageNode | undefined {
    return this.#byId.get(id);
  }

  /** Nodes of a kind named `name` (in an app, when given). */
  nodes(kind: Kind, name?: string, appId?: string): LineageNode[] {
    return this.graph.nodes.filter(
      (n) => n.kind === kind && (name === undefined || n.name === name) && (appId === undefined || n.appId === appId),
    );
  }

  /** The one node of a kind and name (in an app). */
  one(kind: Kind, name: string, appId?: string): LineageNode {
    const found = this.nodes(kind, name, appId);
    if (found.length !== 1) {
      const names = this.nodes(kind, undefined, appId).map((n) => n.name);
      throw new Error(
        `expected one ${kind} named ${name}${appId ? ` in ${appId}` : ''}, found ${found.length}; there are: ${names.slice(0, 40).join(' | ')}`,
      );
    }
    return found[0] as LineageNode;
  }

  /** A field of a dataset/script table (by the container's name). */
  field(kind: 'DatasetField' | 'ScriptField', container: string, name: string, appId: string): LineageNode {
    const parentKind: Kind = kind === 'DatasetField' ? 'ExternalDataset' : 'ScriptTable';
    const parents = this.nodes(parentKind, container, appId);
    const found = this.graph.nodes.filter(
      (n) =>
        n.kind === kind &&
        n.name === name &&
        n.appId === appId &&
        parents.some(
          (p) =>
            (n.kind === 'DatasetField' ? n.attributes.dataset : n.kind === 'ScriptField' ? n.attributes.table : '') ===
            p.id,
        ),
    );
    if (found.length !== 1)
      throw new Error(`expected one ${kind} ${container}.${name} in ${appId}, found ${found.length}`);
    return found[0] as LineageNode;
  }

  edges<K extends EdgeKind>(kind: K, from?: string, to?: string): Extract<LineageEdge, { kind: K }>[] {
    return this.graph.edges.filter(
      (e): e is Extract<LineageEdge, { kind: K }> =>
        e.kind === kind && (from === undefined || e.from === from) && (to === undefined || e.to === to),
    );
  }

  /** The edge of a kind between two nodes (exactly one). */
  edge<K extends EdgeKind>(
    kind: K,
    from: LineageNode | string,
    to: LineageNode | string,
  ): Extract<LineageEdge, { kind: K }> {
    const f = typeof from === 'string' ? from : from.id;
    const t = typeof to === 'string' ? to : to.id;
    const found = this.edges(kind, f, t);
    if (found.length === 0) {
      const out = this.graph.edges.filter((e) => e.from === f).map((e) => `${e.kind}→${this.node(e.to)?.name ?? e.to}`);
      throw new Error(
        `no ${kind} edge ${this.node(f)?.name ?? f} → ${this.node(t)?.name ?? t}; edges from it: ${out.slice(0, 30).join(', ')}`,
      );
    }
    return found[0] as Extract<LineageEdge, { kind: K }>;
  }

  /** Whether an edge of a kind exists between two nodes. */
  has(kind: EdgeKind, from: LineageNode | string, to: LineageNode | string): boolean {
    return this.edges(kind, typeof from === 'string' ? from : from.id, typeof to === 'string' ? to : to.id).length > 0;
  }
}
