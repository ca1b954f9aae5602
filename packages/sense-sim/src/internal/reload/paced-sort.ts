import type { Pacer } from './reload-budget.js';

/**
 * A stable sort that yields while it works: `Array.prototype.sort` of millions of records with a
 * comparator (ORDER BY on text runs `localeCompare` per comparison) holds the event loop for
 * seconds. Bottom-up merge sort, so the order equals the (also stable) native sort's.
 */
export async function pacedSort<T>(items: T[], compare: (a: T, b: T) => number, pacer: Pacer): Promise<T[]> {
  const n = items.length;
  let from = items.slice();
  let to: T[] = new Array(n);
  for (let width = 1; width < n; width *= 2) {
    for (let start = 0; start < n; start += 2 * width) {
      const middle = Math.min(start + width, n);
      const end = Math.min(start + 2 * width, n);
      let left = start;
      let right = middle;
      for (let k = start; k < end; k++) {
        // Take from the left run on ties: that is what keeps the sort stable.
        if (left < middle && (right >= end || compare(from[left] as T, from[right] as T) <= 0))
          to[k] = from[left++] as T;
        else to[k] = from[right++] as T;
      }
      if (pacer.due(end - start)) await pacer.pause();
    }
    [from, to] = [to, from];
  }
  return from;
}
