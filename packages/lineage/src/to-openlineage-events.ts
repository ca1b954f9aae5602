import { redactValue } from '@qixflow/core';
import type { AppNode, LineageEdge, LineageGraph, LineageNode } from './generated/lineage-graph.js';
import { appRunEvents } from './internal/openlineage/app-run-event.js';
import type { OpenLineageRunEvent } from './openlineage-types.js';

/** Options of {@link toOpenLineageEvents}. */
export interface OpenLineageOptions {
  /** Site host for namespaces (`qlik://<host>`); default the graph's `site.host`, else `'qlik-sense'`. */
  readonly host?: string;
  /** Job namespace; default `OPENLINEAGE_NAMESPACE`, else `qlik://<host>`. */
  readonly namespace?: string;
  /** The `producer` URI; default {@link OPENLINEAGE_PRODUCER}. */
  readonly producer?: string;
  /** eventTime for apps without a lastReloadTime; default now. */
  readonly eventTime?: string;
  /**
   * The load script in the job's `sourceCode` facet: `'redacted'` (default; credentials masked by
   * core's `redact`) or `false` (left out).
   */
  readonly includeSourceCode?: 'redacted' | false;
}

/** The default `producer` of the events this package writes. */
export const OPENLINEAGE_PRODUCER = 'https://github.com/qixflow/qixflow/tree/main/packages/lineage';

/**
 * OpenLineage events for a lineage graph (see README, "OpenLineage"): per app, START and COMPLETE
 * for its last reload and START and FAIL for a failed reload after it, each run with its own
 * deterministic id (app id + reload time). Job `<stream>.<app name>` (or the app name) in namespace
 * `qlik://<host>` with the app id in a `qlik_app` facet; inputs = the datasets it reads (patterns
 * and a BINARY source app included), outputs = the QVDs/files it stores and its data-model tables
 * (`qlik://<host>` `app/<appId>/<table>`), with `schema` and `columnLineage` facets traced through
 * the script's tables. Datasets are named by the OpenLineage naming conventions, case kept. Apps
 * whose extraction failed give no event.
 *
 * @example
 * ```ts
 * const events = toOpenLineageEvents(graph, { host: 'sense.example.com' });
 * await writeOpenLineageNdjson(events, 'openlineage.ndjson');
 * await postOpenLineage('http://marquez:5000', events);
 * ```
 */
export function toOpenLineageEvents(graph: LineageGraph, options: OpenLineageOptions = {}): OpenLineageRunEvent[] {
  if (graph === null || typeof graph !== 'object' || !Array.isArray(graph.nodes) || !Array.isArray(graph.edges)) {
    throw new TypeError('toOpenLineageEvents: graph must be a lineage graph ({ nodes, edges, apps })');
  }
  const host = options.host ?? graph.site?.host ?? 'qlik-sense';
  const resolved = {
    host,
    namespace: options.namespace ?? (process.env.OPENLINEAGE_NAMESPACE || `qlik://${host}`),
    producer: options.producer ?? OPENLINEAGE_PRODUCER,
    eventTime: options.eventTime,
    includeSourceCode: options.includeSourceCode ?? 'redacted',
  };
  const byApp = new Map<string, { nodes: Map<string, LineageNode>; edges: LineageEdge[] }>();
  const shared = new Map<string, LineageNode>();
  for (const n of graph.nodes) {
    if (n.appId === undefined) {
      shared.set(n.id, n);
      continue;
    }
    const entry = byApp.get(n.appId) ?? { nodes: new Map(), edges: [] };
    entry.nodes.set(n.id, n);
    byApp.set(n.appId, entry);
  }
  for (const e of graph.edges) {
    // BINARY_FROM is a site-level edge (stitched across apps): it belongs to the app that loads.
    const appId = e.appId ?? (e.kind === 'BINARY_FROM' ? e.from.replace(/^app:/, '') : undefined);
    if (appId !== undefined) byApp.get(appId)?.edges.push(e);
  }
  const scripts = new Map(graph.apps.map((a) => [a.appId, a.script]));
  const events: OpenLineageRunEvent[] = [];
  for (const appId of [...byApp.keys()].sort()) {
    const entry = byApp.get(appId);
    if (!entry) continue;
    const app = [...entry.nodes.values()].find((n): n is AppNode => n.kind === 'App');
    if (!app || app.attributes.status === 'failed') continue;
    for (const [id, n] of shared) if (!entry.nodes.has(id)) entry.nodes.set(id, n);
    // The graph may come from elsewhere than extractAppLineage: the sourceCode facet, the namespaces
    // (from connection strings) and the SQL are redacted here whatever it holds.
    for (const e of appRunEvents(app, entry.nodes, entry.edges, resolved, scripts.get(appId)))
      events.push(redactValue(e));
  }
  return events;
}
