/** `window.__lineage`: what tests (and curious users) can reach from the console. */

/** A drawn node, as the test hook reports it (read back from the SVG). */
interface RenderedNode {
  id: string;
  type: string;
  kind: string;
  label: string;
  role: string;
  onPath: boolean;
  columns: string[];
  pathColumns: string[];
}

/** What tests (and curious users) can reach from the console. */
export interface ViewerApi {
  ready: boolean;
  errors: string[];
  nodeCount: number;
  edgeCount: number;
  entities: { apps: number; datasets: number };
  layoutMs: number;
  state(): {
    mode: string;
    focus: string | null;
    depth: number;
    field: string | null;
    hidden: string[];
    selected: string | null;
  };
  rendered(): RenderedNode[];
  edges(): { from: string; to: string; transitive: boolean; onPath: boolean }[];
  /** The smallest font size of the drawn text, in screen pixels (font size × zoom). */
  labelPx(): number;
  search(query: string): string[];
  focus(id: string, depth?: number): void;
  expand(id: string): void;
  showColumns(id: string, on?: boolean): void;
  selectField(entityId: string, field: string | null): void;
  select(id: string | null): void;
  showKinds(kinds: string[]): void;
  overview(): void;
  setDepth(depth: number): void;
}

/** The methods that act on the page (the page's own controls call them too). */
export type ViewerActions = Pick<
  ViewerApi,
  'focus' | 'expand' | 'showColumns' | 'selectField' | 'select' | 'showKinds' | 'overview' | 'setDepth'
>;

/**
 * Puts an inert hook on `window.__lineage` and records the page's errors in it, so a failure while
 * the page starts is visible to tests.
 */
export function installApi(): ViewerApi {
  const api: ViewerApi = {
    ready: false,
    errors: [],
    nodeCount: 0,
    edgeCount: 0,
    entities: { apps: 0, datasets: 0 },
    layoutMs: 0,
    state: () => ({ mode: 'overview', focus: null, depth: 2, field: null, hidden: [], selected: null }),
    rendered: () => [],
    edges: () => [],
    labelPx: () => 0,
    search: () => [],
    focus: () => {},
    expand: () => {},
    showColumns: () => {},
    selectField: () => {},
    select: () => {},
    showKinds: () => {},
    overview: () => {},
    setDepth: () => {},
  };
  (window as unknown as { __lineage: ViewerApi }).__lineage = api;
  window.addEventListener('error', (e) => api.errors.push(String(e.message)));
  return api;
}

/** The hook installed by `installApi`, if any. */
export function installedApi(): ViewerApi | undefined {
  return (window as unknown as { __lineage?: ViewerApi }).__lineage;
}

/** The nodes drawn in `svg`, read back from the DOM. */
function renderedNodes(svg: SVGSVGElement): RenderedNode[] {
  return [...svg.querySelectorAll<SVGGElement>('g.node')].map((g) => ({
    id: g.dataset.id ?? '',
    type: g.dataset.type ?? '',
    kind: g.dataset.kind ?? '',
    label: g.querySelector('.label')?.textContent ?? '',
    role: g.dataset.role ?? '',
    onPath: g.classList.contains('on-path'),
    columns: [...g.querySelectorAll<SVGTextElement>('text.column')].map((t) => t.dataset.column ?? ''),
    pathColumns: [...g.querySelectorAll<SVGTextElement>('text.column.on-path')].map((t) => t.dataset.column ?? ''),
  }));
}

function smallestLabelPx(svg: SVGSVGElement): number {
  let min = Number.POSITIVE_INFINITY;
  for (const t of svg.querySelectorAll<SVGTextElement>('g.node text')) {
    const px = Number.parseFloat(getComputedStyle(t).fontSize);
    const scale = t.getScreenCTM()?.a ?? 1;
    min = Math.min(min, px * scale);
  }
  return Number.isFinite(min) ? Math.round(min * 100) / 100 : 0;
}

/** Connects the hook's readers of the drawing to `svg`. */
export function readDrawingInto(api: ViewerApi, svg: SVGSVGElement): void {
  api.rendered = () => renderedNodes(svg);
  api.edges = () =>
    [...svg.querySelectorAll<SVGPathElement>('path.edge')].map((p) => ({
      from: p.dataset.from ?? '',
      to: p.dataset.to ?? '',
      transitive: p.classList.contains('transitive'),
      onPath: p.classList.contains('on-path'),
    }));
  api.labelPx = () => smallestLabelPx(svg);
}
