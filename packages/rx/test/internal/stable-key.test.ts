import { describe, expect, it } from 'vitest';
import { stableKey } from '../../src/internal/stable-key.js';

describe('stableKey', () => {
  it('ignores key order and undefined values, keeps array order', () => {
    expect(stableKey({ b: 1, a: { d: [2, 1], c: undefined } })).toBe(stableKey({ a: { d: [2, 1] }, b: 1 }));
    expect(stableKey({ a: [1, 2] })).not.toBe(stableKey({ a: [2, 1] }));
    expect(stableKey(undefined)).toBe('undefined');
  });
});
