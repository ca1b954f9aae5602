/**
 * The browser side of the lineage HTML page: reads the graph embedded in the page, draws it with
 * cytoscape, and offers search, kind filters and upstream/downstream highlighting. Bundled (with
 * cytoscape) into the page by esbuild: the page loads nothing from anywhere.
 */
import cytoscape, { type Core, type ElementDefinition } from 'cytoscape';

interface GraphNode {
  id: string;
  kind: string;
  name: string;
  appId?: string;
  provenance: string;
  confidence: number;
  attributes: Record<string, unknown>;
}
interface GraphEdge {
  id: string;
  kind: string;
  from: string;
  to: string;
  provenance: string;
  confidence: number;
  attributes: Record<string, unknown>;
}
interface Graph {
  nodes: GraphNode[];
  edges: GraphEdge[];
  apps: { appId: string; name: string; status: string; coverage?: { ratio: number } }[];
  site?: { host: string };
}

/** What tests (and curious users) can reach from the console. */
interface ViewerApi {
  ready: boolean;
  nodeCount: number;
  edgeCount: number;
  visibleCount: number;
  matches: string[];
  selected: string | null;
  upstream: string[];
  downstream: string[];
  search(query: string): string[];
  select(id: string | null): void;
  showKinds(kinds: string[]): void;
  errors: string[];
}

const COLORS: Record<string, string> = {
  Site: '#37474f',
  Stream: '#546e7a',
  App: '#1565c0',
  Connection: '#6d4c41',
  ExternalDataset: '#2e7d32',
  DatasetField: '#81c784',
  ScriptStatement: '#8e24aa',
  ScriptTable: '#ab47bc',
  ScriptField: '#ce93d8',
  ModelTable: '#ef6c00',
  ModelField: '#ffb74d',
  Variable: '#00838f',
  MasterDimension: '#c62828',
  MasterMeasure: '#d81b60',
  Sheet: '#455a64',
  Visualization: '#0277bd',
};
const SHAPES: Record<string, string> = {
  App: 'round-rectangle',
  ExternalDataset: 'barrel',
  ScriptStatement: 'diamond',
  ScriptTable: 'rectangle',
  ModelTable: 'rectangle',
  Connection: 'hexagon',
  Sheet: 'round-rectangle',
  Visualization: 'round-tag',
  MasterMeasure: 'star',
  MasterDimension: 'star',
};
const FIELD_KINDS = new Set(['DatasetField', 'ScriptField', 'ModelField']);

/** Data flows along an edge in this direction: 1 from → to, -1 to → from, 0 not a flow (structure). */
function flow(edge: GraphEdge, kinds: ReadonlyMap<string, string>): number {
  switch (edge.kind) {
    case 'WRITES':
    case 'PRODUCES':
    case 'DERIVES':
    case 'INDIRECT':
    case 'SAME_AS':
      return 1;
    case 'READS':
    case 'USES_CONNECTION':
    case 'REFERENCES':
    case 'BINARY_FROM':
      return -1;
    case 'CONTAINS': {
      const parent = kinds.get(edge.from);
      // A visualisation shows on its sheet (and a filter pane's list boxes in the pane).
      return parent === 'Sheet' || parent === 'Visualization' ? -1 : 0;
    }
    default:
      return 0;
  }
}

