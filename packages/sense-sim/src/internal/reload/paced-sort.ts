import { runStepsPaced, sortedOrderSteps } from '../data/model/work-steps.js';
import type { Pacer } from './reload-budget.js';

/**
 * A stable sort that yields while it works: `Array.prototype.sort` of millions of records with a
 * comparator (ORDER BY on text runs `localeCompare` per comparison) holds the event loop for
 * seconds. The data model's merge sort over item numbers, ties broken by position, so the order
 * equals the (also stable) native sort's.
 */
export async function pacedSort<T>(items: T[], compare: (a: T, b: T) => number, pacer: Pacer): Promise<T[]> {
  const byPosition = (a: number, b: number): number => compare(items[a] as T, items[b] as T) || a - b;
  const order = await runStepsPaced(sortedOrderSteps(items.length, byPosition), pacer);
  return Array.from(order, (i) => items[i] as T);
}
