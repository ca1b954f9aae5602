/** What the page can do (the page's own controls and the test hook call the same functions). */
import { ENTITY_KINDS } from '../src/internal/html/entity-graph.js';
import type { ViewerActions } from './test-hook.js';
import type { ViewerContext } from './viewer-context.js';

type NavigationActions = Pick<ViewerActions, 'focus' | 'expand' | 'selectField' | 'overview' | 'setDepth'>;

/** Moving between the overview and focused views. */
function navigationActions(viewer: ViewerContext): NavigationActions {
  const { state, model, scene } = viewer;
  const { entities } = model;
  return {
    focus: (id, depth) => {
      const target = model.resolve(id);
      if (!target) return;
      if (state.mode !== 'focus' || state.focus !== target) {
        state.extra = new Set();
        state.field = null;
      }
      state.mode = 'focus';
      state.focus = target;
      state.selected = null;
      if (depth !== undefined && depth >= 1) state.depth = Math.min(9, Math.floor(depth));
      viewer.render();
    },
    expand: (id) => {
      if (id.startsWith('group:')) {
        if (state.expanded.has(id)) state.expanded.delete(id);
        else state.expanded.add(id);
        state.selected = null;
      } else if (state.mode === 'focus' && entities.entities.has(id)) {
        state.extra.add(id);
      } else if (entities.entities.has(id)) {
        viewer.api.focus(id);
        return;
      }
      viewer.render();
    },
    selectField: (entityId, field) => {
      const target = model.resolve(entityId);
      if (!target) return;
      if (state.mode !== 'focus' || state.focus !== target) {
        state.mode = 'focus';
        state.focus = target;
        state.extra = new Set();
      }
      state.field = field;
      state.selected = null;
      viewer.render();
    },
    overview: () => {
      // Back to the overview with the focused entity's groups open.
      const keep = state.focus;
      state.mode = 'overview';
      state.field = null;
      state.extra = new Set();
      state.selected = keep;
      if (keep) for (const g of scene.groupsOf(keep)) state.expanded.add(g);
      state.focus = null;
      viewer.render();
    },
    setDepth: (depth) => {
      state.depth = Math.max(1, Math.min(9, Math.floor(depth)));
      if (state.mode === 'focus') viewer.render();
      else viewer.updatePanels();
    },
  };
}

/** Changing what the current view shows. */
function displayActions(viewer: ViewerContext): Pick<ViewerActions, 'showColumns' | 'select' | 'showKinds'> {
  const { state } = viewer;
  return {
    showColumns: (id, on) => {
      const show = on ?? !state.columns.has(id);
      if (show) state.columns.add(id);
      else state.columns.delete(id);
      viewer.render();
    },
    select: (id) => {
      state.selected = id;
      viewer.updatePanels();
      viewer.highlightSelection();
    },
    showKinds: (kinds) => {
      state.hidden = new Set(ENTITY_KINDS.filter((k) => !kinds.includes(k)));
      viewer.syncFilters();
      viewer.render();
    },
  };
}

export function createActions(viewer: ViewerContext): ViewerActions {
  return { ...navigationActions(viewer), ...displayActions(viewer) };
}
