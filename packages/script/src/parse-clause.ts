import type { ControlClause } from './ast.js';
import type { Diagnostic } from './diagnostic.js';
import { wholeSpan } from './internal/position.js';
import { ScriptParser } from './internal/script-parser.js';

/** What {@link parseClause} returns. */
export interface ParseClauseResult {
  /** The clause; null (with an error diagnostic) when the text is not a valid control clause. */
  readonly clause: ControlClause | null;
  /** Problems found, in source order (spans are positions in `text`). */
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Parses one clause of a control statement — a `clause` of {@link scanScript}'s blocks, after
 * dollar expansion: `IF c THEN` / `ELSEIF c THEN` (an `IfBranch`), `FOR v = a TO b [STEP s]`
 * (`For`), `FOR EACH v IN …` (`ForEach`), `DO [WHILE|UNTIL c]` (`DoLoop` with `condition`),
 * `LOOP [WHILE|UNTIL c]` (`DoLoop` with `loopCondition`), `SWITCH e` (`Switch`), `CASE v, …`
 * (`SwitchCase`), `SUB name(…)` (`Sub`) — each with an empty body. A `;` may end it; anything
 * else after the clause is an error. Never throws on user input.
 *
 * @example
 * ```ts
 * const { clause } = parseClause("For each name in '','orders'");
 * clause?.kind; // 'ForEach' — variable 'name', values ['' and 'orders' as StringLiterals]
 * ```
 */
export function parseClause(text: string): ParseClauseResult {
  if (typeof text !== 'string') throw new TypeError(`parseClause: text must be a string, got ${typeof text}`);
  const parser = new ScriptParser(text, null);
  let clause: ControlClause | null;
  try {
    clause = parser.parseClause();
  } catch (e) {
    parser.diagnostics.push({
      code: 'internal-error',
      severity: 'error',
      message: `Internal parser error: ${e instanceof Error ? e.message : String(e)}`,
      span: wholeSpan(text),
    });
    clause = null;
  }
  const diagnostics = [...parser.diagnostics].sort((a, b) => a.span.start.offset - b.span.start.offset);
  return { clause, diagnostics };
}
