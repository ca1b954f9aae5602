import { describe, expect, it } from 'vitest';
import { firstShapeMismatch } from './shape-compare.js';

describe('firstShapeMismatch', () => {
  it('accepts equal trees and "NaN" where a number is expected', () => {
    expect(firstShapeMismatch({ a: [1, { b: 'NaN' }] }, { a: [1, { b: 2 }] }, { dataKeys: new Set(['b']) })).toBe(
      undefined,
    );
  });

  it('reports the path of the first difference in document order', () => {
    expect(firstShapeMismatch({ a: { b: [1, 2] }, c: 1 }, { a: { b: [1, 3] }, c: 2 })).toEqual({
      path: '/a/b/1',
      reason: 'expected 3, got 2',
    });
  });

  it('reports keys in another order, missing or extra', () => {
    expect(firstShapeMismatch({ b: 1, a: 1 }, { a: 1, b: 1 })?.reason).toMatch(
      /expected key "a" at position 0, got "b"/,
    );
    expect(firstShapeMismatch({ a: 1 }, { a: 1, b: 1 })).toEqual({ path: '', reason: 'missing key "b"' });
    expect(firstShapeMismatch({ a: { x: 1, y: 2 } }, { a: { x: 1 } })).toEqual({
      path: '/a',
      reason: 'unexpected key "y"',
    });
  });

  it('compares only kinds under data keys, and nothing inside opaque keys', () => {
    const options = { dataKeys: new Set(['qMatrix']), opaqueKeys: new Set(['qNumFormat']) };
    expect(firstShapeMismatch({ qMatrix: [[{ qText: 'a' }]] }, { qMatrix: [] }, options)).toBeUndefined();
    expect(firstShapeMismatch({ qMatrix: [{ qText: 1 }] }, { qMatrix: [{ qText: 'x' }] }, options)?.path).toBe(
      '/qMatrix/0/qText',
    );
    expect(firstShapeMismatch({ qNumFormat: { qType: 'U' } }, { qNumFormat: { qFmt: '#' } }, options)).toBeUndefined();
    expect(firstShapeMismatch({ qNumFormat: [] }, { qNumFormat: {} }, options)?.path).toBe('/qNumFormat');
  });
});
