import type { LineageGraph, LineageNode } from '../../generated/lineage-graph.js';
import { indexOf } from '../query/graph-index.js';
import { walkTrace } from '../query/walk-trace.js';

/**
 * The kinds of the entity-centric view: apps (jobs) and the datasets between them, by dataset type
 * (`other`: INLINE, AUTOGENERATE, web, extension and unknown sources).
 */
export type EntityKind = 'app' | 'qvd' | 'file' | 'table' | 'other';

/** Every entity kind, in legend order. */
export const ENTITY_KINDS: readonly EntityKind[] = ['app', 'qvd', 'file', 'table', 'other'];

/** An app, or a physical dataset: one entity however many apps read or write it. */
export interface Entity {
  /** `app:<appId>` (the App node's id) or `dataset:<identity>`. */
  readonly id: string;
  readonly kind: EntityKind;
  /** Short label: the app name, the file name, the table name. */
  readonly name: string;
  /** Second line: the folder, the connection, the stream. */
  readonly detail: string;
  /** What a search matches besides the name: paths, identity, the app id. */
  readonly aliases: readonly string[];
  /** Where the overview groups it: `[kind label, …folders]` (apps: `['Apps', stream]`). */
  readonly groupKey: readonly string[];
  /** The graph nodes it stands for: the App node, or every app's copy of the dataset. */
  readonly nodeIds: readonly string[];
  /** Columns of the dataset (the union over its copies), sorted; none for apps. */
  readonly columns: readonly string[];
}

/** A data flow between entities: dataset → app (reads), app → dataset (writes), app → app (binary load). */
export interface EntityEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: 'reads' | 'writes' | 'binary';
}

/** The lineage graph seen as entities: what the HTML page draws. */
export interface EntityGraph {
  readonly entities: ReadonlyMap<string, Entity>;
  readonly edges: readonly EntityEdge[];
  /** The entity a graph node belongs to: its dataset, or the app it is part of. */
  entityOf(nodeId: string): string | undefined;
}

const KIND_LABEL: Readonly<Record<EntityKind, string>> = {
  app: 'Apps',
  qvd: 'QVDs',
  file: 'Files',
  table: 'DB tables',
  other: 'Other sources',
};

/** The plural label of a kind (legend, groups). */
export function entityKindLabel(kind: EntityKind): string {
  return KIND_LABEL[kind];
}

function datasetKind(type: string): EntityKind {
  if (type === 'qvd') return 'qvd';
  if (type === 'file') return 'file';
  if (type === 'db-table') return 'table';
  return 'other';
}

/** `lib://QVDs/sales/Orders.qvd` → [`lib://QVDs/sales/`, `Orders.qvd`]. */
function splitPath(path: string): [string, string] {
  const slash = path.replace(/\\/g, '/').lastIndexOf('/');
  return slash < 0 ? ['', path] : [path.slice(0, slash + 1), path.slice(slash + 1)];
}

/** The folders of a dataset identity, outermost first (`lib://qvds/sales/orders.qvd` → `lib://qvds`, `sales`). */
function folders(identity: string, kind: EntityKind, type: string): string[] {
  if (kind === 'other') return [type];
  const scheme = /^([a-z][a-z0-9+.-]*:\/\/)/i.exec(identity)?.[1] ?? '';
  const parts = identity.slice(scheme.length).split('/');
  const last = parts.pop() ?? '';
  if (scheme !== '' && parts.length > 0) parts[0] = `${scheme}${parts[0]}`;
  // A database table's schema is its folder.
  if (kind === 'table' && last.includes('.')) parts.push(last.slice(0, last.lastIndexOf('.')));
  return parts.filter((p) => p !== '');
}

interface DatasetDraft {
  readonly kind: EntityKind;
  readonly type: string;
  readonly identity: string;
  readonly nodes: LineageNode[];
  readonly columns: Set<string>;
}

/**
 * The entity graph of a lineage graph: one entity per app and one per physical dataset — the
 * datasets of every app with the same normalised `identity` (the rule cross-app stitching uses for
 * SAME_AS) are one entity — with an edge per read, write and binary load.
 *
 * @example
 * ```ts
 * const entities = buildEntityGraph(graph);
 * entities.entities.get('dataset:lib://qvds/sales/orders.qvd')?.nodeIds; // each app's copy
 * ```
 */
