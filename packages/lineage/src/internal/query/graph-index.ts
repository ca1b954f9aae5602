import type { LineageEdge, LineageGraph, LineageNode } from '../../generated/lineage-graph.js';

/** The grain of a trace: datasets, tables and statements, or fields. */
export type TraceLevel = 'dataset' | 'field';
/** Which way a trace goes: against the data flow (sources) or with it (consumers). */
export type TraceDirection = 'upstream' | 'downstream';

/** One step of a walk: the edge taken and the node it leads to. */
export interface Step {
  readonly edge: LineageEdge;
  readonly node: LineageNode;
}

const FIELD_KINDS: ReadonlySet<string> = new Set(['DatasetField', 'ScriptField', 'ModelField']);
const CONTAINERS: ReadonlySet<string> = new Set(['ExternalDataset', 'ScriptTable', 'ModelTable']);
const CONSUMERS: ReadonlySet<string> = new Set(['Sheet', 'Visualization']);
/** Value flow from → to (DERIVES, SAME_AS, INDIRECT at field level; WRITES, PRODUCES, SAME_AS at dataset level). */
const FIELD_FORWARD: ReadonlySet<string> = new Set(['DERIVES', 'INDIRECT', 'SAME_AS']);
const DATASET_FORWARD: ReadonlySet<string> = new Set(['WRITES', 'PRODUCES', 'SAME_AS']);
/** Flow to → from (the `from` uses the `to`). */
const FIELD_BACKWARD: ReadonlySet<string> = new Set(['REFERENCES']);
const DATASET_BACKWARD: ReadonlySet<string> = new Set(['READS', 'USES_CONNECTION', 'BINARY_FROM', 'REFERENCES']);

/** Nodes by id and edges by end, built once per graph object. */
export class GraphIndex {
  readonly graph: LineageGraph;
  readonly nodes = new Map<string, LineageNode>();
  readonly #out = new Map<string, LineageEdge[]>();
  readonly #in = new Map<string, LineageEdge[]>();

  constructor(graph: LineageGraph) {
    this.graph = graph;
    for (const n of graph.nodes) this.nodes.set(n.id, n);
    for (const e of graph.edges) {
      push(this.#out, e.from, e);
      push(this.#in, e.to, e);
    }
  }

  outgoing(id: string): readonly LineageEdge[] {
    return this.#out.get(id) ?? [];
  }

  incoming(id: string): readonly LineageEdge[] {
    return this.#in.get(id) ?? [];
  }

  /**
   * The next steps of a walk from a node. Field level: DERIVES, INDIRECT and SAME_AS between fields,
   * REFERENCES from charts, master items and variables, a container's fields (CONTAINS) and a sheet's
   * charts. Dataset level: WRITES, PRODUCES, SAME_AS between datasets, READS, USES_CONNECTION,
   * BINARY_FROM, REFERENCES, a field's table and a sheet's charts.
   */
  steps(id: string, direction: TraceDirection, level: TraceLevel): Step[] {
    const node = this.nodes.get(id);
    if (!node) return [];
    const up = direction === 'upstream';
    const forward = level === 'field' ? FIELD_FORWARD : DATASET_FORWARD;
    const backward = level === 'field' ? FIELD_BACKWARD : DATASET_BACKWARD;
    const out: Step[] = [];
    const add = (edge: LineageEdge, otherId: string) => {
      const other = this.nodes.get(otherId);
      if (other && this.#fits(edge, node, other, level)) out.push({ edge, node: other });
    };
    for (const e of up ? this.incoming(id) : this.outgoing(id)) if (forward.has(e.kind)) add(e, up ? e.from : e.to);
    for (const e of up ? this.outgoing(id) : this.incoming(id)) if (backward.has(e.kind)) add(e, up ? e.to : e.from);
    for (const e of this.outgoing(id)) {
      if (e.kind !== 'CONTAINS') continue;
      const child = this.nodes.get(e.to);
      if (!child) continue;
      // A container's fields, either way (field level); a model table's fields downstream (dataset level).
      if (level === 'field' && CONTAINERS.has(node.kind) && FIELD_KINDS.has(child.kind)) add(e, e.to);
      if (level === 'dataset' && !up && node.kind === 'ModelTable' && child.kind === 'ModelField') add(e, e.to);
      // A sheet (a filter pane) shows its charts (list boxes): they are its upstream.
      if (up && CONSUMERS.has(node.kind) && child.kind === 'Visualization') add(e, e.to);
    }
    for (const e of this.incoming(id)) {
      if (e.kind !== 'CONTAINS') continue;
      const parent = this.nodes.get(e.from);
      if (!parent) continue;
      if (!up && node.kind === 'Visualization' && CONSUMERS.has(parent.kind)) add(e, e.from);
      // Dataset level, upstream: a model field comes from its table.
      if (up && level === 'dataset' && node.kind === 'ModelField' && parent.kind === 'ModelTable') add(e, e.from);
      // Dataset level: a column of a dataset or script table (a start such as dbo.Orders#Status) stands for its table.
      if (
        level === 'dataset' &&
        (node.kind === 'DatasetField' || node.kind === 'ScriptField') &&
        CONTAINERS.has(parent.kind)
      )
        add(e, e.from);
    }
    return out;
  }

  #fits(edge: LineageEdge, node: LineageNode, other: LineageNode, level: TraceLevel): boolean {
    if (edge.kind === 'SAME_AS') return FIELD_KINDS.has(node.kind) === (level === 'field');
    // A statement's $(variable) expansions say how its text was made, not where its data comes from.
    if (edge.kind === 'REFERENCES') return node.kind !== 'ScriptStatement' && other.kind !== 'ScriptStatement';
    return true;
  }
}

function push(map: Map<string, LineageEdge[]>, key: string, edge: LineageEdge): void {
  const list = map.get(key);
  if (list) list.push(edge);
  else map.set(key, [edge]);
}

const cache = new WeakMap<LineageGraph, GraphIndex>();

/**
 * The index of a graph (cached per graph object: do not mutate a graph between queries).
 *
 * @example
 * ```ts
 * const steps = indexOf(graph).steps(nodeId, 'upstream', 'field');
 * ```
 */
export function indexOf(graph: LineageGraph): GraphIndex {
  let index = cache.get(graph);
  if (!index) {
    index = new GraphIndex(graph);
    cache.set(graph, index);
  }
  return index;
}
