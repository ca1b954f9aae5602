/**
 * The browser side of the lineage HTML page: reads the graph embedded in the page and draws it
 * entity-centric — one node per app (a job) and one per physical dataset, however many apps read or
 * write it — as an SVG laid out by dagre (layered, crossing minimisation). It starts on a site
 * overview grouped to stay legible, focuses a searched node with N-hop expansion, expands a dataset
 * into its columns and highlights a column's path end to end. Bundled (with dagre and the lineage
 * model code it shares with the API) by esbuild: the page loads nothing from anywhere.
 */
import dagre from '@dagrejs/dagre';
import type { LineageGraph } from '../src/generated/lineage-graph.js';
import {
  buildEntityGraph,
  ENTITY_KINDS,
  type Entity,
  type EntityKind,
  entityKindLabel,
  type FieldPath,
  fieldPath,
} from '../src/internal/html/entity-graph.js';
import {
  type ContractedGraph,
  contract,
  focusView,
  groupsOf,
  overviewView,
  type View,
  type ViewNode,
  withEntities,
} from '../src/internal/html/entity-view.js';

/** What the page shows: the overview, or the neighbourhood of a focused entity (and a field's path). */
interface ViewState {
  mode: 'overview' | 'focus';
  focus: string | null;
  depth: number;
  field: string | null;
  hidden: Set<EntityKind>;
  /** Overview: expanded groups. */
  expanded: Set<string>;
  /** Focus: entities whose neighbours were added. */
  extra: Set<string>;
  /** Datasets drawn with their columns. */
  columns: Set<string>;
  selected: string | null;
}

/** A drawn node, as the test hook reports it (read back from the SVG). */
interface RenderedNode {
  id: string;
  type: string;
  kind: string;
  label: string;
  role: string;
  onPath: boolean;
  columns: string[];
  pathColumns: string[];
}

/** What tests (and curious users) can reach from the console. */
interface ViewerApi {
  ready: boolean;
  errors: string[];
  nodeCount: number;
  edgeCount: number;
  entities: { apps: number; datasets: number };
  layoutMs: number;
  state(): {
    mode: string;
    focus: string | null;
    depth: number;
    field: string | null;
    hidden: string[];
    selected: string | null;
  };
  rendered(): RenderedNode[];
  edges(): { from: string; to: string; transitive: boolean; onPath: boolean }[];
  /** The smallest font size of the drawn text, in screen pixels (font size × zoom). */
  labelPx(): number;
  search(query: string): string[];
  focus(id: string, depth?: number): void;
  expand(id: string): void;
  showColumns(id: string, on?: boolean): void;
  selectField(entityId: string, field: string | null): void;
  select(id: string | null): void;
  showKinds(kinds: string[]): void;
  overview(): void;
  setDepth(depth: number): void;
}

const COLORS: Record<EntityKind, string> = {
  app: '#1565c0',
  qvd: '#2e7d32',
  file: '#00838f',
  table: '#6d4c41',
  other: '#757575',
};
const SVG = 'http://www.w3.org/2000/svg';
const FONT = 'system-ui,-apple-system,Segoe UI,Roboto,sans-serif';
const LABEL_PX = 15;
const TEXT_PX = 13;
const ROW = 19;
/** Zoom never starts below this: 13 px text stays ≥ 11.1 px on screen. */
const MIN_START_ZOOM = 0.86;
const MAX_ROWS = 14;
/**
 * Kinds hidden until shown: INLINE and AUTOGENERATE tables live inside one app; the page is about the
 * datasets between apps.
 */
const DEFAULT_HIDDEN: readonly EntityKind[] = ['other'];
const sameKinds = (a: ReadonlySet<EntityKind>, b: readonly EntityKind[]) =>
  a.size === b.length && b.every((k) => a.has(k));

let measureContext: CanvasRenderingContext2D | null | undefined;
function textWidth(text: string, px: number, bold = false): number {
  measureContext ??= document.createElement('canvas').getContext('2d');
  if (!measureContext) return text.length * px * 0.6;
  measureContext.font = `${bold ? '600 ' : ''}${px}px ${FONT}`;
  return measureContext.measureText(text).width;
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

function el<K extends keyof SVGElementTagNameMap>(
  name: K,
  attrs: Record<string, string | number>,
  parent?: Element,
): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  parent?.append(e);
  return e;
}

