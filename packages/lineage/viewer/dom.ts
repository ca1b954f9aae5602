/** Drawing constants and the small DOM helpers every part of the viewer uses. */
import type { EntityKind } from '../src/internal/html/entity-graph.js';

export const COLORS: Record<EntityKind, string> = {
  app: '#1565c0',
  qvd: '#2e7d32',
  file: '#00838f',
  table: '#6d4c41',
  other: '#757575',
};
const SVG = 'http://www.w3.org/2000/svg';
const FONT = 'system-ui,-apple-system,Segoe UI,Roboto,sans-serif';
export const LABEL_PX = 15;
export const TEXT_PX = 13;
export const ROW = 19;
/** Zoom never starts below this: 13 px text stays ≥ 11.1 px on screen. */
export const MIN_START_ZOOM = 0.86;
export const MAX_ROWS = 14;

let measureContext: CanvasRenderingContext2D | null | undefined;
export function textWidth(text: string, px: number, bold = false): number {
  measureContext ??= document.createElement('canvas').getContext('2d');
  if (!measureContext) return text.length * px * 0.6;
  measureContext.font = `${bold ? '600 ' : ''}${px}px ${FONT}`;
  return measureContext.measureText(text).width;
}

export const clip = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

export function el<K extends keyof SVGElementTagNameMap>(
  name: K,
  attrs: Record<string, string | number>,
  parent?: Element,
): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  parent?.append(e);
  return e;
}

export function button(text: string, action: () => void, cls = ''): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = text;
  if (cls) b.className = cls;
  b.addEventListener('click', action);
  return b;
}
