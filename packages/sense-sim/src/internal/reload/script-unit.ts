import type { ScannedText } from '@qixflow/script';
import { ExpressionError } from '../data/expressions/expression-error.js';
import type { ExpandedText } from './expand-statement.js';
import { BudgetExceeded, ExecutionError, ScriptError } from './script-error.js';

/** A position as script errors name it: line and column as written, and the statement's text. */
export interface Where {
  readonly line: number;
  readonly column: number;
  readonly statement: string;
}

/**
 * A text the run executes — the app's script, an included file, or the expansion of one statement
 * — and how an error raised by one of its statements is reported: always at the line and column
 * where the statement is written in the app's script, with the statement as written (before
 * dollar expansion); an included file's statements add the file and their line in it.
 */
export interface ScriptUnit {
  /** The script error for `error`, raised by `node` of this unit; `offset` (default: the node's start) is in this unit's text. */
  error(error: unknown, node: ScannedText, offset?: number): ScriptError;
  /** Where `node` (an include directive of this unit) stands in the app's script. */
  site(node: ScannedText): Where;
  /** How many includes deep this unit is (0 for the app's script). */
  readonly includeDepth: number;
}

/** Text as it was written: the app's script, or an included file (`include` says which and from where). */
export class WrittenUnit implements ScriptUnit {
  readonly includeDepth: number;
  readonly #text: string;
  readonly #include: { readonly path: string; readonly site: Where } | null;
  #lineStarts: number[] | undefined;

  constructor(text: string, include: { path: string; site: Where; depth: number } | null = null) {
    this.#text = text;
    this.#include = include && { path: include.path, site: include.site };
    this.includeDepth = include?.depth ?? 0;
  }

  error(error: unknown, node: ScannedText, offset = node.span.start.offset): ScriptError {
    const { line, column } = this.#lineColumn(offset);
    const statement = shown(node.text);
    if (!this.#include) return positioned(error, { line, column, statement });
    const { path, site } = this.#include;
    return positioned(error, { line: site.line, column: site.column, statement }, ` (in '${path}', line ${line})`);
  }

  site(node: ScannedText): Where {
    if (this.#include) return this.#include.site;
    return { ...this.#lineColumn(node.span.start.offset), statement: shown(node.text) };
  }

  /** Line and column (from 1, columns in UTF-16 units) of `offset`, counting line breaks as the script scanner does. */
  #lineColumn(offset: number): { line: number; column: number } {
    const starts = this.#starts();
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - (starts[lo] as number) + 1 };
  }

  #starts(): number[] {
    if (this.#lineStarts) return this.#lineStarts;
    const text = this.#text;
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) starts.push(i + 1);
    }
    this.#lineStarts = starts;
    return starts;
  }
}

/**
 * The statements one statement expanded into (usually just itself, expanded): their errors are
 * the written statement's, at the place in it the failing text came from.
 */
export class ExpandedUnit implements ScriptUnit {
  readonly #parent: ScriptUnit;
  readonly #written: ScannedText;
  readonly #expansion: ExpandedText;

  constructor(parent: ScriptUnit, written: ScannedText, expansion: ExpandedText) {
    this.#parent = parent;
    this.#written = written;
    this.#expansion = expansion;
  }

  get includeDepth(): number {
    return this.#parent.includeDepth;
  }

  error(error: unknown, node: ScannedText, offset = node.span.start.offset): ScriptError {
    const written = this.#written;
    return this.#parent.error(error, written, written.span.start.offset + this.#expansion.origin(offset));
  }

  site(): Where {
    return this.#parent.site(this.#written);
  }
}

/** A statement's text as errors show it. */
function shown(text: string): string {
  return text.trim().slice(0, 400);
}

/**
 * Turns an executor error into the engine's script error at `where` (budgets also name the line);
 * `suffix` follows the message (where in an included file it happened).
 */
function positioned(error: unknown, where: Where, suffix = ''): ScriptError {
  if (error instanceof ScriptError) return error;
  if (error instanceof BudgetExceeded) {
    return new ScriptError(`${error.message} at line ${where.line}${suffix}`, where);
  }
  // An expression the script wrote wrong (or uses a function the simulator lacks) is the script's error, not ours.
  const message =
    error instanceof ExecutionError || error instanceof ExpressionError
      ? error.message
      : `Internal error: ${withoutHostPaths(String((error as Error)?.message))}`;
  return new ScriptError(`${message}${suffix}`, where);
}

/**
 * An unexpected error (a bug, or an fs error nobody caught) may quote an absolute host path;
 * script errors reach any engine client, so such paths are cut out.
 */
function withoutHostPaths(message: string): string {
  return message.replace(/(?:[A-Za-z]:)?[\\/](?:[^\s'"\\/]+[\\/])+[^\s'"]*/g, '<path>');
}
