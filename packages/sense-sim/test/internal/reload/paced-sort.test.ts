import { describe, expect, it } from 'vitest';
import { pacedSort } from '../../../src/internal/reload/paced-sort.js';
import type { Pacer } from '../../../src/internal/reload/reload-budget.js';

describe('pacedSort', () => {
  it('orders exactly like the stable native sort, ties in their original order', async () => {
    let seed = 7;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (const n of [0, 1, 2, 3, 17, 1000, 4097]) {
      const items = Array.from({ length: n }, (_, i) => ({ key: Math.floor(random() * 20), i }));
      const compare = (a: { key: number }, b: { key: number }): number => a.key - b.key;
      expect(await pacedSort(items, compare, { due: () => false, pause: async () => {} })).toEqual(
        [...items].sort(compare),
      );
    }
  });

  it('yields while it sorts and stops when a pause throws (an abort)', async () => {
    let pauses = 0;
    const pacer: Pacer = {
      due: () => true,
      pause: async () => {
        pauses++;
        if (pauses === 3) throw new Error('aborted');
      },
    };
    // Big enough for several offers to pause (one per 1 024 comparisons).
    const items = Array.from({ length: 10_000 }, (_, i) => 10_000 - i);
    await expect(pacedSort(items, (a, b) => a - b, pacer)).rejects.toThrow('aborted');
    expect(pauses).toBe(3);
  });
});
