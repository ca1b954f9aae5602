import { ExpressionError } from './expression-error.js';

/**
 * The longest text (in UTF-16 code units) an expression or function may produce: 10 Mi characters,
 * about 20 MB in memory. Far beyond any real field value or label, yet small enough that a
 * `Repeat('x', 1e9)` or a chain of `&` fails with an expression error instead of exhausting the heap
 * and killing the whole simulator. Documented in the README under "Budgets and limits".
 */
export const MAX_TEXT_LENGTH = 10 * 1024 * 1024;

/**
 * Throws the engine-style expression error when `length` (of a text about to be built) is over
 * {@link MAX_TEXT_LENGTH}; `producer` names what would build it (a function or operator). Call it
 * before allocating, with the length computed from the inputs.
 *
 * @example
 * ```ts
 * checkTextLength(value.length * count, 'Repeat');
 * return textCell(value.repeat(count));
 * ```
 */
export function checkTextLength(length: number, producer: string): void {
  if (length > MAX_TEXT_LENGTH) {
    throw new ExpressionError(
      `${producer} would produce a text of ${length} characters, over the maximum text length of ${MAX_TEXT_LENGTH} characters`,
    );
  }
}