export function buildEntityGraph(graph: LineageGraph): EntityGraph {
  const entities = new Map<string, Entity>();
  const ofNode = new Map<string, string>();
  const appNames = new Map<string, string>();
  for (const n of graph.nodes) if (n.kind === 'App') appNames.set(n.attributes.appId, n.name);
  for (const n of graph.nodes) {
    if (n.kind !== 'App') continue;
    const stream = n.attributes.streamName ?? '';
    entities.set(n.id, {
      id: n.id,
      kind: 'app',
      name: n.name,
      detail: stream === '' ? 'not published' : `stream ${stream}`,
      aliases: [n.attributes.appId],
      groupKey: [KIND_LABEL.app, stream === '' ? 'Not published' : stream],
      nodeIds: [n.id],
      columns: [],
    });
    ofNode.set(n.id, n.id);
  }
  const drafts = new Map<string, DatasetDraft>();
  for (const n of graph.nodes) {
    if (n.kind !== 'ExternalDataset') continue;
    const id = `dataset:${n.attributes.identity}`;
    let draft = drafts.get(id);
    if (!draft) {
      const type = n.attributes.datasetType;
      draft = { kind: datasetKind(type), type, identity: n.attributes.identity, nodes: [], columns: new Set() };
      drafts.set(id, draft);
    }
    draft.nodes.push(n);
    ofNode.set(n.id, id);
  }
  for (const n of graph.nodes) {
    if (n.kind !== 'DatasetField') continue;
    const dataset = ofNode.get(n.attributes.dataset);
    if (dataset === undefined) continue;
    ofNode.set(n.id, dataset);
    drafts.get(dataset)?.columns.add(n.name);
  }
  for (const [id, d] of drafts) {
    const first = d.nodes[0];
    if (first?.kind !== 'ExternalDataset') continue;
    const a = first.attributes;
    let name = first.name;
    let detail = d.type;
    if (d.kind === 'qvd' || d.kind === 'file') {
      const [folder, file] = splitPath(a.path ?? first.name);
      name = file;
      detail = folder;
    } else if (d.kind === 'table') detail = a.connection ? `${a.connection} (database)` : 'database';
    else if (first.appId !== undefined) detail = `in ${appNames.get(first.appId) ?? first.appId}`;
    const aliases = new Set<string>([d.identity, first.name]);
    for (const n of d.nodes) if (n.kind === 'ExternalDataset' && n.attributes.path) aliases.add(n.attributes.path);
    entities.set(id, {
      id,
      kind: d.kind,
      name,
      detail,
      aliases: [...aliases],
      groupKey: [KIND_LABEL[d.kind], ...folders(d.identity, d.kind, d.type)],
      nodeIds: d.nodes.map((n) => n.id),
      columns: [...d.columns].sort((x, y) => x.localeCompare(y)),
    });
  }
  // Nodes inside an app (statements, tables, fields, charts …) belong to their app.
  const statementApp = new Map<string, string>();
  for (const n of graph.nodes) {
    if (ofNode.has(n.id) || n.appId === undefined) continue;
    const app = `app:${n.appId}`;
    if (!entities.has(app)) continue;
    ofNode.set(n.id, app);
    if (n.kind === 'ScriptStatement') statementApp.set(n.id, app);
  }
  const edges = new Map<string, EntityEdge>();
  const add = (from: string | undefined, to: string | undefined, kind: EntityEdge['kind']) => {
    if (from === undefined || to === undefined || from === to) return;
    const key = `${from}\u0000${to}`;
    if (!edges.has(key)) edges.set(key, { from, to, kind });
  };
  for (const e of graph.edges) {
    if (e.kind === 'READS') add(ofNode.get(e.to), statementApp.get(e.from), 'reads');
    else if (e.kind === 'WRITES') add(statementApp.get(e.from), ofNode.get(e.to), 'writes');
    else if (e.kind === 'BINARY_FROM') add(ofNode.get(e.to), ofNode.get(e.from), 'binary');
  }
  // A READS of a resident table is no dataset: only edges between entities are kept.
  const kept = [...edges.values()].filter((e) => entities.has(e.from) && entities.has(e.to));
  return { entities, edges: kept, entityOf: (nodeId) => ofNode.get(nodeId) };
}

