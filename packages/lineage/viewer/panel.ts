/** The side panel (the selection's details, the field path) and the header status. */

import { type Entity, entityKindLabel } from '../src/internal/html/entity-graph.js';
import type { ViewNode } from '../src/internal/html/entity-view.js';
import { button } from './dom.js';
import { reach } from './model.js';
import type { ViewerContext } from './viewer-context.js';

function heading(tag: 'h2' | 'h3', text: string): HTMLElement {
  const h = document.createElement(tag);
  h.textContent = text;
  return h;
}

function paragraph(text: string, cls = ''): HTMLParagraphElement {
  const p = document.createElement('p');
  if (cls) p.className = cls;
  p.textContent = text;
  return p;
}

/** A titled list of entity links (at most `max`), nothing when `ids` is empty. */
function list({ api, model }: ViewerContext, title: string, ids: readonly string[], max = 40): HTMLElement[] {
  if (ids.length === 0) return [];
  const ul = document.createElement('ul');
  for (const id of ids.slice(0, max)) {
    const e = model.entityOf(id);
    const li = document.createElement('li');
    li.append(button(e ? e.name : id, () => api.focus(id), 'link'));
    if (e) li.append(` ${e.detail}`);
    ul.append(li);
  }
  if (ids.length > max) {
    const li = document.createElement('li');
    li.textContent = `… ${ids.length - max} more`;
    ul.append(li);
  }
  return [heading('h3', `${title} (${ids.length})`), ul];
}

function statusText({ state, model, scene }: ViewerContext): string {
  const shown = scene.current.nodes.length;
  return state.mode === 'overview'
    ? `Overview · ${shown} nodes`
    : `Focus: ${model.entityOf(state.focus ?? '')?.name ?? ''} · depth ${state.depth}${state.field ? ` · field ${state.field}` : ''} · ${shown} nodes`;
}

function pathDetails({ api, model, state, scene }: ViewerContext): HTMLElement[] {
  const path = scene.path;
  if (!path || !state.focus) return [];
  return [
    heading('h2', `Path of ${model.entityOf(state.focus)?.name ?? ''} › ${state.field}`),
    paragraph(`${path.upstream.size} upstream · ${path.downstream.size} downstream (field level)`),
    button('Clear field', () => api.selectField(state.focus ?? '', null)),
  ];
}

function groupDetails(viewer: ViewerContext, node: ViewNode): HTMLElement[] {
  const out: HTMLElement[] = [heading('h2', node.label), paragraph(node.detail)];
  if (node.type === 'group') out.push(button('Expand group', () => viewer.api.expand(node.id)));
  return [...out, ...list(viewer, 'Members', [...node.members].sort(viewer.model.byName))];
}

function hint({ state }: ViewerContext): HTMLElement {
  return paragraph(
    state.mode === 'overview'
      ? 'Click a group to open it, a node to see what it reads and feeds; search to focus on one.'
      : 'Click a node for its details; a column for its path end to end.',
    'hint',
  );
}

function entityDetails(viewer: ViewerContext, e: Entity): HTMLElement[] {
  const { api, model, state } = viewer;
  const ups = reach(e.id, model.upOf);
  const downs = reach(e.id, model.downOf);
  const counts = paragraph(
    `${entityKindLabel(e.kind).replace(/s$/, '')} · ${e.detail} · ${ups.size} upstream · ${downs.size} downstream`,
    'counts',
  );
  const actions = document.createElement('div');
  actions.className = 'actions';
  actions.append(
    button('Focus', () => api.focus(e.id)),
    button('Expand neighbours', () => api.expand(e.id)),
  );
  if (e.columns.length > 0)
    actions.append(button(state.columns.has(e.id) ? 'Hide columns' : 'Columns', () => api.showColumns(e.id)));
  const direct = (m: ReadonlyMap<string, string[]>) => [...new Set(m.get(e.id) ?? [])].sort(model.byName);
  const neighbours =
    e.kind === 'app'
      ? [...list(viewer, 'Reads', direct(model.upOf)), ...list(viewer, 'Writes', direct(model.downOf))]
      : [...list(viewer, 'Written by', direct(model.upOf)), ...list(viewer, 'Read by', direct(model.downOf))];
  const aliases = document.createElement('pre');
  aliases.textContent = e.aliases.join('\n');
  return [heading('h2', e.name), counts, actions, ...neighbours, aliases];
}

/** The panel's content for the state: the field path, then the selection (or the focus) or a hint. */
function panelContent(viewer: ViewerContext): HTMLElement[] {
  const { state, model, scene } = viewer;
  const selected = state.selected ?? (state.mode === 'focus' ? state.focus : null);
  const viewNode = scene.current.nodes.find((n) => n.id === selected);
  const head = pathDetails(viewer);
  if (selected && viewNode && viewNode.type !== 'entity') return [...head, ...groupDetails(viewer, viewNode)];
  const e = selected ? model.entityOf(selected) : undefined;
  return [...head, ...(e ? entityDetails(viewer, e) : [hint(viewer)])];
}

/** Refreshes the header (depth, status) and the side panel from the state. */
export function createPanel(viewer: ViewerContext): () => void {
  const details = document.getElementById('details') as HTMLElement;
  const status = document.getElementById('status') as HTMLElement;
  const depthLabel = document.getElementById('depth') as HTMLElement | null;
  return () => {
    if (depthLabel) depthLabel.textContent = String(viewer.state.depth);
    status.textContent = statusText(viewer);
    details.textContent = '';
    details.append(...panelContent(viewer));
  };
}
