import { redactValue } from '@qixflow/core';
import type {
  AppNode,
  ConnectionNode,
  DerivesAttributes,
  ExternalDatasetNode,
  LineageEdge,
  LineageGraph,
  LineageNode,
} from './generated/lineage-graph.js';
import { ids } from './internal/graph/node-ids.js';
import { olDatasetName } from './internal/openlineage/dataset-namespace.js';
import { deterministicUuid } from './internal/util/hash.js';
import type { OpenLineageDataset, OpenLineageFacet, OpenLineageRunEvent } from './openlineage-types.js';

/** Options of {@link toOpenLineageEvents}. */
export interface OpenLineageOptions {
  /** Site host for namespaces (`qlik://<host>`); default the graph's `site.host`, else `'qlik-sense'`. */
  readonly host?: string;
  /** Job namespace; default `qlik://<host>`. */
  readonly namespace?: string;
  /** The `producer` URI; default {@link OPENLINEAGE_PRODUCER}. */
  readonly producer?: string;
  /** eventTime for apps without a lastReloadTime; default now. */
  readonly eventTime?: string;
}

/** The default `producer` of the events this package writes. */
export const OPENLINEAGE_PRODUCER = 'https://github.com/qixflow/qixflow/tree/main/packages/lineage';

const SPEC = 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent';
const FACETS = {
  schema: 'https://openlineage.io/spec/facets/1-1-1/SchemaDatasetFacet.json#/$defs/SchemaDatasetFacet',
  columnLineage:
    'https://openlineage.io/spec/facets/1-2-0/ColumnLineageDatasetFacet.json#/$defs/ColumnLineageDatasetFacet',
  jobType: 'https://openlineage.io/spec/facets/2-0-3/JobTypeJobFacet.json#/$defs/JobTypeJobFacet',
  sourceCode: 'https://openlineage.io/spec/facets/1-0-1/SourceCodeJobFacet.json#/$defs/SourceCodeJobFacet',
  documentation: 'https://openlineage.io/spec/facets/1-1-0/DocumentationJobFacet.json#/$defs/DocumentationJobFacet',
  outputStatistics:
    'https://openlineage.io/spec/facets/1-0-2/OutputStatisticsOutputDatasetFacet.json#/$defs/OutputStatisticsOutputDatasetFacet',
} as const;

type Transformation = { type: 'DIRECT' | 'INDIRECT'; subtype: string; masking: false };

const NOT_DATASETS = new Set(['inline', 'autogenerate', 'extension', 'app']);

function transformation(kinds: ReadonlySet<DerivesAttributes['transformation']>): Transformation {
  if (kinds.has('join-key')) return { type: 'INDIRECT', subtype: 'JOIN', masking: false };
  if (kinds.has('aggregation')) return { type: 'DIRECT', subtype: 'AGGREGATION', masking: false };
  if (kinds.has('expression') || kinds.has('mapping'))
    return { type: 'DIRECT', subtype: 'TRANSFORMATION', masking: false };
  return { type: 'DIRECT', subtype: 'IDENTITY', masking: false };
}

