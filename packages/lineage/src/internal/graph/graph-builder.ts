import type { Confidence, LineageEdge, LineageNode, Provenance } from '../../generated/lineage-graph.js';
import { sha256Hex } from '../util/hash.js';
import { redactEdge, redactNode } from './redact-graph.js';

/** A node kind, e.g. `'ExternalDataset'`. */
export type NodeKind = LineageNode['kind'];
/** An edge kind, e.g. `'DERIVES'`. */
export type EdgeKind = LineageEdge['kind'];
/** The node type of a kind. */
export type NodeOf<K extends NodeKind> = Extract<LineageNode, { kind: K }>;
/** The edge type of a kind. */
export type EdgeOf<K extends EdgeKind> = Extract<LineageEdge, { kind: K }>;

/** Where a node or edge comes from and how sure we are. */
export interface Origin {
  readonly provenance: Provenance;
  readonly confidence: Confidence;
}

/** Stable edge id: a hash of kind, ends and an optional qualifier (the statement, a role …). */
function edgeId(kind: EdgeKind, from: string, to: string, qualifier = ''): string {
  return `e:${sha256Hex(`${kind}\u0000${from}\u0000${to}\u0000${qualifier}`, 24)}`;
}

/**
 * Collects the nodes and edges of one app (or of the site level) with de-duplication by id; the
 * first writer of an id wins, later adds of the same id return the existing element (callers may
 * then raise its confidence with {@link GraphBuilder.confirm}).
 */
export class GraphBuilder {
  readonly appId: string | undefined;
  readonly #nodes = new Map<string, LineageNode>();
  readonly #edges = new Map<string, LineageEdge>();

  constructor(appId?: string) {
    this.appId = appId;
  }

  node<K extends NodeKind>(
    kind: K,
    id: string,
    name: string,
    attributes: NodeOf<K>['attributes'],
    origin: Origin,
    options: { siteLevel?: boolean } = {},
  ): NodeOf<K> {
    const existing = this.#nodes.get(id);
    if (existing) return existing as NodeOf<K>;
    const node = {
      id,
      kind,
      name,
      ...(this.appId !== undefined && !options.siteLevel ? { appId: this.appId } : {}),
      provenance: origin.provenance,
      confidence: origin.confidence,
      attributes,
    } as unknown as NodeOf<K>;
    this.#nodes.set(id, node);
    return node;
  }

  edge<K extends EdgeKind>(
    kind: K,
    from: string,
    to: string,
    attributes: EdgeOf<K>['attributes'],
    origin: Origin,
    qualifier = '',
  ): EdgeOf<K> {
    const id = edgeId(kind, from, to, qualifier);
    const existing = this.#edges.get(id);
    if (existing) return existing as EdgeOf<K>;
    const edge = {
      id,
      kind,
      from,
      to,
      ...(this.appId !== undefined ? { appId: this.appId } : {}),
      provenance: origin.provenance,
      confidence: origin.confidence,
      attributes,
    } as unknown as EdgeOf<K>;
    this.#edges.set(id, edge);
    return edge;
  }

  getNode(id: string): LineageNode | undefined {
    return this.#nodes.get(id);
  }

  getEdge(id: string): LineageEdge | undefined {
    return this.#edges.get(id);
  }

  hasNode(id: string): boolean {
    return this.#nodes.has(id);
  }

  /** Sets provenance and confidence of a node or edge (reconciliation). */
  set(id: string, origin: Origin): void {
    const target = this.#nodes.get(id) ?? this.#edges.get(id);
    if (!target) return;
    target.provenance = origin.provenance;
    target.confidence = origin.confidence;
  }

  /** Every edge (insertion order). */
  edgeList(): LineageEdge[] {
    return [...this.#edges.values()];
  }

  /** Every node (insertion order). */
  nodeList(): LineageNode[] {
    return [...this.#nodes.values()];
  }

  /** Nodes and edges sorted by id: the same content always serialises to the same text. */
  build(): { nodes: LineageNode[]; edges: LineageEdge[] } {
    const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    // Every graph output (fragments, lineage.json, HTML, OpenLineage, extractAppLineage) starts
    // here: scripts, statements and connection strings are redacted once, before anything is written.
    return {
      nodes: firstOfEachId(this.nodeList().map(redactNode)).sort(byId),
      edges: firstOfEachId(this.edgeList().map(redactEdge)).sort(byId),
    };
  }
}

// Two ids that differed only in a credential are one id once it is masked.
function firstOfEachId<T extends { id: string }>(items: T[]): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    if (seen.has(item.id)) return false;
    seen.add(item.id);
    return true;
  });
}
