import { type Cell, type Dual, numberDual } from '../model/loaded-model.js';

/**
 * The semantics of Qlik values in expressions: duals of text and number, NULL, booleans as -1/0,
 * and the comparison rules (numbers compare as numbers, anything else as text).
 */

const NUMBER_TEXT = /^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$/;

/** The number of a value: its numeric part, or its text read as a plain number; NaN when it has none. */
export function toNumber(cell: Cell): number {
  if (cell === null) return Number.NaN;
  if (!Number.isNaN(cell.num)) return cell.num;
  return NUMBER_TEXT.test(cell.text) ? Number(cell.text) : Number.NaN;
}

/** A number as a value; NaN and infinities (0/0, 1/0, log(-1)) become NULL, as in Qlik. */
export function numberCell(num: number): Cell {
  return Number.isFinite(num) ? numberDual(num) : null;
}

/** A pure text value (no number, even when the text looks like one). */
export function textCell(text: string): Dual {
  return { text, num: Number.NaN };
}

/** Qlik's TRUE (-1) and FALSE (0). */
export const TRUE: Dual = numberDual(-1);
export const FALSE: Dual = numberDual(0);

/** `TRUE` or `FALSE`. */
export function booleanCell(value: boolean): Dual {
  return value ? TRUE : FALSE;
}

/** Whether a value counts as true in a condition: a non-zero number. NULL and plain text are false. */
export function isTrue(cell: Cell): boolean {
  const num = toNumber(cell);
  return !Number.isNaN(num) && num !== 0;
}

/** The text of a value; '' for NULL (as `&` treats it). */
export function textOf(cell: Cell): string {
  return cell === null ? '' : cell.text;
}

/**
 * Text ordering as the engine sorts text: alphabetical, case-insensitive first (a < B < c), then
 * case to break ties.
 */
const textCollator = new Intl.Collator('en', { sensitivity: 'variant', caseFirst: 'upper', numeric: false });

/** Compares two texts the way `<`, `>` and text sorting do. */
export function compareText(a: string, b: string): number {
  return textCollator.compare(a, b);
}

/** Case-insensitive text equality, as `=` between texts. */
export function textEquals(a: string, b: string): boolean {
  return a === b || a.toLowerCase() === b.toLowerCase();
}

/** A relational operator. */
export type RelationalOperator = '=' | '<>' | '<' | '<=' | '>' | '>=';

/**
 * `a op b` with Qlik's rules: NULL op NULL is NULL; `x <> NULL` is true and every other comparison
 * with one NULL is false; two numbers compare as numbers; otherwise the texts compare (`=`
 * case-insensitively).
 */
export function compareCells(a: Cell, op: RelationalOperator, b: Cell): Cell {
  if (a === null && b === null) return null;
  if (a === null || b === null) return booleanCell(op === '<>');
  const x = toNumber(a);
  const y = toNumber(b);
  let order: number;
  if (!Number.isNaN(x) && !Number.isNaN(y)) order = x < y ? -1 : x > y ? 1 : 0;
  else if (op === '=' || op === '<>') return booleanCell(textEquals(a.text, b.text) === (op === '='));
  else order = compareText(a.text, b.text);
  switch (op) {
    case '=':
      return booleanCell(order === 0);
    case '<>':
      return booleanCell(order !== 0);
    case '<':
      return booleanCell(order < 0);
    case '<=':
      return booleanCell(order <= 0);
    case '>':
      return booleanCell(order > 0);
    case '>=':
      return booleanCell(order >= 0);
  }
}

/** Whether two values are the same value (for Only, DISTINCT, Match): numbers by number, else by exact text. */
export function sameValue(a: Cell, b: Cell): boolean {
  if (a === null || b === null) return a === b;
  const x = toNumber(a);
  const y = toNumber(b);
  if (!Number.isNaN(x) || !Number.isNaN(y)) return x === y;
  return a.text === b.text;
}

/** A key identifying a value for DISTINCT: numbers by number, text by text. */
export function valueKey(cell: Dual): string | number {
  const num = toNumber(cell);
  return Number.isNaN(num) ? `t:${cell.text}` : num;
}
