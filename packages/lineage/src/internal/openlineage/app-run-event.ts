import { redact } from '@qixflow/core';
import type { AppNode, LineageEdge, LineageNode } from '../../generated/lineage-graph.js';
import type { OpenLineageDataset, OpenLineageFacet, OpenLineageRunEvent } from '../../openlineage-types.js';
import { ids } from '../graph/node-ids.js';
import { deterministicUuid } from '../util/hash.js';
import {
  type AppView,
  appView,
  columnLineageFacet,
  type InputField,
  type RunEventOptions,
  type Traced,
  trace,
} from './column-lineage.js';
import { OL_FACETS, OL_RUN_EVENT_SCHEMA, QIXFLOW_FACETS } from './facets.js';

export type { RunEventOptions } from './column-lineage.js';

type FieldLineage = Record<string, { inputFields: InputField[] }>;

const schemaFacet = (view: AppView, fields: readonly string[]): OpenLineageFacet =>
  view.facet(OL_FACETS.schema, { fields: [...fields].sort().map((name) => ({ name })) });

/** The facets naming a dataset otherwise: symlinks (aliases), qlik_pattern (a wildcard path). */
function identityFacets(view: AppView, id: string): Record<string, OpenLineageFacet> {
  const ds = view.nodes.get(id);
  if (ds?.kind !== 'ExternalDataset') return {};
  const { aliases } = view.nameOf(ds);
  const out: Record<string, OpenLineageFacet> = {};
  if (aliases.length > 0) out.symlinks = view.facet(OL_FACETS.symlinks, { identifiers: aliases });
  if (ds.attributes.pattern) {
    // The concrete files the engine reported for the pattern, named like any dataset.
    const matches = (ds.attributes.resolvedPaths ?? []).map((path) => {
      const { namespace, name } = view.nameOf({ ...ds, attributes: { ...ds.attributes, path, pattern: false } });
      return { namespace, name };
    });
    out.qlik_pattern = view.facet(QIXFLOW_FACETS.qlikPattern, {
      pattern: view.nameOf(ds).name,
      matches: matches.sort((a, b) => `${a.namespace}|${a.name}`.localeCompare(`${b.namespace}|${b.name}`)),
    });
  }
  return out;
}

/** The external datasets the app reads (and the BINARY source model), once per name, with the fields read. */
function inputDatasets(view: AppView): OpenLineageDataset[] {
  const inputs: OpenLineageDataset[] = [];
  const seen = new Set<string>();
  for (const id of [...view.readIds].sort()) {
    const ds = view.nodes.get(id);
    if (ds?.kind !== 'ExternalDataset') continue;
    const { namespace, name } = view.nameOf(ds);
    const key = `${namespace}|${name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const fields = view.fieldsOfDataset.get(id) ?? [];
    const facets = { ...(fields.length > 0 ? { schema: schemaFacet(view, fields) } : {}), ...identityFacets(view, id) };
    inputs.push({ namespace, name, ...(Object.keys(facets).length > 0 ? { facets } : {}) });
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
    const traced: Traced[] = [];
    for (const f of fields) {
      const t = trace(view, ids.datasetField(id, f), () => true);
      traced.push(t);
      if (t.inputFields.length > 0) lineage[f] = { inputFields: t.inputFields };
    }
    const { namespace, name } = view.nameOf(ds);
    outputs.push({
      namespace,
      name,
      facets: {
        schema: schemaFacet(view, fields),
        ...columnLineageFacet(view, lineage, traced),
        ...identityFacets(view, id),
      },
    });
  }
  return outputs;
}

/** The app's data model: one output dataset per model table (`app/<appId>/<table>`), with column lineage and rows. */
function modelOutputs(view: AppView, app: AppNode): OpenLineageDataset[] {
  const { nodes, edges, options } = view;
  const outputs: OpenLineageDataset[] = [];
  const tables = [...nodes.values()].filter((n) => n.kind === 'ModelTable').sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const table of tables) {
    if (table.kind !== 'ModelTable') continue;
    const fields: LineageNode[] = [];
    for (const e of edges) {
      const n = e.kind === 'CONTAINS' && e.from === table.id ? nodes.get(e.to) : undefined;
      if (n?.kind === 'ModelField') fields.push(n);
    }
    const lineage: FieldLineage = {};
    const traced: Traced[] = [];
    for (const f of fields) {
      // A key field is one model field for several tables: follow only this table's script field.
      const t = trace(view, f.id, (e) => {
        const from = nodes.get(e.from);
        return from?.kind !== 'ScriptField' || nodes.get(from.attributes.table)?.name === table.name;
      });
      traced.push(t);
      if (t.inputFields.length > 0) lineage[f.name] = { inputFields: t.inputFields };
    }
    outputs.push({
      namespace: `qlik://${options.host}`,
      name: `app/${app.attributes.appId}/${table.name}`,
      facets: {
        schema: schemaFacet(
          view,
          fields.map((f) => f.name),
        ),
        ...columnLineageFacet(view, lineage, traced),
      },
      ...(table.attributes.rows !== undefined
        ? {
            outputFacets: {
              outputStatistics: view.facet(OL_FACETS.outputStatistics, { rowCount: table.attributes.rows }),
            },
          }
        : {}),
    });
  }
  return outputs;
}

