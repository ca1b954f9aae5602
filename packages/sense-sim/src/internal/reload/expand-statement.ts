import { findExpansions } from '@qixflow/script';
import { MAX_TEXT_LENGTH } from '../data/expressions/text-limit.js';
import { ExecutionError } from './script-error.js';
import type { ScriptState } from './script-state.js';

/** A statement's text after dollar expansion, and where each part of it was written. */
export interface ExpandedText {
  readonly text: string;
  /**
   * The offset in the written text that `offset` in the expanded text comes from: the same
   * character between expansions, the `$` of the `$(…)` that produced it otherwise.
   */
  origin(offset: number): number;
}

/** One stretch of the expanded text: copied from the written text, or produced by one `$(…)`. */
interface Piece {
  readonly from: number;
  readonly written: number;
  readonly copied: boolean;
}

/**
 * Expands every `$(…)` of a statement (or control clause) with the script's variables, as the
 * engine does right before it parses the statement — `$(v)`, `$(v(a, b))` with `$1`…, `$(=expr)`
 * evaluated in script context, nested expansions first — keeping track of where each part of the
 * result was written, so that a syntax error in the result is reported where its text stood.
 * Include directives are left as written (the driver runs them).
 */
export function expandStatement(state: ScriptState, written: string): ExpandedText {
  const matches = findExpansions(written);
  if (matches.length === 0) return { text: written, origin: (offset) => offset };
  const pieces: Piece[] = [];
  let text = '';
  let at = 0;
  for (const m of matches) {
    if (m.start > at) {
      pieces.push({ from: text.length, written: at, copied: true });
      text += written.slice(at, m.start);
    }
    pieces.push({ from: text.length, written: m.start, copied: false });
    text += state.expand(written.slice(m.start, m.end));
    if (text.length > MAX_TEXT_LENGTH) tooLong(text.length);
    at = m.end;
  }
  if (at < written.length) {
    pieces.push({ from: text.length, written: at, copied: true });
    text += written.slice(at);
    if (text.length > MAX_TEXT_LENGTH) tooLong(text.length);
  }
  return { text, origin: (offset) => originOf(pieces, offset) };
}

function originOf(pieces: readonly Piece[], offset: number): number {
  let lo = 0;
  let hi = pieces.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((pieces[mid] as Piece).from <= offset) lo = mid;
    else hi = mid - 1;
  }
  const piece = pieces[lo];
  if (!piece) return 0;
  return piece.copied ? piece.written + (offset - piece.from) : piece.written;
}

function tooLong(length: number): never {
  throw new ExecutionError(
    `Statement too long after variable expansion: ${length} characters (the maximum is ${MAX_TEXT_LENGTH})`,
  );
}
