/** What is drawn: the view of the current state (nodes and edges) and the selected field's path. */
import { type FieldPath, fieldPath } from '../src/internal/html/entity-graph.js';
import {
  type ContractedGraph,
  contract,
  focusView,
  groupsOf,
  overviewView,
  type View,
  withEntities,
} from '../src/internal/html/entity-view.js';
import type { Model } from './model.js';
import type { ViewState } from './view-state.js';

export interface Scene {
  /** The field path of the focus (focus mode with a field), as of the last `update`. */
  readonly path: FieldPath | undefined;
  /** The nodes and edges to draw, as of the last `update`. */
  readonly current: View;
  /** Recomputes the path and the view from the state. */
  update(): void;
  /** The entity is the focus or on its field's path. */
  onPath(id: string): boolean;
  /** The overview groups an entity is drawn in (with the kinds hidden at the last update). */
  groupsOf(id: string): string[];
}

export function createScene(model: Model, state: ViewState): Scene {
  const { entities } = model;
  // The graph with the hidden kinds contracted, and the kinds it was made for (key of the sorted kinds).
  let contractedKey = [...state.hidden].sort().join(',');
  let contracted: ContractedGraph = contract(entities, state.hidden);
  let path: FieldPath | undefined;
  let current: View = { nodes: [], edges: [] };

  const computeView = (): View => {
    const hidden = new Set(state.hidden);
    const focusKind = state.focus ? model.entityOf(state.focus)?.kind : undefined;
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

  return {
    get path() {
      return path;
    },
    get current() {
      return current;
    },
    update: () => {
      path =
        state.mode === 'focus' && state.focus && state.field
          ? fieldPath(model.graph, entities, state.focus, state.field)
          : undefined;
      current = computeView();
    },
    onPath: (id) => path !== undefined && (id === state.focus || path.upstream.has(id) || path.downstream.has(id)),
    groupsOf: (id) => groupsOf(entities, contracted, id),
  };
}
