import {
  type ControlClause,
  parseClause,
  parseStatement,
  type ScanNode,
  type ScannedStatement,
  type ScannedText,
  type Statement,
  scanScript,
} from '@qixflow/script';
import { type ExpandedText, expandStatement } from './expand-statement.js';
import { ExecutionError } from './script-error.js';
import type { ScriptState } from './script-state.js';
import { ExpandedUnit, type ScriptUnit } from './script-unit.js';

/**
 * Reads a script the engine's way, for the driver: its control structure first, then each
 * statement and control clause dollar-expanded and parsed when it is reached. Syntax errors are
 * script errors at the place they are written. What parses the same every time is parsed once:
 * statements and clauses without `$(…)`, and an expanding statement whose expansion did not change.
 */
export class StatementReader {
  readonly #state: ScriptState;
  readonly #parsed = new WeakMap<ScannedText, Statement | ControlClause | null>();
  readonly #expansions = new WeakMap<ScannedText, { text: string; body: readonly ScanNode[] }>();

  constructor(state: ScriptState) {
    this.#state = state;
  }

  /** The control structure of a text; an unbalanced one fails before any of it runs. */
  structure(text: string, unit: ScriptUnit): readonly ScanNode[] {
    const { body, diagnostics } = scanScript(text);
    const problem = diagnostics.find((d) => d.severity === 'error');
    if (problem) {
      const at = problem.span.start.offset;
      const lineText = text.slice(text.lastIndexOf('\n', at - 1) + 1).split(/\r?\n/)[0] ?? '';
      throw unit.error(new ExecutionError(`Syntax error: ${problem.message}`), { text: lineText, span: problem.span });
    }
    return body;
  }

  /** Whether a statement is expanded before it is parsed (never twice: not inside an expansion). */
  expands(scanned: ScannedText, unit: ScriptUnit): boolean {
    return !(unit instanceof ExpandedUnit) && scanned.text.includes('$(');
  }

  /**
   * A statement with `$(…)`, expanded now: what it expands to, scanned — usually one statement,
   * but a variable may hold several (or a whole block) — and the unit that reports their errors.
   */
  expand(leaf: ScannedStatement, unit: ScriptUnit): { body: readonly ScanNode[]; unit: ScriptUnit } {
    let expansion: ExpandedText;
    try {
      expansion = expandStatement(this.#state, leaf.text);
    } catch (e) {
      throw unit.error(e, leaf);
    }
    const inner = new ExpandedUnit(unit, leaf, expansion);
    let last = this.#expansions.get(leaf);
    if (last?.text !== expansion.text) {
      last = { text: expansion.text, body: this.structure(expansion.text, inner) };
      this.#expansions.set(leaf, last);
    }
    return { body: last.body, unit: inner };
  }

  /** A statement (already expanded), parsed; null when it holds only comments. */
  statement(leaf: ScannedStatement, unit: ScriptUnit): Statement | null {
    const cached = this.#parsed.get(leaf);
    if (cached !== undefined) return cached as Statement | null;
    const { statement, diagnostics } = parseStatement(leaf.text);
    const problem = diagnostics.find((d) => d.severity === 'error');
    if (problem) {
      const after =
        unit instanceof ExpandedUnit ? ` (after variable expansion: ${leaf.text.trim().slice(0, 200)})` : '';
      const error = new ExecutionError(`Syntax error: ${problem.message}${after}`);
      throw unit.error(error, leaf, leaf.span.start.offset + problem.span.start.offset);
    }
    this.#parsed.set(leaf, statement);
    return statement;
  }

  /** A control clause, expanded and parsed now (one of `kinds`). */
  clause<K extends ControlClause['kind']>(
    scanned: ScannedText,
    unit: ScriptUnit,
    ...kinds: K[]
  ): Extract<ControlClause, { kind: K }> {
    let clause = this.#parsed.get(scanned) as ControlClause | undefined;
    if (clause === undefined) {
      const expanding = this.expands(scanned, unit);
      let expansion: ExpandedText = { text: scanned.text, origin: (offset) => offset };
      try {
        if (expanding) expansion = expandStatement(this.#state, scanned.text);
      } catch (e) {
        throw unit.error(e, scanned);
      }
      const parsed = parseClause(expansion.text);
      const problem = parsed.diagnostics.find((d) => d.severity === 'error');
      if (problem || !parsed.clause) {
        const after = expanding ? ` (after variable expansion: ${expansion.text.trim().slice(0, 200)})` : '';
        const error = new ExecutionError(`Syntax error: ${problem?.message ?? 'not a control statement'}${after}`);
        const offset = scanned.span.start.offset + expansion.origin(problem?.span.start.offset ?? 0);
        throw unit.error(error, scanned, offset);
      }
      clause = parsed.clause;
      if (!expanding) this.#parsed.set(scanned, clause);
    }
    if (!(kinds as string[]).includes(clause.kind)) {
      throw unit.error(new ExecutionError(`Unexpected control statement: ${scanned.text.trim()}`), scanned);
    }
    return clause as Extract<ControlClause, { kind: K }>;
  }
}