/** The events of one app's part of the graph. */
function appEvent(
  app: AppNode,
  nodes: ReadonlyMap<string, LineageNode>,
  edges: readonly LineageEdge[],
  options: Required<Pick<OpenLineageOptions, 'producer'>> & {
    host: string;
    namespace: string;
    eventTime: string | undefined;
  },
  script: string | undefined,
): OpenLineageRunEvent {
  const facet = (schemaURL: string, fields: Record<string, unknown>): OpenLineageFacet => ({
    _producer: options.producer,
    _schemaURL: schemaURL,
    ...fields,
  });
  const incoming = new Map<string, LineageEdge[]>();
  for (const e of edges) {
    if (e.kind !== 'DERIVES' && e.kind !== 'SAME_AS') continue;
    const list = incoming.get(e.to) ?? [];
    list.push(e);
    incoming.set(e.to, list);
  }
  const connectionOf = (d: ExternalDatasetNode): ConnectionNode | undefined => {
    const name = d.attributes.connection?.toLowerCase();
    for (const n of nodes.values()) if (n.kind === 'Connection' && n.name.toLowerCase() === name) return n;
    return undefined;
  };
  const nameOf = (d: ExternalDatasetNode) => olDatasetName(options.host, d, connectionOf(d));
  const readIds = new Set<string>();
  const writeIds = new Set<string>();
  for (const e of edges) {
    const target = nodes.get(e.to);
    if (
      target?.kind !== 'ExternalDataset' ||
      NOT_DATASETS.has(target.attributes.datasetType) ||
      target.attributes.pattern
    )
      continue;
    if (e.kind === 'READS') readIds.add(e.to);
    if (e.kind === 'WRITES') writeIds.add(e.to);
  }
  const fieldsOfDataset = new Map<string, string[]>();
  for (const n of nodes.values()) {
    if (n.kind !== 'DatasetField' || n.name === '*') continue;
    fieldsOfDataset.set(n.attributes.dataset, [...(fieldsOfDataset.get(n.attributes.dataset) ?? []), n.name]);
  }
  const schema = (fields: readonly string[]) =>
    facet(FACETS.schema, { fields: [...fields].sort().map((name) => ({ name })) });

  /** Input dataset fields a field derives from, with the transformations on the way. */
  const trace = (start: string, accept: (e: LineageEdge) => boolean) => {
    const found = new Map<
      string,
      { dataset: ExternalDatasetNode; field: string; kinds: Set<DerivesAttributes['transformation']> }
    >();
    const seen = new Set<string>();
    const walk = (id: string, kinds: Set<DerivesAttributes['transformation']>, depth: number) => {
      if (depth > 64) return;
      for (const e of incoming.get(id) ?? []) {
        if (depth === 0 && !accept(e)) continue;
        const key = `${e.from}|${[...kinds].sort().join(',')}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const next = new Set(kinds);
        if (e.kind === 'DERIVES') next.add(e.attributes.transformation);
        const from = nodes.get(e.from);
        if (from?.kind === 'DatasetField' && readIds.has(from.attributes.dataset)) {
          const ds = nodes.get(from.attributes.dataset);
          if (ds?.kind === 'ExternalDataset' && from.name !== '*') {
            const k = `${ds.id}|${from.name}`;
            const entry = found.get(k) ?? { dataset: ds, field: from.name, kinds: new Set() };
            for (const t of next) entry.kinds.add(t);
            found.set(k, entry);
            continue;
          }
        }
        walk(e.from, next, depth + 1);
      }
    };
    walk(start, new Set(), 0);
    return [...found.values()]
      .map((f) => ({ ...nameOf(f.dataset), field: f.field, transformations: [transformation(f.kinds)] }))
      .sort((a, b) => `${a.namespace}|${a.name}|${a.field}`.localeCompare(`${b.namespace}|${b.name}|${b.field}`));
  };
  const columnLineage = (fields: Record<string, { inputFields: unknown[] }>): Record<string, OpenLineageFacet> =>
    Object.keys(fields).length > 0 ? { columnLineage: facet(FACETS.columnLineage, { fields }) } : {};

  const inputs: OpenLineageDataset[] = [];
  const seenInputs = new Set<string>();
  for (const id of [...readIds].sort()) {
    const ds = nodes.get(id);
    if (ds?.kind !== 'ExternalDataset') continue;
    const n = nameOf(ds);
    const key = `${n.namespace}|${n.name}`;
    if (seenInputs.has(key)) continue;
    seenInputs.add(key);
    const fields = fieldsOfDataset.get(id) ?? [];
    inputs.push({ ...n, ...(fields.length > 0 ? { facets: { schema: schema(fields) } } : {}) });
  }
  const outputs: OpenLineageDataset[] = [];
  for (const id of [...writeIds].sort()) {
    const ds = nodes.get(id);
    if (ds?.kind !== 'ExternalDataset') continue;
    const fields = fieldsOfDataset.get(id) ?? [];
    const lineage: Record<string, { inputFields: unknown[] }> = {};
    for (const f of fields) {
      const inputFields = trace(ids.datasetField(id, f), () => true);
      if (inputFields.length > 0) lineage[f] = { inputFields };
    }
    outputs.push({ ...nameOf(ds), facets: { schema: schema(fields), ...columnLineage(lineage) } });
  }
  // The app's data model: one output dataset per model table.
  const modelTables = [...nodes.values()]
    .filter((n) => n.kind === 'ModelTable')
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const table of modelTables) {
    if (table.kind !== 'ModelTable') continue;
    const fields = edges
      .filter((e) => e.kind === 'CONTAINS' && e.from === table.id)
      .map((e) => nodes.get(e.to))
      .filter((n) => n?.kind === 'ModelField');
    const lineage: Record<string, { inputFields: unknown[] }> = {};
    for (const f of fields) {
      if (!f) continue;
      // A key field is one model field for several tables: follow only this table's script field.
      const inputFields = trace(f.id, (e) => {
        const from = nodes.get(e.from);
        if (from?.kind !== 'ScriptField') return true;
        return nodes.get(from.attributes.table)?.name === table.name;
      });
      if (inputFields.length > 0) lineage[f.name] = { inputFields };
    }
    outputs.push({
      namespace: `qlik://${options.host}/app/${app.attributes.appId}`,
      name: table.name,
      facets: { schema: schema(fields.map((f) => f?.name ?? '')), ...columnLineage(lineage) },
      ...(table.attributes.rows !== undefined
        ? { outputFacets: { outputStatistics: facet(FACETS.outputStatistics, { rowCount: table.attributes.rows }) } }
        : {}),
    });
  }
  const reload = app.attributes.lastReloadTime;
  return {
    eventType: 'COMPLETE',
    eventTime: reload ?? options.eventTime ?? new Date().toISOString(),
    producer: options.producer,
    schemaURL: SPEC,
    run: { runId: deterministicUuid(`${app.attributes.appId}|${reload ?? app.attributes.scriptHash ?? ''}`) },
    job: {
      namespace: options.namespace,
      name: `app:${app.attributes.appId}`,
      facets: {
        jobType: facet(FACETS.jobType, { processingType: 'BATCH', integration: 'QLIK_SENSE', jobType: 'RELOAD' }),
        documentation: facet(FACETS.documentation, { description: app.name }),
        ...(script !== undefined
          ? { sourceCode: facet(FACETS.sourceCode, { language: 'qlik-script', sourceCode: script }) }
          : {}),
      },
    },
    inputs,
    outputs,
  };
}

/**
 * OpenLineage events for a lineage graph: one COMPLETE RunEvent per app (job `app:<appId>` in
 * namespace `qlik://<host>`, run id deterministic from app id + lastReloadTime), inputs = the
 * external datasets it reads, outputs = the QVDs/files it stores and its data-model tables
 * (`qlik://<host>/app/<appId>`), with `schema` and `columnLineage` facets traced through the
 * script's tables. Failed apps give no event.
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
    namespace: options.namespace ?? `qlik://${host}`,
    producer: options.producer ?? OPENLINEAGE_PRODUCER,
    eventTime: options.eventTime,
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
  for (const e of graph.edges) if (e.appId !== undefined) byApp.get(e.appId)?.edges.push(e);
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
    events.push(redactValue(appEvent(app, entry.nodes, entry.edges, resolved, scripts.get(appId))));
  }
  return events;
}