/**
 * The job of an app: `<stream>.<app name>` when published, the app name otherwise (namespace from
 * the options); facets jobType, documentation, qlik_app (app id, stream, owner) and sourceCode (the
 * script redacted, or left out).
 */
function appJob(view: AppView, app: AppNode, script: string | undefined): OpenLineageRunEvent['job'] {
  const a = app.attributes;
  const qlikApp = {
    appId: a.appId,
    ...(a.streamName ? { stream: a.streamName } : {}),
    ...(a.streamId ? { streamId: a.streamId } : {}),
    ...(a.owner !== undefined ? { owner: a.owner } : {}),
    ...(a.published !== undefined ? { published: a.published } : {}),
  };
  return {
    namespace: view.options.namespace,
    name: a.streamName ? `${a.streamName}.${app.name}` : app.name,
    facets: {
      jobType: view.facet(OL_FACETS.jobType, { processingType: 'BATCH', integration: 'QLIK_SENSE', jobType: 'RELOAD' }),
      documentation: view.facet(OL_FACETS.documentation, { description: app.name }),
      qlik_app: view.facet(QIXFLOW_FACETS.qlikApp, qlikApp),
      ...(script !== undefined && view.options.includeSourceCode === 'redacted'
        ? { sourceCode: view.facet(OL_FACETS.sourceCode, { language: 'qlik-script', sourceCode: redact(script) }) }
        : {}),
    },
  };
}

/** A dataset as START announces it: namespace and name only. */
const bare = (d: OpenLineageDataset): OpenLineageDataset => ({ namespace: d.namespace, name: d.name });

/**
 * The RunEvents of one app's part of the graph. Its last successful reload (`lastReloadTime`; else one
 * run at `options.eventTime`/now, id from the script hash) is a START and a COMPLETE (inputs, stored
 * outputs and model tables with their facets); a failed reload after it is a START and a FAIL with an
 * `errorMessage` run facet. Each run id is deterministic from the app id and the reload's time.
 */
export function appRunEvents(
  app: AppNode,
  nodes: ReadonlyMap<string, LineageNode>,
  edges: readonly LineageEdge[],
  options: RunEventOptions,
  script: string | undefined,
): OpenLineageRunEvent[] {
  const view = appView(nodes, edges, options);
  const job = appJob(view, app, script);
  const base = { producer: options.producer, schemaURL: OL_RUN_EVENT_SCHEMA, job };
  const a = app.attributes;
  const events: OpenLineageRunEvent[] = [];
  const failure = a.lastReloadFailure;
  if (a.lastReloadTime !== undefined || !failure) {
    const inputs = inputDatasets(view);
    const outputs = [...storedOutputs(view), ...modelOutputs(view, app)];
    const at = a.lastReloadTime ?? options.eventTime ?? new Date().toISOString();
    const run = { runId: deterministicUuid(`${a.appId}|reload|${a.lastReloadTime ?? a.scriptHash ?? ''}`) };
    events.push({
      ...base,
      eventType: 'START',
      eventTime: at,
      run,
      inputs: inputs.map(bare),
      outputs: outputs.map(bare),
    });
    events.push({ ...base, eventType: 'COMPLETE', eventTime: at, run, inputs, outputs });
  }
  if (failure) {
    const where = failure.line !== undefined ? ` at line ${failure.line}` : '';
    const message = `reload failed${where}${failure.message !== undefined ? `: ${failure.message}` : ''}${failure.task !== undefined ? ` (task '${failure.task}')` : ''}`;
    const run = { runId: deterministicUuid(`${a.appId}|failed|${failure.at}`) };
    events.push({ ...base, eventType: 'START', eventTime: failure.at, run, inputs: [], outputs: [] });
    events.push({
      ...base,
      eventType: 'FAIL',
      eventTime: failure.at,
      run: {
        ...run,
        facets: { errorMessage: view.facet(OL_FACETS.errorMessage, { message, programmingLanguage: 'QLIK_SCRIPT' }) },
      },
      inputs: [],
      outputs: [],
    });
  }
  return events;
}
