import { type Entity, type EntityGraph, type EntityKind, entityKindLabel } from './entity-graph.js';

/** A node of a view: an entity, a group of entities (overview), or the rest of a long ring (focus). */
export interface ViewNode {
  readonly id: string;
  readonly type: 'entity' | 'group' | 'more';
  /** The entity's kind; a group's (or rest's) most common kind. */
  readonly kind: EntityKind;
  readonly label: string;
  readonly detail: string;
  /** The entities a group or rest stands for (an entity: itself). */
  readonly members: readonly string[];
  /** Focus view: where the node is relative to the focus. */
  readonly role?: 'focus' | 'up' | 'down' | 'side';
  /** Focus view: hops from the focus. */
  readonly hops?: number;
}

/** A drawn edge: `count` entity edges between the two ends; `transitive` when hidden kinds were skipped. */
interface ViewEdge {
  readonly from: string;
  readonly to: string;
  readonly count: number;
  readonly transitive: boolean;
}

export interface View {
  readonly nodes: readonly ViewNode[];
  readonly edges: readonly ViewEdge[];
}

/** Entity edges with the hidden kinds contracted away. */
export interface ContractedGraph {
  readonly visible: ReadonlySet<string>;
  readonly out: ReadonlyMap<string, readonly ViewEdge[]>;
  readonly in: ReadonlyMap<string, readonly ViewEdge[]>;
}

/**
 * The entity graph without the entities of `hidden` kinds: an edge from each shown entity to each
 * shown entity it reaches through hidden ones only (`transitive`), so hiding QVDs leaves
 * app → app edges instead of islands.
 */
export function contract(graph: EntityGraph, hidden: ReadonlySet<EntityKind>): ContractedGraph {
  const visible = new Set<string>();
  for (const e of graph.entities.values()) if (!hidden.has(e.kind)) visible.add(e.id);
  const next = new Map<string, string[]>();
  for (const e of graph.edges) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  const out = new Map<string, ViewEdge[]>();
  const inc = new Map<string, ViewEdge[]>();
  for (const from of visible) {
    const found = new Map<string, boolean>();
    const seen = new Set<string>([from]);
    const stack: [string, boolean][] = (next.get(from) ?? []).map((to) => [to, false]);
    while (stack.length > 0) {
      const [id, through] = stack.pop() as [string, boolean];
      if (visible.has(id)) {
        // A direct edge wins over a transitive one.
        if (!found.has(id) || !through) found.set(id, found.get(id) === false ? false : through);
        continue;
      }
      if (seen.has(id)) continue;
      seen.add(id);
      for (const to of next.get(id) ?? []) stack.push([to, true]);
    }
    for (const [to, transitive] of found) {
      if (to === from) continue;
      const edge = { from, to, count: 1, transitive };
      out.set(from, [...(out.get(from) ?? []), edge]);
      inc.set(to, [...(inc.get(to) ?? []), edge]);
    }
  }
  return { visible, out, in: inc };
}

/** Limits of the views. */
export interface ViewLimits {
  /** Most nodes of the first overview (groups stand for the rest). */
  readonly overview: number;
  /** Most items an expanded group or a focus ring shows before the rest is grouped again. */
  readonly ring: number;
}

const DEFAULT_LIMITS: ViewLimits = { overview: 48, ring: 24 };

interface Group {
  readonly id: string;
  readonly key: readonly string[];
  readonly members: readonly string[];
  /** A slice of a long sorted list (the key ran out of folders to split by). */
  readonly slice?: boolean;
}

type Item = { readonly entity: string } | { readonly group: Group };

