import type { LineageGraph, LineageNode } from '../../generated/lineage-graph.js';
import { LineageError } from '../../lineage-error.js';
import { type GraphIndex, indexOf } from './graph-index.js';

const same = (a: string | undefined, b: string) => a !== undefined && a.toLowerCase() === b.toLowerCase();

/** `<prefix>:<app>/<name>` references: the node kinds they name, and how a node of the kind is named. */
const PREFIXED: Readonly<Record<string, readonly LineageNode['kind'][]>> = {
  chart: ['Visualization'],
  sheet: ['Sheet'],
  measure: ['MasterMeasure'],
  dimension: ['MasterDimension'],
  variable: ['Variable'],
  field: ['ModelField'],
  table: ['ModelTable', 'ScriptTable'],
};

function namesOf(node: LineageNode): (string | undefined)[] {
  switch (node.kind) {
    case 'Visualization':
      return [node.name, node.attributes.title, node.attributes.objectId];
    case 'Sheet':
      return [node.name, node.attributes.title, node.attributes.objectId];
    case 'MasterMeasure':
    case 'MasterDimension':
      return [node.name, node.attributes.libraryId];
    default:
      return [node.name];
  }
}

function appIdsNamed(index: GraphIndex, app: string): Set<string> {
  const out = new Set<string>();
  for (const n of index.graph.nodes)
    if (n.kind === 'App' && (same(n.name, app) || same(n.attributes.appId, app))) out.add(n.attributes.appId);
  return out;
}

function datasetsNamed(index: GraphIndex, ref: string): LineageNode[] {
  return index.graph.nodes.filter(
    (n) =>
      n.kind === 'ExternalDataset' &&
      (same(n.name, ref) ||
        same(n.attributes.path, ref) ||
        same(n.attributes.identity, ref) ||
        same(n.attributes.table, ref)),
  );
}

/**
 * Of several copies of one dataset (or field) joined by SAME_AS — one per app — the one no SAME_AS
 * leads to (the writer's copy; the first reader's when nobody writes it): upstream and downstream
 * walks from it reach every other copy.
 */
function originsOf(index: GraphIndex, found: LineageNode[]): LineageNode[] {
  if (found.length < 2) return found;
  const ids = new Set(found.map((n) => n.id));
  return found.filter((n) => !index.incoming(n.id).some((e) => e.kind === 'SAME_AS' && ids.has(e.from)));
}

function one(ref: string, found: LineageNode[], known: () => string[]): LineageNode {
  const [first, second] = found;
  if (first && !second) return first;
  if (!first) {
    const hint = known().slice(0, 20).join(', ');
    throw new LineageError(
      'ERR_LINEAGE_NODE_NOT_FOUND',
      `no node matches ${ref}${hint ? ` (there are: ${hint})` : ''}`,
    );
  }
  throw new LineageError(
    'ERR_LINEAGE_NODE_AMBIGUOUS',
    `${ref} matches ${found.length} nodes: ${found
      .slice(0, 10)
      .map((n) => n.id)
      .join(', ')}; give a node id`,
  );
}

function resolvePrefixed(index: GraphIndex, ref: string, prefix: string, rest: string): LineageNode {
  const kinds = PREFIXED[prefix] ?? [];
  const slash = rest.indexOf('/');
  const app = slash < 0 ? '' : rest.slice(0, slash);
  const name = slash < 0 ? rest : rest.slice(slash + 1);
  const apps = appIdsNamed(index, app);
  if (slash >= 0 && apps.size === 0) {
    const names = index.graph.nodes.filter((n) => n.kind === 'App').map((n) => n.name);
    throw new LineageError('ERR_LINEAGE_NODE_NOT_FOUND', `no app ${app} in the graph (there are: ${names.join(', ')})`);
  }
  const inScope = index.graph.nodes.filter(
    (n) => kinds.includes(n.kind) && (slash < 0 || (n.appId !== undefined && apps.has(n.appId))),
  );
  const found = inScope.filter((n) => namesOf(n).some((x) => same(x, name)));
  // A table name is both a script table and a model table: the model's is the one charts use.
  const preferred = found.filter((n) => n.kind === kinds[0]);
  return one(ref, preferred.length > 0 ? preferred : found, () => inScope.map((n) => n.name));
}

/**
 * The node a reference names: a node id; `chart:<app>/<title or object id>` (also `sheet:`,
 * `measure:`, `dimension:`, `variable:`, `field:` for a model field, `table:`; `<app>` is an app name
 * or id and may be left out with its `/` when the name is unique in the site); `<dataset>#<field>` for
 * a column of a dataset (`dbo.Orders#Status`, `lib://QVDs/sales/Orders.qvd#OrderID`: the dataset by
 * name, path, identity or table name, case-insensitive); `<dataset>` for the dataset. A dataset read
 * by several apps is one node per app: the reference names the writer's copy (SAME_AS leads from it
 * to the others). Throws a `LineageError` `ERR_LINEAGE_NODE_NOT_FOUND` or `ERR_LINEAGE_NODE_AMBIGUOUS`.
 *
 * @example
 * ```ts
 * resolveReference(graph, 'chart:Sales Dashboard/Sales by Category').kind; // 'Visualization'
 * ```
 */
export function resolveReference(graph: LineageGraph, ref: string): LineageNode {
  const index = indexOf(graph);
  const byId = index.nodes.get(ref);
  if (byId) return byId;
  const prefixed = /^([a-z]+):(?!\/\/)(.*)$/s.exec(ref);
  if (prefixed?.[1] !== undefined && prefixed[2] !== undefined && PREFIXED[prefixed[1]] !== undefined)
    return resolvePrefixed(index, ref, prefixed[1], prefixed[2]);
  const hash = ref.lastIndexOf('#');
  const datasetRef = hash < 0 ? ref : ref.slice(0, hash);
  const datasets = datasetsNamed(index, datasetRef);
  if (hash < 0) return one(ref, originsOf(index, datasets), () => listDatasets(index));
  if (datasets.length === 0) one(datasetRef, [], () => listDatasets(index));
  const field = ref.slice(hash + 1);
  const ids = new Set(datasets.map((d) => d.id));
  const columns = index.graph.nodes.filter((n) => n.kind === 'DatasetField' && ids.has(n.attributes.dataset));
  const found = columns.filter((n) => same(n.name, field));
  return one(ref, originsOf(index, found), () => [...new Set(columns.map((n) => n.name))].sort());
}

function listDatasets(index: GraphIndex): string[] {
  return [...new Set(index.graph.nodes.filter((n) => n.kind === 'ExternalDataset').map((n) => n.name))].sort();
}
