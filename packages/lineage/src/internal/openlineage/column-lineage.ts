import type {
  ConnectionNode,
  DerivesAttributes,
  ExternalDatasetNode,
  LineageEdge,
  LineageNode,
} from '../../generated/lineage-graph.js';
import type { OpenLineageFacet } from '../../openlineage-types.js';
import { type OlDatasetName, olDatasetName } from './dataset-namespace.js';
import { OL_FACETS } from './facets.js';

/** A ColumnLineageDatasetFacet transformation. */
interface Transformation {
  readonly type: 'DIRECT' | 'INDIRECT';
  readonly subtype: string;
  readonly masking: boolean;
}

/** An input field with the transformations on the way to an output field (or the whole dataset). */
export interface InputField {
  readonly namespace: string;
  readonly name: string;
  readonly field: string;
  readonly transformations: Transformation[];
}

/** The options of `toOpenLineageEvents`, resolved. */
export interface RunEventOptions {
  readonly host: string;
  readonly namespace: string;
  readonly producer: string;
  readonly eventTime: string | undefined;
  readonly includeSourceCode: 'redacted' | false;
}

const NOT_DATASETS = new Set(['inline', 'autogenerate', 'extension']);
/** INDIRECT subtypes that concern one field (the others concern the whole dataset). */
const PER_FIELD = new Set<string>(['conditional', 'window']);
const MASKING = /\b(hash128|hash160|hash256|autonumberhash128|autonumberhash256)\s*\(/i;

/** One app's part of the graph, indexed for building its events. */
export interface AppView {
  readonly nodes: ReadonlyMap<string, LineageNode>;
  readonly edges: readonly LineageEdge[];
  readonly options: RunEventOptions;
  /** External datasets the app reads / writes (not INLINE, AUTOGENERATE …; patterns included). */
  readonly readIds: ReadonlySet<string>;
  readonly writeIds: ReadonlySet<string>;
  /** Dataset id → its named fields. */
  readonly fieldsOfDataset: ReadonlyMap<string, string[]>;
  /** DERIVES, SAME_AS and per-field INDIRECT (conditional, window) edges by their target. */
  readonly incoming: ReadonlyMap<string, LineageEdge[]>;
  /** READS edges by their statement. */
  readonly readsOf: ReadonlyMap<string, LineageEdge[]>;
  facet(schemaURL: string, fields: Record<string, unknown>): OpenLineageFacet;
  nameOf(d: ExternalDatasetNode): OlDatasetName;
}

const push = <K, V>(map: Map<K, V[]>, key: K, value: V) => {
  const list = map.get(key) ?? [];
  list.push(value);
  map.set(key, list);
};

/** Indexes one app's nodes and edges (with the site-level nodes it refers to). */
export function appView(
  nodes: ReadonlyMap<string, LineageNode>,
  edges: readonly LineageEdge[],
  options: RunEventOptions,
): AppView {
  const incoming = new Map<string, LineageEdge[]>();
  const readsOf = new Map<string, LineageEdge[]>();
  const binaryTo = new Map<string, string>();
  const readIds = new Set<string>();
  const writeIds = new Set<string>();
  for (const e of edges) {
    if (e.kind === 'DERIVES' || e.kind === 'SAME_AS' || (e.kind === 'INDIRECT' && PER_FIELD.has(e.attributes.subtype)))
      push(incoming, e.to, e);
    if (e.kind === 'READS') push(readsOf, e.from, e);
    if (e.kind === 'BINARY_FROM') {
      const to = nodes.get(e.to);
      const appId = to?.kind === 'App' ? to.attributes.appId : e.to.replace(/^app:/, '');
      binaryTo.set(e.attributes.path.toLowerCase(), appId);
    }
    const target = nodes.get(e.to);
    if (target?.kind !== 'ExternalDataset' || NOT_DATASETS.has(target.attributes.datasetType)) continue;
    if (e.kind === 'READS') readIds.add(e.to);
    if (e.kind === 'WRITES') writeIds.add(e.to);
  }
  const connections = new Map<string, ConnectionNode>();
  for (const n of nodes.values()) if (n.kind === 'Connection') connections.set(n.name.toLowerCase(), n);
  const fieldsOfDataset = new Map<string, string[]>();
  for (const n of nodes.values())
    if (n.kind === 'DatasetField' && n.name !== '*') push(fieldsOfDataset, n.attributes.dataset, n.name);
  return {
    nodes,
    edges,
    options,
    readIds,
    writeIds,
    fieldsOfDataset,
    incoming,
    readsOf,
    facet: (schemaURL, fields) => ({ _producer: options.producer, _schemaURL: schemaURL, ...fields }),
    nameOf: (d) =>
      olDatasetName(
        options.host,
        d,
        connections.get(d.attributes.connection?.toLowerCase() ?? ''),
        binaryTo.get((d.attributes.path ?? '').toLowerCase()),
      ),
  };
}

type Kind = DerivesAttributes['transformation'];

/**
 * The DIRECT transformation of the paths whose values flow (when any), INDIRECT/JOIN when one went
 * through a join key, and INDIRECT/CONDITIONAL or WINDOW for the paths that only decide the value.
 */
function transformations(
  kinds: ReadonlySet<Kind>,
  direct: boolean,
  indirect: ReadonlySet<string>,
  masking: boolean,
): Transformation[] {
  const subtype = kinds.has('aggregation')
    ? 'AGGREGATION'
    : kinds.has('expression') || kinds.has('mapping')
      ? 'TRANSFORMATION'
      : 'IDENTITY';
  const out: Transformation[] = direct ? [{ type: 'DIRECT', subtype, masking }] : [];
  if (kinds.has('join-key')) out.push({ type: 'INDIRECT', subtype: 'JOIN', masking: false });
  for (const s of [...indirect].sort()) out.push({ type: 'INDIRECT', subtype: s.toUpperCase(), masking: false });
  return out;
}

const byName = (a: InputField, b: InputField) =>
  `${a.namespace}|${a.name}|${a.field}`.localeCompare(`${b.namespace}|${b.name}|${b.field}`);

/** What a trace found: the input fields, and the statements and JOIN key fields on the way. */
export interface Traced {
  readonly inputFields: InputField[];
  readonly statements: ReadonlySet<string>;
  /** Script fields a JOIN matched on (the targets of `join-key` derivations). */
  readonly joinKeys: ReadonlySet<string>;
}

/** Input dataset fields a field derives from, with the transformations and statements on the way. */
export function trace(view: AppView, start: string, accept: (e: LineageEdge) => boolean): Traced {
  const { nodes, incoming, readIds } = view;
  type Found = {
    dataset: ExternalDatasetNode;
    field: string;
    kinds: Set<Kind>;
    direct: boolean;
    indirect: Set<string>;
    masking: boolean;
  };
  const found = new Map<string, Found>();
  const statements = new Set<string>();
  const joinKeys = new Set<string>();
  const seen = new Set<string>();
  // `via`: the per-field INDIRECT subtype a path went through (its values do not flow), or ''.
  const walk = (id: string, kinds: Set<Kind>, masking: boolean, via: string, depth: number) => {
    if (depth > 64) return;
    for (const e of incoming.get(id) ?? []) {
      if (depth === 0 && !accept(e)) continue;
      const next = new Set(kinds);
      let masked = masking;
      let through = via;
      if (e.kind === 'DERIVES') {
        next.add(e.attributes.transformation);
        if (e.attributes.statement) statements.add(e.attributes.statement);
        if (e.attributes.transformation === 'join-key') joinKeys.add(e.to);
        if (e.attributes.expression && MASKING.test(e.attributes.expression)) masked = true;
      } else if (e.kind === 'INDIRECT') {
        statements.add(e.attributes.statement);
        through ||= e.attributes.subtype;
      }
      // Seen with the state after the edge: a field reached both directly and through an If/Previous counts twice.
      const key = `${e.from}|${[...next].sort().join(',')}|${masked}|${through}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const from = nodes.get(e.from);
      if (from?.kind === 'DatasetField' && readIds.has(from.attributes.dataset) && from.name !== '*') {
        const ds = nodes.get(from.attributes.dataset);
        if (ds?.kind === 'ExternalDataset') {
          const k = `${ds.id}|${from.name}`;
          const entry: Found = found.get(k) ?? {
            dataset: ds,
            field: from.name,
            kinds: new Set(),
            direct: false,
            indirect: new Set(),
            masking: false,
          };
          if (through === '') {
            for (const t of next) entry.kinds.add(t);
            entry.direct = true;
          } else entry.indirect.add(through);
          entry.masking ||= masked;
          found.set(k, entry);
          continue;
        }
      }
      walk(e.from, next, masked, through, depth + 1);
    }
  };
  walk(start, new Set(), false, '', 0);
  const inputFields = [...found.values()]
    .map((f) => {
      const { namespace, name } = view.nameOf(f.dataset);
      return {
        namespace,
        name,
        field: f.field,
        transformations: transformations(f.kinds, f.direct, f.indirect, f.masking),
      };
    })
    .sort(byName);
  return { inputFields, statements, joinKeys };
}

/** The input fields a field name of a statement's source stands for (its datasets or resident tables). */
function sourceFields(view: AppView, statement: string, field: string): InputField[] {
  const out: InputField[] = [];
  const lower = field.toLowerCase();
  for (const r of view.readsOf.get(statement) ?? []) {
    const target = view.nodes.get(r.to);
    if (target?.kind === 'ExternalDataset' && view.readIds.has(target.id)) {
      const name = view.fieldsOfDataset.get(target.id)?.find((f) => f.toLowerCase() === lower);
      if (name === undefined) continue;
      const { namespace, name: dsName } = view.nameOf(target);
      out.push({ namespace, name: dsName, field: name, transformations: [] });
    } else if (target?.kind === 'ScriptTable') {
      for (const n of view.nodes.values()) {
        if (n.kind !== 'ScriptField' || n.attributes.table !== target.id || n.name.toLowerCase() !== lower) continue;
        for (const f of trace(view, n.id, () => true).inputFields) out.push({ ...f, transformations: [] });
      }
    }
  }
  return out;
}

/**
 * The dataset-wide (INDIRECT) lineage of an output: the WHERE/WHILE fields (FILTER), GROUP BY fields
 * (GROUP_BY) and ORDER BY fields (SORT) of the statements its fields went through, and the inputs of the JOIN keys on the way
 * (JOIN, both sides).
 */
function datasetLineage(view: AppView, traced: readonly Traced[]): InputField[] {
  const merged = new Map<string, { field: InputField; subtypes: Set<string> }>();
  const add = (f: InputField, subtype: string) => {
    const k = `${f.namespace}|${f.name}|${f.field}`;
    const entry = merged.get(k) ?? { field: f, subtypes: new Set<string>() };
    entry.subtypes.add(subtype);
    merged.set(k, entry);
  };
  const statements = new Set<string>();
  const joinKeys = new Set<string>();
  for (const t of traced) {
    for (const s of t.statements) statements.add(s);
    for (const k of t.joinKeys) joinKeys.add(k);
  }
  // The keys of every JOIN the output's fields went through (not only when a key is one of them).
  for (const e of view.edges)
    if (
      e.kind === 'DERIVES' &&
      e.attributes.transformation === 'join-key' &&
      statements.has(e.attributes.statement ?? '')
    )
      joinKeys.add(e.to);
  // A JOIN key: the inputs of the key field on both sides (the table joined onto and the one joined).
  for (const key of [...joinKeys].sort()) for (const i of trace(view, key, () => true).inputFields) add(i, 'JOIN');
  for (const id of [...statements].sort()) {
    const s = view.nodes.get(id);
    if (s?.kind !== 'ScriptStatement') continue;
    for (const f of s.attributes.filterFields ?? []) for (const i of sourceFields(view, id, f)) add(i, 'FILTER');
    for (const f of s.attributes.groupByFields ?? []) for (const i of sourceFields(view, id, f)) add(i, 'GROUP_BY');
    for (const f of s.attributes.orderByFields ?? []) for (const i of sourceFields(view, id, f)) add(i, 'SORT');
  }
  return [...merged.values()]
    .map(({ field, subtypes }) => ({
      ...field,
      transformations: [...subtypes].sort().map((subtype) => ({ type: 'INDIRECT' as const, subtype, masking: false })),
    }))
    .sort(byName);
}

/** The columnLineage facet of an output (none when nothing is known). */
export function columnLineageFacet(
  view: AppView,
  fields: Record<string, { inputFields: InputField[] }>,
  traced: readonly Traced[],
): Record<string, OpenLineageFacet> {
  const dataset = datasetLineage(view, traced);
  if (Object.keys(fields).length === 0 && dataset.length === 0) return {};
  return {
    columnLineage: view.facet(OL_FACETS.columnLineage, { fields, ...(dataset.length > 0 ? { dataset } : {}) }),
  };
}
