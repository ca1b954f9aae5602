/** What the page shows, as one mutable record the actions change and the renderer reads. */
import type { EntityKind } from '../src/internal/html/entity-graph.js';

/** What the page shows: the overview, or the neighbourhood of a focused entity (and a field's path). */
export interface ViewState {
  mode: 'overview' | 'focus';
  focus: string | null;
  depth: number;
  field: string | null;
  hidden: Set<EntityKind>;
  /** Overview: expanded groups. */
  expanded: Set<string>;
  /** Focus: entities whose neighbours were added. */
  extra: Set<string>;
  /** Datasets drawn with their columns. */
  columns: Set<string>;
  selected: string | null;
}

/**
 * Kinds hidden until shown: INLINE and AUTOGENERATE tables live inside one app; the page is about the
 * datasets between apps.
 */
export const DEFAULT_HIDDEN: readonly EntityKind[] = ['other'];

export function initialState(): ViewState {
  return {
    mode: 'overview',
    focus: null,
    depth: 2,
    field: null,
    hidden: new Set(DEFAULT_HIDDEN),
    expanded: new Set(),
    extra: new Set(),
    columns: new Set(),
    selected: null,
  };
}
