import type { AppNode, AppReport, LineageEdge, LineageGraph, LineageNode } from './generated/lineage-graph.js';
import { datasetIndex } from './internal/graph/dataset-index.js';
import { type StitchApp, stitchSite } from './internal/site/stitch.js';

/** Options of {@link mergeLineageGraphs}. */
export interface MergeLineageOptions {
  /** Adds a Site node (and Stream nodes from the apps' stream attributes) for this host. */
  readonly host?: string;
}

/**
 * Merges app graphs (from {@link extractAppLineage}) into one, de-duplicating shared nodes
 * (connections) and adding the cross-app edges: SAME_AS between datasets of different apps with the
 * same normalised identity (writer → reader, and their fields), and BINARY_FROM.
 *
 * @example
 * ```ts
 * const graph = mergeLineageGraphs([extract.graph, transform.graph], { host: 'sense.example.com' });
 * ```
 */
export function mergeLineageGraphs(graphs: readonly LineageGraph[], options: MergeLineageOptions = {}): LineageGraph {
  if (!Array.isArray(graphs)) throw new TypeError('mergeLineageGraphs: graphs must be an array of lineage graphs');
  const nodes = new Map<string, LineageNode>();
  const edges = new Map<string, LineageEdge>();
  const apps = new Map<string, AppReport>();
  for (const g of graphs) {
    for (const n of g.nodes) if (!nodes.has(n.id)) nodes.set(n.id, n);
    for (const e of g.edges) if (!edges.has(e.id)) edges.set(e.id, e);
    for (const a of g.apps) if (!apps.has(a.appId)) apps.set(a.appId, a);
  }
  const perApp = new Map<string, { nodes: LineageNode[]; edges: LineageEdge[] }>();
  for (const n of nodes.values()) {
    if (n.appId === undefined) continue;
    const entry = perApp.get(n.appId) ?? { nodes: [], edges: [] };
    entry.nodes.push(n);
    perApp.set(n.appId, entry);
  }
  for (const e of edges.values()) if (e.appId !== undefined) perApp.get(e.appId)?.edges.push(e);
  const stitchApps: StitchApp[] = [];
  const streams = new Map<string, string>();
  for (const [appId, entry] of [...perApp].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const app = entry.nodes.find((n): n is AppNode => n.kind === 'App');
    if (!app) continue;
    const streamId = app.attributes.streamId ?? null;
    if (streamId) streams.set(streamId, app.attributes.streamName ?? streamId);
    stitchApps.push({
      appId,
      name: app.name,
      streamId,
      datasets: datasetIndex(entry.nodes, entry.edges),
      binaryPaths: app.attributes.binary ? [app.attributes.binary] : [],
    });
  }
  const site = options.host
    ? { host: options.host, streams: [...streams].map(([id, name]) => ({ id, name })), connections: [] }
    : null;
  const stitched = stitchSite(site, stitchApps);
  for (const n of stitched.nodes) if (!nodes.has(n.id)) nodes.set(n.id, n);
  for (const e of stitched.edges) if (!edges.has(e.id)) edges.set(e.id, e);
  const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return {
    schemaVersion: 'qixflow-lineage/1',
    ...(options.host ? { site: { host: options.host } } : {}),
    nodes: [...nodes.values()].sort(byId),
    edges: [...edges.values()].sort(byId),
    apps: [...apps.values()].sort((a, b) => (a.appId < b.appId ? -1 : 1)),
  };
}
