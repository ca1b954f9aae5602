/** The graph embedded in the page, as entities with their direct neighbours (read-only after start). */
import type { LineageGraph } from '../src/generated/lineage-graph.js';
import { buildEntityGraph, type Entity, type EntityGraph } from '../src/internal/html/entity-graph.js';

export interface Model {
  readonly graph: LineageGraph;
  readonly entities: EntityGraph;
  readonly all: readonly Entity[];
  /** Direct upstream entities of each entity (one entry per entity edge). */
  readonly upOf: ReadonlyMap<string, string[]>;
  /** Direct downstream entities of each entity (one entry per entity edge). */
  readonly downOf: ReadonlyMap<string, string[]>;
  entityOf(id: string): Entity | undefined;
  /** An entity by id, or by exact name / path / identity (hand-written links). */
  resolve(ref: string): string | undefined;
  /** Orders entity ids by entity name. */
  byName(a: string, b: string): number;
}

/** The lineage graph of the page's `#lineage-data` script element. */
export function readGraph(): LineageGraph {
  const dataElement = document.getElementById('lineage-data');
  return JSON.parse(dataElement?.textContent ?? '{"nodes":[],"edges":[],"apps":[]}') as LineageGraph;
}

export function createModel(graph: LineageGraph): Model {
  const entities = buildEntityGraph(graph);
  const all = [...entities.entities.values()];
  const upOf = new Map<string, string[]>();
  const downOf = new Map<string, string[]>();
  for (const e of entities.edges) {
    downOf.set(e.from, [...(downOf.get(e.from) ?? []), e.to]);
    upOf.set(e.to, [...(upOf.get(e.to) ?? []), e.from]);
  }
  const entityOf = (id: string): Entity | undefined => entities.entities.get(id);
  return {
    graph,
    entities,
    all,
    upOf,
    downOf,
    entityOf,
    resolve: (ref) => {
      if (entities.entities.has(ref)) return ref;
      const r = ref.toLowerCase();
      return all.find((e) => e.name.toLowerCase() === r || e.aliases.some((a) => a.toLowerCase() === r))?.id;
    },
    byName: (a, b) => (entityOf(a)?.name ?? a).localeCompare(entityOf(b)?.name ?? b),
  };
}

/** Every entity reachable from `start` (all hops, `start` itself excluded). */
export function reach(start: string, next: ReadonlyMap<string, string[]>): Set<string> {
  const seen = new Set<string>();
  const stack = [start];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    for (const n of next.get(id) ?? [])
      if (!seen.has(n) && n !== start) {
        seen.add(n);
        stack.push(n);
      }
  }
  return seen;
}
