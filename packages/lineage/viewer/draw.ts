/** Draws a laid-out view into the SVG (edges below, nodes above) and marks the selection's lineage on it. */
import type { View, ViewNode } from '../src/internal/html/entity-view.js';
import { COLORS, clip, el, ROW } from './dom.js';
import type { Layout, NodeSize } from './layout.js';
import { type Model, reach } from './model.js';
import type { Scene } from './scene.js';
import type { ViewState } from './view-state.js';

interface Point {
  x: number;
  y: number;
}

/** Smooth through dagre's bend points: a quadratic curve to the midpoint of each next segment. */
function curve(points: readonly Point[]): string {
  const f = (p: Point) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`;
  let d = `M${f(points[0] as Point)}`;
  for (let i = 1; i < points.length - 1; i++) {
    const p = points[i] as Point;
    const q = points[i + 1] as Point;
    d += ` Q${f(p)} ${f({ x: (p.x + q.x) / 2, y: (p.y + q.y) / 2 })}`;
  }
  return `${d} L${f(points[points.length - 1] as Point)}`;
}

function drawEdges(layer: SVGGElement, view: View, { g }: Layout, scene: Scene): void {
  for (const e of view.edges) {
    const points: Point[] = g.edge(e.from, e.to)?.points ?? [];
    if (points.length === 0) continue;
    const onPath = scene.onPath(e.from) && scene.onPath(e.to);
    const line = el(
      'path',
      {
        d: curve(points),
        class: `edge${e.transitive ? ' transitive' : ''}${onPath ? ' on-path' : ''}`,
        'marker-end': `url(#${onPath ? 'arrow-path' : 'arrow'})`,
        'data-from': e.from,
        'data-to': e.to,
      },
      layer,
    );
    line.setAttribute('fill', 'none');
    const at = g.edge(e.from, e.to) as { x?: number; y?: number } | undefined;
    if (e.count > 1 && at?.x !== undefined && at.y !== undefined) {
      const t = el('text', { x: at.x, y: at.y + 4, class: 'edge-count' }, layer);
      t.textContent = `${e.count}`;
    }
  }
}

function drawRows(node: SVGGElement, size: NodeSize): void {
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

interface NodeContext {
  readonly model: Model;
  readonly state: ViewState;
  readonly scene: Scene;
}

function drawNode(
  layer: SVGGElement,
  n: ViewNode,
  at: Point,
  size: NodeSize,
  { model, state, scene }: NodeContext,
): void {
  const onPath = n.type === 'entity' && scene.onPath(n.id);
  const classes = ['node', n.type, `kind-${n.kind}`];
  if (n.role) classes.push(n.role);
  if (onPath) classes.push('on-path');
  if (state.selected === n.id) classes.push('selected');
  const node = el(
    'g',
    {
      class: classes.join(' '),
      transform: `translate(${at.x.toFixed(1)},${at.y.toFixed(1)})`,
      'data-id': n.id,
      'data-type': n.type,
      'data-kind': n.kind,
      'data-role': n.role ?? '',
    },
    layer,
  );
  const title = el('title', {}, node);
  title.textContent =
    n.type === 'entity' ? `${n.label}\n${model.entityOf(n.id)?.aliases[0] ?? ''}` : `${n.label}\n${n.detail}`;
  el('rect', { class: 'box', width: size.w, height: size.h, rx: 6 }, node);
  el('rect', { class: 'band', width: 6, height: size.h, rx: 3, fill: COLORS[n.kind] }, node);
  const label = el('text', { class: 'label', x: 14, y: 20 }, node);
  label.textContent = `${n.type === 'group' ? '▸ ' : ''}${clip(n.label, 44)}`;
  const detail = el('text', { class: 'detail', x: 14, y: 38 }, node);
  detail.textContent = clip(n.detail, 34);
  drawRows(node, size);
}

/** Replaces the drawing in `viewport` with the scene's current view as laid out. */
export function drawView(svg: SVGSVGElement, viewport: SVGGElement, layout: Layout, context: NodeContext): void {
  const view = context.scene.current;
  viewport.textContent = '';
  svg.classList.toggle('path-mode', context.scene.path !== undefined);
  const edgeLayer = el('g', { class: 'edges' }, viewport);
  const nodeLayer = el('g', { class: 'nodes' }, viewport);
  drawEdges(edgeLayer, view, layout, context.scene);
  for (const n of view.nodes) {
    const pos = layout.g.node(n.id);
    const size = layout.sizes.get(n.id);
    if (!pos || !size) continue;
    drawNode(nodeLayer, n, { x: pos.x - size.w / 2, y: pos.y - size.h / 2 }, size, context);
  }
}

/** Marks what is upstream and downstream of the selected entity (all hops) on the drawn nodes. */
export function highlightSelection(svg: SVGSVGElement, { model, state, scene }: NodeContext): void {
  const id = state.selected;
  const entity = id ? model.entityOf(id) : undefined;
  const ups = entity ? reach(entity.id, model.upOf) : new Set<string>();
  const downs = entity ? reach(entity.id, model.downOf) : new Set<string>();
  const current = scene.current;
  svg.classList.toggle('select-mode', entity !== undefined && scene.path === undefined);
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
}
