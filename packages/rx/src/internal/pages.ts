import type { NxPage, Size } from '../types/common.js';

/** The engine's limit: cells summed over all pages of one data call (more → error 7009). */
export const MAX_CELLS = 10_000;

/** Checks the pages of one data call: well-formed rectangles, at most 10 000 cells together. */
export function assertPages(pages: readonly NxPage[], fn: string, hint: string): void {
  if (!Array.isArray(pages) || pages.length === 0) {
    throw new TypeError(`${fn}: pages must be a non-empty array of { qLeft, qTop, qWidth, qHeight }`);
  }
  let cells = 0;
  for (const page of pages) {
    for (const key of ['qLeft', 'qTop', 'qWidth', 'qHeight'] as const) {
      const value = (page as Partial<NxPage> | null)?.[key];
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
        throw new TypeError(`${fn}: every page needs a whole ${key} ≥ 0, got ${JSON.stringify(page)}`);
      }
    }
    cells += page.qWidth * page.qHeight;
  }
  if (cells > MAX_CELLS) {
    throw new TypeError(
      `${fn}: ${cells} cells requested in one call; the engine allows at most ${MAX_CELLS} (error 7009) — ${hint}`,
    );
  }
}

/**
 * Tiles a `size` cube into pages of at most 10 000 cells, row band by row band: each page as wide
 * as the cube (up to 10 000 columns) and `pageHeight` rows high (default: as many as fit).
 */
export function tilePages(size: Size, pageHeight?: number): NxPage[] {
  const { qcx: columns = 0, qcy: rows = 0 } = size;
  const width = Math.min(columns, MAX_CELLS);
  if (width <= 0 || rows <= 0) return [];
  const fit = Math.floor(MAX_CELLS / width);
  const height = pageHeight === undefined ? fit : Math.min(pageHeight, fit);
  const pages: NxPage[] = [];
  for (let top = 0; top < rows; top += height) {
    for (let left = 0; left < columns; left += width) {
      pages.push({
        qLeft: left,
        qTop: top,
        qWidth: Math.min(width, columns - left),
        qHeight: Math.min(height, rows - top),
      });
    }
  }
  return pages;
}

/**
 * The layout counterpart of the definition at `path`: `/qHyperCubeDef` → `layout.qHyperCube`,
 * `/a/b/qListObjectDef` → `layout.a.b.qListObject`.
 */
export function layoutAt(layout: unknown, path: string): Record<string, unknown> | undefined {
  let node: unknown = layout;
  for (const raw of path.split('/').filter((part) => part !== '')) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~').replace(/Def$/, '');
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return typeof node === 'object' && node !== null ? (node as Record<string, unknown>) : undefined;
}
