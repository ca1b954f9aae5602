// The tree that scanScript returns: statements as text, blocks with their clauses and bodies. Its own
// file so that the scanner (internal/structure-scanner.ts) builds it without importing scanScript.

import type { Span } from './ast.js';

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
