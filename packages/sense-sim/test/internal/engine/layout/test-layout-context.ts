import {
  buildHyperCubeLayout,
  buildListObjectLayout,
  type LayoutDataView,
  noDataView,
} from '../../../../src/internal/data/views/hypercube-shape.js';
import type { LayoutContext, LibraryLayoutContext } from '../../../../src/internal/engine/layout/compute-layout.js';

/** The privileges qlikcore shows in `qMeta` of persistent entities (CTL goldens). */
const PRIVILEGES: readonly string[] = ['read', 'update', 'delete', 'exportdata'];

/**
 * Evaluation stand-in: a string expression comes back in angle brackets so tests can see what was
 * evaluated; `1+1` is worth 2 and everything else has no number.
 */
const evaluator = {
  stringExpression: (expr: string): string => `<${expr}>`,
  valueExpression: (expr: string): number => (expr.trim() === '1+1' ? 2 : Number.NaN),
};

/** A layout context for a persistent object whose cubes and lists read `view`. */
export function layoutContext(
  view: LayoutDataView = noDataView,
  overrides: Partial<LayoutContext> = {},
): LayoutContext {
  return {
    ...evaluator,
    meta: { privileges: [...PRIVILEGES] },
    hyperCube: (def) => buildHyperCubeLayout(def, view),
    listObject: (def) => buildListObjectLayout(def, view),
    appObjectList: () => ({ qItems: [] }),
    childList: () => ({ qItems: [] }),
    dimensionList: () => ({ qItems: [] }),
    measureList: () => ({ qItems: [] }),
    variableList: () => ({ qItems: [] }),
    bookmarkList: () => ({ qItems: [] }),
    fieldList: () => ({ qItems: [] }),
    selectionObject: () => ({ qBackCount: 0, qForwardCount: 0, qSelections: [] }),
    ...overrides,
  };
}

/** A library layout context for a persistent entity. */
export function libraryLayoutContext(overrides: Partial<LibraryLayoutContext> = {}): LibraryLayoutContext {
  return { ...evaluator, meta: { privileges: [...PRIVILEGES] }, ...overrides };
}
