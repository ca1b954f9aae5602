/** The parts of a running viewer that its actions, panels and controls share. */
import type { Model } from './model.js';
import type { Scene } from './scene.js';
import type { ViewerApi } from './test-hook.js';
import type { ViewState } from './view-state.js';

export interface ViewerContext {
  readonly api: ViewerApi;
  readonly model: Model;
  readonly state: ViewState;
  readonly scene: Scene;
  /** Recomputes the view from the state and draws it (panels, selection and URL included). */
  render(): void;
  /** Refreshes the header status and the side panel. */
  updatePanels(): void;
  /** Marks the selection's lineage on the drawing. */
  highlightSelection(): void;
  /** Sets the kind checkboxes from the state. */
  syncFilters(): void;
}
