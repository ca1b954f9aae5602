import type { LineageEdge, LineageNode } from '../../generated/lineage-graph.js';

/** A dataset an app reads or writes: what cross-app stitching needs, kept compact. */
export interface DatasetUse {
  readonly nodeId: string;
  readonly identity: string;
  readonly role: 'read' | 'write';
  readonly fields: readonly string[];
  readonly confidence: number;
}

/** Pseudo-sources (INLINE, AUTOGENERATE, extensions, other apps) are per app: never stitched. */
const STITCHABLE = new Set(['qvd', 'file', 'db-table', 'web', 'unknown']);

/** The stitchable datasets of an app graph, with their fields and whether the app reads or writes them. */
export function datasetIndex(nodes: readonly LineageNode[], edges: readonly LineageEdge[]): DatasetUse[] {
  const fieldsOf = new Map<string, string[]>();
  for (const n of nodes) {
    if (n.kind !== 'DatasetField') continue;
    const list = fieldsOf.get(n.attributes.dataset) ?? [];
    list.push(n.name);
    fieldsOf.set(n.attributes.dataset, list);
  }
  const roles = new Map<string, Set<'read' | 'write'>>();
  for (const e of edges) {
    if (e.kind !== 'READS' && e.kind !== 'WRITES') continue;
    const set = roles.get(e.to) ?? new Set();
    set.add(e.kind === 'READS' ? 'read' : 'write');
    roles.set(e.to, set);
  }
  const out: DatasetUse[] = [];
  for (const n of nodes) {
    if (n.kind !== 'ExternalDataset' || !STITCHABLE.has(n.attributes.datasetType) || n.attributes.pattern) continue;
    for (const role of [...(roles.get(n.id) ?? [])].sort()) {
      out.push({
        nodeId: n.id,
        identity: n.attributes.identity,
        role,
        fields: [...(fieldsOf.get(n.id) ?? [])].sort(),
        confidence: n.confidence,
      });
    }
  }
  return out;
}
