/** The SVG the graph is drawn in: arrow markers, a pan/zoom viewport, and the starting zoom of a drawing. */
import { el, MIN_START_ZOOM } from './dom.js';

interface Transform {
  x: number;
  y: number;
  k: number;
}

export interface Canvas {
  readonly svg: SVGSVGElement;
  /** The group the drawing goes in (pan and zoom move it). */
  readonly viewport: SVGGElement;
  /** The last press on the background moved the drawing (then its click does not clear the selection). */
  panned(): boolean;
  /**
   * The first view of a `width` × `height` drawing: all of it when it fits at a readable zoom, else
   * readable and centred on `anchor`.
   */
  fit(width: number, height: number, anchor: { x: number; y: number } | undefined): void;
}

function addMarkers(svg: SVGSVGElement): void {
  const defs = el('defs', {}, svg);
  for (const [id, color] of [
    ['arrow', '#90a4ae'],
    ['arrow-path', '#ef6c00'],
  ] as const) {
    const marker = el(
      'marker',
      { id, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
      defs,
    );
    el('path', { d: 'M0,0 L10,5 L0,10 z', fill: color }, marker);
  }
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

function fitted(box: DOMRect, gw: number, gh: number, anchor: { x: number; y: number } | undefined): Transform {
  const fit = Math.min(box.width / Math.max(gw, 1), box.height / Math.max(gh, 1));
  const k = Math.max(MIN_START_ZOOM, Math.min(1.15, fit));
  let tx = (box.width - gw * k) / 2;
  let ty = (box.height - gh * k) / 2;
  // Too big to fit at a readable zoom: the focus in the middle, but no empty margin beyond the drawing.
  if (gw * k > box.width) tx = anchor ? clamp(box.width / 2 - anchor.x * k, box.width - gw * k - 10, 10) : 10;
  if (gh * k > box.height) ty = anchor ? clamp(box.height / 2 - anchor.y * k, box.height - gh * k - 10, 10) : 10;
  return { x: tx, y: ty, k };
}

export function createCanvas(host: HTMLElement): Canvas {
  const svg = el('svg', { id: 'canvas', width: '100%', height: '100%' }, host);
  addMarkers(svg);
  const viewport = el('g', { id: 'viewport' }, svg);
  let transform: Transform = { x: 0, y: 0, k: 1 };
  const apply = (next: Transform) => {
    transform = next;
    viewport.setAttribute('transform', `translate(${transform.x},${transform.y}) scale(${transform.k})`);
  };

  // Pan (drag the background) and zoom (wheel, around the pointer).
  let drag: { x: number; y: number; tx: number; ty: number } | null = null;
  let panned = false;
  svg.addEventListener('pointerdown', (e) => {
    if ((e.target as Element).closest('g.node')) return;
    drag = { x: e.clientX, y: e.clientY, tx: transform.x, ty: transform.y };
    panned = false;
  });
  window.addEventListener('pointermove', (e) => {
    if (!drag) return;
    if (Math.abs(e.clientX - drag.x) + Math.abs(e.clientY - drag.y) > 3) panned = true;
    apply({ ...transform, x: drag.tx + e.clientX - drag.x, y: drag.ty + e.clientY - drag.y });
  });
  window.addEventListener('pointerup', () => {
    drag = null;
  });
  svg.addEventListener(
    'wheel',
    (e) => {
      e.preventDefault();
      const box = svg.getBoundingClientRect();
      const px = e.clientX - box.left;
      const py = e.clientY - box.top;
      const k = Math.min(3, Math.max(0.2, transform.k * (e.deltaY < 0 ? 1.1 : 1 / 1.1)));
      apply({ k, x: px - ((px - transform.x) * k) / transform.k, y: py - ((py - transform.y) * k) / transform.k });
    },
    { passive: false },
  );

  return {
    svg,
    viewport,
    panned: () => panned,
    fit: (width, height, anchor) => apply(fitted(svg.getBoundingClientRect(), width, height, anchor)),
  };
}
