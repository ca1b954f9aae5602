import type { Span } from './ast.js';
import type { Diagnostic } from './diagnostic.js';
import { StructureScanner } from './internal/structure-scanner.js';

/** Source text exactly as written — a statement, or one clause of a control statement — and where it is. */
export interface ScannedText {
  readonly text: string;
  readonly span: Span;
}

/**
 * A statement that is not a block: LOAD, SET, LET (also without the word LET), CALL, EXIT, DROP …,
 * `$(Include=…)`. Its text runs up to and including its `;` (CALL, EXIT and assignments without LET
 * end at the end of their line, as control statements do). It is not parsed: expand it, then
 * parse it with `parseStatement`.
 */
export interface ScannedStatement extends ScannedText {
  readonly kind: 'Statement';
}

/** A clause and the statements it governs: an IF/ELSEIF branch or a CASE. */
export interface ScannedBranch {
  /** `IF c THEN`, `ELSEIF c THEN`, `CASE v, …` (parse with `parseClause`). */
  readonly clause: ScannedText;
  readonly body: readonly ScanNode[];
}

/** `IF … [ELSEIF …]* [ELSE …] END IF` (or `ENDIF`). */
export interface ScannedIf {
  readonly kind: 'If';
  readonly branches: readonly ScannedBranch[];
  readonly elseBody: readonly ScanNode[] | null;
  readonly span: Span;
}

/** `FOR v = a TO b [STEP s] … NEXT` or `FOR EACH v IN … NEXT`: `clause` is the FOR line. */
export interface ScannedFor {
  readonly kind: 'For';
  readonly clause: ScannedText;
  readonly body: readonly ScanNode[];
  readonly span: Span;
}

/** `DO [WHILE|UNTIL c] … LOOP [WHILE|UNTIL c]`: `clause` is the DO line, `loop` the LOOP line. */
export interface ScannedDo {
  readonly kind: 'Do';
  readonly clause: ScannedText;
  readonly body: readonly ScanNode[];
  /** Null only when the LOOP is missing (then `diagnostics` has an `unclosed-block` error). */
  readonly loop: ScannedText | null;
  readonly span: Span;
}

/** `SWITCH e CASE … [DEFAULT …] END SWITCH`. */
export interface ScannedSwitch {
  readonly kind: 'Switch';
  readonly clause: ScannedText;
  readonly cases: readonly ScannedBranch[];
  readonly defaultBody: readonly ScanNode[] | null;
  readonly span: Span;
}

/** `SUB name[(params)] … END SUB` (or `ENDSUB`). */
export interface ScannedSub {
  readonly kind: 'Sub';
  readonly clause: ScannedText;
  readonly body: readonly ScanNode[];
  readonly span: Span;
}

/** One element of a scanned script: a statement, or a block with its clauses and bodies. */
export type ScanNode = ScannedStatement | ScannedIf | ScannedFor | ScannedDo | ScannedSwitch | ScannedSub;

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
