import type {
  AppNode,
  ConnectionNode,
  DerivesAttributes,
  ExternalDatasetNode,
  LineageEdge,
  LineageNode,
} from '../../generated/lineage-graph.js';
import type { OpenLineageDataset, OpenLineageFacet, OpenLineageRunEvent } from '../../openlineage-types.js';
import { ids } from '../graph/node-ids.js';
import { deterministicUuid } from '../util/hash.js';
import { olDatasetName } from './dataset-namespace.js';

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

/** The options of `toOpenLineageEvents`, resolved. */
export interface RunEventOptions {
  readonly host: string;
  readonly namespace: string;
  readonly producer: string;
  readonly eventTime: string | undefined;
}

/** An input field an output field derives from, with the transformation on the way. */
type InputField = ReturnType<typeof olDatasetName> & { field: string; transformations: Transformation[] };

type FieldLineage = Record<string, { inputFields: unknown[] }>;

/** One app's part of the graph, indexed for building its event. */
interface AppView {
  readonly nodes: ReadonlyMap<string, LineageNode>;
  readonly edges: readonly LineageEdge[];
  readonly options: RunEventOptions;
  /** External datasets the app reads / writes (not INLINE, AUTOGENERATE …, not patterns). */
  readonly readIds: ReadonlySet<string>;
  readonly writeIds: ReadonlySet<string>;
  /** Dataset id → its named fields. */
  readonly fieldsOfDataset: ReadonlyMap<string, string[]>;
  /** DERIVES and SAME_AS edges by their target. */
  readonly incoming: ReadonlyMap<string, LineageEdge[]>;
  facet(schemaURL: string, fields: Record<string, unknown>): OpenLineageFacet;
  nameOf(d: ExternalDatasetNode): ReturnType<typeof olDatasetName>;
}

function appView(
  nodes: ReadonlyMap<string, LineageNode>,
  edges: readonly LineageEdge[],
  options: RunEventOptions,
): AppView {
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
  return {
    nodes,
    edges,
    options,
    readIds,
    writeIds,
    fieldsOfDataset,
    incoming,
    facet: (schemaURL, fields) => ({ _producer: options.producer, _schemaURL: schemaURL, ...fields }),
    nameOf: (d) => olDatasetName(options.host, d, connectionOf(d)),
  };
}

const schemaFacet = (view: AppView, fields: readonly string[]): OpenLineageFacet =>
  view.facet(FACETS.schema, { fields: [...fields].sort().map((name) => ({ name })) });

const columnLineageFacet = (view: AppView, fields: FieldLineage): Record<string, OpenLineageFacet> =>
  Object.keys(fields).length > 0 ? { columnLineage: view.facet(FACETS.columnLineage, { fields }) } : {};

/** Input dataset fields a field derives from, with the transformations on the way. */
function trace(view: AppView, start: string, accept: (e: LineageEdge) => boolean): InputField[] {
  const { nodes, incoming, readIds } = view;
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
    .map((f) => ({ ...view.nameOf(f.dataset), field: f.field, transformations: [transformation(f.kinds)] }))
    .sort((a, b) => `${a.namespace}|${a.name}|${a.field}`.localeCompare(`${b.namespace}|${b.name}|${b.field}`));
}

/** The external datasets the app reads, once per name, with the fields read. */
function inputDatasets(view: AppView): OpenLineageDataset[] {
  const inputs: OpenLineageDataset[] = [];
  const seenInputs = new Set<string>();
  for (const id of [...view.readIds].sort()) {
    const ds = view.nodes.get(id);
    if (ds?.kind !== 'ExternalDataset') continue;
    const n = view.nameOf(ds);
    const key = `${n.namespace}|${n.name}`;
    if (seenInputs.has(key)) continue;
    seenInputs.add(key);
    const fields = view.fieldsOfDataset.get(id) ?? [];
    inputs.push({ ...n, ...(fields.length > 0 ? { facets: { schema: schemaFacet(view, fields) } } : {}) });
  }
  return inputs;
}

/** The QVDs and files the app stores, with their column lineage. */
function storedOutputs(view: AppView): OpenLineageDataset[] {
  const outputs: OpenLineageDataset[] = [];
  for (const id of [...view.writeIds].sort()) {
    const ds = view.nodes.get(id);
    if (ds?.kind !== 'ExternalDataset') continue;
    const fields = view.fieldsOfDataset.get(id) ?? [];
    const lineage: FieldLineage = {};
    for (const f of fields) {
      const inputFields = trace(view, ids.datasetField(id, f), () => true);
      if (inputFields.length > 0) lineage[f] = { inputFields };
    }
    outputs.push({
      ...view.nameOf(ds),
      facets: { schema: schemaFacet(view, fields), ...columnLineageFacet(view, lineage) },
    });
  }
  return outputs;
}

/** The app's data model: one output dataset per model table, with column lineage and row count. */
function modelOutputs(view: AppView, app: AppNode): OpenLineageDataset[] {
  const { nodes, edges, options } = view;
  const outputs: OpenLineageDataset[] = [];
  const modelTables = [...nodes.values()]
    .filter((n) => n.kind === 'ModelTable')
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const table of modelTables) {
    if (table.kind !== 'ModelTable') continue;
    const fields = edges
      .filter((e) => e.kind === 'CONTAINS' && e.from === table.id)
      .map((e) => nodes.get(e.to))
      .filter((n) => n?.kind === 'ModelField');
    const lineage: FieldLineage = {};
    for (const f of fields) {
      if (!f) continue;
      // A key field is one model field for several tables: follow only this table's script field.
      const inputFields = trace(view, f.id, (e) => {
        const from = nodes.get(e.from);
        if (from?.kind !== 'ScriptField') return true;
        return nodes.get(from.attributes.table)?.name === table.name;
      });
      if (inputFields.length > 0) lineage[f.name] = { inputFields };
    }
    outputs.push({
      namespace: `qlik://${options.host}/app/${app.attributes.appId}`,
      name: table.name,
      facets: {
        schema: schemaFacet(
          view,
          fields.map((f) => f?.name ?? ''),
        ),
        ...columnLineageFacet(view, lineage),
      },
      ...(table.attributes.rows !== undefined
        ? {
            outputFacets: {
              outputStatistics: view.facet(FACETS.outputStatistics, { rowCount: table.attributes.rows }),
            },
          }
        : {}),
    });
  }
  return outputs;
}

/**
 * The COMPLETE RunEvent of one app's part of the graph: job `app:<appId>` (type, documentation, source
 * code), a run id deterministic from the app and its reload, inputs, stored outputs and model tables.
 */
export function appRunEvent(
  app: AppNode,
  nodes: ReadonlyMap<string, LineageNode>,
  edges: readonly LineageEdge[],
  options: RunEventOptions,
  script: string | undefined,
): OpenLineageRunEvent {
  const view = appView(nodes, edges, options);
  const inputs = inputDatasets(view);
  const outputs = [...storedOutputs(view), ...modelOutputs(view, app)];
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
        jobType: view.facet(FACETS.jobType, { processingType: 'BATCH', integration: 'QLIK_SENSE', jobType: 'RELOAD' }),
        documentation: view.facet(FACETS.documentation, { description: app.name }),
        ...(script !== undefined
          ? { sourceCode: view.facet(FACETS.sourceCode, { language: 'qlik-script', sourceCode: script }) }
          : {}),
      },
    },
    inputs,
    outputs,
  };
}
