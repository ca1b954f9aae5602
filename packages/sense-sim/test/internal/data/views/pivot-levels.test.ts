import { describe, expect, it } from 'vitest';
import { PSEUDO, pivotLevels } from '../../../../src/internal/data/views/pivot-cube.js';
import { PivotExpansion } from '../../../../src/internal/data/views/pivot-expansion.js';

describe('pivotLevels', () => {
  it('places the pseudo dimension where qInterColumnSortOrder puts -1 (HyperCubeDef.qNoOfLeftDims, first example)', () => {
    // Country, City, Product, Category; pseudo at position 1; three left dimensions.
    expect(pivotLevels({ qInterColumnSortOrder: [0, -1, 1, 2, 3], qNoOfLeftDims: 3 }, 4, 2)).toEqual({
      order: [0, PSEUDO, 1, 2, 3],
      left: [0, PSEUDO, 1],
      top: [2, 3],
    });
  });

  it('puts an unplaced pseudo dimension last, on top (second example)', () => {
    expect(pivotLevels({ qInterColumnSortOrder: [], qNoOfLeftDims: 3 }, 4, 2)).toEqual({
      order: [0, 1, 2, 3, PSEUDO],
      left: [0, 1, 2],
      top: [3, PSEUDO],
    });
  });

  it('with qNoOfLeftDims -1 every dimension is left; one measure has no pseudo dimension; bad columns are dropped', () => {
    expect(pivotLevels({ qNoOfLeftDims: -1 }, 2, 2)).toEqual({ order: [0, 1, PSEUDO], left: [0, 1], top: [PSEUDO] });
    expect(pivotLevels({ qInterColumnSortOrder: [1, -1, 7, 1] }, 2, 1)).toEqual({
      order: [1, 0],
      left: [1, 0],
      top: [],
    });
  });
});

describe('PivotExpansion', () => {
  const names = ['Region', 'Year', 'Product'];
  const depth = (dim: number): number => dim;

  it('reads and writes qExpansionState: one entry per dimension, paths flattened (level k takes k + 1 numbers)', () => {
    const state = PivotExpansion.read(
      { qExpansionState: [{ qPos: { qDimName: 'Year', qElemNo: [0, 1, 1, 0], qElemValues: [] } }] },
      names,
      depth,
    );
    expect(state.isExpanded(1, [0, 1])).toBe(true);
    expect(state.isExpanded(1, [1, 0])).toBe(true);
    expect(state.isExpanded(1, [1, 1])).toBe(false);
    expect(state.isExpanded(0, [0])).toBe(false);
    state.set(1, [0, 1], false);
    state.set(0, [1], true);
    expect(state.write()).toEqual([
      { qPos: { qDimName: 'Region', qElemNo: [1], qElemValues: [] } },
      { qPos: { qDimName: 'Year', qElemNo: [1, 0], qElemValues: [] } },
    ]);
  });

  it('expanding all makes an exclude list; collapsing a node then lists it', () => {
    const state = PivotExpansion.read({}, names, depth);
    state.setAll([0], true);
    state.set(0, [2], false);
    expect(state.isExpanded(0, [0])).toBe(true);
    expect(state.isExpanded(0, [2])).toBe(false);
    expect(state.write()).toEqual([
      { qExcludeList: true, qPos: { qDimName: 'Region', qElemNo: [2], qElemValues: [] } },
    ]);
    state.setAll([0], false);
    expect(state.write()).toEqual([]);
  });
});