/** What a field's end-to-end path touches, by entity. */
export interface FieldPath {
  /** The graph nodes of the path (the start fields, everything upstream and downstream). */
  readonly nodeIds: ReadonlySet<string>;
  /** Per dataset entity on the path, its columns on the path. */
  readonly columns: ReadonlyMap<string, ReadonlySet<string>>;
  /** Per app entity on the path, what of it is on the path (`ModelField Sales`, `Visualization Sales by Region` …). */
  readonly items: ReadonlyMap<string, readonly { kind: string; name: string }[]>;
  /** Entities upstream of the field (sources side), and downstream of it (consumers side). */
  readonly upstream: ReadonlySet<string>;
  readonly downstream: ReadonlySet<string>;
}

const ITEM_KINDS: ReadonlySet<string> = new Set([
  'ModelField',
  'MasterMeasure',
  'MasterDimension',
  'Variable',
  'Visualization',
  'Sheet',
]);

/** The start nodes of a field of an entity: a dataset's column in every app's copy, an app's model field. */
function fieldStarts(graph: LineageGraph, entities: EntityGraph, entityId: string, field: string): string[] {
  const entity = entities.entities.get(entityId);
  if (!entity) return [];
  const wanted = field.toLowerCase();
  const nodes = indexOf(graph).nodes;
  if (entity.kind !== 'app') {
    const copies = new Set(entity.nodeIds);
    return graph.nodes
      .filter((n) => n.kind === 'DatasetField' && copies.has(n.attributes.dataset) && n.name.toLowerCase() === wanted)
      .map((n) => n.id);
  }
  const appId = nodes.get(entityId)?.appId;
  for (const kind of ['ModelField', 'ScriptField'] as const) {
    const found = graph.nodes.filter((n) => n.kind === kind && n.appId === appId && n.name.toLowerCase() === wanted);
    if (found.length > 0) return found.map((n) => n.id);
  }
  return [];
}

/**
 * The end-to-end path of a field (a dataset's column, an app's model field): the field-level
 * upstream and downstream walks of `upstream`/`downstream` (the same walk) from its origin copies,
 * mapped onto entities. Undefined when the entity has no such field.
 *
 * @example
 * ```ts
 * fieldPath(graph, entities, 'dataset:db://salesdb/dbo.orders', 'OrderID')?.columns;
 * ```
 */
export function fieldPath(
  graph: LineageGraph,
  entities: EntityGraph,
  entityId: string,
  field: string,
): FieldPath | undefined {
  const found = fieldStarts(graph, entities, entityId, field);
  if (found.length === 0) return undefined;
  const index = indexOf(graph);
  // The copies no SAME_AS leads to from another copy (the writer's): walks from them reach the others
  // (as the API's references do), so a QVD read by a hundred apps is not walked a hundred times.
  const copies = new Set(found);
  const origins = found.filter((id) => !index.incoming(id).some((e) => e.kind === 'SAME_AS' && copies.has(e.from)));
  const starts = origins.length > 0 ? origins : found;
  const nodeIds = new Set<string>();
  const upstream = new Set<string>();
  const downstream = new Set<string>();
  for (const id of starts) {
    const node = index.nodes.get(id);
    if (!node) continue;
    for (const direction of ['upstream', 'downstream'] as const) {
      const trace = walkTrace(graph, node, direction, { level: 'field' });
      for (const n of trace.nodes) {
        nodeIds.add(n.id);
        const entity = entities.entityOf(n.id);
        if (entity !== undefined && entity !== entityId) (direction === 'upstream' ? upstream : downstream).add(entity);
      }
    }
  }
  const columns = new Map<string, Set<string>>();
  const items = new Map<string, { kind: string; name: string }[]>();
  for (const id of nodeIds) {
    const n = index.nodes.get(id);
    const entity = entities.entityOf(id);
    if (!n || entity === undefined) continue;
    if (n.kind === 'DatasetField') {
      const set = columns.get(entity) ?? new Set<string>();
      set.add(n.name);
      columns.set(entity, set);
    } else if (ITEM_KINDS.has(n.kind)) {
      const list = items.get(entity) ?? [];
      list.push({ kind: n.kind, name: n.name });
      items.set(entity, list);
    }
  }
  for (const list of items.values())
    list.sort((a, b) => ITEM_ORDER.indexOf(a.kind) - ITEM_ORDER.indexOf(b.kind) || a.name.localeCompare(b.name));
  return { nodeIds, columns, items, upstream, downstream };
}

const ITEM_ORDER = ['ModelField', 'Variable', 'MasterDimension', 'MasterMeasure', 'Visualization', 'Sheet'];
