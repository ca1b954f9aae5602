/**
 * The view state in the URL fragment, so a view can be linked: `#focus=<ref>&depth=<1-9>&field=<name>`
 * with repeated `expand=` (extra entities in focus, open groups in the overview) and `columns=`, and
 * `hide=<kinds>` when the hidden kinds are not the default ones.
 */
import { ENTITY_KINDS, type EntityKind } from '../src/internal/html/entity-graph.js';
import type { Model } from './model.js';
import { DEFAULT_HIDDEN, type ViewState } from './view-state.js';

export interface DeepLink {
  /** Writes the state into the fragment (replacing the history entry, not adding one). */
  write(): void;
  /** Reads the state from the fragment. */
  read(): void;
  /** The fragment is not the one `write` last left (the user or a link changed it). */
  changedOutside(): boolean;
}

const sameKinds = (a: ReadonlySet<EntityKind>, b: readonly EntityKind[]) =>
  a.size === b.length && b.every((k) => a.has(k));

function hashOf(state: ViewState): string {
  const params = new URLSearchParams();
  if (state.mode === 'focus' && state.focus) {
    params.set('focus', state.focus);
    params.set('depth', String(state.depth));
    if (state.field) params.set('field', state.field);
    for (const x of state.extra) params.append('expand', x);
  } else for (const x of state.expanded) params.append('expand', x);
  for (const c of state.columns) params.append('columns', c);
  if (!sameKinds(state.hidden, DEFAULT_HIDDEN)) params.set('hide', [...state.hidden].sort().join(','));
  return params.toString();
}

function readInto(state: ViewState, model: Model, params: URLSearchParams): void {
  const hide = (params.get('hide') ?? '')
    .split(',')
    .filter((k): k is EntityKind => (ENTITY_KINDS as string[]).includes(k));
  state.hidden = new Set(params.has('hide') ? hide : DEFAULT_HIDDEN);
  state.columns = new Set(params.getAll('columns').flatMap((c) => model.resolve(c) ?? []));
  const focus = params.get('focus');
  const id = focus ? model.resolve(focus) : undefined;
  if (id) {
    state.mode = 'focus';
    state.focus = id;
    state.selected = null;
    const depth = Number(params.get('depth') ?? '2');
    state.depth = Number.isInteger(depth) && depth >= 1 && depth <= 9 ? depth : 2;
    state.field = params.get('field');
    state.extra = new Set(params.getAll('expand').flatMap((x) => model.resolve(x) ?? []));
  } else {
    state.mode = 'overview';
    state.focus = null;
    state.field = null;
    state.extra = new Set();
    state.expanded = new Set(params.getAll('expand'));
  }
}

export function createDeepLink(state: ViewState, model: Model): DeepLink {
  let lastHash = '';
  return {
    write: () => {
      const hash = hashOf(state);
      if (location.hash.slice(1) !== hash) history.replaceState(null, '', hash === '' ? location.pathname : `#${hash}`);
      lastHash = location.hash;
    },
    read: () => readInto(state, model, new URLSearchParams(location.hash.slice(1))),
    changedOutside: () => location.hash !== lastHash,
  };
}
