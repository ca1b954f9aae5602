/** Search: apps and datasets by name, path or identity, and columns (`dataset › column`). */
import { button } from './dom.js';
import type { ViewerContext } from './viewer-context.js';

interface Match {
  entity: string;
  field?: string;
  text: string;
}

function findMatches({ model }: ViewerContext, q: string): Match[] {
  const matches: Match[] = [];
  if (q === '') return matches;
  for (const e of model.all)
    if (e.name.toLowerCase().includes(q) || e.aliases.some((a) => a.toLowerCase().includes(q)))
      matches.push({ entity: e.id, text: `${e.name} — ${e.detail}` });
  matches.sort((a, b) => model.byName(a.entity, b.entity));
  for (const e of model.all)
    for (const c of e.columns)
      if (c.toLowerCase().includes(q) && c !== '*') matches.push({ entity: e.id, field: c, text: `${e.name} › ${c}` });
  return matches;
}

/**
 * Wires the search box and its result list; returns the search (lists the matches of `query`, returns
 * their ids, `entity#field` for a column).
 */
export function createSearch(viewer: ViewerContext): (query: string) => string[] {
  const { api } = viewer;
  const input = document.getElementById('search') as HTMLInputElement;
  const results = document.getElementById('results') as HTMLElement;
  const status = document.getElementById('status') as HTMLElement;
  let matches: Match[] = [];
  const open = (m: Match) => {
    if (m.field) api.selectField(m.entity, m.field);
    else api.focus(m.entity);
  };
  const search = (query: string): string[] => {
    const q = query.trim().toLowerCase();
    matches = findMatches(viewer, q);
    results.textContent = '';
    for (const m of matches.slice(0, 12)) {
      const li = document.createElement('li');
      li.append(
        button(m.text, () => {
          results.textContent = '';
          open(m);
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
      open(first);
    }
    if (e.key === 'Escape') results.hidden = true;
  });
  return search;
}