function mostCommonKind(graph: EntityGraph, members: readonly string[]): EntityKind {
  const counts = new Map<EntityKind, number>();
  for (const m of members) {
    const k = graph.entities.get(m)?.kind;
    if (k) counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  let best: EntityKind = 'app';
  let max = -1;
  for (const [k, c] of counts)
    if (c > max) {
      best = k;
      max = c;
    }
  return best;
}

const groupId = (key: readonly string[]) => `group:${key.join('/')}`;

/**
 * Splits entities into at most `limit` items: the finest folder level (of their group keys, from
 * `depth` on) that gives no more than `limit` groups; when even the coarsest gives more, sorted
 * slices of the list.
 */
function split(
  graph: EntityGraph,
  members: readonly string[],
  depth: number,
  limit: number,
  parent: Group | undefined,
): Item[] {
  if (members.length <= limit) return members.map((entity) => ({ entity }));
  const keyOf = (id: string) => graph.entities.get(id)?.groupKey ?? [];
  const maxDepth = Math.max(0, ...members.map((m) => keyOf(m).length));
  let best: Item[] | undefined;
  for (let d = depth; d <= maxDepth; d++) {
    // A key shorter than the level stays whole: its entities are a group of their own folder.
    const parts = new Map<string, string[]>();
    for (const m of members) {
      const k = keyOf(m).slice(0, d).join('/');
      parts.set(k, [...(parts.get(k) ?? []), m]);
    }
    if (parts.size > limit) break;
    best = [...parts.values()].map((list): Item => {
      const first = list[0] as string;
      if (list.length === 1) return { entity: first };
      const key = keyOf(first).slice(0, d);
      return { group: { id: groupId(key), key, members: list } };
    });
  }
  const whole = best?.length === 1 && best[0] !== undefined && 'group' in best[0];
  if (best && !whole) return best;
  // Slices of the sorted list: the folders do not split it finely enough.
  const at = parent?.key.length ?? 0;
  const sorted = [...members].sort((a, b) => collate(relativeLabel(graph, a, at), relativeLabel(graph, b, at)));
  const size = Math.ceil(sorted.length / Math.min(limit, Math.ceil(sorted.length / limit)));
  const key = parent?.key ?? [];
  const prefix = parent?.id ?? groupId(key);
  const items: Item[] = [];
  for (let i = 0; i < sorted.length; i += size) {
    const list = sorted.slice(i, i + size);
    items.push({ group: { id: `${prefix}~${i / size + 1}`, key, members: list, slice: true } });
  }
  return items;
}

const labelOf = (graph: EntityGraph, id: string) => graph.entities.get(id)?.name ?? id;

/** An entity's name with the folders below a group's (`chain5/layer0.qvd` in `lib://qvds/generated`). */
function relativeLabel(graph: EntityGraph, id: string, depth: number): string {
  const e = graph.entities.get(id);
  return e ? [...e.groupKey.slice(Math.max(depth, 1)), e.name].join('/') : id;
}

/** Names with numbers in their natural order (chain2 before chain10). */
const collate = (a: string, b: string) => a.localeCompare(b, undefined, { numeric: true, sensitivity: 'base' });

function groupNode(graph: EntityGraph, group: Group): ViewNode {
  const kind = mostCommonKind(graph, group.members);
  const unit = entityKindLabel(kind);
  const key = group.key;
  let label = key.length <= 1 ? unit : (key[key.length - 1] as string);
  if (key.length > 2 && kind !== 'app') label = `${key.slice(1).join('/')}/`;
  const first = relativeLabel(graph, group.members[0] as string, key.length);
  const last = relativeLabel(graph, group.members[group.members.length - 1] as string, key.length);
  if (group.slice) label = `${first} … ${last}`;
  return {
    id: group.id,
    type: 'group',
    kind,
    label,
    detail: `${group.members.length} ${unit.toLowerCase()}${key.length > 1 && group.slice ? ` · ${key[key.length - 1]}` : ''}`,
    members: group.members,
  };
}

function entityNode(e: Entity, role?: ViewNode['role'], hops?: number): ViewNode {
  return {
    id: e.id,
    type: 'entity',
    kind: e.kind,
    label: e.name,
    detail: e.detail,
    members: [e.id],
    ...(role ? { role } : {}),
    ...(hops !== undefined ? { hops } : {}),
  };
}

/** Edges between view nodes: every contracted edge between the entities they stand for, counted. */
function viewEdges(contracted: ContractedGraph, nodes: readonly ViewNode[]): ViewEdge[] {
  const rep = new Map<string, string>();
  for (const n of nodes) for (const m of n.members) rep.set(m, n.id);
  const edges = new Map<string, { from: string; to: string; count: number; transitive: boolean }>();
  for (const list of contracted.out.values())
    for (const e of list) {
      const from = rep.get(e.from);
      const to = rep.get(e.to);
      if (from === undefined || to === undefined || from === to) continue;
      const key = `${from}\u0000${to}`;
      const seen = edges.get(key);
      if (seen) {
        seen.count++;
        seen.transitive &&= e.transitive;
      } else edges.set(key, { from, to, count: 1, transitive: e.transitive });
    }
  return [...edges.values()];
}

/**
 * The site overview: every shown app and dataset, grouped (apps by stream, datasets by kind and
 * folder, long lists in slices) so that no more than `limits.overview` nodes show until groups are
 * expanded (`expanded`: group ids).
 */
export function overviewView(
  graph: EntityGraph,
  contracted: ContractedGraph,
  expanded: ReadonlySet<string>,
  limits: ViewLimits = DEFAULT_LIMITS,
): View {
  const nodes: ViewNode[] = [];
  const place = (items: Item[]) => {
    for (const item of items) {
      if ('entity' in item) {
        const e = graph.entities.get(item.entity);
        if (e) nodes.push(entityNode(e));
      } else if (expanded.has(item.group.id)) {
        place(split(graph, item.group.members, item.group.key.length + 1, limits.ring, item.group));
      } else nodes.push(groupNode(graph, item.group));
    }
  };
  place(split(graph, [...contracted.visible].sort(), 1, limits.overview, undefined));
  return { nodes, edges: viewEdges(contracted, nodes) };
}

/** The group (of the current overview) that holds an entity, with its ancestors, outermost first. */
export function groupsOf(
  graph: EntityGraph,
  contracted: ContractedGraph,
  entity: string,
  limits: ViewLimits = DEFAULT_LIMITS,
): string[] {
  const path: string[] = [];
  let items = split(graph, [...contracted.visible].sort(), 1, limits.overview, undefined);
  for (;;) {
    const holder = items.find((i) => 'group' in i && i.group.members.includes(entity));
    if (!holder || !('group' in holder)) return path;
    path.push(holder.group.id);
    items = split(graph, holder.group.members, holder.group.key.length + 1, limits.ring, holder.group);
  }
}

/**
 * The neighbourhood of an entity: `depth` hops upstream (against the data flow) and downstream, plus
 * the direct neighbours of each entity in `extra` (expanded by the user). A ring with more than
 * `limits.ring` entities shows the first of them and one "more" node for the rest.
 */
export function focusView(
  graph: EntityGraph,
  contracted: ContractedGraph,
  focus: string,
  depth: number,
  extra: ReadonlySet<string> = new Set(),
  limits: ViewLimits = DEFAULT_LIMITS,
): View {
  const focusEntity = graph.entities.get(focus);
  if (!focusEntity) return { nodes: [], edges: [] };
  const nodes: ViewNode[] = [entityNode(focusEntity, 'focus', 0)];
  const placed = new Set([focus]);
  const walk = (direction: 'up' | 'down') => {
    let frontier = [focus];
    for (let hop = 1; hop <= depth && frontier.length > 0; hop++) {
      const ring = new Set<string>();
      for (const id of frontier) {
        const edges = (direction === 'up' ? contracted.in.get(id) : contracted.out.get(id)) ?? [];
        for (const e of edges) {
          const other = direction === 'up' ? e.from : e.to;
          if (!placed.has(other)) ring.add(other);
        }
      }
      const sorted = [...ring].sort((a, b) => collate(labelOf(graph, a), labelOf(graph, b)));
      const shown = sorted.length > limits.ring ? sorted.slice(0, limits.ring - 1) : sorted;
      for (const id of shown) {
        const e = graph.entities.get(id);
        if (!e) continue;
        nodes.push(entityNode(e, direction, hop));
        placed.add(id);
      }
      const rest = sorted.slice(shown.length);
      if (rest.length > 0) {
        for (const id of rest) placed.add(id);
        const kind = mostCommonKind(graph, rest);
        nodes.push({
          id: `more:${direction}:${hop}`,
          type: 'more',
          kind,
          label: `${rest.length} more`,
          detail: `${entityKindLabel(kind).toLowerCase()}, ${hop} ${hop === 1 ? 'hop' : 'hops'} ${direction}stream`,
          members: rest,
          role: direction,
          hops: hop,
        });
      }
      frontier = shown;
    }
  };
  walk('up');
  walk('down');
  for (const id of [...extra].sort()) {
    if (!placed.has(id) && !graph.entities.has(id)) continue;
    if (!placed.has(id)) {
      const e = graph.entities.get(id);
      if (!e) continue;
      nodes.push(entityNode(e, 'side'));
      placed.add(id);
    }
    for (const e of [...(contracted.in.get(id) ?? []), ...(contracted.out.get(id) ?? [])]) {
      const other = e.from === id ? e.to : e.from;
      if (placed.has(other)) continue;
      const entity = graph.entities.get(other);
      if (!entity) continue;
      nodes.push(entityNode(entity, 'side'));
      placed.add(other);
    }
  }
  return { nodes, edges: viewEdges(contracted, nodes) };
}

/**
 * A view with more entities drawn (a field's path end to end, whatever the depth): each once — a
 * "more" node that held one gives it up — and the edges computed again over every node.
 */
export function withEntities(
  graph: EntityGraph,
  contracted: ContractedGraph,
  view: View,
  add: ReadonlyMap<string, NonNullable<ViewNode['role']>>,
): View {
  const shown = new Set(view.nodes.filter((n) => n.type !== 'more').flatMap((n) => n.members));
  const added = [...add].filter(([id]) => !shown.has(id) && contracted.visible.has(id) && graph.entities.has(id));
  const taken = new Set(added.map(([id]) => id));
  const nodes: ViewNode[] = [];
  for (const n of view.nodes) {
    if (n.type !== 'more') nodes.push(n);
    else {
      const rest = n.members.filter((m) => !taken.has(m));
      if (rest.length > 0) nodes.push({ ...n, label: `${rest.length} more`, members: rest });
    }
  }
  for (const [id, role] of added) {
    const e = graph.entities.get(id);
    if (e) nodes.push(entityNode(e, role));
  }
  return { nodes, edges: viewEdges(contracted, nodes) };
}
