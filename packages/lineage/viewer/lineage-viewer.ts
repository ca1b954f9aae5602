/**
 * The browser side of the lineage HTML page: reads the graph embedded in the page and draws it
 * entity-centric — one node per app (a job) and one per physical dataset, however many apps read or
 * write it — as an SVG laid out by dagre (layered, crossing minimisation). It starts on a site
 * overview grouped to stay legible, focuses a searched node with N-hop expansion, expands a dataset
 * into its columns and highlights a column's path end to end. Bundled (with dagre and the lineage
 * model code it shares with the API) by esbuild: the page loads nothing from anywhere.
 *
 * This file wires the parts together: the model (model.ts), the state and its URL (view-state.ts,
 * deep-link.ts), what is drawn (scene.ts, layout.ts, draw.ts on canvas.ts), the side panel
 * (panel.ts), the actions (actions.ts, search.ts, filters.ts, controls.ts) and the test hook
 * (test-hook.ts).
 */
import { createActions } from './actions.js';
import { createCanvas } from './canvas.js';
import { wireControls } from './controls.js';
import { createDeepLink } from './deep-link.js';
import { drawView, highlightSelection } from './draw.js';
import { createFilters } from './filters.js';
import { layoutView } from './layout.js';
import { createModel, readGraph } from './model.js';
import { createPanel } from './panel.js';
import { createScene } from './scene.js';
import { createSearch } from './search.js';
import { installApi, installedApi, readDrawingInto, type ViewerApi } from './test-hook.js';
import { initialState, type ViewState } from './view-state.js';
import type { ViewerContext } from './viewer-context.js';

function main(): void {
  const api = installApi();
  const graph = readGraph();
  api.nodeCount = graph.nodes.length;
  api.edgeCount = graph.edges.length;
  const model = createModel(graph);
  api.entities = {
    apps: model.all.filter((e) => e.kind === 'app').length,
    datasets: model.all.filter((e) => e.kind !== 'app').length,
  };
  const state = initialState();
  const scene = createScene(model, state);
  const canvas = createCanvas(document.getElementById('graph') as HTMLElement);
  const deepLink = createDeepLink(state, model);

  const render = () => {
    scene.update();
    const layout = layoutView(scene.current, model, state, scene.path);
    api.layoutMs = layout.ms;
    drawView(canvas.svg, canvas.viewport, layout, viewer);
    const { width, height } = layout.g.graph();
    const anchor = state.mode === 'focus' && state.focus ? layout.g.node(state.focus) : undefined;
    canvas.fit(width ?? 0, height ?? 0, anchor);
    updatePanels();
    viewer.highlightSelection();
    deepLink.write();
  };
  const viewer: ViewerContext = {
    api,
    model,
    state,
    scene,
    render,
    updatePanels: () => updatePanels(),
    highlightSelection: () => highlightSelection(canvas.svg, viewer),
    syncFilters: () => syncFilters(),
  };
  const updatePanels = createPanel(viewer);
  const syncFilters = createFilters(viewer);

  Object.assign(api, { ...createActions(viewer), search: createSearch(viewer), state: () => stateOf(state) });
  readDrawingInto(api, canvas.svg);
  wireControls(viewer, canvas);
  window.addEventListener('hashchange', () => {
    if (!deepLink.changedOutside()) return;
    deepLink.read();
    syncFilters();
    render();
  });

  const summary = document.getElementById('summary');
  if (summary)
    summary.textContent = `${api.entities.apps} apps · ${api.entities.datasets} datasets · ${graph.nodes.length} graph nodes`;
  deepLink.read();
  syncFilters();
  render();
  api.ready = true;
}

/** The state as the test hook reports it. */
function stateOf(state: ViewState): ReturnType<ViewerApi['state']> {
  return {
    mode: state.mode,
    focus: state.focus,
    depth: state.depth,
    field: state.field,
    hidden: [...state.hidden].sort(),
    selected: state.selected,
  };
}

try {
  main();
} catch (error) {
  installedApi()?.errors.push(error instanceof Error ? error.message : String(error));
  throw error;
}