function main(): void {
  const api: ViewerApi = {
    ready: false,
    nodeCount: 0,
    edgeCount: 0,
    visibleCount: 0,
    matches: [],
    selected: null,
    upstream: [],
    downstream: [],
    search: () => [],
    select: () => {},
    showKinds: () => {},
    errors: [],
  };
  (window as unknown as { __lineage: ViewerApi }).__lineage = api;
  window.addEventListener('error', (e) => api.errors.push(String(e.message)));
  const dataElement = document.getElementById('lineage-data');
  const graph = JSON.parse(dataElement?.textContent ?? '{"nodes":[],"edges":[],"apps":[]}') as Graph;
  api.nodeCount = graph.nodes.length;
  api.edgeCount = graph.edges.length;
  const nodesById = new Map(graph.nodes.map((n) => [n.id, n]));
  const kindOf = new Map(graph.nodes.map((n) => [n.id, n.kind]));
  const appName = new Map(graph.apps.map((a) => [a.appId, a.name]));
  const down = new Map<string, string[]>();
  const up = new Map<string, string[]>();
  const container = new Map<string, string>();
  // A table's (or dataset's) fields are downstream of it; not the other way round: the upstream of
  // a field is what it derives from, not everything its table was loaded from.
  const fieldsOf = new Map<string, string[]>();
  for (const e of graph.edges) {
    const f = flow(e, kindOf);
    if (e.kind === 'CONTAINS' && FIELD_KINDS.has(kindOf.get(e.to) ?? '')) {
      container.set(e.to, e.from);
      fieldsOf.set(e.from, [...(fieldsOf.get(e.from) ?? []), e.to]);
    }
    if (f === 0) continue;
    const [a, b] = f > 0 ? [e.from, e.to] : [e.to, e.from];
    down.set(a, [...(down.get(a) ?? []), b]);
    up.set(b, [...(up.get(b) ?? []), a]);
  }
  const reach = (start: string, next: Map<string, string[]>, extra?: Map<string, string[]>): Set<string> => {
    const seen = new Set<string>();
    const queue = [start];
    while (queue.length > 0) {
      const id = queue.pop() as string;
      for (const n of [...(next.get(id) ?? []), ...(extra?.get(id) ?? [])]) {
        if (seen.has(n) || n === start) continue;
        seen.add(n);
        queue.push(n);
      }
    }
    return seen;
  };

  const elements: ElementDefinition[] = [];
  for (const n of graph.nodes) {
    const label = n.name.length > 48 ? `${n.name.slice(0, 47)}…` : n.name;
    elements.push({
      group: 'nodes',
      data: { id: n.id, label, kind: n.kind, color: COLORS[n.kind] ?? '#9e9e9e', shape: SHAPES[n.kind] ?? 'ellipse' },
    });
  }
  for (const e of graph.edges) {
    if (!nodesById.has(e.from) || !nodesById.has(e.to)) continue;
    elements.push({
      group: 'edges',
      data: { id: e.id, source: e.from, target: e.to, kind: e.kind, low: e.confidence < 0.7 ? 1 : 0 },
    });
  }
  const cy: Core = cytoscape({
    container: document.getElementById('graph'),
    elements,
    style: [
      {
        selector: 'node',
        style: {
          'background-color': 'data(color)',
          shape: 'data(shape)' as never,
          label: 'data(label)',
          'font-size': 9,
          color: '#222',
          'text-valign': 'bottom',
          'text-margin-y': 3,
          width: 18,
          height: 18,
        },
      },
      {
        selector: 'edge',
        style: {
          width: 1,
          'line-color': '#b0bec5',
          'target-arrow-color': '#b0bec5',
          'target-arrow-shape': 'triangle',
          'curve-style': 'bezier',
          'arrow-scale': 0.6,
        },
      },
      { selector: 'edge[low = 1]', style: { 'line-style': 'dashed' } },
      {
        selector: 'edge[kind = "SAME_AS"]',
        style: { 'line-color': '#2e7d32', 'target-arrow-color': '#2e7d32', width: 2 },
      },
      { selector: 'edge[kind = "CONTAINS"]', style: { 'line-color': '#e0e0e0', 'target-arrow-shape': 'none' } },
      { selector: '.faded', style: { opacity: 0.12 } },
      { selector: 'node.up', style: { 'border-width': 3, 'border-color': '#ef6c00' } },
      { selector: 'node.down', style: { 'border-width': 3, 'border-color': '#1565c0' } },
      { selector: 'edge.flow', style: { 'line-color': '#455a64', 'target-arrow-color': '#455a64', width: 2 } },
      { selector: 'node.match', style: { 'border-width': 4, 'border-color': '#fdd835' } },
      { selector: 'node.selected', style: { 'border-width': 5, 'border-color': '#d50000', width: 26, height: 26 } },
    ],
    layout: { name: 'preset' },
  });

  const kinds = [...new Set(graph.nodes.map((n) => n.kind))].sort();
  const visible = new Set(kinds.filter((k) => !FIELD_KINDS.has(k)));
  const filters = document.getElementById('filters');
  for (const k of kinds) {
    const label = document.createElement('label');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.checked = visible.has(k);
    box.dataset.kind = k;
    box.addEventListener('change', () => {
      if (box.checked) visible.add(k);
      else visible.delete(k);
      applyVisibility();
    });
    label.append(box, ` ${k} (${graph.nodes.filter((n) => n.kind === k).length})`);
    filters?.append(label);
  }

  // Layered layout: columns by data-flow depth (sources left, charts and sheets right), computed once
  // on the whole graph so that columns stay put when kinds are shown or hidden.
  const rank = new Map<string, number>();
  {
    const indegree = new Map<string, number>();
    for (const n of graph.nodes) indegree.set(n.id, (up.get(n.id) ?? []).length);
    const queue = graph.nodes.filter((n) => (indegree.get(n.id) ?? 0) === 0).map((n) => n.id);
    for (const id of queue) rank.set(id, 0);
    while (queue.length > 0) {
      const id = queue.shift() as string;
      const r = rank.get(id) ?? 0;
      for (const next of down.get(id) ?? []) {
        rank.set(next, Math.max(rank.get(next) ?? 0, r + 1));
        const left = (indegree.get(next) ?? 0) - 1;
        indegree.set(next, left);
        if (left === 0) queue.push(next);
      }
    }
    // Nodes on cycles: one more than their highest ranked upstream node.
    for (const n of graph.nodes) {
      if (rank.has(n.id)) continue;
      rank.set(n.id, Math.max(0, ...(up.get(n.id) ?? []).map((u) => (rank.get(u) ?? 0) + 1)));
    }
  }
  const layout = () => {
    const shown = cy.nodes(':visible');
    const columns = new Map<number, string[]>();
    shown.forEach((n) => {
      const r = rank.get(n.id()) ?? 0;
      columns.set(r, [...(columns.get(r) ?? []), n.id()]);
    });
    const order = [...columns.keys()].sort((a, b) => a - b);
    const key = (id: string) => {
      const n = nodesById.get(id);
      return `${n?.appId ?? ''}\u0000${n?.kind ?? ''}\u0000${n?.name ?? ''}`;
    };
    cy.batch(() => {
      order.forEach((r, x) => {
        const ids = (columns.get(r) ?? []).sort((a, b) => (key(a) < key(b) ? -1 : 1));
        ids.forEach((id, y) => {
          cy.getElementById(id).position({ x: x * 220, y: (y - ids.length / 2) * 34 });
        });
      });
    });
    cy.fit(shown, 30);
  };
  const applyVisibility = () => {
    cy.batch(() => {
      cy.nodes().forEach((n) => {
        n.style('display', visible.has(String(n.data('kind'))) ? 'element' : 'none');
      });
    });
    api.visibleCount = cy.nodes(':visible').length;
    layout();
  };
  api.showKinds = (list) => {
    visible.clear();
    for (const k of list) visible.add(k);
    for (const box of document.querySelectorAll<HTMLInputElement>('#filters input'))
      box.checked = visible.has(box.dataset.kind ?? '');
    applyVisibility();
  };

  const details = document.getElementById('details');
  const describe = (n: GraphNode, ups: number, downs: number) => {
    if (!details) return;
    details.textContent = '';
    const h = document.createElement('h2');
    h.textContent = n.name;
    const p = document.createElement('p');
    p.textContent = `${n.kind}${n.appId ? ` · ${appName.get(n.appId) ?? n.appId}` : ''} · ${n.provenance} · confidence ${n.confidence} · ${ups} upstream · ${downs} downstream`;
    const pre = document.createElement('pre');
    pre.textContent = JSON.stringify(n.attributes, null, 2);
    details.append(h, p, pre);
  };

  api.select = (id) => {
    cy.elements().removeClass('faded up down flow selected');
    api.selected = null;
    api.upstream = [];
    api.downstream = [];
    if (id === null || !nodesById.has(id)) return;
    const ups = reach(id, up);
    const downs = reach(id, down, fieldsOf);
    const lit = new Set([id, ...ups, ...downs]);
    for (const f of [...lit]) {
      const c = container.get(f);
      if (c) lit.add(c);
    }
    cy.batch(() => {
      cy.elements().addClass('faded');
      for (const x of lit) cy.getElementById(x).removeClass('faded');
      for (const x of ups) cy.getElementById(x).addClass('up');
      for (const x of downs) cy.getElementById(x).addClass('down');
      cy.getElementById(id).addClass('selected');
      cy.edges().forEach((e) => {
        if (lit.has(String(e.data('source'))) && lit.has(String(e.data('target'))))
          e.removeClass('faded').addClass('flow');
      });
    });
    const litShown = cy.collection();
    for (const x of lit) litShown.merge(cy.getElementById(x));
    const visibleLit = litShown.filter(':visible');
    if (visibleLit.length > 0) cy.fit(visibleLit, 40);
    api.selected = id;
    api.upstream = [...ups].sort();
    api.downstream = [...downs].sort();
    const node = nodesById.get(id);
    if (node) describe(node, ups.size, downs.size);
  };

  api.search = (query) => {
    const q = query.trim().toLowerCase();
    cy.nodes().removeClass('match');
    api.matches =
      q === ''
        ? []
        : graph.nodes.filter((n) => n.name.toLowerCase().includes(q) || n.id === query.trim()).map((n) => n.id);
    const found = cy.collection();
    for (const id of api.matches) found.merge(cy.getElementById(id));
    found.addClass('match');
    const shown = found.filter(':visible');
    if (shown.length > 0) cy.fit(shown, 60);
    const status = document.getElementById('status');
    if (status)
      status.textContent = q === '' ? '' : `${api.matches.length} match${api.matches.length === 1 ? '' : 'es'}`;
    return api.matches;
  };

  const input = document.getElementById('search') as HTMLInputElement | null;
  input?.addEventListener('input', () => api.search(input.value));
  input?.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && api.matches[0]) api.select(api.matches[0]);
  });
  cy.on('tap', 'node', (e) => api.select(String(e.target.id())));
  cy.on('tap', (e) => {
    if (e.target === cy) api.select(null);
  });
  const summary = document.getElementById('summary');
  if (summary)
    summary.textContent = `${graph.apps.length} apps · ${graph.nodes.length} nodes · ${graph.edges.length} edges`;
  applyVisibility();
  api.ready = true;
}

try {
  main();
} catch (error) {
  const api = (window as unknown as { __lineage?: ViewerApi }).__lineage;
  api?.errors.push(error instanceof Error ? error.message : String(error));
  throw error;
}
