import type { Cell } from '../data/model/loaded-model.js';

/** Qlik truth: a number other than 0 is true; null and text are false. */
export function truthy(cell: Cell): boolean {
  return cell !== null && !Number.isNaN(cell.num) && cell.num !== 0;
}

/** The number of a cell; NaN for null and text. */
export function toNumber(cell: Cell): number {
  return cell === null ? Number.NaN : cell.num;
}

/** SWITCH/CASE equality: numbers by value, text case-insensitively. */
export function equalCells(a: Cell, b: Cell): boolean {
  if (a === null || b === null) return a === b;
  if (!Number.isNaN(a.num) && !Number.isNaN(b.num)) return a.num === b.num;
  return a.text.toLowerCase() === b.text.toLowerCase();
}
