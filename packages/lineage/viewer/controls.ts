/** The header buttons and the clicks on the drawing. */
import type { Canvas } from './canvas.js';
import type { ViewerContext } from './viewer-context.js';

export function wireControls({ api, state }: ViewerContext, canvas: Canvas): void {
  document.getElementById('overview')?.addEventListener('click', () => api.overview());
  document.getElementById('depth-down')?.addEventListener('click', () => api.setDepth(state.depth - 1));
  document.getElementById('depth-up')?.addEventListener('click', () => api.setDepth(state.depth + 1));

  // Clicks on the drawing: a group opens, a node is selected (double click focuses), a column or a
  // model field shows its path.
  canvas.svg.addEventListener('click', (e) => {
    const target = e.target as Element;
    const row = target.closest<SVGTextElement>('text.column, text.field');
    const node = target.closest<SVGGElement>('g.node');
    if (row && node?.dataset.id) {
      api.selectField(node.dataset.id, row.dataset.column ?? row.dataset.field ?? null);
      return;
    }
    const id = node?.dataset.id;
    if (!id) {
      if (state.selected !== null && !canvas.panned()) api.select(null);
      return;
    }
    if (node.dataset.type === 'group') api.expand(id);
    else api.select(id);
  });
  canvas.svg.addEventListener('dblclick', (e) => {
    const node = (e.target as Element).closest<SVGGElement>('g.node');
    if (node?.dataset.type === 'entity' && node.dataset.id) api.focus(node.dataset.id);
  });
}