function main(): void {
  const api: ViewerApi = {
    ready: false,
    errors: [],
    nodeCount: 0,
    edgeCount: 0,
    entities: { apps: 0, datasets: 0 },
    layoutMs: 0,
    state: () => ({ mode: 'overview', focus: null, depth: 2, field: null, hidden: [], selected: null }),
    rendered: () => [],
    edges: () => [],
    labelPx: () => 0,
    search: () => [],
    focus: () => {},
    expand: () => {},
    showColumns: () => {},
    selectField: () => {},
    select: () => {},
    showKinds: () => {},
    overview: () => {},
    setDepth: () => {},
  };
  (window as unknown as { __lineage: ViewerApi }).__lineage = api;
  window.addEventListener('error', (e) => api.errors.push(String(e.message)));
  const dataElement = document.getElementById('lineage-data');
  const graph = JSON.parse(dataElement?.textContent ?? '{"nodes":[],"edges":[],"apps":[]}') as LineageGraph;
  api.nodeCount = graph.nodes.length;
  api.edgeCount = graph.edges.length;
  const entities = buildEntityGraph(graph);
  const all = [...entities.entities.values()];
  api.entities = {
    apps: all.filter((e) => e.kind === 'app').length,
    datasets: all.filter((e) => e.kind !== 'app').length,
  };
  const upOf = new Map<string, string[]>();
  const downOf = new Map<string, string[]>();
  for (const e of entities.edges) {
    downOf.set(e.from, [...(downOf.get(e.from) ?? []), e.to]);
    upOf.set(e.to, [...(upOf.get(e.to) ?? []), e.from]);
  }
  const reach = (start: string, next: Map<string, string[]>): Set<string> => {
    const seen = new Set<string>();
    const stack = [start];
    while (stack.length > 0) {
      const id = stack.pop() as string;
      for (const n of next.get(id) ?? [])
        if (!seen.has(n) && n !== start) {
          seen.add(n);
          stack.push(n);
        }
    }
    return seen;
  };

  const state: ViewState = {
    mode: 'overview',
    focus: null,
    depth: 2,
    field: null,
    hidden: new Set(DEFAULT_HIDDEN),
    expanded: new Set(),
    extra: new Set(),
    columns: new Set(),
    selected: null,
  };
  let contracted: ContractedGraph = contract(entities, state.hidden);
  let contractedKey = '';
  let path: FieldPath | undefined;
  let current: View = { nodes: [], edges: [] };
  let transform = { x: 0, y: 0, k: 1 };

  const host = document.getElementById('graph') as HTMLElement;
  const svg = el('svg', { id: 'canvas', width: '100%', height: '100%' }, host);
  const defs = el('defs', {}, svg);
  for (const [id, color] of [
    ['arrow', '#90a4ae'],
    ['arrow-path', '#ef6c00'],
  ] as const) {
    const marker = el(
      'marker',
      { id, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
      defs,
    );
    el('path', { d: 'M0,0 L10,5 L0,10 z', fill: color }, marker);
  }
  const viewport = el('g', { id: 'viewport' }, svg);
  const applyTransform = () =>
    viewport.setAttribute('transform', `translate(${transform.x},${transform.y}) scale(${transform.k})`);

  // Pan (drag the background) and zoom (wheel, around the pointer).
  let drag: { x: number; y: number; tx: number; ty: number } | null = null;
  /** The last press on the background moved the drawing (then its click does not clear the selection). */
  let panned = false;
  svg.addEventListener('pointerdown', (e) => {
    if ((e.target as Element).closest('g.node')) return;
    drag = { x: e.clientX, y: e.clientY, tx: transform.x, ty: transform.y };
    panned = false;
  });
  window.addEventListener('pointermove', (e) => {
    if (!drag) return;
    if (Math.abs(e.clientX - drag.x) + Math.abs(e.clientY - drag.y) > 3) panned = true;
    transform = { ...transform, x: drag.tx + e.clientX - drag.x, y: drag.ty + e.clientY - drag.y };
    applyTransform();
  });
  window.addEventListener('pointerup', () => {
    drag = null;
  });
  svg.addEventListener(
    'wheel',
    (e) => {
      e.preventDefault();
      const box = svg.getBoundingClientRect();
      const px = e.clientX - box.left;
      const py = e.clientY - box.top;
      const k = Math.min(3, Math.max(0.2, transform.k * (e.deltaY < 0 ? 1.1 : 1 / 1.1)));
      transform = { k, x: px - ((px - transform.x) * k) / transform.k, y: py - ((py - transform.y) * k) / transform.k };
      applyTransform();
    },
    { passive: false },
  );

  const entityOf = (id: string): Entity | undefined => entities.entities.get(id);

  /** Rows drawn inside a node: a dataset's columns, an app's items on the field path. */
  const rowsOf = (n: ViewNode): { text: string; column?: string; field?: string; onPath: boolean }[] => {
    if (n.type !== 'entity') return [];
    const e = entityOf(n.id);
    if (!e) return [];
    const onPathColumns = path?.columns.get(n.id);
    if (e.kind !== 'app') {
      const showAll = state.columns.has(n.id);
      const list = showAll ? e.columns : [...(onPathColumns ?? [])].sort();
      const rows = list.map((c) => ({ text: c, column: c, onPath: onPathColumns?.has(c) ?? false }));
      if (rows.length > MAX_ROWS) {
        // Columns on the path first, so the highlighted ones are never cut off.
        rows.sort((a, b) => Number(b.onPath) - Number(a.onPath));
        const more = rows.length - (MAX_ROWS - 1);
        return [...rows.slice(0, MAX_ROWS - 1), { text: `+ ${more} more columns`, onPath: false }];
      }
      return rows;
    }
    const items = path?.items.get(n.id) ?? [];
    const short: Record<string, string> = {
      ModelField: 'field',
      MasterMeasure: 'measure',
      MasterDimension: 'dimension',
      Variable: 'variable',
      Visualization: 'chart',
      Sheet: 'sheet',
    };
    const rows = items.map((i) => ({
      text: `${clip(i.name, 34)} (${short[i.kind] ?? i.kind})`,
      ...(i.kind === 'ModelField' ? { field: i.name } : {}),
      onPath: true,
    }));
    if (rows.length > MAX_ROWS)
      return [...rows.slice(0, MAX_ROWS - 1), { text: `+ ${rows.length - MAX_ROWS + 1} more`, onPath: true }];
    return rows;
  };

  const computeView = (): View => {
    const hidden = new Set(state.hidden);
    const focusKind = state.focus ? entityOf(state.focus)?.kind : undefined;
    if (state.mode === 'focus' && focusKind) hidden.delete(focusKind);
    const key = [...hidden].sort().join(',');
    if (key !== contractedKey) {
      contracted = contract(entities, hidden);
      contractedKey = key;
    }
    if (state.mode === 'overview' || !state.focus) return overviewView(entities, contracted, state.expanded);
    const view = focusView(entities, contracted, state.focus, state.depth, state.extra);
    if (!path) return view;
    // The field's path end to end, whatever the depth.
    const add = new Map<string, 'up' | 'down'>();
    for (const id of path.upstream) add.set(id, 'up');
    for (const id of path.downstream) if (!add.has(id)) add.set(id, 'down');
    return withEntities(entities, contracted, view, add);
  };

  const onPathEntity = (id: string) =>
    path !== undefined && (id === state.focus || path.upstream.has(id) || path.downstream.has(id));

  const render = () => {
    path =
      state.mode === 'focus' && state.focus && state.field
        ? fieldPath(graph, entities, state.focus, state.field)
        : undefined;
    current = computeView();
    const t0 = performance.now();
    const g = new dagre.graphlib.Graph({ multigraph: false });
    g.setGraph({ rankdir: 'LR', nodesep: 16, ranksep: 22, edgesep: 10, marginx: 8, marginy: 12 });
    g.setDefaultEdgeLabel(() => ({}));
    const sizes = new Map<string, { w: number; h: number; rows: ReturnType<typeof rowsOf> }>();
    for (const n of current.nodes) {
      const rows = rowsOf(n);
      const label = clip(n.label, 44);
      const detail = clip(n.detail, 34);
      const w = Math.max(
        100,
        textWidth(`${n.type === 'group' ? '▸ ' : ''}${label}`, LABEL_PX, true) + 26,
        textWidth(detail, TEXT_PX) + 24,
        ...rows.map((r) => textWidth(r.text, TEXT_PX, r.onPath) + 30),
      );
      const h = 46 + (rows.length > 0 ? rows.length * ROW + 8 : 0);
      sizes.set(n.id, { w: Math.ceil(w), h, rows });
      g.setNode(n.id, { width: Math.ceil(w), height: h });
    }
    // A count is an edge label: dagre keeps room for it between the layers.
    for (const e of current.edges)
      g.setEdge(
        e.from,
        e.to,
        e.count > 1 ? { width: textWidth(String(e.count), 12) + 8, height: 16, labelpos: 'c' } : {},
      );
    dagre.layout(g);
    api.layoutMs = Math.round((performance.now() - t0) * 10) / 10;

    viewport.textContent = '';
    svg.classList.toggle('path-mode', path !== undefined);
    const edgeLayer = el('g', { class: 'edges' }, viewport);
    const nodeLayer = el('g', { class: 'nodes' }, viewport);
    for (const e of current.edges) {
      const points: { x: number; y: number }[] = g.edge(e.from, e.to)?.points ?? [];
      if (points.length === 0) continue;
      // Smooth through dagre's bend points: a quadratic curve to the midpoint of each next segment.
      const f = (p: { x: number; y: number }) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`;
      let d = `M${f(points[0] as { x: number; y: number })}`;
      for (let i = 1; i < points.length - 1; i++) {
        const p = points[i] as { x: number; y: number };
        const q = points[i + 1] as { x: number; y: number };
        d += ` Q${f(p)} ${f({ x: (p.x + q.x) / 2, y: (p.y + q.y) / 2 })}`;
      }
      d += ` L${f(points[points.length - 1] as { x: number; y: number })}`;
      const onPath = onPathEntity(e.from) && onPathEntity(e.to);
      const line = el(
        'path',
        {
          d,
          class: `edge${e.transitive ? ' transitive' : ''}${onPath ? ' on-path' : ''}`,
          'marker-end': `url(#${onPath ? 'arrow-path' : 'arrow'})`,
          'data-from': e.from,
          'data-to': e.to,
        },
        edgeLayer,
      );
      line.setAttribute('fill', 'none');
      const at = g.edge(e.from, e.to) as { x?: number; y?: number } | undefined;
      if (e.count > 1 && at?.x !== undefined && at.y !== undefined) {
        const t = el('text', { x: at.x, y: at.y + 4, class: 'edge-count' }, edgeLayer);
        t.textContent = `${e.count}`;
      }
    }
    for (const n of current.nodes) {
      const pos = g.node(n.id);
      const size = sizes.get(n.id);
      if (!pos || !size) continue;
      const x = pos.x - size.w / 2;
      const y = pos.y - size.h / 2;
      const onPath = n.type === 'entity' && onPathEntity(n.id);
      const classes = ['node', n.type, `kind-${n.kind}`];
      if (n.role) classes.push(n.role);
      if (onPath) classes.push('on-path');
      if (state.selected === n.id) classes.push('selected');
      const node = el(
        'g',
        {
          class: classes.join(' '),
          transform: `translate(${x.toFixed(1)},${y.toFixed(1)})`,
          'data-id': n.id,
          'data-type': n.type,
          'data-kind': n.kind,
          'data-role': n.role ?? '',
        },
        nodeLayer,
      );
      const title = el('title', {}, node);
      title.textContent =
        n.type === 'entity' ? `${n.label}\n${entityOf(n.id)?.aliases[0] ?? ''}` : `${n.label}\n${n.detail}`;
      el('rect', { class: 'box', width: size.w, height: size.h, rx: 6 }, node);
      el('rect', { class: 'band', width: 6, height: size.h, rx: 3, fill: COLORS[n.kind] }, node);
      const label = el('text', { class: 'label', x: 14, y: 20 }, node);
      label.textContent = `${n.type === 'group' ? '▸ ' : ''}${clip(n.label, 44)}`;
      const detail = el('text', { class: 'detail', x: 14, y: 38 }, node);
      detail.textContent = clip(n.detail, 34);
      size.rows.forEach((r, i) => {
        const row = el(
          'text',
          {
            class: `row${r.column !== undefined ? ' column' : ''}${r.field !== undefined ? ' field' : ''}${r.onPath ? ' on-path' : ''}`,
            x: 20,
            y: 46 + 8 + i * ROW + 12,
          },
          node,
        );
        if (r.column !== undefined) row.dataset.column = r.column;
        if (r.field !== undefined) row.dataset.field = r.field;
        row.textContent = r.text;
      });
    }
    // The first view: all of it when it fits at a readable zoom, else readable and centred on the focus.
    const box = svg.getBoundingClientRect();
    const graphBox = g.graph();
    const gw = graphBox.width ?? 0;
    const gh = graphBox.height ?? 0;
    const fit = Math.min(box.width / Math.max(gw, 1), box.height / Math.max(gh, 1));
    const k = Math.max(MIN_START_ZOOM, Math.min(1.15, fit));
    const anchor = state.mode === 'focus' && state.focus ? g.node(state.focus) : undefined;
    let tx = (box.width - gw * k) / 2;
    let ty = (box.height - gh * k) / 2;
    // Too big to fit at a readable zoom: the focus in the middle, but no empty margin beyond the drawing.
    const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
    if (gw * k > box.width) tx = anchor ? clamp(box.width / 2 - anchor.x * k, box.width - gw * k - 10, 10) : 10;
    if (gh * k > box.height) ty = anchor ? clamp(box.height / 2 - anchor.y * k, box.height - gh * k - 10, 10) : 10;
    transform = { x: tx, y: ty, k };
    applyTransform();
    updatePanels();
    highlightSelection();
    writeHash();
  };

  // Side panel and header.
  const details = document.getElementById('details') as HTMLElement;
  const status = document.getElementById('status') as HTMLElement;
  const depthLabel = document.getElementById('depth') as HTMLElement | null;
  const button = (text: string, action: () => void, cls = ''): HTMLButtonElement => {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = text;
    if (cls) b.className = cls;
    b.addEventListener('click', action);
    return b;
  };
  const entityLink = (id: string): HTMLElement => {
    const e = entityOf(id);
    const li = document.createElement('li');
    li.append(button(e ? e.name : id, () => api.focus(id), 'link'));
    if (e) li.append(` ${e.detail}`);
    return li;
  };
  const list = (title: string, ids: readonly string[], max = 40): HTMLElement[] => {
    if (ids.length === 0) return [];
    const h = document.createElement('h3');
    h.textContent = `${title} (${ids.length})`;
    const ul = document.createElement('ul');
    for (const id of ids.slice(0, max)) ul.append(entityLink(id));
    if (ids.length > max) {
      const li = document.createElement('li');
      li.textContent = `… ${ids.length - max} more`;
      ul.append(li);
    }
    return [h, ul];
  };
  const byName = (a: string, b: string) => (entityOf(a)?.name ?? a).localeCompare(entityOf(b)?.name ?? b);

  const updatePanels = () => {
    if (depthLabel) depthLabel.textContent = String(state.depth);
    const shown = current.nodes.length;
    status.textContent =
      state.mode === 'overview'
        ? `Overview · ${shown} nodes`
        : `Focus: ${entityOf(state.focus ?? '')?.name ?? ''} · depth ${state.depth}${state.field ? ` · field ${state.field}` : ''} · ${shown} nodes`;
    details.textContent = '';
    const selected = state.selected ?? (state.mode === 'focus' ? state.focus : null);
    const viewNode = current.nodes.find((n) => n.id === selected);
    if (path && state.focus) {
      const h = document.createElement('h2');
      h.textContent = `Path of ${entityOf(state.focus)?.name ?? ''} › ${state.field}`;
      const p = document.createElement('p');
      p.textContent = `${path.upstream.size} upstream · ${path.downstream.size} downstream (field level)`;
      details.append(
        h,
        p,
        button('Clear field', () => api.selectField(state.focus ?? '', null)),
      );
    }
    if (selected && viewNode && viewNode.type !== 'entity') {
      const h = document.createElement('h2');
      h.textContent = viewNode.label;
      const p = document.createElement('p');
      p.textContent = viewNode.detail;
      details.append(h, p);
      if (viewNode.type === 'group') details.append(button('Expand group', () => api.expand(viewNode.id)));
      details.append(...list('Members', [...viewNode.members].sort(byName)));
      return;
    }
    const e = selected ? entityOf(selected) : undefined;
    if (!e) {
      const p = document.createElement('p');
      p.className = 'hint';
      p.textContent =
        state.mode === 'overview'
          ? 'Click a group to open it, a node to see what it reads and feeds; search to focus on one.'
          : 'Click a node for its details; a column for its path end to end.';
      details.append(p);
      return;
    }
    const h = document.createElement('h2');
    h.textContent = e.name;
    const p = document.createElement('p');
    const ups = reach(e.id, upOf);
    const downs = reach(e.id, downOf);
    p.className = 'counts';
    p.textContent = `${entityKindLabel(e.kind).replace(/s$/, '')} · ${e.detail} · ${ups.size} upstream · ${downs.size} downstream`;
    const actions = document.createElement('div');
    actions.className = 'actions';
    actions.append(
      button('Focus', () => api.focus(e.id)),
      button('Expand neighbours', () => api.expand(e.id)),
    );
    if (e.columns.length > 0)
      actions.append(button(state.columns.has(e.id) ? 'Hide columns' : 'Columns', () => api.showColumns(e.id)));
    details.append(h, p, actions);
    const direct = (m: Map<string, string[]>) => [...new Set(m.get(e.id) ?? [])].sort(byName);
    if (e.kind === 'app') {
      details.append(...list('Reads', direct(upOf)), ...list('Writes', direct(downOf)));
    } else {
      details.append(...list('Written by', direct(upOf)), ...list('Read by', direct(downOf)));
    }
    const aliases = document.createElement('pre');
    aliases.textContent = e.aliases.join('\n');
    details.append(aliases);
  };

  const writeHash = () => {
    const params = new URLSearchParams();
    if (state.mode === 'focus' && state.focus) {
      params.set('focus', state.focus);
      params.set('depth', String(state.depth));
      if (state.field) params.set('field', state.field);
      for (const x of state.extra) params.append('expand', x);
    } else for (const x of state.expanded) params.append('expand', x);
    for (const c of state.columns) params.append('columns', c);
    if (!sameKinds(state.hidden, DEFAULT_HIDDEN)) params.set('hide', [...state.hidden].sort().join(','));
    const hash = params.toString();
    if (location.hash.slice(1) !== hash) history.replaceState(null, '', hash === '' ? location.pathname : `#${hash}`);
    lastHash = location.hash;
  };
  let lastHash = '';

  /** An entity by id, or by exact name / path / identity (hand-written links). */
  const resolve = (ref: string): string | undefined => {
    if (entities.entities.has(ref)) return ref;
    const r = ref.toLowerCase();
    return all.find((e) => e.name.toLowerCase() === r || e.aliases.some((a) => a.toLowerCase() === r))?.id;
  };

  const readHash = () => {
    const params = new URLSearchParams(location.hash.slice(1));
    const hide = (params.get('hide') ?? '')
      .split(',')
      .filter((k): k is EntityKind => (ENTITY_KINDS as string[]).includes(k));
    state.hidden = new Set(params.has('hide') ? hide : DEFAULT_HIDDEN);
    syncFilters();
    state.columns = new Set(params.getAll('columns').flatMap((c) => resolve(c) ?? []));
    const focus = params.get('focus');
    const id = focus ? resolve(focus) : undefined;
    if (id) {
      state.mode = 'focus';
      state.focus = id;
      state.selected = null;
      const depth = Number(params.get('depth') ?? '2');
      state.depth = Number.isInteger(depth) && depth >= 1 && depth <= 9 ? depth : 2;
      state.field = params.get('field');
      state.extra = new Set(params.getAll('expand').flatMap((x) => resolve(x) ?? []));
    } else {
      state.mode = 'overview';
      state.focus = null;
      state.field = null;
      state.extra = new Set();
      state.expanded = new Set(params.getAll('expand'));
    }
  };

  // Kind filters.
  const filters = document.getElementById('filters') as HTMLElement;
  const syncFilters = () => {
    for (const box of filters.querySelectorAll<HTMLInputElement>('input'))
      box.checked = !state.hidden.has(box.dataset.kind as EntityKind);
  };
  for (const kind of ENTITY_KINDS) {
    const count = all.filter((e) => e.kind === kind).length;
    if (count === 0) continue;
    const label = document.createElement('label');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.checked = !state.hidden.has(kind);
    box.dataset.kind = kind;
    box.addEventListener('change', () => {
      if (box.checked) state.hidden.delete(kind);
      else state.hidden.add(kind);
      render();
    });
    const swatch = document.createElement('span');
    swatch.className = 'swatch';
    swatch.style.background = COLORS[kind];
    label.append(box, swatch, ` ${entityKindLabel(kind)} (${count})`);
    filters.append(label);
  }

  // The API (also what the page's own controls call).
  api.state = () => ({
    mode: state.mode,
    focus: state.focus,
    depth: state.depth,
    field: state.field,
    hidden: [...state.hidden].sort(),
    selected: state.selected,
  });
  api.rendered = () =>
    [...svg.querySelectorAll<SVGGElement>('g.node')].map((g) => ({
      id: g.dataset.id ?? '',
      type: g.dataset.type ?? '',
      kind: g.dataset.kind ?? '',
      label: g.querySelector('.label')?.textContent ?? '',
      role: g.dataset.role ?? '',
      onPath: g.classList.contains('on-path'),
      columns: [...g.querySelectorAll<SVGTextElement>('text.column')].map((t) => t.dataset.column ?? ''),
      pathColumns: [...g.querySelectorAll<SVGTextElement>('text.column.on-path')].map((t) => t.dataset.column ?? ''),
    }));
  api.edges = () =>
    [...svg.querySelectorAll<SVGPathElement>('path.edge')].map((p) => ({
      from: p.dataset.from ?? '',
      to: p.dataset.to ?? '',
      transitive: p.classList.contains('transitive'),
      onPath: p.classList.contains('on-path'),
    }));
  api.labelPx = () => {
    let min = Number.POSITIVE_INFINITY;
    for (const t of svg.querySelectorAll<SVGTextElement>('g.node text')) {
      const px = Number.parseFloat(getComputedStyle(t).fontSize);
      const scale = t.getScreenCTM()?.a ?? 1;
      min = Math.min(min, px * scale);
    }
    return Number.isFinite(min) ? Math.round(min * 100) / 100 : 0;
  };
  api.focus = (id, depth) => {
    const target = resolve(id);
    if (!target) return;
    if (state.mode !== 'focus' || state.focus !== target) {
      state.extra = new Set();
      state.field = null;
    }
    state.mode = 'focus';
    state.focus = target;
    state.selected = null;
    if (depth !== undefined && depth >= 1) state.depth = Math.min(9, Math.floor(depth));
    render();
  };
  api.expand = (id) => {
    if (id.startsWith('group:')) {
      if (state.expanded.has(id)) state.expanded.delete(id);
      else state.expanded.add(id);
      state.selected = null;
    } else if (state.mode === 'focus' && entities.entities.has(id)) {
      state.extra.add(id);
    } else if (entities.entities.has(id)) {
      api.focus(id);
      return;
    }
    render();
  };
  api.showColumns = (id, on) => {
    const show = on ?? !state.columns.has(id);
    if (show) state.columns.add(id);
    else state.columns.delete(id);
    render();
  };
  api.selectField = (entityId, field) => {
    const target = resolve(entityId);
    if (!target) return;
    if (state.mode !== 'focus' || state.focus !== target) {
      state.mode = 'focus';
      state.focus = target;
      state.extra = new Set();
    }
    state.field = field;
    state.selected = null;
    render();
  };
  /** Marks what is upstream and downstream of the selected entity (all hops) on the drawn nodes. */
  const highlightSelection = () => {
    const id = state.selected;
    const entity = id ? entityOf(id) : undefined;
    const ups = entity ? reach(entity.id, upOf) : new Set<string>();
    const downs = entity ? reach(entity.id, downOf) : new Set<string>();
    svg.classList.toggle('select-mode', entity !== undefined && path === undefined);
    for (const g of svg.querySelectorAll<SVGGElement>('g.node')) {
      const members = current.nodes.find((n) => n.id === g.dataset.id)?.members ?? [];
      g.classList.toggle('selected', g.dataset.id === id);
      g.classList.toggle(
        'hl-up',
        members.some((m) => ups.has(m)),
      );
      g.classList.toggle(
        'hl-down',
        members.some((m) => downs.has(m)),
      );
    }
    for (const p of svg.querySelectorAll<SVGPathElement>('path.edge')) {
      const lit = (x: string | undefined) =>
        x === id || (current.nodes.find((n) => n.id === x)?.members ?? []).some((m) => ups.has(m) || downs.has(m));
      p.classList.toggle('lit', entity !== undefined && lit(p.dataset.from) && lit(p.dataset.to));
    }
  };

  api.select = (id) => {
    state.selected = id;
    updatePanels();
    highlightSelection();
  };
  api.showKinds = (kinds) => {
    state.hidden = new Set(ENTITY_KINDS.filter((k) => !kinds.includes(k)));
    syncFilters();
    render();
  };
  api.overview = () => {
    // Back to the overview with the focused entity's groups open.
    const keep = state.focus;
    state.mode = 'overview';
    state.field = null;
    state.extra = new Set();
    state.selected = keep;
    if (keep) for (const g of groupsOf(entities, contracted, keep)) state.expanded.add(g);
    state.focus = null;
    render();
  };
  api.setDepth = (depth) => {
    state.depth = Math.max(1, Math.min(9, Math.floor(depth)));
    if (state.mode === 'focus') render();
    else updatePanels();
  };

  // Search: apps and datasets by name, path or identity, and columns (`dataset › column`).
  const input = document.getElementById('search') as HTMLInputElement;
  const results = document.getElementById('results') as HTMLElement;
  let matches: { entity: string; field?: string; text: string }[] = [];
  api.search = (query) => {
    const q = query.trim().toLowerCase();
    matches = [];
    if (q !== '') {
      for (const e of all)
        if (e.name.toLowerCase().includes(q) || e.aliases.some((a) => a.toLowerCase().includes(q)))
          matches.push({ entity: e.id, text: `${e.name} — ${e.detail}` });
      matches.sort((a, b) => byName(a.entity, b.entity));
      for (const e of all)
        for (const c of e.columns)
          if (c.toLowerCase().includes(q) && c !== '*')
            matches.push({ entity: e.id, field: c, text: `${e.name} › ${c}` });
    }
    results.textContent = '';
    for (const m of matches.slice(0, 12)) {
      const li = document.createElement('li');
      li.append(
        button(m.text, () => {
          results.textContent = '';
          if (m.field) api.selectField(m.entity, m.field);
          else api.focus(m.entity);
        }),
      );
      results.append(li);
    }
    results.hidden = matches.length === 0;
    status.textContent = q === '' ? status.textContent : `${matches.length} match${matches.length === 1 ? '' : 'es'}`;
    return matches.map((m) => (m.field ? `${m.entity}#${m.field}` : m.entity));
  };
  input.addEventListener('input', () => api.search(input.value));
  input.addEventListener('keydown', (e) => {
    const first = matches[0];
    if (e.key === 'Enter' && first) {
      results.hidden = true;
      if (first.field) api.selectField(first.entity, first.field);
      else api.focus(first.entity);
    }
    if (e.key === 'Escape') results.hidden = true;
  });
  document.getElementById('overview')?.addEventListener('click', () => api.overview());
  document.getElementById('depth-down')?.addEventListener('click', () => api.setDepth(state.depth - 1));
  document.getElementById('depth-up')?.addEventListener('click', () => api.setDepth(state.depth + 1));

  // Clicks on the drawing: a group opens, a node is selected (double click focuses), a column or a
  // model field shows its path.
  svg.addEventListener('click', (e) => {
    const target = e.target as Element;
    const row = target.closest<SVGTextElement>('text.column, text.field');
    const node = target.closest<SVGGElement>('g.node');
    if (row && node?.dataset.id) {
      api.selectField(node.dataset.id, row.dataset.column ?? row.dataset.field ?? null);
      return;
    }
    const id = node?.dataset.id;
    if (!id) {
      if (state.selected !== null && !panned) api.select(null);
      return;
    }
    if (node.dataset.type === 'group') api.expand(id);
    else api.select(id);
  });
  svg.addEventListener('dblclick', (e) => {
    const node = (e.target as Element).closest<SVGGElement>('g.node');
    if (node?.dataset.type === 'entity' && node.dataset.id) api.focus(node.dataset.id);
  });
  window.addEventListener('hashchange', () => {
    if (location.hash === lastHash) return;
    readHash();
    render();
  });

  const summary = document.getElementById('summary');
  if (summary)
    summary.textContent = `${api.entities.apps} apps · ${api.entities.datasets} datasets · ${graph.nodes.length} graph nodes`;
  readHash();
  render();
  api.ready = true;
}

try {
  main();
} catch (error) {
  const api = (window as unknown as { __lineage?: ViewerApi }).__lineage;
  api?.errors.push(error instanceof Error ? error.message : String(error));
  throw error;
}
