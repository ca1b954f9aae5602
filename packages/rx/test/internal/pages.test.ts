import { describe, expect, it } from 'vitest';
import { assertPages, layoutAt, tilePages } from '../../src/internal/pages.js';

describe('tilePages', () => {
  it('pages a tall cube in row bands of at most 10 000 cells', () => {
    const pages = tilePages({ qcx: 3, qcy: 10_000 });
    expect(pages.map((p) => [p.qTop, p.qHeight])).toEqual([
      [0, 3333],
      [3333, 3333],
      [6666, 3333],
      [9999, 1],
    ]);
    expect(pages.every((p) => p.qWidth === 3 && p.qLeft === 0)).toBe(true);
  });

  it('honours a smaller page height but never exceeds the limit', () => {
    expect(tilePages({ qcx: 2, qcy: 5 }, 2).map((p) => p.qHeight)).toEqual([2, 2, 1]);
    expect(tilePages({ qcx: 100, qcy: 1000 }, 500)[0]!.qHeight).toBe(100);
  });

  it('splits columns of a cube wider than 10 000 cells per row', () => {
    const pages = tilePages({ qcx: 12_000, qcy: 2 });
    expect(pages.map((p) => [p.qLeft, p.qWidth, p.qTop, p.qHeight])).toEqual([
      [0, 10_000, 0, 1],
      [10_000, 2000, 0, 1],
      [0, 10_000, 1, 1],
      [10_000, 2000, 1, 1],
    ]);
  });

  it('gives no page for an empty cube', () => {
    expect(tilePages({ qcx: 3, qcy: 0 })).toEqual([]);
    expect(tilePages({ qcx: 0, qcy: 10 })).toEqual([]);
  });
});

describe('assertPages', () => {
  it('accepts up to 10 000 cells over all pages, refuses more', () => {
    const page = { qLeft: 0, qTop: 0, qWidth: 10, qHeight: 500 };
    expect(() => assertPages([page, page], 'f', 'hint')).not.toThrow();
    expect(() => assertPages([page, page, { ...page, qHeight: 1 }], 'f', 'hint')).toThrow(
      'f: 10010 cells requested in one call; the engine allows at most 10000 (error 7009) — hint',
    );
    expect(() => assertPages([{ ...page, qWidth: -1 }], 'f', 'hint')).toThrow(/qWidth/);
  });
});

describe('layoutAt', () => {
  it('finds the computed counterpart of a definition path', () => {
    const layout = { qHyperCube: { qSize: { qcx: 1, qcy: 2 } }, a: { qListObject: { x: 1 } } };
    expect(layoutAt(layout, '/qHyperCubeDef')).toEqual({ qSize: { qcx: 1, qcy: 2 } });
    expect(layoutAt(layout, '/a/qListObjectDef')).toEqual({ x: 1 });
    expect(layoutAt(layout, '/missing/qHyperCubeDef')).toBeUndefined();
  });
});
