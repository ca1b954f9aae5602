import type { Diagnostic } from './diagnostic.js';
import { StructureScanner } from './internal/structure-scanner.js';
import type { ScanNode } from './scan-node.js';

/** What {@link scanScript} returns. */
export interface ScanScriptResult {
  readonly body: readonly ScanNode[];
  /**
   * Structural problems only (`unclosed-block`, `unmatched-block-end`, `unexpected-token` for an
   * ELSE after ELSE or statements before the first CASE, `nesting-too-deep`), in source order. What
   * is wrong inside a statement or clause is found when it is parsed.
   */
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Finds the control structure of a load script — IF/ELSEIF/ELSE/END IF, FOR…NEXT, FOR EACH…NEXT,
 * DO…LOOP, SWITCH/CASE/DEFAULT/END SWITCH, SUB…END SUB — without parsing its statements, the way
 * the engine reads a script before it runs it: each statement is dollar-expanded and parsed only
 * when it is reached, so a statement in a branch that is never taken is never parsed. Comments and
 * `REM …;` between statements are left out.
 *
 * Statements end at their `;` (outside quotes, brackets, comments and `$(…)`). Control clauses end
 * at the end of their line or at a `;` (`EndIf;`, `Next;` and `Loop` all work); `IF c THEN` ends at
 * its THEN, so a statement may follow on the same line. A statement missing its `;` before a line
 * that starts with END IF, NEXT, LOOP, … of an open block ends there. Never throws on user input.
 *
 * @example
 * ```ts
 * import { parseClause, parseStatement, scanScript } from '@qixflow/script';
 *
 * const { body, diagnostics } = scanScript('IF $(vFull) THEN\n  LOAD * FROM [lib://Data/x.csv];\nEND IF');
 * diagnostics.length; // 0
 * const block = body[0];
 * if (block?.kind === 'If') {
 *   block.branches[0]?.clause.text; // 'IF $(vFull) THEN' — expand, then parseClause(text)
 *   block.branches[0]?.body[0]; // { kind: 'Statement', text: 'LOAD * FROM [lib://Data/x.csv];', span }
 * }
 * ```
 */
export function scanScript(text: string): ScanScriptResult {
  if (typeof text !== 'string') throw new TypeError(`scanScript: text must be a string, got ${typeof text}`);
  const scanner = new StructureScanner(text);
  const body = scanner.scan();
  const diagnostics = [...scanner.diagnostics].sort((a, b) => a.span.start.offset - b.span.start.offset);
  return { body, diagnostics };
}
