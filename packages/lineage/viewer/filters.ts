/** The kind filters of the header: one checkbox per entity kind present, checked when the kind is shown. */
import { ENTITY_KINDS, type EntityKind, entityKindLabel } from '../src/internal/html/entity-graph.js';
import { COLORS } from './dom.js';
import type { ViewerContext } from './viewer-context.js';

/** Adds the checkboxes to `#filters`; returns what sets them from the state. */
export function createFilters({ model, state, render }: ViewerContext): () => void {
  const filters = document.getElementById('filters') as HTMLElement;
  for (const kind of ENTITY_KINDS) {
    const count = model.all.filter((e) => e.kind === kind).length;
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
  return () => {
    for (const box of filters.querySelectorAll<HTMLInputElement>('input'))
      box.checked = !state.hidden.has(box.dataset.kind as EntityKind);
  };
}
